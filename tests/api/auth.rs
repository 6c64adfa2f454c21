//! Staff sign-in, bearer tokens and roles on reads.

use axum::http::StatusCode;
use chrono::Utc;
use clinic_api::auth::Role;
use serde_json::{Value, json};

use crate::support::seed::{seed_award, seed_certification, seed_therapist};
use crate::support::{TestApp, seed_clinic};

const VIEWER: &str = "{ viewer { email name role } }";
const LOGIN: &str = r#"
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    token expiresAt viewer { email role } userErrors { field message code }
  }
}"#;
const LOGOUT: &str = "mutation { logout { ok userErrors { code message } } }";
const EXPIRING: &str = r#"
query($days: Int = 60) {
  expiringCertifications(withinDays: $days) { slug expiresOn status therapist { slug } }
}"#;

const PASSWORD: &str = "a long enough password";

async fn editor(app: &TestApp) -> String {
    clinic_api::domain::staff::create(
        &app.db,
        "Editor@Example.com",
        "Eda Editor",
        Role::Editor,
        PASSWORD.into(),
    )
    .await
    .unwrap();
    "editor@example.com".to_owned()
}

async fn login(app: &TestApp, email: &str, password: &str) -> crate::support::GqlResponse {
    app.gql(LOGIN, json!({ "email": email, "password": password }))
        .await
}

#[tokio::test]
async fn anonymous_requests_have_no_viewer() {
    let app = TestApp::empty().await;
    let res = app.gql(VIEWER, json!({})).await;
    assert_eq!(res.ok()["viewer"], Value::Null);
}

#[tokio::test]
async fn an_api_token_signs_the_request_in() {
    let app = TestApp::empty().await;
    let token = app.token_for(Role::FrontDesk).await;
    let res = app.gql_as(&token, VIEWER, json!({})).await;
    assert_eq!(res.ok()["viewer"]["role"], "FRONT_DESK");
    assert_eq!(res.data["viewer"]["name"], "Test Staff");
}

#[tokio::test]
async fn a_bad_authorization_header_is_refused_never_anonymous() {
    let app = TestApp::empty().await;
    let well_formed_unknown = format!("Bearer ptf_{}", "A".repeat(43));
    for header in [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer not-a-token",
        "ptf_abc",
        well_formed_unknown.as_str(),
    ] {
        let res = app.gql_with(Some(header), VIEWER, json!({})).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{header}");
        assert_eq!(res.error_code(), Some("UNAUTHENTICATED"), "{header}");
        assert_eq!(res.data, Value::Null, "{header}");
    }
}

#[tokio::test]
async fn a_401_says_how_to_authenticate() {
    let app = TestApp::empty().await;
    let res = app
        .request(
            axum::http::Request::post("/graphql")
                .header("content-type", "application/json")
                .header("authorization", "Bearer nope")
                .body(axum::body::Body::from(
                    r#"{"query":"{ viewer { email } }"}"#,
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(
        res.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
}

#[tokio::test]
async fn expired_and_revoked_tokens_and_disabled_accounts_are_refused() {
    let app = TestApp::empty().await;
    let expired = app.token_for(Role::Editor).await;
    let revoked = app.token_for(Role::Editor).await;
    let disabled = app.token_for(Role::Editor).await;
    for token in [&expired, &revoked, &disabled] {
        assert!(app.gql_as(token, VIEWER, json!({})).await.errors.is_empty());
    }
    let hash = |t: &str| clinic_api::auth::tokens::hash(t);
    app.exec(&format!(
        "UPDATE api_token SET expires_at = '2020-01-01 00:00:00+00:00' WHERE token_hash = '{}'",
        hash(&expired)
    ))
    .await;
    app.exec(&format!(
        "UPDATE api_token SET revoked_at = expires_at WHERE token_hash = '{}'",
        hash(&revoked)
    ))
    .await;
    app.exec(&format!(
        "UPDATE staff SET active = false WHERE id = (SELECT staff_id FROM api_token WHERE token_hash = '{}')",
        hash(&disabled)
    ))
    .await;
    for (token, word) in [
        (&expired, "expired"),
        (&revoked, "revoked"),
        (&disabled, "disabled"),
    ] {
        let res = app.gql_as(token, VIEWER, json!({})).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{word}");
        assert_eq!(res.error_code(), Some("UNAUTHENTICATED"), "{word}");
        let message = res.errors[0]["message"].as_str().unwrap();
        assert!(message.contains(word), "{word}: {message}");
    }
}

#[tokio::test]
async fn login_gives_a_session_that_logout_ends() {
    let app = TestApp::empty().await;
    let email = editor(&app).await;
    let res = login(&app, "  EDITOR@example.com ", PASSWORD).await;
    let payload = &res.ok()["login"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["viewer"]["email"], email);
    assert!(payload["expiresAt"].is_string());
    let token = payload["token"].as_str().unwrap().to_owned();

    let me = app.gql_as(&token, VIEWER, json!({})).await;
    assert_eq!(me.ok()["viewer"]["role"], "EDITOR");

    let out = app.gql_as(&token, LOGOUT, json!({})).await;
    assert_eq!(out.ok()["logout"]["ok"], true);
    let after = app.gql_as(&token, VIEWER, json!({})).await;
    assert_eq!(after.error_code(), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::empty().await;
    let email = editor(&app).await;
    let wrong_password = login(&app, &email, "not the password at all").await;
    let unknown_email = login(&app, "nobody@example.com", PASSWORD).await;
    assert_eq!(wrong_password.ok()["login"], unknown_email.ok()["login"]);
    assert_eq!(wrong_password.data["login"]["token"], Value::Null);
    assert_eq!(
        wrong_password.data["login"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
}

#[tokio::test]
async fn repeated_failures_are_refused_for_a_while_even_with_the_right_password() {
    let app = TestApp::empty().await;
    let email = editor(&app).await;
    for _ in 0..5 {
        let res = login(&app, &email, "guessing the password").await;
        assert_eq!(
            res.ok()["login"]["userErrors"][0]["code"],
            "INVALID_CREDENTIALS"
        );
    }
    let res = login(&app, &email, PASSWORD).await;
    assert_eq!(res.error_code(), Some("RATE_LIMITED"));
    let retry_after = res.errors[0]["extensions"]["retryAfter"].as_i64().unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    // Another account is not affected.
    let other = login(&app, "someone-else@example.com", "whatever it is").await;
    assert!(other.errors.is_empty());
}

#[tokio::test]
async fn logout_is_for_sessions_and_needs_a_signed_in_caller() {
    let app = TestApp::empty().await;
    let res = app.gql(LOGOUT, json!({})).await;
    assert_eq!(res.error_code(), Some("UNAUTHENTICATED"));
    let token = app.token_for(Role::Admin).await;
    let res = app.gql_as(&token, LOGOUT, json!({})).await;
    assert_eq!(res.ok()["logout"]["ok"], false);
    assert_eq!(res.data["logout"]["userErrors"][0]["code"], "INVALID_STATE");
    // The API token still works: logout did not revoke it.
    assert!(
        app.gql_as(&token, VIEWER, json!({}))
            .await
            .errors
            .is_empty()
    );
}

#[tokio::test]
async fn staff_see_certifications_about_to_expire_and_the_public_does_not() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let at_clinic = [clinic.location.slug.as_str()];
    let linh = seed_therapist(&app, "Linh", "Tran", &[&clinic.service.slug], &at_clinic).await;
    let cupping = seed_certification(&app, "Cupping Therapy").await;
    let lymph = seed_certification(&app, "Lymphatic Drainage").await;
    let dry = seed_certification(&app, "Dry Needling").await;
    let today = Utc::now().date_naive();
    let days = |n: i64| Some(today + chrono::Duration::days(n));
    seed_award(&app, &clinic.therapist.slug, &cupping.slug, days(40)).await;
    seed_award(&app, &linh.slug, &lymph.slug, days(10)).await;
    // Not soon, expired, and never expiring: none of them listed.
    seed_award(&app, &clinic.therapist.slug, &lymph.slug, days(300)).await;
    seed_award(&app, &linh.slug, &cupping.slug, days(-5)).await;
    seed_award(&app, &linh.slug, &dry.slug, None).await;
    let res = app.gql(EXPIRING, json!({})).await;
    assert_eq!(res.error_code(), Some("UNAUTHENTICATED"));
    assert_eq!(res.data, Value::Null);

    let token = app.token_for(Role::FrontDesk).await;
    let res = app.gql_as(&token, EXPIRING, json!({})).await;
    let list = res.ok()["expiringCertifications"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!list.is_empty());
    assert!(
        list.iter().all(|c| c["status"] == "EXPIRING_SOON"),
        "{list:#?}"
    );
    let dates: Vec<&str> = list
        .iter()
        .map(|c| c["expiresOn"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "soonest first");
    let held: Vec<(&Value, &Value)> = list
        .iter()
        .map(|c| (&c["slug"], &c["therapist"]["slug"]))
        .collect();
    assert_eq!(
        held,
        [
            (&json!(lymph.slug), &json!(linh.slug)),
            (&json!(cupping.slug), &json!(clinic.therapist.slug)),
        ]
    );

    let none = app.gql_as(&token, EXPIRING, json!({ "days": 0 })).await;
    assert!(
        none.ok()["expiringCertifications"]
            .as_array()
            .unwrap()
            .len()
            < list.len()
    );
    let bad = app.gql_as(&token, EXPIRING, json!({ "days": -1 })).await;
    assert_eq!(bad.error_code(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn an_api_token_older_than_the_longest_lifetime_no_longer_works() {
    let app = TestApp::empty().await;
    let token = app.token_for(Role::Editor).await;
    let hash = clinic_api::auth::tokens::hash(&token);
    // Made 400 days ago with a ten-year expiry, as a lax setting once allowed.
    app.exec(&format!(
        "UPDATE api_token SET created_at = '2000-01-01 00:00:00+00:00', expires_at = '2999-01-01 00:00:00+00:00' WHERE token_hash = '{hash}'"
    ))
    .await;
    let res = app.gql_as(&token, VIEWER, json!({})).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(
        res.errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );

    // A longer lifetime configured lets it through again.
    let app = app
        .with_config(clinic_api::config::Config {
            tokens: clinic_api::auth::TokenRules {
                api_lifetime: chrono::Duration::days(365 * 100),
            },
            ..clinic_api::config::Config::for_tests()
        })
        .await;
    assert!(
        app.gql_as(&token, VIEWER, json!({}))
            .await
            .errors
            .is_empty()
    );
}

#[tokio::test]
async fn a_tokens_last_use_is_recorded_without_a_write_per_request() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::empty().await;
    let token = app.token_for(Role::Editor).await;
    let row = || async {
        entity::api_token::Entity::find()
            .filter(entity::api_token::Column::TokenHash.eq(clinic_api::auth::tokens::hash(&token)))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(row().await.last_used_at, None);
    app.gql_as(&token, VIEWER, json!({})).await.ok();
    let first = row().await.last_used_at.expect("recorded");
    assert!((chrono::Utc::now() - first).num_seconds() < 60);
    // Used again at once: not written again (it is the same instant), and
    // the request costs its reads only.
    let before = app.statements();
    app.gql_as(&token, VIEWER, json!({})).await.ok();
    let cost = app.statements() - before;
    assert_eq!(row().await.last_used_at, Some(first));
    // Six minutes later, it is written again.
    app.exec(&format!(
        "UPDATE api_token SET last_used_at = '2020-01-01 00:00:00+00:00' WHERE token_hash = '{}'",
        clinic_api::auth::tokens::hash(&token)
    ))
    .await;
    let before = app.statements();
    app.gql_as(&token, VIEWER, json!({})).await.ok();
    assert_eq!(app.statements() - before, cost + 1);
    assert!(row().await.last_used_at.unwrap() > first - chrono::Duration::seconds(1));
}
