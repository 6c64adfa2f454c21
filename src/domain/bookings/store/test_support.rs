//! What the store's tests share.

use chrono::{TimeZone, Utc};
use entity::booking_request::{self, BookingStatus, ContactMethod};
use uuid::Uuid;

use super::job::{Claim, Job};

/// A checked request with `windows` preferred windows, a message of
/// `message` characters and, if given, an idempotency key.
pub(super) fn job(key: Option<&str>, message: usize, windows: usize) -> Job {
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let window = serde_json::json!({
        "start": "2026-03-04T09:00:00Z",
        "end": "2026-03-04T11:00:00Z",
    });
    Job {
        request: booking_request::Model {
            id: Uuid::new_v4(),
            reference: "PTF-7K3M9Q2X".into(),
            full_name: "Dana Whitfield".into(),
            email: "dana.whitfield@example.org".into(),
            phone_e164: "+15035550142".into(),
            preferred_contact: ContactMethod::Email,
            service_id: 3,
            location_id: 1,
            therapist_id: Some(12),
            assigned_therapist_id: None,
            preferred_windows: serde_json::Value::Array(vec![window; windows]),
            new_patient: true,
            physician_referral: false,
            insurance_provider: Some("Cascade Mutual".into()),
            message: (message > 0).then(|| "é".repeat(message / 2)),
            consent: true,
            status: BookingStatus::New,
            submitted_at: at,
            updated_at: at,
            anonymised_at: None,
        },
        claim: key.map(|key| Claim {
            key: key.into(),
            fingerprint: "f".repeat(64),
        }),
        hits: Vec::new(),
    }
}
