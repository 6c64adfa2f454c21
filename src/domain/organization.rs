//! The clinic's own details (a single row).

use entity::organization;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use crate::error::AppResult;

pub async fn get(db: &DatabaseConnection) -> AppResult<Option<organization::Model>> {
    Ok(organization::Entity::find()
        .order_by_asc(organization::Column::Id)
        .one(db)
        .await?)
}
