//! The services the clinic currently offers.

use entity::service;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppResult;

pub async fn list_active(db: &DatabaseConnection) -> AppResult<Vec<service::Model>> {
    Ok(service::Entity::find()
        .filter(service::Column::Active.eq(true))
        .order_by_asc(service::Column::Position)
        .order_by_asc(service::Column::Id)
        .all(db)
        .await?)
}

pub async fn find_active_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<service::Model>> {
    Ok(service::Entity::find()
        .filter(service::Column::Slug.eq(slug))
        .filter(service::Column::Active.eq(true))
        .one(db)
        .await?)
}

pub async fn find_active_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<service::Model>> {
    Ok(service::Entity::find_by_id(id)
        .filter(service::Column::Active.eq(true))
        .one(db)
        .await?)
}
