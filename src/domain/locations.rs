//! The clinic's locations, in the order the clinic lists them; creating and
//! changing them, their opening hours and closures; and what each offers.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    closure, location, location_service, opening_hours, therapist, therapist_location,
    therapist_service,
};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};

use super::hours::{self, RangeInput};
use super::validate::{
    Code, Field, PhoneNumber, Problems, Target, WriteResult, existing, taken_if_unique_violation,
};
use super::{audit, slug, visibility};
use crate::error::AppResult;
use crate::events::Events;

pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<location::Model>> {
    Ok(visibility::locations_in_order(location::Entity::find())
        .all(db)
        .await?)
}

pub async fn find_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<location::Model>> {
    Ok(location::Entity::find()
        .filter(location::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn find_by_id(db: &DatabaseConnection, id: i32) -> AppResult<Option<location::Model>> {
    Ok(location::Entity::find_by_id(id).one(db).await?)
}

/// A postal address as staff typed it.
#[derive(Clone, Debug)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, any case.
    pub country: String,
}

/// What a create or update of a location sets; `None` leaves a value as it
/// is (a create needs all but the slug and geo).
#[derive(Clone, Debug, Default)]
pub struct LocationChanges {
    pub name: Option<String>,
    /// Made from the name when a create has none.
    pub slug: Option<String>,
    pub address: Option<Address>,
    /// IANA, e.g. `America/Chicago`.
    pub time_zone: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub email: Option<String>,
    /// (latitude, longitude); `Some(None)` forgets where the site is.
    pub geo: Option<Option<(f64, f64)>>,
}

/// Most opening ranges a week may have.
pub const MAX_WEEKLY_RANGES: usize = 70;

pub async fn create(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    changes: LocationChanges,
) -> WriteResult<location::Model> {
    save(db, events, actor, Target::New, changes).await
}

/// Changes a location; `id` is `None` when the id given was not a location's.
pub async fn update(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    changes: LocationChanges,
) -> WriteResult<location::Model> {
    save(db, events, actor, Target::Existing(id), changes).await
}

async fn save(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    target: Target,
    c: LocationChanges,
) -> WriteResult<location::Model> {
    let creating = target == Target::New;
    let input = Field::new(&["input"]);
    let mut p = Problems::default();
    let now = Utc::now();
    let mut row = location::ActiveModel {
        updated_at: Set(now),
        ..Default::default()
    };
    let name_field = input.at("name");
    let name = p.present(&name_field, c.name, creating);
    if let Some(name) = &name {
        row.name = Set(p.text(&name_field, name, 200, false));
    }
    if let Some(a) = p.present(&input.at("address"), c.address, creating) {
        let f = input.at("address");
        row.street = Set(p.text(&f.at("street"), &a.street, 200, false));
        row.city = Set(p.text(&f.at("city"), &a.city, 100, false));
        row.region = Set(p.text(&f.at("region"), &a.region, 100, true));
        row.postal_code = Set(p.text(&f.at("postalCode"), &a.postal_code, 20, true));
        let country = a.country.trim().to_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            p.add(
                &f.at("country"),
                Code::InvalidFormat,
                "must be an ISO 3166-1 alpha-2 code, e.g. US",
            );
        }
        row.country = Set(country);
    }
    let tz_field = input.at("timeZone");
    if let Some(tz) = p.present(&tz_field, c.time_zone, creating) {
        let tz = tz.trim();
        if hours::time_zone(tz).is_none() {
            p.add(
                &tz_field,
                Code::InvalidFormat,
                "must be an IANA time zone, e.g. America/Chicago",
            );
        }
        row.time_zone = Set(tz.to_owned());
    }
    if let Some(phone) = p.present(&input.at("phone"), c.phone, creating) {
        let phone = p.phone(&input.at("phone"), &phone);
        row.phone_display = Set(phone.display);
        row.phone_e164 = Set(phone.e164);
    }
    if let Some(email) = p.present(&input.at("email"), c.email, creating) {
        row.email = Set(p.email(&input.at("email"), &email));
    }
    match c.geo {
        Some(Some((latitude, longitude))) => {
            let geo = input.at("geo");
            row.latitude = Set(Some(p.in_range(&geo.at("latitude"), latitude, -90.0, 90.0)));
            row.longitude = Set(Some(p.in_range(
                &geo.at("longitude"),
                longitude,
                -180.0,
                180.0,
            )));
        }
        Some(None) => {
            row.latitude = Set(None);
            row.longitude = Set(None);
        }
        None if creating => {
            row.latitude = Set(None);
            row.longitude = Set(None);
        }
        None => {}
    }
    let slug_field = input.at("slug");
    let slug = c.slug.map(|s| p.slug(&slug_field, &s));

    let txn = db.begin().await?;
    let id = match target {
        Target::New => None,
        Target::Existing(id) => {
            existing::<location::Entity, _>(&txn, id, &Field::new(&["id"]), "location", &mut p)
                .await?
                .map(|l| l.id)
        }
    };
    if let Some(slug) = &slug
        && slug::is_valid(slug)
        && slug::is_taken::<location::Entity, _>(
            &txn,
            location::Column::Slug,
            slug,
            id.map(|id| (location::Column::Id, id)),
        )
        .await?
    {
        p.add(&slug_field, Code::Taken, "another location has this slug");
    }
    p.finish()?;
    match (slug, &name) {
        (Some(slug), _) => row.slug = Set(slug),
        (None, Some(name)) if creating => {
            let base = non_empty_or(slug::slugify(name), "location");
            row.slug =
                Set(
                    slug::unique::<location::Entity, _>(&txn, location::Column::Slug, &base)
                        .await?,
                );
        }
        _ => {}
    }
    let saved = match id {
        None => {
            row.position = Set(next_position(&txn).await?);
            row.created_at = Set(now);
            row.insert(&txn).await
        }
        Some(id) => {
            row.id = Unchanged(id);
            row.update(&txn).await
        }
    }
    .map_err(|e| taken_if_unique_violation(e, &slug_field))?;
    let action = if creating {
        "createLocation"
    } else {
        "updateLocation"
    };
    let news = audit::record(&txn, events, actor, action, &subject(saved.id)).await?;
    txn.commit().await?;
    news.deliver();
    Ok(saved)
}

fn subject(id: i32) -> String {
    format!("Location:{id}")
}

/// `text`, or `fallback` when it is empty (a name with no letters ASCII can spell).
pub(crate) fn non_empty_or(text: String, fallback: &str) -> String {
    if text.is_empty() {
        fallback.to_owned()
    } else {
        text
    }
}

/// After the last location in the clinic's order.
async fn next_position(db: &impl ConnectionTrait) -> Result<i32, DbErr> {
    let max: Option<Option<i32>> = location::Entity::find()
        .select_only()
        .column_as(location::Column::Position.max(), "max")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().map_or(0, |m| m + 1))
}

/// Replaces the weekly opening hours of a location (`id` is `None` when the
/// id given was not a location's). An empty week means closed every day.
pub async fn set_opening_hours(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    ranges: Vec<RangeInput>,
) -> WriteResult<location::Model> {
    let mut p = Problems::default();
    let field = Field::new(&["hours"]);
    if ranges.len() > MAX_WEEKLY_RANGES {
        p.add(
            &field,
            Code::InvalidLength,
            format!("a week may have at most {MAX_WEEKLY_RANGES} ranges"),
        );
    }
    let week = hours::check_week(&ranges, &field, &mut p);
    let txn = db.begin().await?;
    let found =
        existing::<location::Entity, _>(&txn, id, &Field::new(&["locationId"]), "location", &mut p)
            .await?;
    let found = p.finish_with(found)?;
    opening_hours::Entity::delete_many()
        .filter(opening_hours::Column::LocationId.eq(found.id))
        .exec(&txn)
        .await?;
    if !week.is_empty() {
        opening_hours::Entity::insert_many(week.into_iter().map(|r| opening_hours::ActiveModel {
            id: NotSet,
            location_id: Set(found.id),
            weekday: Set(r.weekday),
            opens: Set(r.opens),
            closes: Set(r.closes),
        }))
        .exec(&txn)
        .await?;
    }
    finish_location_write(txn, events, actor, "setOpeningHours", found).await
}

/// Closes a location for a day from today on (in its time zone). A day
/// already closed is Taken: remove that closure first to change its reason.
pub async fn add_closure(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    date: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> WriteResult<location::Model> {
    let mut p = Problems::default();
    let reason = p.text(&Field::new(&["reason"]), reason, 200, false);
    let date_field = Field::new(&["date"]);
    let txn = db.begin().await?;
    let found =
        existing::<location::Entity, _>(&txn, id, &Field::new(&["locationId"]), "location", &mut p)
            .await?;
    if let Some(l) = &found {
        let today = hours::time_zone(&l.time_zone).map_or_else(
            || now.date_naive(),
            |tz| now.with_timezone(&tz).date_naive(),
        );
        if date < today {
            p.add(
                &date_field,
                Code::OutOfRange,
                format!("must be today ({today}) or later"),
            );
        } else if let Some(closed) = closure_on(&txn, l.id, date).await? {
            p.add(
                &date_field,
                Code::Taken,
                format!(
                    "the location is already closed that day ({})",
                    closed.reason
                ),
            );
        }
    }
    let found = p.finish_with(found)?;
    closure::ActiveModel {
        id: NotSet,
        location_id: Set(found.id),
        date: Set(date),
        reason: Set(reason),
    }
    .insert(&txn)
    .await
    .map_err(|e| taken_if_unique_violation(e, &date_field))?;
    finish_location_write(txn, events, actor, "addClosure", found).await
}

/// Opens a location again on a day it was to be closed.
pub async fn remove_closure(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    date: NaiveDate,
) -> WriteResult<location::Model> {
    let mut p = Problems::default();
    let txn = db.begin().await?;
    let found =
        existing::<location::Entity, _>(&txn, id, &Field::new(&["locationId"]), "location", &mut p)
            .await?;
    let mut closed = None;
    if let Some(l) = &found {
        closed = closure_on(&txn, l.id, date).await?;
        if closed.is_none() {
            p.add(
                &Field::new(&["date"]),
                Code::NotFound,
                "the location is not closed that day",
            );
        }
    }
    let (found, closed) = p.finish_with(found.zip(closed))?;
    closure::Entity::delete_by_id(closed.id).exec(&txn).await?;
    finish_location_write(txn, events, actor, "removeClosure", found).await
}

async fn closure_on(
    db: &impl ConnectionTrait,
    location_id: i32,
    date: NaiveDate,
) -> Result<Option<closure::Model>, DbErr> {
    closure::Entity::find()
        .filter(closure::Column::LocationId.eq(location_id))
        .filter(closure::Column::Date.eq(date))
        .one(db)
        .await
}

/// Marks the location changed, records the write and commits.
async fn finish_location_write(
    txn: DatabaseTransaction,
    events: &Events,
    actor: i32,
    action: &str,
    found: location::Model,
) -> WriteResult<location::Model> {
    let mut row: location::ActiveModel = found.into();
    row.updated_at = Set(Utc::now());
    let saved = row.update(&txn).await?;
    let news = audit::record(&txn, events, actor, action, &subject(saved.id)).await?;
    txn.commit().await?;
    news.deliver();
    Ok(saved)
}

/// Makes `location_service` say again what these locations offer: a service
/// is offered at a location when an active therapist who works there offers it.
///
/// The rows of the affected locations are rebuilt from the links rather than
/// patched: whether a location still offers a service after one therapist
/// stops needs the same query over the other therapists anyway, and a rebuild
/// cannot drift and repairs rows an earlier write left stale. It is one
/// DELETE and one INSERT … SELECT over the few affected locations, run in the
/// caller's transaction, so readers see the old rows or the new, never a mix.
/// (A view would need no upkeep, but the loaders and the demo use the table.)
/// A service's own `active` flag is left to the readers, which filter on it,
/// so retiring or restoring a service needs no rebuild.
pub async fn refresh_services(
    db: &impl ConnectionTrait,
    location_ids: &[i32],
) -> Result<(), DbErr> {
    if location_ids.is_empty() {
        return Ok(());
    }
    location_service::Entity::delete_many()
        .filter(location_service::Column::LocationId.is_in(location_ids.iter().copied()))
        .exec(db)
        .await?;
    let (tl, ts, t) = (
        therapist_location::Entity,
        therapist_service::Entity,
        therapist::Entity,
    );
    let offered = Query::select()
        .distinct()
        .column((tl, therapist_location::Column::LocationId))
        .column((ts, therapist_service::Column::ServiceId))
        .from(tl)
        .inner_join(
            ts,
            Expr::col((ts, therapist_service::Column::TherapistId))
                .equals((tl, therapist_location::Column::TherapistId)),
        )
        .inner_join(
            t,
            Expr::col((t, therapist::Column::Id))
                .equals((tl, therapist_location::Column::TherapistId)),
        )
        .and_where(Expr::col((t, therapist::Column::Active)).eq(true))
        .and_where(
            Expr::col((tl, therapist_location::Column::LocationId))
                .is_in(location_ids.iter().copied()),
        )
        .to_owned();
    let insert = Query::insert()
        .into_table(location_service::Entity)
        .columns([
            location_service::Column::LocationId,
            location_service::Column::ServiceId,
        ])
        .select_from(offered)
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}
