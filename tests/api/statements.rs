//! No N+1: the SQL statements of a request do not grow with the lists it returns.

use chrono::{NaiveDate, NaiveTime, Utc};
use clinic_api::config::Config;
use entity::{
    article, certification, location, opening_hours, service, therapist, therapist_certification,
    therapist_language, therapist_location, therapist_service,
};
use sea_orm::{ActiveValue::Set, EntityTrait, NotSet};
use serde_json::json;

use clinic_api::auth::Role;

use crate::support::bookings::seed_booking;
use crate::support::{TestApp, seed_clinic};

const DIRECTORY_AND_ARTICLES: &str = r#"
query {
  therapists(first: 100) {
    totalCount
    nodes {
      slug
      languages
      certifications { name status certification { slug } }
      services { slug locations { slug } }
      locations { slug isOpenNow openingHours { weekday opens closes } }
    }
  }
  articles(first: 100) {
    nodes { slug tags { slug } author { slug } }
  }
  certifications { slug holders { issuedOn therapist { slug } } }
}"#;

/// A clinic with `n` therapists, each with two certifications, two services,
/// two locations, a language and an article.
async fn clinic_with(app: &TestApp, n: usize) {
    let now = Utc::now();
    let db = &app.db;
    let mut locations = Vec::new();
    for i in 0..2 {
        let id = location::Entity::insert(location::ActiveModel {
            id: NotSet,
            slug: Set(format!("site-{i}")),
            name: Set(format!("Site {i}")),
            street: Set("1 Main St".into()),
            city: Set("Chicago".into()),
            region: Set("IL".into()),
            postal_code: Set("60601".into()),
            country: Set("US".into()),
            time_zone: Set("America/Chicago".into()),
            phone_display: Set("(312) 555-0100".into()),
            phone_e164: Set("+13125550100".into()),
            email: Set("site@example.com".into()),
            latitude: Set(None),
            longitude: Set(None),
            position: Set(i),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(db)
        .await
        .unwrap()
        .last_insert_id;
        opening_hours::Entity::insert(opening_hours::ActiveModel {
            id: NotSet,
            location_id: Set(id),
            weekday: Set(1),
            opens: Set(NaiveTime::from_hms_opt(8, 0, 0).unwrap()),
            closes: Set(NaiveTime::from_hms_opt(17, 0, 0).unwrap()),
        })
        .exec(db)
        .await
        .unwrap();
        locations.push(id);
    }
    let mut services = Vec::new();
    let mut certifications = Vec::new();
    for i in 0..2 {
        services.push(
            service::Entity::insert(service::ActiveModel {
                id: NotSet,
                slug: Set(format!("service-{i}")),
                name: Set(format!("Service {i}")),
                kind: Set(service::ServiceKind::Clinical),
                description: Set("A service.".into()),
                durations_minutes: Set(json!([30, 60])),
                referral_accepted: Set(true),
                insurance_eligible: Set(true),
                active: Set(true),
                position: Set(i),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec(db)
            .await
            .unwrap()
            .last_insert_id,
        );
        certifications.push(
            certification::Entity::insert(certification::ActiveModel {
                id: NotSet,
                slug: Set(format!("cert-{i}")),
                name: Set(format!("Certification {i}")),
                issuing_body: Set("A board".into()),
                description: Set("A certification.".into()),
                url: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec(db)
            .await
            .unwrap()
            .last_insert_id,
        );
    }
    for i in 0..n {
        let id = therapist::Entity::insert(therapist::ActiveModel {
            id: NotSet,
            slug: Set(format!("therapist-{i:03}")),
            first_name: Set("Pat".into()),
            last_name: Set(format!("Number {i:03}")),
            credentials: Set("LMT".into()),
            title: Set("Massage Therapist".into()),
            bio: Set("Bio.".into()),
            bio_html: Set("<p>Bio.</p>".into()),
            photo_url: Set(None),
            accepting_new_patients: Set(true),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(db)
        .await
        .unwrap()
        .last_insert_id;
        therapist_language::Entity::insert(therapist_language::ActiveModel {
            therapist_id: Set(id),
            language: Set("en".into()),
        })
        .exec(db)
        .await
        .unwrap();
        for k in 0..2 {
            therapist_service::Entity::insert(therapist_service::ActiveModel {
                therapist_id: Set(id),
                service_id: Set(services[k]),
            })
            .exec(db)
            .await
            .unwrap();
            therapist_location::Entity::insert(therapist_location::ActiveModel {
                therapist_id: Set(id),
                location_id: Set(locations[k]),
            })
            .exec(db)
            .await
            .unwrap();
            therapist_certification::Entity::insert(therapist_certification::ActiveModel {
                id: NotSet,
                therapist_id: Set(id),
                certification_id: Set(certifications[k]),
                issued_on: Set(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
                expires_on: Set(None),
                credential_id: Set(None),
                verified: Set(true),
                created_at: Set(now),
            })
            .exec(db)
            .await
            .unwrap();
        }
        article::Entity::insert(article::ActiveModel {
            id: NotSet,
            slug: Set(format!("article-{i:03}")),
            title: Set(format!("Article {i}")),
            summary: Set("Summary.".into()),
            body: Set("Body.".into()),
            body_html: Set("<p>Body.</p>".into()),
            reading_time_minutes: Set(1),
            status: Set(article::ArticleStatus::Published),
            published_at: Set(Some(now - chrono::Duration::hours(1 + i as i64))),
            author_id: Set(Some(id)),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(db)
        .await
        .unwrap();
    }
}

/// The fewest statements the query takes over five runs, on a clinic of `n`.
///
/// Batching waits a moment to gather the keys of a list. On a machine busy with
/// other tests the gathering can be cut short now and then, splitting one batch
/// in two; the fewest of five runs is the count the query's shape gives. An
/// N+1 would show in every run.
async fn statements_for(n: usize) -> usize {
    // Without the response cache, which would answer the runs after the
    // first with no statement at all.
    let mut config = Config::for_tests();
    config.edge.response_cache_mb = 0;
    let app = TestApp::empty().await.with_config(config).await;
    clinic_with(&app, n).await;
    let mut fewest = usize::MAX;
    for _ in 0..5 {
        let before = app.statements();
        let res = app.gql(DIRECTORY_AND_ARTICLES, json!({})).await;
        fewest = fewest.min(app.statements() - before);
        let data = res.ok();
        let therapists = data["therapists"]["nodes"].as_array().unwrap();
        assert_eq!(data["therapists"]["totalCount"], n);
        assert_eq!(therapists.len(), n);
        assert!(
            therapists
                .iter()
                .all(|t| t["certifications"].as_array().unwrap().len() == 2)
        );
        assert!(
            therapists
                .iter()
                .all(|t| { t["locations"][1]["openingHours"].as_array().unwrap().len() == 1 })
        );
        let articles = data["articles"]["nodes"].as_array().unwrap();
        assert_eq!(articles.len(), n);
        assert!(articles.iter().all(|a| a["author"]["slug"].is_string()));
    }
    fewest
}

#[tokio::test]
async fn statements_per_request_do_not_grow_with_the_lists() {
    let five = statements_for(5).await;
    let fifty = statements_for(50).await;
    assert_eq!(
        five, fifty,
        "5 therapists took {five} statements, 50 took {fifty}"
    );
    // One statement per root list and per relation, not per row.
    assert!(five <= 16, "{five} statements");
}

const INBOX: &str = r#"
query {
  bookingRequests(first: 100) {
    totalCount
    nodes {
      reference status nextStatuses
      service { slug } location { slug }
      preferredTherapist { slug } assignedTherapist { slug }
      events { kind fromStatus toStatus note staff { email } therapist { slug } }
    }
  }
}"#;

const NOTE: &str = r#"
mutation ($id: ID!, $note: String!) {
  addBookingRequestNote(id: $id, note: $note) { userErrors { message } }
}"#;

const ASSIGN: &str = r#"
mutation ($id: ID!, $therapist: String) {
  assignBookingRequestTherapist(id: $id, therapist: $therapist) { userErrors { message } }
}"#;

/// The fewest statements the front desk's inbox takes over five runs, with
/// `n` requests each assigned and annotated by a staff member.
async fn inbox_statements_for(n: u32) -> usize {
    let mut config = Config::for_tests();
    config.edge.response_cache_mb = 0;
    config.booking.per_ip = None;
    config.booking.per_email = None;
    let app = TestApp::empty().await.with_config(config).await;
    let clinic = seed_clinic(&app).await;
    let desk = app.staff(Role::FrontDesk).await;
    for i in 0..n {
        seed_booking(&app, &clinic, i).await;
    }
    let ids = app
        .gql_as(
            &desk.token,
            "{ bookingRequests(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    for node in ids.ok()["bookingRequests"]["nodes"].as_array().unwrap() {
        let id = &node["id"];
        let assigned = app
            .gql_as(
                &desk.token,
                ASSIGN,
                json!({ "id": id, "therapist": clinic.therapist.slug }),
            )
            .await;
        assert_eq!(
            assigned.ok()["assignBookingRequestTherapist"]["userErrors"],
            json!([])
        );
        let noted = app
            .gql_as(
                &desk.token,
                NOTE,
                json!({ "id": id, "note": "Called back" }),
            )
            .await;
        assert_eq!(noted.ok()["addBookingRequestNote"]["userErrors"], json!([]));
    }
    let mut fewest = usize::MAX;
    for _ in 0..5 {
        let before = app.statements();
        let res = app.gql_as(&desk.token, INBOX, json!({})).await;
        fewest = fewest.min(app.statements() - before);
        let inbox = &res.ok()["bookingRequests"];
        assert_eq!(inbox["totalCount"], n);
        let nodes = inbox["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), n as usize);
        for node in nodes {
            assert_eq!(
                node["assignedTherapist"]["slug"],
                clinic.therapist.slug.as_str()
            );
            let events = node["events"].as_array().unwrap();
            assert_eq!(events.len(), 3, "{node:#}");
            let note = events.iter().find(|e| e["kind"] == "NOTE").unwrap();
            assert_eq!(note["staff"]["email"], desk.email.as_str());
        }
    }
    fewest
}

#[tokio::test]
async fn the_front_desk_inbox_takes_as_many_statements_for_many_requests_as_for_few() {
    let three = inbox_statements_for(3).await;
    let twelve = inbox_statements_for(12).await;
    assert_eq!(
        three, twelve,
        "3 requests took {three} statements, 12 took {twelve}"
    );
}
