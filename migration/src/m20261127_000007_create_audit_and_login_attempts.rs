//! Who changed what and when, and the sign-in attempts that throttle guessing.

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
                    .table(AuditEvent::Table)
                    .col(pk_auto(AuditEvent::Id))
                    .col(integer_null(AuditEvent::StaffId))
                    .col(string(AuditEvent::Action))
                    .col(string(AuditEvent::Subject))
                    .col(timestamp_with_time_zone(AuditEvent::At))
                    .foreign_key(&mut fk(
                        AuditEvent::Table,
                        AuditEvent::StaffId,
                        Staff::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_audit_event_subject",
            AuditEvent::Table,
            vec![AuditEvent::Subject.into_iden(), AuditEvent::At.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_audit_event_staff",
            AuditEvent::Table,
            vec![AuditEvent::StaffId.into_iden(), AuditEvent::At.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempt::Table)
                    .col(pk_auto(LoginAttempt::Id))
                    .col(string(LoginAttempt::Email))
                    .col(boolean(LoginAttempt::Succeeded))
                    .col(timestamp_with_time_zone(LoginAttempt::At))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_login_attempt_email_at",
            LoginAttempt::Table,
            vec![
                LoginAttempt::Email.into_iden(),
                LoginAttempt::At.into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                LoginAttempt::Table.into_iden(),
                AuditEvent::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum Staff {
    Table,
}

#[derive(DeriveIden, Clone)]
enum AuditEvent {
    Table,
    Id,
    StaffId,
    Action,
    Subject,
    At,
}

#[derive(DeriveIden, Clone)]
enum LoginAttempt {
    Table,
    Id,
    Email,
    Succeeded,
    At,
}
