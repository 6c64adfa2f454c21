//! `rate_limit_counter`: hits of one client (a bucket such as a hashed IP
//! address) in one fixed window, shared by every instance of the service.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_limit_counter")]
pub struct Model {
    /// What is counted and for whom, e.g. `booking:ip:<hash>`; never a raw address.
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub window_start: DateTimeUtc,
    pub hits: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
