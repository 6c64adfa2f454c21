//! `location`: a clinic site with its address and time zone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "location")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub time_zone: String,
    pub phone_display: String,
    pub phone_e164: String,
    pub email: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub position: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::opening_hours::Entity")]
    OpeningHours,
    #[sea_orm(has_many = "super::closure::Entity")]
    Closure,
}

impl Related<super::opening_hours::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OpeningHours.def()
    }
}

impl Related<super::closure::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Closure.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
