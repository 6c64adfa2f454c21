//! Booking forms for a seeded [`Clinic`], and ways to look at what a booking
//! stored.

use chrono::{DateTime, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde_json::{Value, json};

use super::app::{GqlResponse, TestApp};
use super::seed::{Clinic, next};

pub const REQUEST: &str = r#"
mutation($input: RequestBookingInput!) {
  requestBooking(input: $input) {
    receipt {
      id reference status submittedAt
      service { slug } location { slug } therapist { slug }
      preferredWindows { start end }
    }
    userErrors { field message code }
  }
}"#;

/// The instant `hour:minute` local time on `date` in `tz`.
pub fn local(tz: &str, date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let tz: Tz = tz.parse().unwrap();
    tz.from_local_datetime(&date.and_hms_opt(hour, minute, 0).unwrap())
        .single()
        .expect("an unambiguous local time")
        .with_timezone(&Utc)
}

impl Clinic {
    /// A window from `from` to `to` o'clock at the clinic's location next
    /// Tuesday (open 07:00–19:00).
    pub fn window(&self, from: u32, to: u32) -> Value {
        self.window_on(next(Weekday::Tue), (from, 0), (to, 0))
    }

    /// A window on `day` from `from` to `to` (hour, minute), local to the location.
    pub fn window_on(&self, day: NaiveDate, from: (u32, u32), to: (u32, u32)) -> Value {
        json!({
            "start": local(self.time_zone, day, from.0, from.1).to_rfc3339(),
            "end": local(self.time_zone, day, to.0, to.1).to_rfc3339(),
        })
    }

    /// A form with nothing wrong: the clinic's service at its location with
    /// its therapist.
    pub fn form(&self) -> Value {
        json!({
            "fullName": "Pat Example",
            "email": "Pat.Example@Example.com",
            "phone": "(312) 555-0199",
            "preferredContact": "PHONE",
            "service": self.service.slug,
            "location": self.location.slug,
            "therapist": self.therapist.slug,
            "preferredWindows": [self.window(10, 12)],
            "newPatient": true,
            "physicianReferral": true,
            "insuranceProvider": "Blue Cross",
            "message": "Lower back pain after a fall, referred by Dr. Smith.",
            "consent": true,
        })
    }

    /// [`Clinic::form`] with `changes` applied on top.
    pub fn form_with(&self, changes: Value) -> Value {
        let mut input = self.form();
        for (key, value) in changes.as_object().unwrap() {
            input[key] = value.clone();
        }
        input
    }

    /// The form of patient number `n` (under 100): another name, email and
    /// phone, so that many requests in one test stay under the per-email limit.
    pub fn patient(&self, n: u32) -> Value {
        self.form_with(json!({
            "fullName": format!("Patient Number{n}"),
            "email": format!("patient{n}@example.com"),
            "phone": format!("(312) 555-01{:02}", n % 100),
        }))
    }
}

/// Rows in a table.
pub async fn count(app: &TestApp, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// The receipt of a sent form, failing on any problem.
#[track_caller]
pub fn receipt_of(res: &GqlResponse) -> Value {
    let payload = &res.ok()["requestBooking"];
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    assert!(payload["receipt"].is_object(), "{payload:#}");
    payload["receipt"].clone()
}

/// Sends a form anonymously from no known address and returns its receipt.
pub async fn submit(app: &TestApp, input: Value) -> Value {
    receipt_of(&app.gql(REQUEST, json!({ "input": input })).await)
}

/// Books patient `n` at `clinic` and returns the request's reference.
pub async fn seed_booking(app: &TestApp, clinic: &Clinic, n: u32) -> String {
    reference(&submit(app, clinic.patient(n)).await)
}

/// The reference of a receipt.
pub fn reference(receipt: &Value) -> String {
    receipt["reference"]
        .as_str()
        .expect("a reference")
        .to_owned()
}

/// Rows in every table a booking request writes to.
pub async fn stored(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut rows = Vec::new();
    for table in [
        "booking_request",
        "booking_request_event",
        "booking_idempotency",
        "rate_limit_counter",
    ] {
        rows.push((table, count(app, table).await));
    }
    rows
}

/// The stored request with this reference.
pub async fn row(app: &TestApp, reference: &str) -> entity::booking_request::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::booking_request::Entity::find()
        .filter(entity::booking_request::Column::Reference.eq(reference))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no request {reference}"))
}

/// Asserts that `body` (a response) carries none of the patient details in
/// `input`: name, email, phone, message, insurance.
#[track_caller]
pub fn assert_no_patient_details(body: &str, input: &Value) {
    let body = body.to_lowercase();
    for field in ["fullName", "email", "phone", "message", "insuranceProvider"] {
        let Some(value) = input[field].as_str() else {
            continue;
        };
        let value = value.trim().to_lowercase();
        // Too short to tell apart from ordinary text.
        if value.chars().count() < 5 {
            continue;
        }
        let probe: String = value.chars().take(40).collect();
        assert!(
            !body.contains(&probe),
            "the response shows the patient's {field}: {body}"
        );
    }
}
