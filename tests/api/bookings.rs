//! `requestBooking`: a patient's form, checked, stored once, and answered
//! with a receipt that holds no health details.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde_json::{Value, json};

use crate::helpers::TestApp;

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

/// The first `weekday` at least two days from today (the demo's closures are
/// 5, 12, 30 and 45 days out, so this never falls on one).
pub fn next(weekday: Weekday) -> NaiveDate {
    let mut day = Utc::now().date_naive() + Duration::days(2);
    while day.weekday() != weekday {
        day += Duration::days(1);
    }
    day
}

/// A window from `from` to `to` o'clock at Chicago Loop next Tuesday (open 07:00–19:00).
pub fn chicago_window(from: u32, to: u32) -> Value {
    let day = next(Weekday::Tue);
    json!({
        "start": local("America/Chicago", day, from, 0).to_rfc3339(),
        "end": local("America/Chicago", day, to, 0).to_rfc3339(),
    })
}

/// A form with nothing wrong: medical massage at Chicago Loop with Maria Gonzalez.
pub fn valid_input() -> Value {
    json!({
        "fullName": "Pat Example",
        "email": "Pat.Example@Example.com",
        "phone": "(312) 555-0199",
        "preferredContact": "PHONE",
        "service": "medical-massage",
        "location": "chicago-loop",
        "therapist": "maria-gonzalez",
        "preferredWindows": [chicago_window(10, 12)],
        "newPatient": true,
        "physicianReferral": true,
        "insuranceProvider": "Blue Cross",
        "message": "Lower back pain after a fall, referred by Dr. Smith.",
        "consent": true,
    })
}

/// `valid_input` with `changes` applied on top.
pub fn input_with(changes: Value) -> Value {
    let mut input = valid_input();
    for (key, value) in changes.as_object().unwrap() {
        input[key] = value.clone();
    }
    input
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

#[tokio::test]
async fn a_valid_form_is_stored_once_and_answered_with_a_receipt() {
    let app = TestApp::with_demo().await;
    let res = app.gql(REQUEST, json!({ "input": valid_input() })).await;
    let payload = &res.ok()["requestBooking"];
    assert_eq!(payload["userErrors"], json!([]));
    let receipt = &payload["receipt"];
    let reference = receipt["reference"].as_str().unwrap();
    assert!(
        reference.starts_with("PTF-") && reference.len() == 10,
        "{reference}"
    );
    assert_eq!(receipt["status"], "NEW");
    assert_eq!(receipt["service"]["slug"], "medical-massage");
    assert_eq!(receipt["location"]["slug"], "chicago-loop");
    assert_eq!(receipt["therapist"]["slug"], "maria-gonzalez");
    assert_eq!(receipt["preferredWindows"].as_array().unwrap().len(), 1);
    // The answer carries none of the patient's details.
    let body = res.data.to_string();
    for secret in [
        "Pat",
        "pat.example",
        "5550199",
        "555-0199",
        "Blue Cross",
        "back pain",
    ] {
        assert!(
            !body.contains(secret),
            "the receipt leaks {secret:?}: {body}"
        );
    }

    assert_eq!(count(&app, "booking_request").await, 1);
    assert_eq!(count(&app, "booking_request_event").await, 1);
    use sea_orm::EntityTrait;
    let stored = entity::booking_request::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.reference, reference);
    assert_eq!(receipt["id"], stored.id.to_string());
    assert_eq!(stored.id.get_version_num(), 7, "a time-ordered UUID");
    let (secs, nanos) = stored.id.get_timestamp().expect("a timestamp").to_unix();
    assert_eq!(
        stored.submitted_at.timestamp_millis(),
        i64::try_from(secs).unwrap() * 1000 + i64::from(nanos / 1_000_000),
        "it begins with the millisecond it was submitted"
    );
    assert_eq!(stored.email, "pat.example@example.com");
    assert_eq!(stored.phone_e164, "+13125550199");
    assert_eq!(stored.status, entity::booking_request::BookingStatus::New);
    assert_eq!(stored.insurance_provider.as_deref(), Some("Blue Cross"));
}

/// `valid_input` for patient number `n` (under 100): another name, email and
/// phone, so that many requests in one test stay under the per-email limit.
pub fn patient(n: u32) -> Value {
    input_with(json!({
        "fullName": format!("Patient Number{n}"),
        "email": format!("patient{n}@example.com"),
        "phone": format!("(312) 555-01{:02}", n % 100),
    }))
}

/// Sends a form and returns its receipt, failing on any problem.
#[track_caller]
pub fn receipt_of(res: &crate::helpers::GqlResponse) -> Value {
    let payload = &res.ok()["requestBooking"];
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    assert!(payload["receipt"].is_object(), "{payload:#}");
    payload["receipt"].clone()
}

/// Sends a form anonymously from no known address and returns its receipt.
pub async fn submit(app: &TestApp, input: Value) -> Value {
    receipt_of(&app.gql(REQUEST, json!({ "input": input })).await)
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

/// Statements one booking with an idempotency key costs, receipt included.
async fn statements_of_one_booking(app: &TestApp, input: Value, key: &str) -> usize {
    let before = app.statements();
    let res = app
        .gql_from(
            Some("203.0.113.5".parse().unwrap()),
            &[("idempotency-key", key)],
            REQUEST,
            json!({ "input": input }),
        )
        .await;
    receipt_of(&res);
    app.statements() - before
}

/// Ten more therapists working everywhere and doing everything, and a
/// closure at every location on each of 30 days after the tests' windows.
async fn grow_the_clinic(app: &TestApp) {
    for n in 0..10 {
        app.exec(&format!(
            "INSERT INTO therapist (slug, first_name, last_name, credentials, title, bio, bio_html,
                 photo_url, accepting_new_patients, active, created_at, updated_at)
             SELECT slug || '-{n}', first_name, last_name, credentials, title, bio, bio_html,
                 photo_url, accepting_new_patients, active, created_at, updated_at
             FROM therapist WHERE slug = 'maria-gonzalez'"
        ))
        .await;
    }
    app.exec(
        "INSERT INTO therapist_location (therapist_id, location_id)
         SELECT t.id, l.id FROM therapist t, location l WHERE t.slug LIKE 'maria-gonzalez-%'",
    )
    .await;
    app.exec(
        "INSERT INTO therapist_service (therapist_id, service_id)
         SELECT t.id, s.id FROM therapist t, service s WHERE t.slug LIKE 'maria-gonzalez-%'",
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    for days in 60..90 {
        let date = today + Duration::days(days);
        app.exec(&format!(
            "INSERT INTO closure (location_id, date, reason)
             SELECT id, '{date}', 'Inventory' FROM location"
        ))
        .await;
    }
}

#[tokio::test]
async fn a_booking_costs_the_same_few_statements_however_large_the_clinic() {
    let app = TestApp::with_demo().await;
    // The first booking reads the clinic; the next ones do not.
    statements_of_one_booking(&app, patient(1), "key-1").await;
    let small = statements_of_one_booking(&app, patient(2), "key-2").await;
    grow_the_clinic(&app).await;
    statements_of_one_booking(&app, patient(3), "key-3").await;
    let large = statements_of_one_booking(&app, patient(4), "key-4").await;
    let mut with_new_therapist = patient(5);
    with_new_therapist["therapist"] = json!("maria-gonzalez-7");
    let new_therapist = statements_of_one_booking(&app, with_new_therapist, "key-5").await;
    assert_eq!(large, small);
    assert_eq!(new_therapist, small);
    // Three for the receipt's service, location and therapist. On
    // PostgreSQL the batch is one statement; on SQLite: the claimed keys,
    // the request, its key, its entry, and two for its count.
    let postgres = app.url.starts_with("postgres");
    assert_eq!(small, if postgres { 3 + 1 } else { 3 + 6 });
}
