//! What a request's history (`booking_request_event`) records: appending
//! its entries, and the status moves they record.

use chrono::{DateTime, Utc};
use entity::{booking_request, booking_request_event};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, NotSet,
    QueryFilter,
};
use uuid::Uuid;

use super::status::{BookingStatus, status_name};

/// What an entry of a request's history says.
pub(super) struct Entry<'a> {
    /// One of [`super::status::event_kind`].
    pub kind: &'static str,
    /// Who acted; `None` for the patient.
    pub staff_id: Option<i32>,
    pub from: Option<BookingStatus>,
    pub to: Option<BookingStatus>,
    pub note: Option<&'a str>,
    pub therapist_id: Option<i32>,
}

impl Entry<'_> {
    pub fn new(kind: &'static str) -> Self {
        Self {
            kind,
            staff_id: None,
            from: None,
            to: None,
            note: None,
            therapist_id: None,
        }
    }
}

/// Appends an entry to a request's history.
pub(super) async fn log_event<C: ConnectionTrait>(
    db: &C,
    request: Uuid,
    entry: Entry<'_>,
    now: DateTime<Utc>,
) -> Result<booking_request_event::Model, DbErr> {
    booking_request_event::ActiveModel {
        id: NotSet,
        booking_request_id: Set(request),
        staff_id: Set(entry.staff_id),
        kind: Set(entry.kind.to_owned()),
        from_status: Set(entry.from.map(|s| status_name(s).to_owned())),
        to_status: Set(entry.to.map(|s| status_name(s).to_owned())),
        note: Set(entry.note.map(str::to_owned)),
        therapist_id: Set(entry.therapist_id),
        at: Set(now),
    }
    .insert(db)
    .await
}

/// Moves the request from `from` to `to`, only if it is still in `from`;
/// whether it was.
pub(super) async fn set_status_if<C: ConnectionTrait>(
    db: &C,
    request: Uuid,
    from: BookingStatus,
    to: BookingStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let changed = booking_request::Entity::update_many()
        .col_expr(
            booking_request::Column::Status,
            Expr::value(status_name(to)),
        )
        .col_expr(booking_request::Column::UpdatedAt, Expr::value(now))
        .filter(booking_request::Column::Id.eq(request))
        .filter(booking_request::Column::Status.eq(from))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changed > 0)
}
