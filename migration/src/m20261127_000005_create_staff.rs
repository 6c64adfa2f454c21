//! Staff accounts and their API and session tokens (stored hashed).

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Staff::Table)
                    .col(pk_auto(Staff::Id))
                    .col(string_uniq(Staff::Email))
                    .col(string(Staff::Name))
                    .col(string(Staff::Role))
                    .col(string(Staff::PasswordHash))
                    .col(boolean(Staff::Active).default(true))
                    .col(timestamp_with_time_zone(Staff::CreatedAt))
                    .col(timestamp_with_time_zone(Staff::UpdatedAt))
                    .check(Expr::col(Staff::Role).is_in(["ADMIN", "EDITOR", "FRONT_DESK"]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(pk_auto(ApiToken::Id))
                    .col(integer(ApiToken::StaffId))
                    .col(string_uniq(ApiToken::TokenHash))
                    .col(string(ApiToken::Kind))
                    .col(string(ApiToken::Label))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone(ApiToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .foreign_key(&mut fk(
                        ApiToken::Table,
                        ApiToken::StaffId,
                        Staff::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .check(Expr::col(ApiToken::Kind).is_in(["API", "SESSION"]))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_api_token_staff",
            ApiToken::Table,
            vec![ApiToken::StaffId.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![ApiToken::Table.into_iden(), Staff::Table.into_iden()],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum Staff {
    Table,
    Id,
    Email,
    Name,
    Role,
    PasswordHash,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum ApiToken {
    Table,
    Id,
    StaffId,
    TokenHash,
    Kind,
    Label,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}
