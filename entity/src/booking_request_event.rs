//! `booking_request_event`: one entry of a booking request's append-only log.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_request_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub booking_request_id: Uuid,
    /// `None` when the patient acted (submitted or cancelled).
    pub staff_id: Option<i32>,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub note: Option<String>,
    /// The therapist an assignment named; `None` for other events, or an unassignment.
    pub therapist_id: Option<i32>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
