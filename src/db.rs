//! Connecting to the database and keeping its schema current.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::config::DbConfig;

/// How long a pooled connection may sit idle before it is pinged on checkout.
/// Under load connections are reused within milliseconds and never pinged;
/// one that waited longer may have been dropped meanwhile (a restart of the
/// database, a failover), and the ping finds out before a request does.
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// Opens the pool. On SQLite the file is created if missing, with foreign keys
/// on, a busy timeout, write-ahead logging so readers never wait for a writer,
/// and deleted content zeroed.
pub async fn connect(config: &DbConfig) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.database_max_connections)
        .connect_timeout(Duration::from_secs(10))
        // A connection in use is known to be alive; one idle for a second is
        // pinged before use, since the server or a firewall may have dropped
        // it. Pinging on every checkout would add a round trip per statement.
        .test_before_acquire_if_idle_for(PING_AFTER_IDLE)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.foreign_keys(true)
                // What is deleted or overwritten (a patient's details, when a
                // request is anonymised or purged) is zeroed, not left in the
                // file's free space.
                .pragma("secure_delete", "ON")
                .busy_timeout(Duration::from_secs(5))
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
        });
    let db = Database::connect(options).await?;
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    Migrator::up(db, None).await
}

/// Whether the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}
