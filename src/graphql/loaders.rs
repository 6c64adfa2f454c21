//! Batch loaders: every relation the schema exposes is fetched through one
//! `DataLoader<Loaders>`, one SQL statement per relation and batch, however long
//! the list being resolved. Each relation has its own key type.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::Utc;
use entity::{
    article_tag, booking_request_event, certification, closure, location, location_service,
    opening_hours, service, staff, tag, therapist, therapist_certification, therapist_language,
    therapist_location, therapist_service,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, Related,
    SelectTwo,
};
use uuid::Uuid;

use crate::domain::{bookings, visibility};

/// The loaders' shared state.
pub struct Loaders {
    db: DatabaseConnection,
}

impl Loaders {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<DbErr>>;

/// An active therapist by id (article authors, certification holders).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TherapistById(pub i32);
/// A service by id, active or not (what a booking request asked for).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServiceById(pub i32);
/// A location by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LocationById(pub i32);
/// The certifications a therapist holds, current or not, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CertificationsOfTherapist(pub i32);
/// The active therapists holding a certification (expired awards too), by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HoldersOfCertification(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServicesOfTherapist(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LocationsOfTherapist(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LanguagesOfTherapist(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HoursOfLocation(pub i32);
/// Closures of a location from today on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClosuresOfLocation(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServicesAtLocation(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LocationsOfService(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TagsOfArticle(pub i32);
/// Every location of the clinic, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AllLocations;
/// The log of a booking request, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventsOfBooking(pub Uuid);
/// A staff member by id, enabled or not (who wrote a booking's log entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StaffById(pub i32);

/// Rows of `L` whose `column` is one of `keys`, each with its `T`.
fn links<L, T>(column: L::Column, keys: impl IntoIterator<Item = i32>) -> SelectTwo<L, T>
where
    L: EntityTrait + Related<T>,
    T: EntityTrait,
{
    L::find()
        .filter(column.is_in(keys))
        .find_also_related(T::default())
}

/// Groups `(link, target)` rows under the key each link names.
fn group<K, L, T>(rows: Vec<(L, Option<T>)>, key: impl Fn(&L) -> K) -> HashMap<K, Vec<T>>
where
    K: std::hash::Hash + Eq,
{
    let mut map: HashMap<K, Vec<T>> = HashMap::new();
    for (link, target) in rows {
        if let Some(target) = target {
            map.entry(key(&link)).or_default().push(target);
        }
    }
    map
}

/// Groups rows of one table under the key each names.
fn group_rows<K, M>(rows: Vec<M>, key: impl Fn(&M) -> K) -> HashMap<K, Vec<M>>
where
    K: std::hash::Hash + Eq,
{
    let mut map: HashMap<K, Vec<M>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

fn ids<K: Copy>(keys: &[K], id: impl Fn(K) -> i32) -> Vec<i32> {
    keys.iter().map(|&k| id(k)).collect()
}

impl Loader<TherapistById> for Loaders {
    type Value = therapist::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[TherapistById]) -> LoadResult<TherapistById, Self::Value> {
        let rows = visibility::active_therapists(therapist::Entity::find())
            .filter(therapist::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|t| (TherapistById(t.id), t)).collect())
    }
}

impl Loader<ServiceById> for Loaders {
    type Value = service::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[ServiceById]) -> LoadResult<ServiceById, Self::Value> {
        let rows = service::Entity::find()
            .filter(service::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|s| (ServiceById(s.id), s)).collect())
    }
}

impl Loader<LocationById> for Loaders {
    type Value = location::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[LocationById]) -> LoadResult<LocationById, Self::Value> {
        let rows = location::Entity::find()
            .filter(location::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|l| (LocationById(l.id), l)).collect())
    }
}

impl Loader<CertificationsOfTherapist> for Loaders {
    type Value = Vec<(therapist_certification::Model, certification::Model)>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[CertificationsOfTherapist],
    ) -> LoadResult<CertificationsOfTherapist, Self::Value> {
        let rows = visibility::certifications_by_name(links::<
            therapist_certification::Entity,
            certification::Entity,
        >(
            therapist_certification::Column::TherapistId,
            ids(keys, |k| k.0),
        ))
        .all(&self.db)
        .await?;
        let mut map: HashMap<_, Vec<_>> = HashMap::new();
        for (award, cert) in rows {
            if let Some(cert) = cert {
                map.entry(CertificationsOfTherapist(award.therapist_id))
                    .or_default()
                    .push((award, cert));
            }
        }
        Ok(map)
    }
}

impl Loader<HoldersOfCertification> for Loaders {
    type Value = Vec<(therapist_certification::Model, therapist::Model)>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[HoldersOfCertification],
    ) -> LoadResult<HoldersOfCertification, Self::Value> {
        let holders = links::<therapist_certification::Entity, therapist::Entity>(
            therapist_certification::Column::CertificationId,
            ids(keys, |k| k.0),
        );
        let rows = visibility::therapists_by_name(visibility::active_therapists(holders))
            .all(&self.db)
            .await?;
        let mut map: HashMap<_, Vec<_>> = HashMap::new();
        for (award, holder) in rows {
            if let Some(holder) = holder {
                map.entry(HoldersOfCertification(award.certification_id))
                    .or_default()
                    .push((award, holder));
            }
        }
        Ok(map)
    }
}

impl Loader<ServicesOfTherapist> for Loaders {
    type Value = Vec<service::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[ServicesOfTherapist],
    ) -> LoadResult<ServicesOfTherapist, Self::Value> {
        let rows =
            visibility::services_in_order(links::<therapist_service::Entity, service::Entity>(
                therapist_service::Column::TherapistId,
                ids(keys, |k| k.0),
            ))
            .all(&self.db)
            .await?;
        Ok(group(rows, |l| ServicesOfTherapist(l.therapist_id)))
    }
}

impl Loader<LocationsOfTherapist> for Loaders {
    type Value = Vec<location::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[LocationsOfTherapist],
    ) -> LoadResult<LocationsOfTherapist, Self::Value> {
        let rows =
            visibility::locations_in_order(links::<therapist_location::Entity, location::Entity>(
                therapist_location::Column::TherapistId,
                ids(keys, |k| k.0),
            ))
            .all(&self.db)
            .await?;
        Ok(group(rows, |l| LocationsOfTherapist(l.therapist_id)))
    }
}

impl Loader<LanguagesOfTherapist> for Loaders {
    type Value = Vec<String>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[LanguagesOfTherapist],
    ) -> LoadResult<LanguagesOfTherapist, Self::Value> {
        let rows = therapist_language::Entity::find()
            .filter(therapist_language::Column::TherapistId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(therapist_language::Column::Language)
            .all(&self.db)
            .await?;
        let mut map: HashMap<_, Vec<_>> = HashMap::new();
        for row in rows {
            map.entry(LanguagesOfTherapist(row.therapist_id))
                .or_default()
                .push(row.language);
        }
        Ok(map)
    }
}

impl Loader<HoursOfLocation> for Loaders {
    type Value = Vec<opening_hours::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[HoursOfLocation]) -> LoadResult<HoursOfLocation, Self::Value> {
        let rows = opening_hours::Entity::find()
            .filter(opening_hours::Column::LocationId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(opening_hours::Column::Weekday)
            .order_by_asc(opening_hours::Column::Opens)
            .all(&self.db)
            .await?;
        Ok(group_rows(rows, |r| HoursOfLocation(r.location_id)))
    }
}

impl Loader<ClosuresOfLocation> for Loaders {
    type Value = Vec<closure::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[ClosuresOfLocation],
    ) -> LoadResult<ClosuresOfLocation, Self::Value> {
        // A day behind UTC covers every time zone's "today".
        let from = Utc::now().date_naive() - chrono::Days::new(1);
        let rows = closure::Entity::find()
            .filter(closure::Column::LocationId.is_in(ids(keys, |k| k.0)))
            .filter(closure::Column::Date.gte(from))
            .order_by_asc(closure::Column::Date)
            .all(&self.db)
            .await?;
        Ok(group_rows(rows, |r| ClosuresOfLocation(r.location_id)))
    }
}

impl Loader<ServicesAtLocation> for Loaders {
    type Value = Vec<service::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[ServicesAtLocation],
    ) -> LoadResult<ServicesAtLocation, Self::Value> {
        let rows =
            visibility::services_in_order(links::<location_service::Entity, service::Entity>(
                location_service::Column::LocationId,
                ids(keys, |k| k.0),
            ))
            .all(&self.db)
            .await?;
        Ok(group(rows, |l| ServicesAtLocation(l.location_id)))
    }
}

impl Loader<LocationsOfService> for Loaders {
    type Value = Vec<location::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[LocationsOfService],
    ) -> LoadResult<LocationsOfService, Self::Value> {
        let rows =
            visibility::locations_in_order(links::<location_service::Entity, location::Entity>(
                location_service::Column::ServiceId,
                ids(keys, |k| k.0),
            ))
            .all(&self.db)
            .await?;
        Ok(group(rows, |l| LocationsOfService(l.service_id)))
    }
}

impl Loader<TagsOfArticle> for Loaders {
    type Value = Vec<tag::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[TagsOfArticle]) -> LoadResult<TagsOfArticle, Self::Value> {
        let rows = links::<article_tag::Entity, tag::Entity>(
            article_tag::Column::ArticleId,
            ids(keys, |k| k.0),
        )
        .order_by_asc(tag::Column::Name)
        .all(&self.db)
        .await?;
        Ok(group(rows, |l| TagsOfArticle(l.article_id)))
    }
}

impl Loader<AllLocations> for Loaders {
    type Value = Vec<location::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, _keys: &[AllLocations]) -> LoadResult<AllLocations, Self::Value> {
        let rows = visibility::locations_in_order(location::Entity::find())
            .all(&self.db)
            .await?;
        Ok(HashMap::from([(AllLocations, rows)]))
    }
}

impl Loader<EventsOfBooking> for Loaders {
    type Value = Vec<booking_request_event::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[EventsOfBooking]) -> LoadResult<EventsOfBooking, Self::Value> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = bookings::events_of(&self.db, &ids).await?;
        Ok(group_rows(rows, |e| EventsOfBooking(e.booking_request_id)))
    }
}

impl Loader<StaffById> for Loaders {
    type Value = staff::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[StaffById]) -> LoadResult<StaffById, Self::Value> {
        let rows = staff::Entity::find()
            .filter(staff::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|s| (StaffById(s.id), s)).collect())
    }
}
