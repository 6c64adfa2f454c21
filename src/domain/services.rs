//! The services the clinic offers; how staff add, change and retire them.

use entity::service;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::content::{self, Content};
use super::validate::{Code, Field, Problems, Target, WriteResult};
use super::visibility;
use crate::error::AppResult;
use crate::events::Events;

pub async fn list_active(db: &DatabaseConnection) -> AppResult<Vec<service::Model>> {
    Ok(visibility::services_in_order(service::Entity::find())
        .all(db)
        .await?)
}

pub async fn find_active_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<service::Model>> {
    Ok(visibility::active_services(service::Entity::find())
        .filter(service::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn find_active_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<service::Model>> {
    Ok(visibility::active_services(service::Entity::find_by_id(id))
        .one(db)
        .await?)
}

/// What a create or update of a service sets; `None` leaves a value as it
/// is (a create needs all but the slug and `active`).
#[derive(Clone, Debug, Default)]
pub struct ServiceChanges {
    pub name: Option<String>,
    pub kind: Option<service::ServiceKind>,
    pub description: Option<String>,
    /// Session lengths; stored sorted, without repeats.
    pub durations_minutes: Option<Vec<i32>>,
    pub referral_accepted: Option<bool>,
    pub insurance_eligible: Option<bool>,
    /// Made from the name when a create has none.
    pub slug: Option<String>,
    /// False retires the service: it leaves every public list, but its links
    /// to therapists and locations stay, so restoring it brings them back.
    pub active: Option<bool>,
}

/// Longest session, in minutes.
pub const MAX_DURATION_MINUTES: i32 = 480;
/// Most session lengths one service offers.
pub const MAX_DURATIONS: usize = 12;

pub async fn create(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    changes: ServiceChanges,
) -> WriteResult<service::Model> {
    content::save::<CheckedService>(db, events, actor, Target::New, "createService", changes).await
}

/// Changes a service, offered or retired; `id` is `None` when the id given
/// was not a service's.
pub async fn update(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    changes: ServiceChanges,
) -> WriteResult<service::Model> {
    let target = Target::Existing(id);
    content::save::<CheckedService>(db, events, actor, target, "updateService", changes).await
}

/// A service's changes as they are stored: trimmed, the session lengths
/// sorted, and a new service offered.
#[derive(Debug, Default, PartialEq)]
struct CheckedService {
    name: Option<String>,
    kind: Option<service::ServiceKind>,
    description: Option<String>,
    durations_minutes: Option<Vec<i32>>,
    referral_accepted: Option<bool>,
    insurance_eligible: Option<bool>,
    slug: Option<String>,
    active: Option<bool>,
}

impl Content for CheckedService {
    type Changes = ServiceChanges;
    type Entity = service::Entity;
    type Row = service::ActiveModel;
    const NAME: &'static str = "service";
    const TYPE: &'static str = "Service";
    const ID: service::Column = service::Column::Id;
    const SLUG: service::Column = service::Column::Slug;
    const CREATED_AT: service::Column = service::Column::CreatedAt;
    const UPDATED_AT: service::Column = service::Column::UpdatedAt;
    const POSITION: Option<service::Column> = Some(service::Column::Position);

    fn check(c: ServiceChanges, creating: bool) -> (Self, Problems) {
        let input = Field::new(&["input"]);
        let mut p = Problems::default();
        let name = p.present_text(&input.at("name"), c.name, creating, 200, false);
        let kind = p.present(&input.at("kind"), c.kind, creating);
        let description = p.present_text(
            &input.at("description"),
            c.description,
            creating,
            5_000,
            false,
        );
        let durations_field = input.at("durationsMinutes");
        let durations_minutes = p
            .present(&durations_field, c.durations_minutes, creating)
            .map(|minutes| durations(&minutes, &durations_field, &mut p));
        let referral_accepted =
            p.present(&input.at("referralAccepted"), c.referral_accepted, creating);
        let insurance_eligible = p.present(
            &input.at("insuranceEligible"),
            c.insurance_eligible,
            creating,
        );
        let slug = c.slug.map(|s| p.slug(&input.at("slug"), &s));
        let checked = CheckedService {
            name,
            kind,
            description,
            durations_minutes,
            referral_accepted,
            insurance_eligible,
            slug,
            active: c.active.or(creating.then_some(true)),
        };
        (checked, p)
    }

    fn row(&self) -> service::ActiveModel {
        let mut row = service::ActiveModel::default();
        let set = |value: &Option<String>| value.clone().map_or(NotSet, Set);
        row.name = set(&self.name);
        row.description = set(&self.description);
        row.kind = self.kind.map_or(NotSet, Set);
        row.durations_minutes = self
            .durations_minutes
            .as_ref()
            .map_or(NotSet, |minutes| Set(serde_json::json!(minutes)));
        row.referral_accepted = self.referral_accepted.map_or(NotSet, Set);
        row.insurance_eligible = self.insurance_eligible.map_or(NotSet, Set);
        row.active = self.active.map_or(NotSet, Set);
        row
    }

    fn slug(&self) -> Option<&str> {
        self.slug.as_deref()
    }

    fn slug_source(&self) -> Option<String> {
        self.name.clone()
    }
}

/// At least one, each 1 to [`MAX_DURATION_MINUTES`]; sorted, without repeats.
fn durations(minutes: &[i32], field: &Field, p: &mut Problems) -> Vec<i32> {
    if minutes.is_empty() {
        p.add(field, Code::Required, "at least one session length");
    } else if minutes.len() > MAX_DURATIONS {
        p.add(
            field,
            Code::InvalidLength,
            format!("at most {MAX_DURATIONS} session lengths"),
        );
    }
    for (i, &m) in minutes.iter().enumerate() {
        p.in_range(&field.at(i), m, 1, MAX_DURATION_MINUTES);
    }
    let mut clean = minutes.to_vec();
    clean.sort_unstable();
    clean.dedup();
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_lengths_are_checked_one_by_one_and_stored_sorted() {
        let changes = ServiceChanges {
            name: Some("Dry Needling".into()),
            kind: Some(service::ServiceKind::Clinical),
            description: Some(" ".into()),
            durations_minutes: Some(vec![60, 0, 30, 60, 481]),
            referral_accepted: Some(false),
            slug: Some("dry_needling".into()),
            ..ServiceChanges::default()
        };
        let (checked, problems) = CheckedService::check(changes, true);
        let at = |path: &str, code| (path.to_owned(), code);
        assert_eq!(
            problems.found(),
            [
                at("input.description", Code::Required),
                at("input.durationsMinutes.1", Code::OutOfRange),
                at("input.durationsMinutes.4", Code::OutOfRange),
                at("input.insuranceEligible", Code::Required),
                at("input.slug", Code::InvalidFormat),
            ]
        );
        assert_eq!(checked.durations_minutes, Some(vec![0, 30, 60, 481]));
        assert_eq!(checked.active, Some(true));
    }
}
