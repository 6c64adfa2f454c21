//! `booking_idempotency`: an `Idempotency-Key` a client sent with a booking
//! request, so that a retry returns the first answer instead of a second request.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_idempotency")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// SHA-256 of the input the key was first sent with, hex; never the input itself.
    pub fingerprint: String,
    pub booking_request_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
