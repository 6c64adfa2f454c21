//! What keeps booking requests whole under retries and abuse: idempotency keys,
//! rate-limit counters shared by every instance, the therapist named by an
//! assignment in the event log, and when a request was anonymised.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BookingIdempotency::Table)
                    .col(string(BookingIdempotency::Key).primary_key())
                    .col(string(BookingIdempotency::Fingerprint))
                    .col(uuid(BookingIdempotency::BookingRequestId))
                    .col(timestamp_with_time_zone(BookingIdempotency::CreatedAt))
                    .foreign_key(&mut fk(
                        BookingIdempotency::Table,
                        BookingIdempotency::BookingRequestId,
                        BookingRequest::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_booking_idempotency_created",
            BookingIdempotency::Table,
            vec![BookingIdempotency::CreatedAt.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(RateLimitCounter::Table)
                    .col(string(RateLimitCounter::Bucket))
                    .col(timestamp_with_time_zone(RateLimitCounter::WindowStart))
                    .col(integer(RateLimitCounter::Hits))
                    .primary_key(
                        Index::create()
                            .col(RateLimitCounter::Bucket)
                            .col(RateLimitCounter::WindowStart),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_rate_limit_counter_window",
            RateLimitCounter::Table,
            vec![RateLimitCounter::WindowStart.into_iden()],
            false,
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(BookingRequest::Table)
                    .add_column(timestamp_with_time_zone_null(BookingRequest::AnonymisedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(BookingRequestEvent::Table)
                    .add_column(integer_null(BookingRequestEvent::TherapistId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(BookingRequestEvent::Table)
                    .drop_column(BookingRequestEvent::TherapistId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(BookingRequest::Table)
                    .drop_column(BookingRequest::AnonymisedAt)
                    .to_owned(),
            )
            .await?;
        drop_tables(
            manager,
            vec![
                RateLimitCounter::Table.into_iden(),
                BookingIdempotency::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum BookingIdempotency {
    Table,
    Key,
    Fingerprint,
    BookingRequestId,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum RateLimitCounter {
    Table,
    Bucket,
    WindowStart,
    Hits,
}

#[derive(DeriveIden, Clone)]
enum BookingRequest {
    Table,
    AnonymisedAt,
}

#[derive(DeriveIden, Clone)]
enum BookingRequestEvent {
    Table,
    TherapistId,
}
