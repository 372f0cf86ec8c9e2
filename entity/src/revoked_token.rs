//! `revoked_tokens`: JWT ids ended by `logout`, kept until the token would expire.

use sea_orm::entity::prelude::*;

/// One revoked token id; the system of record behind the cache's revocation keys.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "revoked_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: String,
    pub user_id: Uuid,
    pub expires_at: DateTimeUtc,
    pub revoked_at: DateTimeUtc,
}

/// No relations needed: looked up by `jti` only.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
