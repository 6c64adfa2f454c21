//! Schema migrations of the clinic database. They run unchanged on SQLite and
//! PostgreSQL (but for one function that only PostgreSQL has), and never import the `entity` crate: a migration is frozen history,
//! so each one names its own tables and columns.

// `MigrationTrait` is declared with an elided `SchemaManager` lifetime, and an
// implementation must repeat the signature as it is.
#![allow(elided_lifetimes_in_paths)]

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_locations;
mod m20261127_000002_create_services_and_therapists;
mod m20261127_000003_create_certifications;
mod m20261127_000004_create_articles;
mod m20261127_000005_create_staff;
mod m20261127_000006_create_booking_requests;
mod m20261127_000007_create_audit_and_login_attempts;
mod m20261127_000008_booking_safeguards;
mod m20261128_000009_booking_batch_refusal;
mod m20261129_000010_booking_request_lean_indexes;
mod util;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_locations::Migration),
            Box::new(m20261127_000002_create_services_and_therapists::Migration),
            Box::new(m20261127_000003_create_certifications::Migration),
            Box::new(m20261127_000004_create_articles::Migration),
            Box::new(m20261127_000005_create_staff::Migration),
            Box::new(m20261127_000006_create_booking_requests::Migration),
            Box::new(m20261127_000007_create_audit_and_login_attempts::Migration),
            Box::new(m20261127_000008_booking_safeguards::Migration),
            Box::new(m20261128_000009_booking_batch_refusal::Migration),
            Box::new(m20261129_000010_booking_request_lean_indexes::Migration),
        ]
    }
}
