//! A function that refuses a batch of booking requests (PostgreSQL only).
//!
//! The booking writer stores a batch in one statement that counts every
//! request against its limits as it goes; where a limit might be reached,
//! the statement calls this function, which fails it, so that nothing of the
//! batch stays and the writer judges the batch one request at a time in a
//! transaction instead. Plain SQL cannot raise an error of its own; a
//! PL/pgSQL function can. SQLite has nothing to do here: its writer counts
//! in a transaction.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CREATE: &str = r#"
CREATE FUNCTION refuse_booking_batch() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a booking request of the batch may be over a limit'
        USING ERRCODE = 'CL001';
END
$$
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager.get_connection().execute_unprepared(CREATE).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("DROP FUNCTION refuse_booking_batch()")
            .await?;
        Ok(())
    }
}
