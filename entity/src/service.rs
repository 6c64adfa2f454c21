//! `service`: a treatment the clinic offers.

use sea_orm::entity::prelude::*;

/// Whether a service is clinical treatment or relaxation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ServiceKind {
    #[sea_orm(string_value = "CLINICAL")]
    Clinical,
    #[sea_orm(string_value = "RELAXATION")]
    Relaxation,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub kind: ServiceKind,
    pub description: String,
    /// A JSON array of whole minutes.
    pub durations_minutes: Json,
    pub referral_accepted: bool,
    pub insurance_eligible: bool,
    pub active: bool,
    pub position: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
