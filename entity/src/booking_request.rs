//! `booking_request`: a patient's request for an appointment. Holds health
//! information: it must never reach logs or public queries.

use sea_orm::entity::prelude::*;

/// Where a booking request is in the front desk's follow-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum BookingStatus {
    #[sea_orm(string_value = "NEW")]
    New,
    #[sea_orm(string_value = "CONTACTED")]
    Contacted,
    #[sea_orm(string_value = "SCHEDULED")]
    Scheduled,
    #[sea_orm(string_value = "DECLINED")]
    Declined,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
    #[sea_orm(string_value = "SPAM")]
    Spam,
}

/// How the patient would like to be contacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ContactMethod {
    #[sea_orm(string_value = "EMAIL")]
    Email,
    #[sea_orm(string_value = "PHONE")]
    Phone,
    #[sea_orm(string_value = "TEXT")]
    Text,
}

#[derive(Clone, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub reference: String,
    pub full_name: String,
    pub email: String,
    pub phone_e164: String,
    pub preferred_contact: ContactMethod,
    pub service_id: i32,
    pub location_id: i32,
    pub therapist_id: Option<i32>,
    pub assigned_therapist_id: Option<i32>,
    /// A JSON array of `{"start": RFC 3339, "end": RFC 3339}`.
    pub preferred_windows: Json,
    pub new_patient: bool,
    pub physician_referral: bool,
    pub insurance_provider: Option<String>,
    pub message: Option<String>,
    pub consent: bool,
    pub status: BookingStatus,
    pub submitted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the patient's details were removed under the retention setting.
    pub anonymised_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

// By hand, so that a stray `{:?}` cannot print patient details.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookingRequest")
            .field("id", &self.id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
