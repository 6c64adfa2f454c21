//! `organization`: the clinic itself (one row).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub tagline: String,
    pub description: String,
    pub phone_display: String,
    pub phone_e164: String,
    pub email: String,
    pub website: String,
    pub contact_url: String,
    pub staff_url: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
