//! `sftp_connections`: a customer's SFTP server the Job Scheduler reaches (the seed's connection 2).

use sea_orm::entity::prelude::*;

/// One server, its login and its pinned host key; secrets never leave the API.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sftp_connections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub host: String,
    pub port: i32,
    pub username: String,
    /// `PASSWORD` or `PRIVATE_KEY`.
    pub auth_method: String,
    pub password: Option<String>,
    pub private_key: Option<String>,
    pub private_key_passphrase: Option<String>,
    /// `SHA256:…`, the OpenSSH fingerprint form.
    pub host_key_fingerprint: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
