//! The clinic as a booking form is checked against: active services, locations
//! with their opening hours and coming closures, which services each location
//! offers, active therapists with where they work and what they do.
//!
//! It is small and changes only when staff change it, while every booking
//! needs it: so each instance keeps one snapshot in memory ([`ClinicSnapshot`]),
//! read in a few statements on first use, and reads it again once it may be
//! out of date ([`SnapshotCache`]): once the content generation of [`Events`]
//! has moved on (a write of public data committed here, another instance
//! announced one, or news may have been missed), and in any case after
//! [`MAX_AGE`], which bounds how long a change that nobody announced (SQL
//! run by hand, another process on SQLite) goes unseen.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::{
    closure, location, location_service, opening_hours, service, therapist, therapist_location,
    therapist_service,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::domain::hours;
use crate::events::Events;

/// How long a snapshot is used at most, announced changes or not.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// A location as the windows are checked against it.
pub(super) struct Place {
    pub model: location::Model,
    /// `None` when the stored name is not a time zone; checking a window there fails.
    pub tz: Option<Tz>,
    pub ranges: Vec<hours::Range>,
    /// From the day before the snapshot was read on (the earliest "today"
    /// anywhere on Earth); [`Place::closures_from`] picks the location's own.
    closures: Vec<closure::Model>,
}

impl Place {
    /// The closures on or after `today` (the location's date).
    pub fn closures_from(&self, today: NaiveDate) -> impl Iterator<Item = &closure::Model> {
        self.closures.iter().filter(move |c| c.date >= today)
    }
}

/// An active therapist, with where they work and what they offer.
pub(super) struct Practitioner {
    pub model: therapist::Model,
    locations: HashSet<i32>,
    services: HashSet<i32>,
}

impl Practitioner {
    pub fn works_at(&self, location_id: i32) -> bool {
        self.locations.contains(&location_id)
    }

    pub fn offers(&self, service_id: i32) -> bool {
        self.services.contains(&service_id)
    }
}

/// The snapshot: everything the checks of a form read, by slug.
#[derive(Default)]
pub(super) struct ClinicSnapshot {
    services: HashMap<String, service::Model>,
    places: HashMap<String, Place>,
    offered: HashSet<(i32, i32)>,
    practitioners: HashMap<String, Practitioner>,
}

impl ClinicSnapshot {
    /// Reads the clinic: one statement per table, whatever its size.
    pub async fn load<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<Self, DbErr> {
        let services = service::Entity::find()
            .filter(service::Column::Active.eq(true))
            .all(db)
            .await?;
        let locations = location::Entity::find().all(db).await?;
        let offered = location_service::Entity::find().all(db).await?;
        let therapists = therapist::Entity::find()
            .filter(therapist::Column::Active.eq(true))
            .all(db)
            .await?;
        let works = therapist_location::Entity::find().all(db).await?;
        let does = therapist_service::Entity::find().all(db).await?;
        let hours = opening_hours::Entity::find().all(db).await?;
        let earliest_today = now.date_naive() - Days::new(1);
        let closures = closure::Entity::find()
            .filter(closure::Column::Date.gte(earliest_today))
            .all(db)
            .await?;

        Ok(Self {
            services: services.into_iter().map(|s| (s.slug.clone(), s)).collect(),
            places: places(locations, hours, closures),
            offered: offered
                .into_iter()
                .map(|o| (o.location_id, o.service_id))
                .collect(),
            practitioners: practitioners(therapists, works, does),
        })
    }

    /// The active service with this slug.
    pub fn service(&self, slug: &str) -> Option<&service::Model> {
        self.services.get(slug)
    }

    /// The location with this slug.
    pub fn place(&self, slug: &str) -> Option<&Place> {
        self.places.get(slug)
    }

    /// Whether the location offers the service.
    pub fn offers(&self, location_id: i32, service_id: i32) -> bool {
        self.offered.contains(&(location_id, service_id))
    }

    /// The active therapist with this slug.
    pub fn practitioner(&self, slug: &str) -> Option<&Practitioner> {
        self.practitioners.get(slug)
    }

    /// A clinic without locations takes no booking: it is being set up (the
    /// demo loads into an empty database), so it is not worth keeping.
    fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

/// The locations by slug, each with its opening hours and closures.
fn places(
    locations: Vec<location::Model>,
    hours: Vec<opening_hours::Model>,
    closures: Vec<closure::Model>,
) -> HashMap<String, Place> {
    let mut places: HashMap<i32, Place> = locations
        .into_iter()
        .map(|model| {
            let place = Place {
                tz: hours::time_zone(&model.time_zone),
                model,
                ranges: Vec::new(),
                closures: Vec::new(),
            };
            (place.model.id, place)
        })
        .collect();
    for h in hours {
        if let Some(place) = places.get_mut(&h.location_id) {
            place.ranges.push(hours::Range {
                weekday: h.weekday,
                opens: h.opens,
                closes: h.closes,
            });
        }
    }
    for c in closures {
        if let Some(place) = places.get_mut(&c.location_id) {
            place.closures.push(c);
        }
    }
    places
        .into_values()
        .map(|p| (p.model.slug.clone(), p))
        .collect()
}

/// The therapists by slug, each with where they work and what they offer.
fn practitioners(
    therapists: Vec<therapist::Model>,
    works: Vec<therapist_location::Model>,
    does: Vec<therapist_service::Model>,
) -> HashMap<String, Practitioner> {
    let mut practitioners: HashMap<i32, Practitioner> = therapists
        .into_iter()
        .map(|model| {
            let id = model.id;
            let practitioner = Practitioner {
                model,
                locations: HashSet::new(),
                services: HashSet::new(),
            };
            (id, practitioner)
        })
        .collect();
    for w in works {
        if let Some(p) = practitioners.get_mut(&w.therapist_id) {
            p.locations.insert(w.location_id);
        }
    }
    for d in does {
        if let Some(p) = practitioners.get_mut(&d.therapist_id) {
            p.services.insert(d.service_id);
        }
    }
    practitioners
        .into_values()
        .map(|p| (p.model.slug.clone(), p))
        .collect()
}

/// A snapshot with what it is valid for.
struct Kept {
    clinic: Arc<ClinicSnapshot>,
    generation: u64,
    read_at: Instant,
}

/// One instance's snapshot of the clinic, read again when it may be stale.
pub(super) struct SnapshotCache {
    kept: RwLock<Option<Kept>>,
    /// One reader at a time: the requests that find no snapshot wait for it
    /// rather than all reading the same tables.
    reading: tokio::sync::Mutex<()>,
    /// Whose content generation tells when public data may have changed.
    events: Events,
}

impl SnapshotCache {
    pub fn new(events: &Events) -> Self {
        Self {
            kept: RwLock::new(None),
            reading: tokio::sync::Mutex::new(()),
            events: events.clone(),
        }
    }

    /// The clinic as it is now, read from `db` if the snapshot may be stale.
    pub async fn get<C: ConnectionTrait>(
        &self,
        db: &C,
        now: DateTime<Utc>,
    ) -> Result<Arc<ClinicSnapshot>, DbErr> {
        if let Some(clinic) = self.fresh() {
            return Ok(clinic);
        }
        let _reading = self.reading.lock().await;
        if let Some(clinic) = self.fresh() {
            return Ok(clinic);
        }
        // Taken before the clinic is read, so that a change announced while
        // it is being read leaves it stale.
        let generation = self.events.content_generation();
        let clinic = Arc::new(ClinicSnapshot::load(db, now).await?);
        if !clinic.is_empty() {
            *self.kept.write().unwrap_or_else(PoisonError::into_inner) = Some(Kept {
                clinic: clinic.clone(),
                generation,
                read_at: Instant::now(),
            });
        }
        Ok(clinic)
    }

    /// The snapshot, if nothing has changed since it was read.
    fn fresh(&self) -> Option<Arc<ClinicSnapshot>> {
        let kept = self.kept.read().unwrap_or_else(PoisonError::into_inner);
        kept.as_ref()
            .filter(|k| {
                k.generation == self.events.content_generation() && k.read_at.elapsed() < MAX_AGE
            })
            .map(|k| k.clinic.clone())
    }
}
