//! The clinic's locations, in the order the clinic lists them; creating and
//! changing them, their opening hours and closures; and what each offers.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    closure, location, location_service, opening_hours, therapist, therapist_location,
    therapist_service,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, TransactionTrait,
};

use super::audit;
use super::content::{self, Content};
use super::hours::{self, RangeInput};
use super::validate::{
    Code, Field, PhoneNumber, Problems, Target, WriteResult, existing, taken_if_unique_violation,
};
use super::visibility;
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
    content::save::<CheckedLocation>(db, events, actor, Target::New, "createLocation", changes)
        .await
}

/// Changes a location; `id` is `None` when the id given was not a location's.
pub async fn update(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    changes: LocationChanges,
) -> WriteResult<location::Model> {
    let target = Target::Existing(id);
    content::save::<CheckedLocation>(db, events, actor, target, "updateLocation", changes).await
}

/// A location's changes as they are stored: trimmed, the country in capitals,
/// and a new location placed nowhere unless its geo is given.
#[derive(Debug, Default, PartialEq)]
struct CheckedLocation {
    name: Option<String>,
    address: Option<Address>,
    time_zone: Option<String>,
    phone: Option<PhoneNumber>,
    email: Option<String>,
    geo: Option<Option<(f64, f64)>>,
    slug: Option<String>,
}

impl Content for CheckedLocation {
    type Changes = LocationChanges;
    type Entity = location::Entity;
    type Row = location::ActiveModel;
    const NAME: &'static str = "location";
    const TYPE: &'static str = "Location";
    const ID: location::Column = location::Column::Id;
    const SLUG: location::Column = location::Column::Slug;
    const CREATED_AT: location::Column = location::Column::CreatedAt;
    const UPDATED_AT: location::Column = location::Column::UpdatedAt;
    const POSITION: Option<location::Column> = Some(location::Column::Position);

    fn check(c: LocationChanges, creating: bool) -> (Self, Problems) {
        let input = Field::new(&["input"]);
        let mut p = Problems::default();
        let name = p.present_text(&input.at("name"), c.name, creating, 200, false);
        let address = p
            .present(&input.at("address"), c.address, creating)
            .map(|a| check_address(&a, &input.at("address"), &mut p));
        let time_zone = p
            .present(&input.at("timeZone"), c.time_zone, creating)
            .map(|tz| check_time_zone(&tz, &input.at("timeZone"), &mut p));
        let phone = p
            .present(&input.at("phone"), c.phone, creating)
            .map(|phone| p.phone(&input.at("phone"), &phone));
        let email = p
            .present(&input.at("email"), c.email, creating)
            .map(|email| p.email(&input.at("email"), &email));
        let geo = match c.geo {
            Some(Some(geo)) => Some(Some(check_geo(geo, &input.at("geo"), &mut p))),
            None if creating => Some(None),
            geo => geo,
        };
        let slug = c.slug.map(|s| p.slug(&input.at("slug"), &s));
        let checked = CheckedLocation {
            name,
            address,
            time_zone,
            phone,
            email,
            geo,
            slug,
        };
        (checked, p)
    }

    fn row(&self) -> location::ActiveModel {
        let set = |value: &Option<String>| value.clone().map_or(NotSet, Set);
        let mut row = location::ActiveModel {
            name: set(&self.name),
            time_zone: set(&self.time_zone),
            email: set(&self.email),
            ..Default::default()
        };
        if let Some(a) = &self.address {
            row.street = Set(a.street.clone());
            row.city = Set(a.city.clone());
            row.region = Set(a.region.clone());
            row.postal_code = Set(a.postal_code.clone());
            row.country = Set(a.country.clone());
        }
        if let Some(phone) = &self.phone {
            row.phone_display = Set(phone.display.clone());
            row.phone_e164 = Set(phone.e164.clone());
        }
        if let Some(geo) = self.geo {
            row.latitude = Set(geo.map(|(latitude, _)| latitude));
            row.longitude = Set(geo.map(|(_, longitude)| longitude));
        }
        row
    }

    fn slug(&self) -> Option<&str> {
        self.slug.as_deref()
    }

    fn slug_source(&self) -> Option<String> {
        self.name.clone()
    }
}

/// Trimmed, the country an ISO 3166-1 alpha-2 code in capitals.
fn check_address(a: &Address, field: &Field, p: &mut Problems) -> Address {
    let country = a.country.trim().to_uppercase();
    let address = Address {
        street: p.text(&field.at("street"), &a.street, 200, false),
        city: p.text(&field.at("city"), &a.city, 100, false),
        region: p.text(&field.at("region"), &a.region, 100, true),
        postal_code: p.text(&field.at("postalCode"), &a.postal_code, 20, true),
        country,
    };
    if address.country.len() != 2 || !address.country.bytes().all(|b| b.is_ascii_uppercase()) {
        p.add(
            &field.at("country"),
            Code::InvalidFormat,
            "must be an ISO 3166-1 alpha-2 code, e.g. US",
        );
    }
    address
}

/// Trimmed, and a time zone the IANA database knows.
fn check_time_zone(tz: &str, field: &Field, p: &mut Problems) -> String {
    let tz = tz.trim();
    if hours::time_zone(tz).is_none() {
        p.add(
            field,
            Code::InvalidFormat,
            "must be an IANA time zone, e.g. America/Chicago",
        );
    }
    tz.to_owned()
}

/// Latitude and longitude within their ranges.
fn check_geo((latitude, longitude): (f64, f64), field: &Field, p: &mut Problems) -> (f64, f64) {
    (
        p.in_range(&field.at("latitude"), latitude, -90.0, 90.0),
        p.in_range(&field.at("longitude"), longitude, -180.0, 180.0),
    )
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
    let subject = audit::subject(CheckedLocation::TYPE, saved.id);
    audit::record_and_commit(txn, events, actor, action, &subject).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_fields_are_named_by_their_path() {
        let changes = LocationChanges {
            name: Some("Downtown".into()),
            address: Some(Address {
                street: " ".into(),
                city: "Chicago".into(),
                region: String::new(),
                postal_code: String::new(),
                country: "usa".into(),
            }),
            time_zone: Some("Mars/Olympus".into()),
            phone: Some(PhoneNumber {
                display: "800-PT-FIRST".into(),
                e164: "18007834778".into(),
            }),
            email: Some("front desk@ptfirst.example".into()),
            geo: Some(Some((91.0, 0.0))),
            slug: None,
        };
        let (_, problems) = CheckedLocation::check(changes, true);
        let at = |path: &str, code| (path.to_owned(), code);
        assert_eq!(
            problems.found(),
            [
                at("input.address.street", Code::Required),
                at("input.address.country", Code::InvalidFormat),
                at("input.timeZone", Code::InvalidFormat),
                at("input.phone.e164", Code::InvalidFormat),
                at("input.email", Code::InvalidFormat),
                at("input.geo.latitude", Code::OutOfRange),
            ]
        );
    }

    #[test]
    fn a_new_location_needs_all_but_its_slug_and_geo() {
        let (checked, problems) = CheckedLocation::check(LocationChanges::default(), true);
        let fields: Vec<String> = problems.found().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            ["name", "address", "timeZone", "phone", "email"].map(|f| format!("input.{f}"))
        );
        assert_eq!(checked.geo, Some(None));
        let (checked, problems) = CheckedLocation::check(LocationChanges::default(), false);
        assert!(problems.is_empty());
        assert_eq!(checked, CheckedLocation::default());
    }
}
