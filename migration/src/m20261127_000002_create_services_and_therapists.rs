//! Services, therapists, and what links them: the services a location offers,
//! the languages, services and locations of each therapist.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{drop_tables, fk, index, link_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Service::Table)
                    .col(pk_auto(Service::Id))
                    .col(string_uniq(Service::Slug))
                    .col(string(Service::Name))
                    .col(string(Service::Kind))
                    .col(text(Service::Description))
                    .col(json(Service::DurationsMinutes))
                    .col(boolean(Service::ReferralAccepted))
                    .col(boolean(Service::InsuranceEligible))
                    .col(boolean(Service::Active).default(true))
                    .col(integer(Service::Position).default(0))
                    .col(timestamp_with_time_zone(Service::CreatedAt))
                    .col(timestamp_with_time_zone(Service::UpdatedAt))
                    .check(Expr::col(Service::Kind).is_in(["CLINICAL", "RELAXATION"]))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_service_position",
            Service::Table,
            vec![Service::Position.into_iden(), Service::Id.into_iden()],
            false,
        )
        .await?;
        link_table(
            manager,
            LocationService::Table,
            (LocationService::LocationId, Location::Table),
            (LocationService::ServiceId, Service::Table),
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Therapist::Table)
                    .col(pk_auto(Therapist::Id))
                    .col(string_uniq(Therapist::Slug))
                    .col(string(Therapist::FirstName))
                    .col(string(Therapist::LastName))
                    .col(string(Therapist::Credentials))
                    .col(string(Therapist::Title))
                    .col(text(Therapist::Bio))
                    .col(text(Therapist::BioHtml))
                    .col(string_null(Therapist::PhotoUrl))
                    .col(boolean(Therapist::AcceptingNewPatients))
                    .col(boolean(Therapist::Active).default(true))
                    .col(timestamp_with_time_zone(Therapist::CreatedAt))
                    .col(timestamp_with_time_zone(Therapist::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The directory lists active therapists by name.
        index(
            manager,
            "idx_therapist_active_name",
            Therapist::Table,
            vec![
                Therapist::Active.into_iden(),
                Therapist::LastName.into_iden(),
                Therapist::FirstName.into_iden(),
                Therapist::Id.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_therapist_active_accepting",
            Therapist::Table,
            vec![
                Therapist::Active.into_iden(),
                Therapist::AcceptingNewPatients.into_iden(),
            ],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(TherapistLanguage::Table)
                    .col(integer(TherapistLanguage::TherapistId))
                    .col(string_len(TherapistLanguage::Language, 35))
                    .primary_key(
                        Index::create()
                            .col(TherapistLanguage::TherapistId)
                            .col(TherapistLanguage::Language),
                    )
                    .foreign_key(&mut fk(
                        TherapistLanguage::Table,
                        TherapistLanguage::TherapistId,
                        Therapist::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_therapist_language_language",
            TherapistLanguage::Table,
            vec![TherapistLanguage::Language.into_iden()],
            false,
        )
        .await?;
        link_table(
            manager,
            TherapistService::Table,
            (TherapistService::TherapistId, Therapist::Table),
            (TherapistService::ServiceId, Service::Table),
        )
        .await?;
        link_table(
            manager,
            TherapistLocation::Table,
            (TherapistLocation::TherapistId, Therapist::Table),
            (TherapistLocation::LocationId, Location::Table),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                TherapistLocation::Table.into_iden(),
                TherapistService::Table.into_iden(),
                TherapistLanguage::Table.into_iden(),
                Therapist::Table.into_iden(),
                LocationService::Table.into_iden(),
                Service::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum Location {
    Table,
}

#[derive(DeriveIden, Clone)]
enum Service {
    Table,
    Id,
    Slug,
    Name,
    Kind,
    Description,
    DurationsMinutes,
    ReferralAccepted,
    InsuranceEligible,
    Active,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum LocationService {
    Table,
    LocationId,
    ServiceId,
}

#[derive(DeriveIden, Clone)]
enum Therapist {
    Table,
    Id,
    Slug,
    FirstName,
    LastName,
    Credentials,
    Title,
    Bio,
    BioHtml,
    PhotoUrl,
    AcceptingNewPatients,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum TherapistLanguage {
    Table,
    TherapistId,
    Language,
}

#[derive(DeriveIden, Clone)]
enum TherapistService {
    Table,
    TherapistId,
    ServiceId,
}

#[derive(DeriveIden, Clone)]
enum TherapistLocation {
    Table,
    TherapistId,
    LocationId,
}
