//! The organization, its locations, their weekly opening hours and closures.

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
                    .table(Organization::Table)
                    .col(pk_auto(Organization::Id))
                    .col(string(Organization::Name))
                    .col(string(Organization::Tagline))
                    .col(text(Organization::Description))
                    .col(string(Organization::PhoneDisplay))
                    .col(string(Organization::PhoneE164))
                    .col(string(Organization::Email))
                    .col(string(Organization::Website))
                    .col(string(Organization::ContactUrl))
                    .col(string(Organization::StaffUrl))
                    .col(timestamp_with_time_zone(Organization::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Location::Table)
                    .col(pk_auto(Location::Id))
                    .col(string_uniq(Location::Slug))
                    .col(string(Location::Name))
                    .col(string(Location::Street))
                    .col(string(Location::City))
                    .col(string(Location::Region))
                    .col(string(Location::PostalCode))
                    .col(string_len(Location::Country, 2))
                    .col(string(Location::TimeZone))
                    .col(string(Location::PhoneDisplay))
                    .col(string(Location::PhoneE164))
                    .col(string(Location::Email))
                    .col(double_null(Location::Latitude))
                    .col(double_null(Location::Longitude))
                    .col(integer(Location::Position).default(0))
                    .col(timestamp_with_time_zone(Location::CreatedAt))
                    .col(timestamp_with_time_zone(Location::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_location_position",
            Location::Table,
            vec![Location::Position.into_iden(), Location::Id.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(OpeningHours::Table)
                    .col(pk_auto(OpeningHours::Id))
                    .col(integer(OpeningHours::LocationId))
                    .col(small_integer(OpeningHours::Weekday))
                    .col(time(OpeningHours::Opens))
                    .col(time(OpeningHours::Closes))
                    .foreign_key(&mut fk(
                        OpeningHours::Table,
                        OpeningHours::LocationId,
                        Location::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .check(Expr::col(OpeningHours::Weekday).between(1, 7))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_opening_hours_location_weekday",
            OpeningHours::Table,
            vec![
                OpeningHours::LocationId.into_iden(),
                OpeningHours::Weekday.into_iden(),
                OpeningHours::Opens.into_iden(),
            ],
            true,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Closure::Table)
                    .col(pk_auto(Closure::Id))
                    .col(integer(Closure::LocationId))
                    .col(date(Closure::Date))
                    .col(string(Closure::Reason))
                    .foreign_key(&mut fk(
                        Closure::Table,
                        Closure::LocationId,
                        Location::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_closure_location_date",
            Closure::Table,
            vec![Closure::LocationId.into_iden(), Closure::Date.into_iden()],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Closure::Table.into_iden(),
                OpeningHours::Table.into_iden(),
                Location::Table.into_iden(),
                Organization::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum Organization {
    Table,
    Id,
    Name,
    Tagline,
    Description,
    PhoneDisplay,
    PhoneE164,
    Email,
    Website,
    ContactUrl,
    StaffUrl,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum Location {
    Table,
    Id,
    Slug,
    Name,
    Street,
    City,
    Region,
    PostalCode,
    Country,
    TimeZone,
    PhoneDisplay,
    PhoneE164,
    Email,
    Latitude,
    Longitude,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum OpeningHours {
    Table,
    Id,
    LocationId,
    Weekday,
    Opens,
    Closes,
}

#[derive(DeriveIden, Clone)]
enum Closure {
    Table,
    Id,
    LocationId,
    Date,
    Reason,
}
