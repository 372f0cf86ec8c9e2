//! Argon2id password hashing, off the async runtime.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use domain::Password;

use crate::ServiceError;

/// Hashes a password with Argon2id (default OWASP parameters) on a blocking thread.
pub async fn hash(password: &Password) -> Result<String, ServiceError> {
    let secret = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| anyhow::anyhow!("hashing password: {error}"))
    })
    .await
    .map_err(|error| anyhow::anyhow!("hashing task failed: {error}"))?
    .map_err(ServiceError::Internal)
}

/// Checks `candidate` against a stored PHC hash on a blocking thread; false on any mismatch.
pub async fn verify(stored_hash: &str, candidate: &str) -> bool {
    let stored_hash = stored_hash.to_owned();
    let candidate = candidate.to_owned();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored_hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(candidate.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A valid hash of a random password, verified against when the e-mail is unknown so that
/// "no such user" and "wrong password" take the same time.
pub const TIMING_DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5o2SqbxqXJ4Jr8UfQnZ2nJbD6T1Jw2Yy3aJQ0m3yP0M";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let password = Password::parse("password", "correct horse battery").unwrap();
        let stored = hash(&password).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(&stored, "correct horse battery").await);
        assert!(!verify(&stored, "wrong horse battery").await);
        assert!(!verify("not a hash", "correct horse battery").await);
    }

    #[tokio::test]
    async fn decoy_hash_parses_and_rejects() {
        assert!(PasswordHash::new(TIMING_DECOY_HASH).is_ok());
        assert!(!verify(TIMING_DECOY_HASH, "anything at all").await);
    }
}
