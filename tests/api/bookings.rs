//! `requestBooking`: a patient's form, checked, stored once, and answered
//! with a receipt that holds no health details.

use chrono::Duration;
use serde_json::{Value, json};

use crate::support::bookings::{REQUEST, count, receipt_of};
use crate::support::seed::{WEEKDAYS, hours, seed_closure, seed_location, seed_therapist};
use crate::support::{Clinic, TestApp, seed_clinic};

#[tokio::test]
async fn a_valid_form_is_stored_once_and_answered_with_a_receipt() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let res = app.gql(REQUEST, json!({ "input": clinic.form() })).await;
    let payload = &res.ok()["requestBooking"];
    assert_eq!(payload["userErrors"], json!([]));
    let receipt = &payload["receipt"];
    let reference = receipt["reference"].as_str().unwrap();
    assert!(
        reference.starts_with("PTF-") && reference.len() == 10,
        "{reference}"
    );
    assert_eq!(receipt["status"], "NEW");
    assert_eq!(receipt["service"]["slug"], clinic.service.slug);
    assert_eq!(receipt["location"]["slug"], clinic.location.slug);
    assert_eq!(receipt["therapist"]["slug"], clinic.therapist.slug);
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

/// Ten more therapists giving the clinic's service there and at two more
/// locations, and a closure at every location on each of 30 days after the
/// tests' windows; returns the slug of one of the new therapists.
async fn grow_the_clinic(app: &TestApp, clinic: &Clinic) -> String {
    let mut locations = vec![clinic.location.clone()];
    for name in ["Wicker Park", "Hyde Park"] {
        let open = hours(&WEEKDAYS, "08:00", "18:00");
        locations.push(seed_location(app, name, clinic.time_zone, open).await);
    }
    let at: Vec<&str> = locations.iter().map(|l| l.slug.as_str()).collect();
    let mut therapists = Vec::new();
    for n in 0..10 {
        let last_name = format!("Extra{}", char::from(b'A' + n));
        let therapist = seed_therapist(app, "Sam", &last_name, &[&clinic.service.slug], &at).await;
        therapists.push(therapist.slug);
    }
    let today = chrono::Utc::now().date_naive();
    for days in 60..90 {
        for location in &locations {
            seed_closure(app, location, today + Duration::days(days), "Inventory").await;
        }
    }
    app.settle().await;
    therapists.swap_remove(7)
}

#[tokio::test]
async fn a_booking_costs_the_same_few_statements_however_large_the_clinic() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    // The first booking reads the clinic; the next ones do not.
    statements_of_one_booking(&app, clinic.patient(1), "key-1").await;
    let small = statements_of_one_booking(&app, clinic.patient(2), "key-2").await;
    let new_therapist = grow_the_clinic(&app, &clinic).await;
    statements_of_one_booking(&app, clinic.patient(3), "key-3").await;
    let large = statements_of_one_booking(&app, clinic.patient(4), "key-4").await;
    let mut with_new_therapist = clinic.patient(5);
    with_new_therapist["therapist"] = json!(new_therapist);
    let with_new = statements_of_one_booking(&app, with_new_therapist, "key-5").await;
    assert_eq!(large, small);
    assert_eq!(with_new, small);
    // Three for the receipt's service, location and therapist. On
    // PostgreSQL the batch is one statement; on SQLite: the claimed keys,
    // the request, its key, its entry, and two for its count.
    let postgres = app.url.starts_with("postgres");
    assert_eq!(small, if postgres { 3 + 1 } else { 3 + 6 });
}
