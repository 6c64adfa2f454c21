//! The clinic's locations, in the order the clinic lists them.

use entity::location;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppResult;

pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<location::Model>> {
    Ok(location::Entity::find()
        .order_by_asc(location::Column::Position)
        .order_by_asc(location::Column::Id)
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
