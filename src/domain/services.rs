//! The services the clinic offers; how staff add, change and retire them.

use chrono::Utc;
use entity::service;
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect, TransactionTrait,
};

use super::locations::non_empty_or;
use super::validate::{
    Code, Field, Problems, Target, WriteResult, existing, taken_if_unique_violation,
};
use super::{audit, slug, visibility};
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
    save(db, events, actor, Target::New, changes).await
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
    save(db, events, actor, Target::Existing(id), changes).await
}

async fn save(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    target: Target,
    c: ServiceChanges,
) -> WriteResult<service::Model> {
    let creating = target == Target::New;
    let input = Field::new(&["input"]);
    let mut p = Problems::default();
    let now = Utc::now();
    let mut row = service::ActiveModel {
        updated_at: Set(now),
        ..Default::default()
    };
    let name_field = input.at("name");
    let name = p
        .present(&name_field, c.name, creating)
        .map(|v| p.text(&name_field, &v, 200, false));
    if let Some(v) = &name {
        row.name = Set(v.clone());
    }
    if let Some(kind) = p.present(&input.at("kind"), c.kind, creating) {
        row.kind = Set(kind);
    }
    let description_field = input.at("description");
    if let Some(v) = p.present(&description_field, c.description, creating) {
        row.description = Set(p.text(&description_field, &v, 5_000, false));
    }
    let durations_field = input.at("durationsMinutes");
    if let Some(minutes) = p.present(&durations_field, c.durations_minutes, creating) {
        row.durations_minutes = Set(serde_json::json!(durations(
            &minutes,
            &durations_field,
            &mut p
        )));
    }
    if let Some(v) = p.present(&input.at("referralAccepted"), c.referral_accepted, creating) {
        row.referral_accepted = Set(v);
    }
    if let Some(v) = p.present(
        &input.at("insuranceEligible"),
        c.insurance_eligible,
        creating,
    ) {
        row.insurance_eligible = Set(v);
    }
    match c.active {
        Some(active) => row.active = Set(active),
        None if creating => row.active = Set(true),
        None => {}
    }
    let slug_field = input.at("slug");
    let slug = c.slug.map(|s| p.slug(&slug_field, &s));

    let txn = db.begin().await?;
    let id = match target {
        Target::New => None,
        Target::Existing(id) => {
            existing::<service::Entity, _>(&txn, id, &Field::new(&["id"]), "service", &mut p)
                .await?
                .map(|s| s.id)
        }
    };
    if let Some(slug) = &slug
        && slug::is_valid(slug)
        && slug::is_taken::<service::Entity, _>(
            &txn,
            service::Column::Slug,
            slug,
            id.map(|id| (service::Column::Id, id)),
        )
        .await?
    {
        p.add(&slug_field, Code::Taken, "another service has this slug");
    }
    p.finish()?;
    match (slug, &name) {
        (Some(slug), _) => row.slug = Set(slug),
        (None, Some(name)) if creating => {
            let base = non_empty_or(slug::slugify(name), "service");
            row.slug =
                Set(slug::unique::<service::Entity, _>(&txn, service::Column::Slug, &base).await?);
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
        "createService"
    } else {
        "updateService"
    };
    let news = audit::record(
        &txn,
        events,
        actor,
        action,
        &format!("Service:{}", saved.id),
    )
    .await?;
    txn.commit().await?;
    news.deliver();
    Ok(saved)
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

/// After the last service in the clinic's order.
async fn next_position(db: &impl ConnectionTrait) -> Result<i32, DbErr> {
    let max: Option<Option<i32>> = service::Entity::find()
        .select_only()
        .column_as(service::Column::Position.max(), "max")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().map_or(0, |m| m + 1))
}
