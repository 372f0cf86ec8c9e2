//! Login tokens: HS256 JWTs with a revocable `jti`.
//!
//! Revocations are stored in the database (the system of record, so a cache
//! restart never revives a token) and cached per `jti` for the hot path.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ServiceError, Services};

/// The keys derived once from the configured server secret: tokens' signing
/// and verifying keys, and the sealing key of stored credentials.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Seals the SFTP credentials the Job Scheduler stores.
    pub secrets: crate::secrets::SecretBox,
}

impl TokenKeys {
    /// Derives every key from a shared secret (every replica must use the same one).
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            secrets: crate::secrets::SecretBox::from_secret(secret),
        }
    }
}

/// What a token says about its bearer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// The tenant id.
    pub tid: Uuid,
    /// The token id, revocable by logout.
    pub jti: String,
    /// Issued at, epoch seconds.
    pub iat: i64,
    /// Expires at, epoch seconds.
    pub exp: i64,
}

impl Claims {
    /// The expiry as a timestamp.
    pub fn expires_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.exp, 0).unwrap_or_else(Utc::now)
    }
}

/// A freshly signed token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The compact JWT.
    pub token: String,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Signs a token for a user.
pub fn issue(
    keys: &TokenKeys,
    user_id: Uuid,
    tenant_id: Uuid,
    ttl: Duration,
) -> Result<IssuedToken, ServiceError> {
    let now = Utc::now();
    let expires_at = now + chrono::Duration::from_std(ttl).map_err(anyhow::Error::from)?;
    let claims = Claims {
        sub: user_id,
        tid: tenant_id,
        jti: Uuid::new_v4().simple().to_string(),
        iat: now.timestamp(),
        exp: expires_at.timestamp(),
    };
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)
        .map_err(|error| anyhow::anyhow!("signing token: {error}"))?;
    Ok(IssuedToken { token, expires_at })
}

/// Checks the signature and expiry (no leeway); any failure is `UNAUTHENTICATED`.
pub fn decode(keys: &TokenKeys, token: &str) -> Result<Claims, ServiceError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "sub", "jti"]);
    jsonwebtoken::decode::<Claims>(token, &keys.decoding, &validation)
        .map(|data| data.claims)
        .map_err(|error| match error.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                ServiceError::Unauthenticated("token expired")
            }
            _ => ServiceError::Unauthenticated("invalid token"),
        })
}

fn revocation_key(jti: &str) -> String {
    format!("auth:revoked:{jti}")
}

fn remaining(claims: &Claims) -> Duration {
    (claims.expires_at() - Utc::now())
        .to_std()
        .unwrap_or(Duration::from_secs(1))
}

/// Ends a token now, on every replica.
pub async fn revoke(services: &Services, claims: &Claims) -> Result<(), ServiceError> {
    let row = entity::revoked_token::ActiveModel {
        jti: Set(claims.jti.clone()),
        user_id: Set(claims.sub),
        expires_at: Set(claims.expires_at()),
        revoked_at: Set(Utc::now()),
    };
    match row.insert(&services.db).await {
        Ok(_) => {}
        // Logging out twice is fine.
        Err(error)
            if matches!(
                error.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) => {}
        Err(error) => return Err(error.into()),
    }
    services
        .cache
        .set(&revocation_key(&claims.jti), "1", Some(remaining(claims)))
        .await?;
    Ok(())
}

/// Whether a token was revoked: the cache answers, the database fills the cache on a miss.
pub async fn is_revoked(services: &Services, claims: &Claims) -> Result<bool, ServiceError> {
    let key = revocation_key(&claims.jti);
    if let Some(flag) = services.cache.get(&key).await? {
        return Ok(flag == "1");
    }
    let revoked = entity::revoked_token::Entity::find_by_id(claims.jti.clone())
        .one(&services.db)
        .await?
        .is_some();
    // Cache "not revoked" only briefly: a logout on a replica whose cache we do not share
    // (the embedded default) must still win soon.
    let ttl = if revoked {
        remaining(claims)
    } else {
        remaining(claims).min(Duration::from_secs(30))
    };
    services
        .cache
        .set(&key, if revoked { "1" } else { "0" }, Some(ttl))
        .await?;
    Ok(revoked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_then_decode() {
        let keys = TokenKeys::from_secret(b"test secret of sufficient length!!");
        let user = Uuid::new_v4();
        let tenant = Uuid::new_v4();
        let issued = issue(&keys, user, tenant, Duration::from_secs(60)).unwrap();
        let claims = decode(&keys, &issued.token).unwrap();
        assert_eq!(claims.sub, user);
        assert_eq!(claims.tid, tenant);
    }

    #[test]
    fn rejects_other_secret_garbage_and_expired() {
        let keys = TokenKeys::from_secret(b"one secret one secret one secret");
        let other = TokenKeys::from_secret(b"another secret another secret ok");
        let issued = issue(
            &keys,
            Uuid::new_v4(),
            Uuid::new_v4(),
            Duration::from_secs(60),
        )
        .unwrap();
        assert!(decode(&other, &issued.token).is_err());
        assert!(decode(&keys, "garbage").is_err());
        let expired = Claims {
            sub: Uuid::new_v4(),
            tid: Uuid::new_v4(),
            jti: "x".into(),
            iat: 0,
            exp: Utc::now().timestamp() - 5,
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &expired, &keys.encoding).unwrap();
        assert!(matches!(
            decode(&keys, &token),
            Err(ServiceError::Unauthenticated("token expired"))
        ));
    }
}
