//! What an anonymous client can make the server spend: password checks
//! (each takes tens of milliseconds of a core and 19 MiB), guesses at
//! booking references, and patient details in URLs. Each is held to a
//! limit however many requests arrive at once.

use std::net::IpAddr;

use axum::http::StatusCode;
use clinic_api::auth::Role;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::support::bookings::{count, reference, submit};
use crate::support::{TestApp, seed_clinic};

const LOGIN: &str = r#"
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { token userErrors { code } }
}"#;
const STATUS: &str = r#"
query($reference: String!, $email: String!) {
  bookingRequestStatus(reference: $reference, email: $email) { status }
}"#;
const CANCEL: &str = r#"
mutation($reference: String!, $email: String!) {
  cancelBookingRequest(reference: $reference, email: $email) { userErrors { code } }
}"#;
const PASSWORD: &str = "a long enough password";

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

/// Signs in from `client`; the error code, or `ok` / the user error's code.
async fn sign_in(app: &TestApp, client: Option<IpAddr>, email: &str, password: &str) -> String {
    let res = app
        .gql_from(
            client,
            &[],
            LOGIN,
            json!({ "email": email, "password": password }),
        )
        .await;
    if let Some(code) = res.error_code() {
        return code.to_owned();
    }
    match res.data["login"]["userErrors"][0]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => "ok".to_owned(),
    }
}

/// How many passwords were checked: every check is recorded as an attempt.
async fn checked(app: &TestApp) -> i64 {
    count(app, "login_attempt").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_wrong_passwords_at_once_get_five_checks() {
    let app = TestApp::empty().await;
    let email = "desk@example.com";
    clinic_api::domain::staff::create(&app.db, email, "Desk", Role::FrontDesk, PASSWORD.into())
        .await
        .unwrap();
    let tries = (0..40).map(|n| {
        let app = &app;
        async move {
            sign_in(
                app,
                ip(&format!("198.51.100.{n}")),
                email,
                "not the password at all",
            )
            .await
        }
    });
    let answers = join_all(tries).await;
    let refused = answers.iter().filter(|a| *a == "RATE_LIMITED").count();
    let wrong = answers
        .iter()
        .filter(|a| *a == "INVALID_CREDENTIALS")
        .count();
    assert_eq!(refused + wrong, 40, "{answers:?}");
    assert!(wrong <= 5, "{wrong} passwords checked: {answers:?}");
    assert_eq!(checked(&app).await, wrong as i64);
    // The right password waits its turn like any other.
    assert_eq!(
        sign_in(&app, ip("198.51.100.99"), email, PASSWORD).await,
        "RATE_LIMITED"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_address_trying_many_emails_is_held_to_its_own_limit() {
    let app = TestApp::empty().await;
    let tries = (0..30).map(|n| {
        let app = &app;
        async move {
            let email = format!("nobody{n}@example.com");
            sign_in(app, ip("2001:db8:7:7::1"), &email, "whatever it may be").await
        }
    });
    let answers = join_all(tries).await;
    let wrong = answers
        .iter()
        .filter(|a| *a == "INVALID_CREDENTIALS")
        .count();
    assert!(wrong <= 20, "{wrong} checked: {answers:?}");
    assert_eq!(
        answers.len() - wrong,
        answers.iter().filter(|a| *a == "RATE_LIMITED").count()
    );
    assert_eq!(checked(&app).await, wrong as i64);
    // Another address of the same /64 is the same client; another network is not.
    assert_eq!(
        sign_in(
            &app,
            ip("2001:db8:7:7::99"),
            "someone@example.com",
            "whatever it may be"
        )
        .await,
        "RATE_LIMITED"
    );
    assert_eq!(
        sign_in(
            &app,
            ip("2001:db8:7:8::1"),
            "someone@example.com",
            "whatever it may be"
        )
        .await,
        "INVALID_CREDENTIALS"
    );
}

#[tokio::test]
async fn signing_in_successfully_counts_against_no_limit() {
    let app = TestApp::empty().await;
    let email = "desk@example.com";
    clinic_api::domain::staff::create(&app.db, email, "Desk", Role::FrontDesk, PASSWORD.into())
        .await
        .unwrap();
    for _ in 0..8 {
        assert_eq!(
            sign_in(&app, ip("203.0.113.5"), email, PASSWORD).await,
            "ok"
        );
    }
}

#[tokio::test]
async fn guessing_references_is_refused_after_a_few_misses_per_email_and_per_address() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let patient = "pat.guess@example.com";
    let booked = submit(&app, clinic.form_with(json!({ "email": patient }))).await;
    let known = reference(&booked);
    let look = |reference: String, email: String, client: &'static str| {
        let app = &app;
        async move {
            app.gql_from(
                ip(client),
                &[],
                STATUS,
                json!({ "reference": reference, "email": email }),
            )
            .await
        }
    };
    // A patient may check as often as they like.
    for _ in 0..15 {
        let res = look(known.clone(), patient.into(), "192.0.2.1").await;
        assert_eq!(res.ok()["bookingRequestStatus"]["status"], "NEW");
    }
    // Misses for one email: ten are answered (null, as for any miss), then refused.
    for n in 0..10 {
        let res = look(format!("PTF-AAAA{n:02}"), patient.into(), "192.0.2.1").await;
        assert_eq!(res.ok()["bookingRequestStatus"], Value::Null);
    }
    let res = look(known.clone(), patient.into(), "192.0.2.2").await;
    assert_eq!(res.error_code(), Some("RATE_LIMITED"), "{res:?}");
    assert!(res.errors[0]["extensions"]["retryAfter"].as_i64().unwrap() >= 1);
    let cancel = app
        .gql_from(
            ip("192.0.2.3"),
            &[],
            CANCEL,
            json!({ "reference": known, "email": patient }),
        )
        .await;
    assert_eq!(cancel.error_code(), Some("RATE_LIMITED"), "{cancel:?}");

    // Misses from one address, whatever the emails: thirty, then refused.
    for n in 0..30 {
        let res = look(
            "PTF-BBBBBB".into(),
            format!("guess{n}@example.com"),
            "192.0.2.9",
        )
        .await;
        assert!(res.errors.is_empty(), "{n}: {res:?}");
    }
    let res = look(
        "PTF-BBBBBB".into(),
        "guess-last@example.com".into(),
        "192.0.2.9",
    )
    .await;
    assert_eq!(res.error_code(), Some("RATE_LIMITED"));
    let res = look(
        "PTF-BBBBBB".into(),
        "guess-last@example.com".into(),
        "192.0.2.10",
    )
    .await;
    assert!(res.errors.is_empty());
}

#[tokio::test]
async fn a_patient_lookup_in_a_url_is_refused_before_any_database_work() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let booked = submit(
        &app,
        clinic.form_with(json!({ "email": "pat.url@example.com" })),
    )
    .await;
    let query = format!(
        "{{ bookingRequestStatus(reference: \"{}\", email: \"pat.url@example.com\") {{ status }} }}",
        reference(&booked)
    );
    let uri = format!(
        "/graphql?query={}",
        url::form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
    );
    let before = app.statements();
    let res = app
        .get(&uri, Some("application/graphql-response+json"))
        .await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED, "{}", res.body);
    assert_eq!(res.headers["allow"], "POST");
    assert!(res.body.contains("METHOD_NOT_ALLOWED"));
    assert!(!res.body.contains("pat.url"), "{}", res.body);
    assert_eq!(app.statements(), before);
}
