//! Fewer index entries per booking request.
//!
//! Nothing looks a request up by its exact email (staff search matches parts
//! of it, which a B-tree cannot serve), so its index goes. A request names
//! no assigned therapist when it arrives, and often no preferred one: their
//! indexes keep only the rows that name one, which is all that a therapist's
//! removal (`SET NULL`) and the follow-up filters look up. Each request
//! submitted is two index entries lighter to write and to log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const EMAIL: &str = "idx_booking_request_email";
const THERAPIST: &str = "idx_booking_request_therapist";
const ASSIGNED: &str = "idx_booking_request_assigned_therapist";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: on one connection, each statement
    /// sees the indexes the one before dropped.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [EMAIL, THERAPIST, ASSIGNED] {
            drop_index(manager, name).await?;
        }
        for (name, column) in [
            (THERAPIST, BookingRequest::TherapistId),
            (ASSIGNED, BookingRequest::AssignedTherapistId),
        ] {
            create_index(manager, name, column, true).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [THERAPIST, ASSIGNED] {
            drop_index(manager, name).await?;
        }
        for (name, column) in [
            (EMAIL, BookingRequest::Email),
            (THERAPIST, BookingRequest::TherapistId),
            (ASSIGNED, BookingRequest::AssignedTherapistId),
        ] {
            create_index(manager, name, column, false).await?;
        }
        Ok(())
    }
}

/// The index `name` on `column`; `partial`: of the rows where it is set.
async fn create_index(
    manager: &SchemaManager<'_>,
    name: &str,
    column: BookingRequest,
    partial: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create()
        .name(name)
        .table(BookingRequest::Table)
        .col(column)
        .to_owned();
    if partial {
        index.and_where(Expr::col(column).is_not_null());
    }
    manager.create_index(index).await
}

async fn drop_index(manager: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    manager
        .drop_index(
            Index::drop()
                .name(name)
                .table(BookingRequest::Table)
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden, Clone, Copy)]
enum BookingRequest {
    Table,
    Email,
    TherapistId,
    AssignedTherapistId,
}
