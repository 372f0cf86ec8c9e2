//! Credentials Reachline must keep to use later (SFTP passwords, private keys
//! and passphrases) are sealed at rest with XChaCha20-Poly1305 under a key
//! derived from the server secret (`--jwt-secret`): a copy of the database
//! alone reveals none of them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// Marks a sealed value (and its format version).
const PREFIX: &str = "sealed:v1:";

/// Nonce bytes at the start of a sealed value.
const NONCE_BYTES: usize = 24;

/// Seals and opens stored credentials; every replica derives the same key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

/// A stored credential that cannot be opened with this server's secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the stored credential cannot be read (sealed under another server secret, or damaged): enter it again"
)]
pub struct Unreadable;

impl SecretBox {
    /// Derives the sealing key from the server secret.
    pub fn from_secret(secret: &[u8]) -> Self {
        let key = Sha256::new()
            .chain_update(b"reachline stored credentials v1\0")
            .chain_update(secret)
            .finalize();
        Self {
            cipher: XChaCha20Poly1305::new(&key),
        }
    }

    /// Seals a credential for storage (a fresh random nonce each time).
    pub fn seal(&self, plain: &str) -> Result<String, crate::ServiceError> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .map_err(|_| anyhow::anyhow!("sealing a credential failed"))?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Ok(format!("{PREFIX}{}", STANDARD.encode(bytes)))
    }

    /// Opens a stored credential.
    pub fn open(&self, stored: &str) -> Result<String, Unreadable> {
        let encoded = stored.strip_prefix(PREFIX).ok_or(Unreadable)?;
        let bytes = STANDARD.decode(encoded).map_err(|_| Unreadable)?;
        if bytes.len() < NONCE_BYTES {
            return Err(Unreadable);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), sealed)
            .map_err(|_| Unreadable)?;
        String::from_utf8(plain).map_err(|_| Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_under_the_same_secret() {
        let secrets = SecretBox::from_secret(b"one server secret");
        let sealed = secrets.seal("hunter2-sftp").unwrap();
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("hunter2"));
        assert_ne!(sealed, secrets.seal("hunter2-sftp").unwrap(), "fresh nonce");
        assert_eq!(secrets.open(&sealed).unwrap(), "hunter2-sftp");
        let other = SecretBox::from_secret(b"another secret");
        assert_eq!(other.open(&sealed), Err(Unreadable));
        assert_eq!(
            secrets.open("hunter2-sftp"),
            Err(Unreadable),
            "plain text is not a sealed value"
        );
        let mut damaged = sealed.clone();
        damaged.pop();
        damaged.push('A');
        assert_eq!(secrets.open(&damaged), Err(Unreadable));
    }
}
