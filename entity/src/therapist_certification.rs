//! `therapist_certification`: a certification awarded to a therapist, with its dates.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "therapist_certification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub therapist_id: i32,
    pub certification_id: i32,
    pub issued_on: ChronoDate,
    pub expires_on: Option<ChronoDate>,
    pub credential_id: Option<String>,
    pub verified: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::therapist::Entity",
        from = "Column::TherapistId",
        to = "super::therapist::Column::Id",
        on_delete = "Cascade"
    )]
    Therapist,
    #[sea_orm(
        belongs_to = "super::certification::Entity",
        from = "Column::CertificationId",
        to = "super::certification::Column::Id",
        on_delete = "Cascade"
    )]
    Certification,
}

impl Related<super::therapist::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Therapist.def()
    }
}

impl Related<super::certification::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Certification.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
