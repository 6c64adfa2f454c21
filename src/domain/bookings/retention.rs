//! How long patient details are kept: requests the front desk is done with are
//! deleted or anonymised after the retention period, and open ones it left
//! untouched for long anonymised; idempotency keys and rate-limit counts are
//! forgotten once they can no longer matter.

use chrono::{DateTime, Duration, Utc};
use entity::{booking_idempotency, booking_request, booking_request_event};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, Statement, TransactionTrait,
};

use super::status::BookingStatus;
use crate::domain::limits;

/// How long an idempotency key is honoured, at least.
pub const KEY_LIFETIME: Duration = Duration::hours(48);

/// What `purge` does with an old finished request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PurgeMode {
    /// Remove the request and its log.
    Delete,
    /// Keep the request for statistics (service, location, dates, status) but
    /// blank the patient's name, email, phone, insurance, message and notes.
    Anonymise,
}

/// What a purge did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Finished requests deleted.
    pub deleted: u64,
    /// Finished requests anonymised.
    pub anonymised: u64,
    /// Open requests (new or contacted) anonymised for being left untouched.
    pub stale_anonymised: u64,
}

/// Requests the front desk is done with: scheduled, declined, cancelled or spam.
const FINISHED: [BookingStatus; 4] = [
    BookingStatus::Scheduled,
    BookingStatus::Declined,
    BookingStatus::Cancelled,
    BookingStatus::Spam,
];

/// Requests the front desk has yet to schedule or close.
const UNFINISHED: [BookingStatus; 2] = [BookingStatus::New, BookingStatus::Contacted];

/// Deletes or anonymises finished requests last changed before `cutoff`,
/// and anonymises new or contacted ones last changed before `stale_cutoff`,
/// if given, whatever the mode: the front desk never finished those, so
/// they stay, without the patient. Prunes as [`prune`] does too, all
/// in one transaction. On SQLite the write-ahead log is then emptied into
/// the database file, so that the patients' details do not linger in it.
pub async fn purge(
    db: &DatabaseConnection,
    cutoff: DateTime<Utc>,
    stale_cutoff: Option<DateTime<Utc>>,
    mode: PurgeMode,
    now: DateTime<Utc>,
) -> Result<PurgeReport, DbErr> {
    use booking_request::Column as C;
    let finished = C::Status.is_in(FINISHED).and(C::UpdatedAt.lt(cutoff));
    let mut report = PurgeReport::default();
    let txn = db.begin().await?;
    match mode {
        PurgeMode::Delete => {
            // The log and the idempotency keys go with the request (cascade).
            report.deleted = booking_request::Entity::delete_many()
                .filter(finished)
                .exec(&txn)
                .await?
                .rows_affected;
        }
        PurgeMode::Anonymise => report.anonymised = anonymise(&txn, finished, now).await?,
    }
    if let Some(stale_cutoff) = stale_cutoff {
        let stale = C::Status
            .is_in(UNFINISHED)
            .and(C::UpdatedAt.lt(stale_cutoff));
        report.stale_anonymised = anonymise(&txn, stale, now).await?;
    }
    prune(&txn, now).await?;
    txn.commit().await?;
    checkpoint(db).await?;
    Ok(report)
}

/// Blanks the patient's details in the requests `which` selects that are
/// not anonymised yet, and the notes of their log; drops their idempotency
/// keys. Their status stays. Returns how many were anonymised.
async fn anonymise(
    txn: &DatabaseTransaction,
    which: SimpleExpr,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use booking_request::Column as C;
    let which = which.and(C::AnonymisedAt.is_null());
    let targets = Query::select()
        .column(C::Id)
        .from(booking_request::Entity)
        .cond_where(which.clone())
        .to_owned();
    booking_request_event::Entity::update_many()
        .col_expr(
            booking_request_event::Column::Note,
            Expr::value(Option::<String>::None),
        )
        .filter(booking_request_event::Column::BookingRequestId.in_subquery(targets.clone()))
        .exec(txn)
        .await?;
    booking_idempotency::Entity::delete_many()
        .filter(booking_idempotency::Column::BookingRequestId.in_subquery(targets))
        .exec(txn)
        .await?;
    Ok(booking_request::Entity::update_many()
        .col_expr(C::FullName, Expr::value(""))
        .col_expr(C::Email, Expr::value(""))
        .col_expr(C::PhoneE164, Expr::value(""))
        .col_expr(C::InsuranceProvider, Expr::value(Option::<String>::None))
        .col_expr(C::Message, Expr::value(Option::<String>::None))
        .col_expr(C::AnonymisedAt, Expr::value(now))
        .filter(which)
        .exec(txn)
        .await?
        .rows_affected)
}

/// On SQLite, copies the write-ahead log into the database file and truncates
/// it: until then it holds the pages as they were before the purge, patient
/// details included. PostgreSQL needs nothing of the kind.
async fn checkpoint(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    let done = db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "PRAGMA wal_checkpoint(TRUNCATE)",
        ))
        .await?;
    // Its first column is 1 when a reader kept the log from being emptied.
    if done.is_some_and(|row| row.try_get_by_index::<i32>(0).unwrap_or(1) != 0) {
        tracing::warn!(
            "the write-ahead log could not be emptied while the database was being read, \
             and may still hold patient details: purge again when it is quieter"
        );
    }
    Ok(())
}

/// Forgets idempotency keys older than [`KEY_LIFETIME`] and rate-limit counts
/// of past windows. Safe to run at any time, on any instance.
pub async fn prune<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<(), DbErr> {
    booking_idempotency::Entity::delete_many()
        .filter(booking_idempotency::Column::CreatedAt.lt(now - KEY_LIFETIME))
        .exec(db)
        .await?;
    // The longest window counted is an hour.
    limits::prune(db, now - Duration::hours(2)).await?;
    Ok(())
}
