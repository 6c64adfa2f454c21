//! Certifications and whether a therapist's award of one is still current.

use chrono::{Days, NaiveDate};
use entity::certification;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppResult;

/// Days before expiry from which a certification counts as expiring soon.
pub const EXPIRING_SOON_DAYS: u64 = 60;

/// Whether a held certification is current on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    ExpiringSoon,
    Expired,
}

/// The status on `today` of an award that expires on `expires_on` (valid
/// through that day; `None` never expires).
pub fn status(expires_on: Option<NaiveDate>, today: NaiveDate) -> Status {
    match expires_on {
        None => Status::Active,
        Some(day) if day < today => Status::Expired,
        Some(day) if day <= today + Days::new(EXPIRING_SOON_DAYS) => Status::ExpiringSoon,
        Some(_) => Status::Active,
    }
}

/// Whether an award expiring on `expires_on` still counts on `today`.
pub fn is_current(expires_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status(expires_on, today) != Status::Expired
}

/// Every certification, by name.
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<certification::Model>> {
    Ok(certification::Entity::find()
        .order_by_asc(certification::Column::Name)
        .order_by_asc(certification::Column::Id)
        .all(db)
        .await?)
}

pub async fn find_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<certification::Model>> {
    Ok(certification::Entity::find()
        .filter(certification::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn find_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<certification::Model>> {
    Ok(certification::Entity::find_by_id(id).one(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_expiry_date() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let day = |d: i64| Some(today + chrono::Duration::days(d));
        assert_eq!(status(None, today), Status::Active);
        assert_eq!(status(day(-1), today), Status::Expired);
        assert_eq!(status(day(0), today), Status::ExpiringSoon);
        assert_eq!(status(day(60), today), Status::ExpiringSoon);
        assert_eq!(status(day(61), today), Status::Active);
    }
}
