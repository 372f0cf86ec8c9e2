//! Small helpers shared by migrations (they never reference entities, which change).

use sea_orm_migration::prelude::*;

/// Creates a named index (unique when asked) on `columns` of `table`.
pub async fn create_index<T: Iden + 'static, C: Iden + 'static, const N: usize>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: [C; N],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create().name(name).table(table).to_owned();
    for column in columns {
        index.col(column);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index).await
}

/// A `created_at`/`updated_at`-style timestamp column.
pub fn timestamp(column: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
