//! The clinic's own details (a single row), and how staff change them.

use chrono::Utc;
use entity::organization;
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder,
    TransactionTrait,
};

use super::audit;
use super::validate::{Field, PhoneNumber, Problems, WriteResult};
use crate::error::AppResult;
use crate::events::Events;

pub async fn get(db: &impl ConnectionTrait) -> AppResult<Option<organization::Model>> {
    Ok(organization::Entity::find()
        .order_by_asc(organization::Column::Id)
        .one(db)
        .await?)
}

/// What an update of the organization sets; `None` leaves a value as it is.
#[derive(Clone, Debug, Default)]
pub struct OrganizationChanges {
    pub name: Option<String>,
    pub tagline: Option<String>,
    pub description: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub contact_url: Option<String>,
    pub staff_url: Option<String>,
}

/// Changes the clinic's details. Before the clinic is set up there is no row:
/// then this creates it, and every value is required.
pub async fn update(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    c: OrganizationChanges,
) -> WriteResult<organization::Model> {
    let txn = db.begin().await?;
    let current = get(&txn).await?;
    let creating = current.is_none();
    let input = Field::new(&["input"]);
    let mut p = Problems::default();
    let mut row = organization::ActiveModel {
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    let text = |p: &mut Problems, name: &str, value: Option<String>, max: usize| {
        let field = input.at(name);
        p.present(&field, value, creating)
            .map(|v| p.text(&field, &v, max, false))
    };
    if let Some(v) = text(&mut p, "name", c.name, 200) {
        row.name = Set(v);
    }
    if let Some(v) = text(&mut p, "tagline", c.tagline, 300) {
        row.tagline = Set(v);
    }
    if let Some(v) = text(&mut p, "description", c.description, 5_000) {
        row.description = Set(v);
    }
    if let Some(phone) = p.present(&input.at("phone"), c.phone, creating) {
        let phone = p.phone(&input.at("phone"), &phone);
        row.phone_display = Set(phone.display);
        row.phone_e164 = Set(phone.e164);
    }
    if let Some(v) = p.present(&input.at("email"), c.email, creating) {
        row.email = Set(p.email(&input.at("email"), &v));
    }
    for (name, value, column) in [
        ("website", c.website, &mut row.website),
        ("contactUrl", c.contact_url, &mut row.contact_url),
        ("staffUrl", c.staff_url, &mut row.staff_url),
    ] {
        let field = input.at(name);
        if let Some(v) = p.present(&field, value, creating) {
            *column = Set(p.url(&field, &v));
        }
    }
    p.finish()?;
    let saved = match current {
        None => row.insert(&txn).await?,
        Some(current) => {
            row.id = Unchanged(current.id);
            row.update(&txn).await?
        }
    };
    let news = audit::record(
        &txn,
        events,
        actor,
        "updateOrganization",
        &format!("Organization:{}", saved.id),
    )
    .await?;
    txn.commit().await?;
    news.deliver();
    Ok(saved)
}
