//! How long patient details are kept: requests the front desk is done with are
//! deleted or anonymised after the retention period; idempotency keys and
//! rate-limit counts are forgotten once they can no longer matter.

use chrono::{DateTime, Duration, Utc};
use entity::{booking_idempotency, booking_request, booking_request_event};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait};

use super::BookingStatus;
use crate::domain::limits;

/// How long an idempotency key is honoured, at least.
pub const KEY_LIFETIME: Duration = Duration::hours(48);

/// What `purge` does with an old request.
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
    pub deleted: u64,
    pub anonymised: u64,
}

/// Requests the front desk is done with: scheduled, declined, cancelled or spam.
const FINISHED: [BookingStatus; 4] = [
    BookingStatus::Scheduled,
    BookingStatus::Declined,
    BookingStatus::Cancelled,
    BookingStatus::Spam,
];

/// Deletes or anonymises finished requests last changed before `cutoff`.
pub async fn purge(
    db: &DatabaseConnection,
    cutoff: DateTime<Utc>,
    mode: PurgeMode,
    now: DateTime<Utc>,
) -> Result<PurgeReport, DbErr> {
    let old = || {
        booking_request::Column::Status
            .is_in(FINISHED)
            .and(booking_request::Column::UpdatedAt.lt(cutoff))
    };
    let txn = db.begin().await?;
    let report = match mode {
        PurgeMode::Delete => {
            // The log and the idempotency keys go with the request (cascade).
            let deleted = booking_request::Entity::delete_many()
                .filter(old())
                .exec(&txn)
                .await?
                .rows_affected;
            PurgeReport {
                deleted,
                ..PurgeReport::default()
            }
        }
        PurgeMode::Anonymise => {
            let targets = Query::select()
                .column(booking_request::Column::Id)
                .from(booking_request::Entity)
                .cond_where(old().and(booking_request::Column::AnonymisedAt.is_null()))
                .to_owned();
            booking_request_event::Entity::update_many()
                .col_expr(
                    booking_request_event::Column::Note,
                    Expr::value(Option::<String>::None),
                )
                .filter(
                    booking_request_event::Column::BookingRequestId.in_subquery(targets.clone()),
                )
                .exec(&txn)
                .await?;
            booking_idempotency::Entity::delete_many()
                .filter(booking_idempotency::Column::BookingRequestId.in_subquery(targets))
                .exec(&txn)
                .await?;
            use booking_request::Column as C;
            let anonymised = booking_request::Entity::update_many()
                .col_expr(C::FullName, Expr::value(""))
                .col_expr(C::Email, Expr::value(""))
                .col_expr(C::PhoneE164, Expr::value(""))
                .col_expr(C::InsuranceProvider, Expr::value(Option::<String>::None))
                .col_expr(C::Message, Expr::value(Option::<String>::None))
                .col_expr(C::AnonymisedAt, Expr::value(now))
                .filter(old().and(C::AnonymisedAt.is_null()))
                .exec(&txn)
                .await?
                .rows_affected;
            PurgeReport {
                anonymised,
                ..PurgeReport::default()
            }
        }
    };
    txn.commit().await?;
    Ok(report)
}

/// Forgets idempotency keys older than [`KEY_LIFETIME`] and rate-limit counts
/// of past windows. Safe to run at any time, on any instance.
pub async fn prune(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), DbErr> {
    booking_idempotency::Entity::delete_many()
        .filter(booking_idempotency::Column::CreatedAt.lt(now - KEY_LIFETIME))
        .exec(db)
        .await?;
    // The longest window counted is an hour.
    limits::prune(db, now - Duration::hours(2)).await?;
    Ok(())
}
