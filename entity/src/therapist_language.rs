//! `therapist_language`: a language (BCP 47 code) a therapist treats patients in.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "therapist_language")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub therapist_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub language: String,
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
}

impl ActiveModelBehavior for ActiveModel {}
