//! `therapist`: a member of the staff directory.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "therapist")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub first_name: String,
    pub last_name: String,
    pub credentials: String,
    pub title: String,
    /// Markdown.
    pub bio: String,
    /// `bio` rendered to sanitized HTML when written.
    pub bio_html: String,
    pub photo_url: Option<String>,
    pub accepting_new_patients: bool,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
