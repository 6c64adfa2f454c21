//! A form sent again (a lost answer, a double click, a flaky network) is stored
//! once; a key reused for another form is refused; and each address and email
//! may store only so many requests an hour, retries not counted.

use std::net::IpAddr;

use chrono::Duration;
use clinic_api::config::Config;
use clinic_api::domain::bookings::Policy;
use clinic_api::domain::limits::Limit;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::support::admin::{expected, problems};
use crate::support::bookings::{REQUEST, count, receipt_of, reference, stored};
use crate::support::{Clinic, GqlResponse, TestApp, seed_clinic};

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

/// Sends `input` from `client` with this `Idempotency-Key` header, if any.
async fn send(
    app: &TestApp,
    client: Option<IpAddr>,
    key: Option<&str>,
    input: &Value,
) -> GqlResponse {
    let headers: Vec<(&str, &str)> = key
        .map(|k| vec![("idempotency-key", k)])
        .unwrap_or_default();
    app.gql_from(client, &headers, REQUEST, json!({ "input": input }))
        .await
}

/// Hits counted so far, over every bucket and window.
async fn hits(app: &TestApp) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT CAST(COALESCE(SUM(hits), 0) AS BIGINT) AS n FROM rate_limit_counter",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// Asserts `res` is the top-level RATE_LIMITED error, with a wait of at most
/// the hour-long window.
#[track_caller]
fn assert_rate_limited(res: &GqlResponse) {
    assert_eq!(res.error_code(), Some("RATE_LIMITED"), "{:#?}", res.errors);
    assert_eq!(res.data, Value::Null);
    let retry_after = res.errors[0]["extensions"]["retryAfter"]
        .as_i64()
        .unwrap_or_else(|| panic!("no retryAfter: {:#?}", res.errors));
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
}

#[tokio::test]
async fn the_same_form_sent_again_with_its_key_is_stored_once() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let client = ip("203.0.113.7");
    let first = receipt_of(&send(&app, client, Some("key-1"), &clinic.form()).await);
    let again = receipt_of(&send(&app, client, Some("key-1"), &clinic.form()).await);
    assert_eq!(again, first, "the retry gets the same receipt");
    assert_eq!(
        stored(&app).await,
        [
            ("booking_request", 1),
            ("booking_request_event", 1),
            ("booking_idempotency", 1),
            // One bucket for the address, one for the email.
            ("rate_limit_counter", 2),
        ]
    );
    // The retry did not count against the limits.
    assert_eq!(hits(&app).await, 2);

    // The key may come in the input instead, and in both when they agree.
    let mut keyed = clinic.patient(1);
    keyed["idempotencyKey"] = json!("key-2");
    let first = receipt_of(&send(&app, client, None, &keyed).await);
    let again = receipt_of(&send(&app, client, None, &keyed).await);
    let both = receipt_of(&send(&app, client, Some("key-2"), &keyed).await);
    assert_eq!(again, first);
    assert_eq!(both, first);
    assert_eq!(count(&app, "booking_request").await, 2);
    assert_eq!(hits(&app).await, 4);

    // Without a key, sending twice is asking twice.
    let one = receipt_of(&send(&app, client, None, &clinic.patient(2)).await);
    let two = receipt_of(&send(&app, client, None, &clinic.patient(2)).await);
    assert_ne!(reference(&one), reference(&two));
    assert_eq!(count(&app, "booking_request").await, 4);
}

#[tokio::test]
async fn a_key_sent_with_another_form_is_a_conflict_and_stores_nothing() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let first = receipt_of(&send(&app, None, Some("key-1"), &clinic.form()).await);
    let before = stored(&app).await;

    let other = clinic.form_with(json!({ "message": "Actually, my shoulder." }));
    let res = send(&app, None, Some("key-1"), &other).await;
    assert_eq!(
        res.error_code(),
        Some("IDEMPOTENCY_CONFLICT"),
        "{:#?}",
        res.errors
    );
    assert_eq!(res.data, Value::Null);
    let message = res.errors[0]["message"].as_str().unwrap();
    assert!(!message.contains("shoulder"), "{message}");
    assert_eq!(stored(&app).await, before);

    // The key still answers for its own form.
    let again = receipt_of(&send(&app, None, Some("key-1"), &clinic.form()).await);
    assert_eq!(again, first);
}

#[tokio::test]
async fn a_key_whose_form_was_refused_may_carry_the_corrected_form() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let mut mistaken = clinic.form();
    mistaken["email"] = json!("pat.example@");
    let res = send(&app, None, Some("key-1"), &mistaken).await;
    assert_eq!(
        problems(&res.ok()["requestBooking"]),
        expected(&[("input.email", "INVALID_FORMAT")])
    );
    let receipt = receipt_of(&send(&app, None, Some("key-1"), &clinic.form()).await);
    assert_eq!(receipt["status"], "NEW");
    assert_eq!(count(&app, "booking_request").await, 1);
}

#[tokio::test]
async fn keys_must_agree_and_be_short_visible_text() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let mut keyed = clinic.form();
    keyed["idempotencyKey"] = json!("key-in-input");
    let long = "k".repeat(201);
    let cases: [(Option<&str>, &Value, &str); 5] = [
        (Some("key-in-header"), &keyed, "INVALID_STATE"),
        (Some(""), &clinic.form(), "INVALID_FORMAT"),
        (Some("two words"), &clinic.form(), "INVALID_FORMAT"),
        (Some(&long), &clinic.form(), "INVALID_FORMAT"),
        (Some("caf\u{e9}"), &clinic.form(), "INVALID_FORMAT"),
    ];
    for (header, input, code) in cases {
        let res = send(&app, None, header, input).await;
        let payload = &res.ok()["requestBooking"];
        assert_eq!(payload["receipt"], Value::Null);
        assert_eq!(
            problems(payload),
            expected(&[("input.idempotencyKey", code)]),
            "{header:?}"
        );
    }
    assert_eq!(
        stored(&app).await,
        [
            ("booking_request", 0),
            ("booking_request_event", 0),
            ("booking_idempotency", 0),
            ("rate_limit_counter", 0),
        ]
    );
    // A key of 200 characters is fine.
    receipt_of(&send(&app, None, Some(&"k".repeat(200)), &clinic.form()).await);
}

#[tokio::test]
async fn concurrent_copies_of_one_form_store_one_request() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let client = ip("198.51.100.20");
    let input = clinic.form();
    let copies = (0..8).map(|_| send(&app, client, Some("double-click"), &input));
    let answers = join_all(copies).await;
    let receipts: Vec<Value> = answers.iter().map(receipt_of).collect();
    for receipt in &receipts {
        assert_eq!(receipt, &receipts[0]);
    }
    assert_eq!(
        stored(&app).await,
        [
            ("booking_request", 1),
            ("booking_request_event", 1),
            ("booking_idempotency", 1),
            ("rate_limit_counter", 2),
        ]
    );
    // Counted once, however many copies came in.
    assert_eq!(hits(&app).await, 2);
}

#[tokio::test]
async fn concurrent_different_forms_under_one_key_store_only_one() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let forms = [
        clinic.form(),
        clinic.form_with(json!({ "message": "Another form" })),
    ];
    let sends = (0..8).map(|i| send(&app, None, Some("shared-key"), &forms[i % 2]));
    let answers = join_all(sends).await;
    assert_eq!(count(&app, "booking_request").await, 1);
    let stored_form = {
        use sea_orm::EntityTrait;
        let row = entity::booking_request::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        usize::from(row.message.as_deref() == Some("Another form"))
    };
    for (i, res) in answers.iter().enumerate() {
        if i % 2 == stored_form {
            receipt_of(res);
        } else {
            assert_eq!(
                res.error_code(),
                Some("IDEMPOTENCY_CONFLICT"),
                "{:#?}",
                res.errors
            );
        }
    }
    assert_eq!(count(&app, "booking_request_event").await, 1);
    assert_eq!(hits(&app).await, 1);
}

#[tokio::test]
async fn an_email_may_store_five_requests_an_hour() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let client = ip("203.0.113.50");
    for n in 1..=5 {
        receipt_of(&send(&app, client, Some(&format!("key-{n}")), &clinic.form()).await);
    }
    let res = send(&app, client, Some("key-6"), &clinic.form()).await;
    assert_rate_limited(&res);
    // The address does not matter, nor how the email is written.
    let shouting = clinic.form_with(json!({ "email": " PAT.EXAMPLE@EXAMPLE.COM" }));
    assert_rate_limited(&send(&app, ip("192.0.2.1"), Some("key-7"), &shouting).await);
    assert_rate_limited(&send(&app, None, None, &clinic.form()).await);
    assert_eq!(count(&app, "booking_request").await, 5);
    assert_eq!(count(&app, "booking_idempotency").await, 5);

    // A retry of a stored form still gets its receipt.
    let retry = send(&app, client, Some("key-3"), &clinic.form()).await;
    assert_eq!(receipt_of(&retry)["status"], "NEW");
    // Another patient at the same address is not held back.
    receipt_of(&send(&app, client, None, &clinic.patient(1)).await);
    assert_eq!(count(&app, "booking_request").await, 6);
}

#[tokio::test]
async fn an_address_may_store_ten_requests_an_hour() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let crowded = ip("2001:db8::1");
    for n in 1..=10 {
        receipt_of(&send(&app, crowded, None, &clinic.patient(n)).await);
    }
    assert_rate_limited(&send(&app, crowded, None, &clinic.patient(11)).await);
    assert_eq!(count(&app, "booking_request").await, 10);
    // Another network still gets through, with the same form.
    receipt_of(&send(&app, ip("2001:db8:0:1::1"), None, &clinic.patient(11)).await);
    assert_eq!(count(&app, "booking_request").await, 11);
}

/// A small clinic, with at most two requests an hour from one client and no
/// limit per email; `X-Forwarded-For` read if `trust_forwarded_for`.
async fn two_an_hour_per_client(trust_forwarded_for: bool) -> (TestApp, Clinic) {
    let app = TestApp::empty()
        .await
        .with_config(Config {
            booking: Policy {
                per_ip: Some(Limit {
                    max: 2,
                    window: Duration::hours(1),
                }),
                per_email: None,
                ..Policy::default()
            },
            trust_forwarded_for,
            ..Config::for_tests()
        })
        .await;
    let clinic = seed_clinic(&app).await;
    (app, clinic)
}

/// Sends the clinic's valid form from the connection's `peer` with this
/// `X-Forwarded-For`, if any.
async fn send_forwarded(
    app: &TestApp,
    clinic: &Clinic,
    peer: &str,
    forwarded_for: Option<&str>,
) -> GqlResponse {
    let headers: Vec<(&str, &str)> = forwarded_for
        .map(|f| vec![("x-forwarded-for", f)])
        .unwrap_or_default();
    let input = json!({ "input": clinic.form() });
    app.gql_from(ip(peer), &headers, REQUEST, input).await
}

#[tokio::test]
async fn the_addresses_of_one_ipv6_network_share_one_limit() {
    let (app, clinic) = two_an_hour_per_client(false).await;
    receipt_of(&send_forwarded(&app, &clinic, "2001:db8:1:2::1", None).await);
    receipt_of(&send_forwarded(&app, &clinic, "2001:db8:1:2::abcd", None).await);
    // Another address of the same /64 is the same client.
    assert_rate_limited(&send_forwarded(&app, &clinic, "2001:db8:1:2:ffff::9", None).await);
    // The next /64 is another.
    receipt_of(&send_forwarded(&app, &clinic, "2001:db8:1:3::1", None).await);
    // An IPv4 address mapped into IPv6 is that IPv4 address.
    receipt_of(&send_forwarded(&app, &clinic, "192.0.2.8", None).await);
    receipt_of(&send_forwarded(&app, &clinic, "::ffff:192.0.2.8", None).await);
    assert_rate_limited(&send_forwarded(&app, &clinic, "192.0.2.8", None).await);
    assert_eq!(count(&app, "booking_request").await, 5);
}

#[tokio::test]
async fn behind_a_trusted_proxy_only_the_entry_it_appended_counts() {
    let (app, clinic) = two_an_hour_per_client(true).await;
    let proxy = "10.0.0.1";
    // The client writes entries of its own before the proxy's, a new one
    // each time; the proxy's entry, with its port, is the one counted.
    receipt_of(&send_forwarded(&app, &clinic, proxy, Some("203.0.113.1, 198.51.100.7:4123")).await);
    receipt_of(&send_forwarded(&app, &clinic, proxy, Some("203.0.113.2, 198.51.100.7")).await);
    let res = send_forwarded(
        &app,
        &clinic,
        proxy,
        Some("203.0.113.3, [::ffff:198.51.100.7]:80"),
    )
    .await;
    assert_rate_limited(&res);
    // Of several header lines, the last one is the proxy's.
    let lines = |first, last| {
        let (app, clinic) = (&app, &clinic);
        async move {
            let lines = [("x-forwarded-for", first), ("x-forwarded-for", last)];
            let input = json!({ "input": clinic.form() });
            app.gql_from(ip(proxy), &lines, REQUEST, input).await
        }
    };
    receipt_of(&lines("198.51.100.7", "[2001:db8:9::1]:443").await);
    assert_rate_limited(&lines("2001:db8:9::1", "198.51.100.7").await);
    assert_eq!(count(&app, "booking_request").await, 3);

    // An entry that is no address counts against the proxy, whatever the
    // client wrote before it.
    receipt_of(&send_forwarded(&app, &clinic, proxy, Some("203.0.113.4, unknown")).await);
    receipt_of(&send_forwarded(&app, &clinic, proxy, Some("203.0.113.4, ")).await);
    assert_rate_limited(&send_forwarded(&app, &clinic, proxy, None).await);
    receipt_of(&send_forwarded(&app, &clinic, "10.0.0.2", Some("10.0.0.1, unknown")).await);
    assert_eq!(count(&app, "booking_request").await, 6);
}

#[tokio::test]
async fn without_trust_forwarded_addresses_are_ignored() {
    let (app, clinic) = two_an_hour_per_client(false).await;
    for n in 1..=2 {
        let forwarded = format!("203.0.113.{n}");
        receipt_of(&send_forwarded(&app, &clinic, "10.0.0.1", Some(&forwarded)).await);
    }
    assert_rate_limited(&send_forwarded(&app, &clinic, "10.0.0.1", Some("203.0.113.3")).await);
}

#[tokio::test]
async fn refused_forms_use_up_no_limit() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let client = ip("203.0.113.9");
    let mut without_consent = clinic.form();
    without_consent["consent"] = json!(false);
    for _ in 0..12 {
        let res = send(&app, client, None, &without_consent).await;
        assert_eq!(
            problems(&res.ok()["requestBooking"]),
            expected(&[("input.consent", "REQUIRED")])
        );
    }
    assert_eq!(hits(&app).await, 0);
    for _ in 0..5 {
        receipt_of(&send(&app, client, None, &clinic.form()).await);
    }
    // Refused for the email's limit: that stores nothing, so it does not
    // count against the address either.
    for _ in 0..5 {
        assert_rate_limited(&send(&app, client, None, &clinic.form()).await);
    }
    for n in 1..=5 {
        receipt_of(&send(&app, client, None, &clinic.patient(n)).await);
    }
    assert_rate_limited(&send(&app, client, None, &clinic.patient(6)).await);
    assert_eq!(count(&app, "booking_request").await, 10);
}

#[tokio::test]
async fn limits_follow_the_configuration() {
    let app = TestApp::empty()
        .await
        .with_config(Config {
            booking: Policy {
                per_ip: Some(Limit {
                    max: 2,
                    window: Duration::minutes(10),
                }),
                per_email: None,
                ..Policy::default()
            },
            ..Config::for_tests()
        })
        .await;
    let clinic = seed_clinic(&app).await;
    let client = ip("203.0.113.77");
    for _ in 0..2 {
        receipt_of(&send(&app, client, None, &clinic.form()).await);
    }
    let res = send(&app, client, None, &clinic.form()).await;
    assert_rate_limited(&res);
    let retry_after = res.errors[0]["extensions"]["retryAfter"].as_i64().unwrap();
    assert!(
        retry_after <= 600,
        "within the 10-minute window: {retry_after}"
    );
    // No limit per email: the same patient from elsewhere goes through.
    for n in 1..=6 {
        receipt_of(&send(&app, ip(&format!("192.0.2.{n}")), None, &clinic.form()).await);
    }
    assert_eq!(count(&app, "booking_request").await, 8);
}

#[tokio::test]
async fn of_many_requests_at_once_from_one_address_only_its_limit_is_stored_and_counted() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let crowded = ip("198.51.100.99");
    let forms: Vec<(String, Value)> = (1..=16)
        .map(|n| (format!("key-{n}"), clinic.patient(n)))
        .collect();
    let answers = join_all(
        forms
            .iter()
            .map(|(key, form)| send(&app, crowded, Some(key), form)),
    )
    .await;
    let refused: Vec<&GqlResponse> = answers.iter().filter(|r| !r.errors.is_empty()).collect();
    for res in &refused {
        assert_rate_limited(res);
    }
    assert_eq!(refused.len(), 6, "ten of sixteen pass");
    assert_eq!(count(&app, "booking_request").await, 10);
    assert_eq!(count(&app, "booking_idempotency").await, 10);
    assert_eq!(count(&app, "booking_request_event").await, 10);
    // Ten for the address and one for each stored patient's email: the
    // refused ones count nothing, in either bucket.
    assert_eq!(hits(&app).await, 20);
}
