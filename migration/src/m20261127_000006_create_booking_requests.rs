//! Booking requests from patients and the append-only log of what staff did with them.

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
                    .table(BookingRequest::Table)
                    .col(pk_uuid(BookingRequest::Id))
                    .col(string_uniq(BookingRequest::Reference))
                    .col(string(BookingRequest::FullName))
                    .col(string(BookingRequest::Email))
                    .col(string(BookingRequest::PhoneE164))
                    .col(string(BookingRequest::PreferredContact))
                    .col(integer(BookingRequest::ServiceId))
                    .col(integer(BookingRequest::LocationId))
                    .col(integer_null(BookingRequest::TherapistId))
                    .col(integer_null(BookingRequest::AssignedTherapistId))
                    .col(json(BookingRequest::PreferredWindows))
                    .col(boolean(BookingRequest::NewPatient))
                    .col(boolean(BookingRequest::PhysicianReferral))
                    .col(string_null(BookingRequest::InsuranceProvider))
                    .col(text_null(BookingRequest::Message))
                    .col(boolean(BookingRequest::Consent))
                    .col(string(BookingRequest::Status))
                    .col(timestamp_with_time_zone(BookingRequest::SubmittedAt))
                    .col(timestamp_with_time_zone(BookingRequest::UpdatedAt))
                    .foreign_key(&mut fk(
                        BookingRequest::Table,
                        BookingRequest::ServiceId,
                        Service::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        BookingRequest::Table,
                        BookingRequest::LocationId,
                        Location::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        BookingRequest::Table,
                        BookingRequest::TherapistId,
                        Therapist::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        BookingRequest::Table,
                        BookingRequest::AssignedTherapistId,
                        Therapist::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .check(Expr::col(BookingRequest::Status).is_in([
                        "NEW",
                        "CONTACTED",
                        "SCHEDULED",
                        "DECLINED",
                        "CANCELLED",
                        "SPAM",
                    ]))
                    .check(Expr::col(BookingRequest::Consent).eq(true))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_booking_request_status_submitted",
                vec![
                    BookingRequest::Status.into_iden(),
                    BookingRequest::SubmittedAt.into_iden(),
                ],
            ),
            (
                "idx_booking_request_submitted",
                vec![BookingRequest::SubmittedAt.into_iden()],
            ),
            (
                "idx_booking_request_location",
                vec![BookingRequest::LocationId.into_iden()],
            ),
            (
                "idx_booking_request_service",
                vec![BookingRequest::ServiceId.into_iden()],
            ),
            (
                "idx_booking_request_therapist",
                vec![BookingRequest::TherapistId.into_iden()],
            ),
            (
                "idx_booking_request_assigned_therapist",
                vec![BookingRequest::AssignedTherapistId.into_iden()],
            ),
            (
                "idx_booking_request_email",
                vec![BookingRequest::Email.into_iden()],
            ),
        ] {
            index(manager, name, BookingRequest::Table, columns, false).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(BookingRequestEvent::Table)
                    .col(pk_auto(BookingRequestEvent::Id))
                    .col(uuid(BookingRequestEvent::BookingRequestId))
                    .col(integer_null(BookingRequestEvent::StaffId))
                    .col(string(BookingRequestEvent::Kind))
                    .col(string_null(BookingRequestEvent::FromStatus))
                    .col(string_null(BookingRequestEvent::ToStatus))
                    .col(text_null(BookingRequestEvent::Note))
                    .col(timestamp_with_time_zone(BookingRequestEvent::At))
                    .foreign_key(&mut fk(
                        BookingRequestEvent::Table,
                        BookingRequestEvent::BookingRequestId,
                        BookingRequest::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        BookingRequestEvent::Table,
                        BookingRequestEvent::StaffId,
                        Staff::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_booking_request_event_request",
            BookingRequestEvent::Table,
            vec![
                BookingRequestEvent::BookingRequestId.into_iden(),
                BookingRequestEvent::At.into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                BookingRequestEvent::Table.into_iden(),
                BookingRequest::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum Service {
    Table,
}

#[derive(DeriveIden, Clone)]
enum Location {
    Table,
}

#[derive(DeriveIden, Clone)]
enum Therapist {
    Table,
}

#[derive(DeriveIden, Clone)]
enum Staff {
    Table,
}

#[derive(DeriveIden, Clone)]
enum BookingRequest {
    Table,
    Id,
    Reference,
    FullName,
    Email,
    PhoneE164,
    PreferredContact,
    ServiceId,
    LocationId,
    TherapistId,
    AssignedTherapistId,
    PreferredWindows,
    NewPatient,
    PhysicianReferral,
    InsuranceProvider,
    Message,
    Consent,
    Status,
    SubmittedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum BookingRequestEvent {
    Table,
    Id,
    BookingRequestId,
    StaffId,
    Kind,
    FromStatus,
    ToStatus,
    Note,
    At,
}
