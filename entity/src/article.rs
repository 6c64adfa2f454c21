//! `article`: a post of the clinic's blog, written by a therapist.

use sea_orm::entity::prelude::*;

/// Where an article is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ArticleStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    /// `body` rendered to sanitized HTML when written.
    pub body_html: String,
    pub reading_time_minutes: i32,
    pub status: ArticleStatus,
    /// A time in the future means scheduled.
    pub published_at: Option<DateTimeUtc>,
    pub author_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::therapist::Entity",
        from = "Column::AuthorId",
        to = "super::therapist::Column::Id",
        on_delete = "SetNull"
    )]
    Author,
}

impl Related<super::therapist::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
