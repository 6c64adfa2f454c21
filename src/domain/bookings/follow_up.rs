//! The front desk's side: finding requests, moving them through their
//! statuses without overwriting a colleague, assigning therapists, notes.

use chrono::{DateTime, Utc};
use entity::{
    booking_request, booking_request_event, location, service, therapist, therapist_location,
    therapist_service,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use super::history::{Entry, log_event, set_status_if};
use super::request::as_stored;
use super::status::{BookingStatus, can_move, event_kind, is_open, next_statuses, status_name};
use crate::domain::page::{self, Page, PageArgs};
use crate::domain::validate::{Code, Field, Problems, WriteError, WriteResult};
use crate::error::AppResult;

const MAX_NOTE: usize = 2000;

/// Which requests to list; every given condition must hold.
#[derive(Clone, Debug, Default)]
pub struct BookingFilter {
    /// Any of these statuses; empty for all.
    pub statuses: Vec<BookingStatus>,
    /// Location slug.
    pub location: Option<String>,
    /// Service slug.
    pub service: Option<String>,
    /// Therapist slug, preferred by the patient or assigned.
    pub therapist: Option<String>,
    /// Submitted at or after.
    pub submitted_from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub submitted_to: Option<DateTime<Utc>>,
    /// Words found in the name, email, phone or reference.
    pub search: Option<String>,
}

fn id_of_slug<E: EntityTrait>(
    id: E::Column,
    slug: E::Column,
    value: &str,
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(id)
        .from(E::default())
        .and_where(slug.eq(value.trim()))
        .to_owned()
}

fn contains(column: booking_request::Column, pattern: &str) -> SimpleExpr {
    Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern).escape('\\'))
}

/// The digits of a word written like (part of) a phone number, `(312)`,
/// `555-0199` or `+1.312.555.0199`: phones are stored in E.164, and the front
/// desk types them as the patient reads them out.
fn phone_digits(word: &str) -> Option<String> {
    let digits: String = word.chars().filter(char::is_ascii_digit).collect();
    let phone_like = word
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | '(' | ')'));
    (phone_like && !digits.is_empty()).then_some(digits)
}

fn filtered(filter: &BookingFilter) -> sea_orm::Select<booking_request::Entity> {
    use booking_request::Column as C;
    let mut condition = Condition::all();
    if !filter.statuses.is_empty() {
        condition = condition.add(C::Status.is_in(filter.statuses.iter().copied()));
    }
    if let Some(slug) = &filter.location {
        condition = condition.add(C::LocationId.in_subquery(id_of_slug::<location::Entity>(
            location::Column::Id,
            location::Column::Slug,
            slug,
        )));
    }
    if let Some(slug) = &filter.service {
        condition = condition.add(C::ServiceId.in_subquery(id_of_slug::<service::Entity>(
            service::Column::Id,
            service::Column::Slug,
            slug,
        )));
    }
    if let Some(slug) = &filter.therapist {
        let therapist = || {
            id_of_slug::<therapist::Entity>(therapist::Column::Id, therapist::Column::Slug, slug)
        };
        condition = condition.add(
            Condition::any()
                .add(C::TherapistId.in_subquery(therapist()))
                .add(C::AssignedTherapistId.in_subquery(therapist())),
        );
    }
    if let Some(from) = filter.submitted_from {
        condition = condition.add(C::SubmittedAt.gte(from));
    }
    if let Some(to) = filter.submitted_to {
        condition = condition.add(C::SubmittedAt.lt(to));
    }
    for word in filter
        .search
        .iter()
        .flat_map(|s| s.split_whitespace())
        .take(8)
    {
        let pattern = crate::domain::like_contains(word);
        let phone = phone_digits(word).map_or_else(
            || pattern.clone(),
            |digits| crate::domain::like_contains(&digits),
        );
        condition = condition.add(
            Condition::any()
                .add(contains(C::FullName, &pattern))
                .add(contains(C::Email, &pattern))
                .add(contains(C::PhoneE164, &phone))
                .add(contains(C::Reference, &pattern)),
        );
    }
    booking_request::Entity::find().filter(condition)
}

/// A page of requests, newest first.
pub async fn list(
    db: &DatabaseConnection,
    filter: &BookingFilter,
    args: &PageArgs,
    want_total: bool,
) -> AppResult<Page<booking_request::Model>> {
    let select = filtered(filter);
    let ordered = select
        .clone()
        .order_by_desc(booking_request::Column::SubmittedAt)
        .order_by_desc(booking_request::Column::Id);
    page::fetch(
        args,
        want_total,
        || async { Ok(select.count(db).await?) },
        |offset, limit| async move { Ok(ordered.offset(offset).limit(limit).all(db).await?) },
    )
    .await
}

/// The request with this id.
pub async fn find(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<booking_request::Model>, DbErr> {
    booking_request::Entity::find_by_id(id).one(db).await
}

/// Requests submitted at or after `since`, oldest first (by submission,
/// then id), at most `max`, and after `after` when given (the last of the
/// page before): what a subscriber that may have missed news looks through.
pub async fn submitted_since(
    db: &DatabaseConnection,
    since: DateTime<Utc>,
    after: Option<(DateTime<Utc>, Uuid)>,
    max: u64,
) -> Result<Vec<booking_request::Model>, DbErr> {
    use booking_request::Column as C;
    let mut query = booking_request::Entity::find().filter(C::SubmittedAt.gte(since));
    if let Some((at, id)) = after {
        query = query.filter(
            Condition::any()
                .add(C::SubmittedAt.gt(at))
                .add(C::SubmittedAt.eq(at).and(C::Id.gt(id))),
        );
    }
    query
        .order_by_asc(C::SubmittedAt)
        .order_by_asc(C::Id)
        .limit(max)
        .all(db)
        .await
}

/// The logs of the requests `ids`, each oldest first.
pub async fn events_of(
    db: &DatabaseConnection,
    ids: &[Uuid],
) -> Result<Vec<booking_request_event::Model>, DbErr> {
    booking_request_event::Entity::find()
        .filter(booking_request_event::Column::BookingRequestId.is_in(ids.iter().copied()))
        .order_by_asc(booking_request_event::Column::At)
        .order_by_asc(booking_request_event::Column::Id)
        .all(db)
        .await
}

fn check_note(p: &mut Problems, note: Option<&str>, required: bool) -> Option<String> {
    let field = Field::new(&["note"]);
    match note {
        None if required => {
            p.add(&field, Code::Required, "must not be blank");
            None
        }
        None => None,
        Some(text) => Some(p.text(&field, text, MAX_NOTE, !required)).filter(|n| !n.is_empty()),
    }
}

async fn existing(
    db: &DatabaseConnection,
    id: Option<Uuid>,
) -> WriteResult<booking_request::Model> {
    let found = match id {
        Some(id) => find(db, id).await?,
        None => None,
    };
    found.ok_or_else(|| {
        WriteError::invalid(
            &Field::new(&["id"]),
            Code::NotFound,
            "no booking request has this id",
        )
    })
}

/// Moves a request from `expected` to `to`, only if it is still in `expected`:
/// of two staff members acting on the same request, one wins and the other
/// gets STALE_STATUS.
pub async fn change_status(
    db: &DatabaseConnection,
    staff_id: i32,
    id: Option<Uuid>,
    expected: BookingStatus,
    to: BookingStatus,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> WriteResult<booking_request::Model> {
    let now = as_stored(now);
    let mut p = Problems::default();
    let note = check_note(&mut p, note, false);
    let current = existing(db, id).await?;
    check_move(&mut p, current.status, expected, to);
    p.finish()?;

    let txn = db.begin().await?;
    if !set_status_if(&txn, current.id, expected, to, now).await? {
        txn.rollback().await?;
        let now_status = find(db, current.id).await?.map_or(expected, |r| r.status);
        return Err(WriteError::invalid(
            &Field::new(&["expectedStatus"]),
            Code::StaleStatus,
            stale_message(now_status),
        ));
    }
    log_event(
        &txn,
        current.id,
        Entry {
            staff_id: Some(staff_id),
            from: Some(expected),
            to: Some(to),
            note: note.as_deref(),
            ..Entry::new(event_kind::STATUS_CHANGED)
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(booking_request::Model {
        status: to,
        updated_at: now,
        ..current
    })
}

/// Whether a request in `current` that staff expect in `expected` may
/// become `to`.
fn check_move(
    p: &mut Problems,
    current: BookingStatus,
    expected: BookingStatus,
    to: BookingStatus,
) {
    if current != expected {
        p.add(
            &Field::new(&["expectedStatus"]),
            Code::StaleStatus,
            stale_message(current),
        );
    } else if !can_move(expected, to) {
        let allowed: Vec<&str> = next_statuses(expected)
            .into_iter()
            .map(status_name)
            .collect();
        let allowed = if allowed.is_empty() {
            "none: the request is closed".to_owned()
        } else {
            allowed.join(", ")
        };
        p.add(
            &Field::new(&["status"]),
            Code::InvalidState,
            format!(
                "a {} request cannot become {}; it can become: {allowed}",
                status_name(expected),
                status_name(to)
            ),
        );
    }
}

fn stale_message(current: BookingStatus) -> String {
    format!(
        "someone changed this request: it is {} now; reload it and try again",
        status_name(current)
    )
}

/// Assigns an active therapist who works at the request's location and
/// offers its service, or with `None` removes the assignment. Only while the
/// request is open.
pub async fn assign_therapist(
    db: &DatabaseConnection,
    staff_id: i32,
    id: Option<Uuid>,
    therapist_slug: Option<&str>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> WriteResult<booking_request::Model> {
    let now = as_stored(now);
    let mut p = Problems::default();
    let note = check_note(&mut p, note, false);
    let current = existing(db, id).await?;
    if !is_open(current.status) {
        p.add(
            &Field::new(&["id"]),
            Code::InvalidState,
            format!("the request is {}, and closed", status_name(current.status)),
        );
    }
    let therapist_id = match therapist_slug {
        Some(slug) => check_assignee(db, &current, slug, &mut p).await?,
        None => None,
    };
    p.finish()?;

    let entry = Entry {
        staff_id: Some(staff_id),
        note: note.as_deref(),
        therapist_id,
        ..Entry::new(event_kind::ASSIGNED)
    };
    let assignment = (
        booking_request::Column::AssignedTherapistId,
        Expr::value(therapist_id),
    );
    touch_and_log(db, current.id, Some(assignment), entry, now).await?;
    Ok(booking_request::Model {
        assigned_therapist_id: therapist_id,
        updated_at: now,
        ..current
    })
}

/// The id of the active therapist with this slug, if any; and whether they
/// work at the request's location and offer its service.
async fn check_assignee(
    db: &DatabaseConnection,
    current: &booking_request::Model,
    slug: &str,
    p: &mut Problems,
) -> Result<Option<i32>, DbErr> {
    let field = Field::new(&["therapist"]);
    let found = therapist::Entity::find()
        .filter(therapist::Column::Slug.eq(slug.trim()))
        .filter(therapist::Column::Active.eq(true))
        .one(db)
        .await?;
    let Some(t) = found else {
        p.add(&field, Code::NotFound, "no active therapist has this slug");
        return Ok(None);
    };
    let works_there = therapist_location::Entity::find()
        .filter(therapist_location::Column::TherapistId.eq(t.id))
        .filter(therapist_location::Column::LocationId.eq(current.location_id))
        .count(db)
        .await?
        > 0;
    if !works_there {
        p.add(
            &field,
            Code::InvalidState,
            format!(
                "{} {} does not work at this request's location",
                t.first_name, t.last_name
            ),
        );
    }
    let offers = therapist_service::Entity::find()
        .filter(therapist_service::Column::TherapistId.eq(t.id))
        .filter(therapist_service::Column::ServiceId.eq(current.service_id))
        .count(db)
        .await?
        > 0;
    if !offers {
        p.add(
            &field,
            Code::InvalidState,
            format!(
                "{} {} does not offer this request's service",
                t.first_name, t.last_name
            ),
        );
    }
    Ok(Some(t.id))
}

/// Sets `change` (if any) and `updated_at` on the request and appends
/// `entry` to its log, in one transaction.
async fn touch_and_log(
    db: &DatabaseConnection,
    id: Uuid,
    change: Option<(booking_request::Column, SimpleExpr)>,
    entry: Entry<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let mut update = booking_request::Entity::update_many()
        .col_expr(booking_request::Column::UpdatedAt, Expr::value(now))
        .filter(booking_request::Column::Id.eq(id));
    if let Some((column, value)) = change {
        update = update.col_expr(column, value);
    }
    update.exec(&txn).await?;
    log_event(&txn, id, entry, now).await?;
    txn.commit().await
}

/// Adds a note to a request's log.
pub async fn add_note(
    db: &DatabaseConnection,
    staff_id: i32,
    id: Option<Uuid>,
    note: &str,
    now: DateTime<Utc>,
) -> WriteResult<booking_request::Model> {
    let now = as_stored(now);
    let mut p = Problems::default();
    let note = check_note(&mut p, Some(note), true);
    let current = existing(db, id).await?;
    p.finish()?;
    let entry = Entry {
        staff_id: Some(staff_id),
        note: note.as_deref(),
        ..Entry::new(event_kind::NOTE)
    };
    touch_and_log(db, current.id, None, entry, now).await?;
    Ok(booking_request::Model {
        updated_at: now,
        ..current
    })
}
