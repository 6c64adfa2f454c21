//! Small builders shared by the migrations: foreign keys declared inline (SQLite
//! cannot add them later) and named indexes.

use sea_orm_migration::prelude::*;

/// A foreign key from `table.column` to `target.id`.
pub fn fk(
    table: impl IntoIden + Clone + 'static,
    column: impl IntoIden + Clone + 'static,
    target: impl IntoIden + 'static,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(target, Alias::new("id"))
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

/// Creates the index `name` on `table (columns…)`.
pub async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create().name(name).table(table).to_owned();
    for column in columns {
        stmt.col(column);
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt).await
}

/// Drops the tables, in the order given.
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: Vec<DynIden>) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}

/// Creates a many-to-many link table `table (left, right)` whose primary key is
/// the pair, with both foreign keys cascading and an index on `right` for lookups
/// from that side.
pub async fn link_table(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Clone + 'static,
    (left, left_target): (impl IntoIden + Clone + 'static, impl IntoIden + 'static),
    (right, right_target): (impl IntoIden + Clone + 'static, impl IntoIden + 'static),
) -> Result<(), DbErr> {
    let table_name = table.clone().into_iden().to_string();
    let right_name = right.clone().into_iden().to_string();
    manager
        .create_table(
            Table::create()
                .table(table.clone())
                .col(ColumnDef::new(left.clone()).integer().not_null())
                .col(ColumnDef::new(right.clone()).integer().not_null())
                .primary_key(Index::create().col(left.clone()).col(right.clone()))
                .foreign_key(&mut fk(
                    table.clone(),
                    left,
                    left_target,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    table.clone(),
                    right.clone(),
                    right_target,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        &format!("idx_{table_name}_{right_name}"),
        table,
        vec![right.into_iden()],
        false,
    )
    .await
}
