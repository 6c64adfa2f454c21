//! `audit_event`: one write made by a staff member: what, to which object, when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `None` once the staff account is deleted.
    pub staff_id: Option<i32>,
    /// What was done, e.g. `publishArticle`.
    pub action: String,
    /// To what, as `Type:id`, e.g. `Article:12`.
    pub subject: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
