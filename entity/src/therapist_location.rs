//! `therapist_location`: the locations a therapist works at.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "therapist_location")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub therapist_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub location_id: i32,
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
        belongs_to = "super::location::Entity",
        from = "Column::LocationId",
        to = "super::location::Column::Id",
        on_delete = "Cascade"
    )]
    Location,
}

impl Related<super::therapist::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Therapist.def()
    }
}

impl Related<super::location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Location.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
