//! The staff directory: therapists, their filters, and certifications.

use chrono::{Days, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::support::{TestApp, pluck};

const THERAPISTS: &str = r#"
query ($filter: TherapistFilter) {
  therapists(filter: $filter) {
    totalCount
    nodes { slug firstName lastName fullName }
  }
}"#;

const THERAPIST: &str = r#"
query ($slug: String!) {
  therapist(slug: $slug) {
    id
    slug
    firstName
    lastName
    fullName
    credentials
    title
    bio
    bioHtml
    photoUrl
    languages
    acceptingNewPatients
    certifications {
      name
      slug
      issuingBody
      issuedOn
      expiresOn
      credentialId
      verified
      status
      certification { slug name }
      therapist { slug }
    }
    services { slug kind }
    locations { slug }
    jsonLd
  }
}"#;

const CERTIFICATIONS: &str = r#"
query {
  certifications {
    id
    slug
    name
    issuingBody
    description
    url
  }
}"#;

const CERTIFICATION: &str = r#"
query ($slug: String!) {
  certification(slug: $slug) {
    slug
    name
    issuingBody
    holders {
      slug
      name
      status
      expiresOn
      therapist { slug fullName }
    }
  }
}"#;

/// Every demo therapist, by last then first name.
const ALL: [&str; 7] = [
    "thomas-becker",
    "maria-gonzalez",
    "daniel-kowalski",
    "sarah-mitchell",
    "linh-nguyen",
    "james-okafor",
    "ana-ribeiro",
];

/// The slugs of the therapists `filter` lets through, checking `totalCount` agrees.
async fn directory(app: &TestApp, filter: Value) -> Vec<String> {
    let res = app.gql(THERAPISTS, json!({ "filter": filter })).await;
    let connection = &res.ok()["therapists"];
    let slugs = pluck(connection, "slug");
    assert_eq!(
        connection["totalCount"],
        json!(slugs.len()),
        "totalCount for {filter}"
    );
    slugs
}

async fn therapist(app: &TestApp, slug: &str) -> Value {
    let res = app.gql(THERAPIST, json!({ "slug": slug })).await;
    res.ok()["therapist"].clone()
}

/// The award of `slug` among a therapist's certifications.
#[track_caller]
fn award<'a>(therapist: &'a Value, slug: &str) -> &'a Value {
    therapist["certifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == slug)
        .unwrap_or_else(|| panic!("{} holds no {slug}", therapist["slug"]))
}

#[tokio::test]
async fn the_directory_lists_every_active_therapist_by_last_then_first_name() {
    let app = TestApp::with_demo().await;
    let res = app.gql(THERAPISTS, json!({})).await;
    let connection = &res.ok()["therapists"];
    assert_eq!(pluck(connection, "slug"), ALL);
    assert_eq!(connection["totalCount"], 7);
    let first = &connection["nodes"][0];
    assert_eq!(first["firstName"], "Thomas");
    assert_eq!(first["lastName"], "Becker");
    assert_eq!(first["fullName"], "Thomas Becker");
}

#[tokio::test]
async fn therapists_sharing_a_last_name_are_ordered_by_first_name() {
    let app = TestApp::with_demo().await;
    app.exec("UPDATE therapist SET last_name = 'Nguyen' WHERE slug = 'ana-ribeiro'")
        .await;
    let slugs = directory(&app, json!({ "location": "chicago-loop" })).await;
    assert_eq!(slugs, ["maria-gonzalez", "daniel-kowalski", "ana-ribeiro"]);
    // Ana Nguyen before Linh Nguyen.
    assert_eq!(
        directory(&app, json!(null)).await,
        [
            "thomas-becker",
            "maria-gonzalez",
            "daniel-kowalski",
            "sarah-mitchell",
            "ana-ribeiro",
            "linh-nguyen",
            "james-okafor",
        ]
    );
}

#[tokio::test]
async fn the_certification_filter_matches_current_holders_only() {
    let app = TestApp::with_demo().await;
    // James Okafor's Trigger Point Therapy award expired 30 days ago.
    assert_eq!(
        directory(&app, json!({ "certification": "trigger-point-therapy" })).await,
        ["maria-gonzalez", "sarah-mitchell"]
    );
    // Linh Nguyen's Myofascial Release expires soon, but still counts.
    assert_eq!(
        directory(&app, json!({ "certification": "myofascial-release" })).await,
        ["thomas-becker", "maria-gonzalez", "linh-nguyen"]
    );
    assert_eq!(
        directory(
            &app,
            json!({ "certification": "orthopedic-manual-therapy" })
        )
        .await,
        ["thomas-becker", "daniel-kowalski", "james-okafor"]
    );
}

#[tokio::test]
async fn the_service_filter_matches_therapists_offering_it() {
    let app = TestApp::with_demo().await;
    assert_eq!(
        directory(&app, json!({ "service": "spa-massage" })).await,
        ["linh-nguyen", "ana-ribeiro"]
    );
    assert_eq!(
        directory(&app, json!({ "service": "medical-massage" })).await,
        [
            "maria-gonzalez",
            "sarah-mitchell",
            "linh-nguyen",
            "ana-ribeiro"
        ]
    );
}

#[tokio::test]
async fn the_location_filter_matches_therapists_working_there() {
    let app = TestApp::with_demo().await;
    assert_eq!(
        directory(&app, json!({ "location": "chicago-loop" })).await,
        ["maria-gonzalez", "daniel-kowalski", "ana-ribeiro"]
    );
    assert_eq!(
        directory(&app, json!({ "location": "boulder" })).await,
        ["thomas-becker", "sarah-mitchell", "linh-nguyen"]
    );
}

#[tokio::test]
async fn the_language_filter_matches_therapists_treating_in_it() {
    let app = TestApp::with_demo().await;
    assert_eq!(
        directory(&app, json!({ "language": "es" })).await,
        ["maria-gonzalez"]
    );
    assert_eq!(
        directory(&app, json!({ "language": "pl" })).await,
        ["daniel-kowalski"]
    );
    assert_eq!(directory(&app, json!({ "language": "en" })).await, ALL);
}

#[tokio::test]
async fn the_language_filter_ignores_the_case_of_the_code() {
    let app = TestApp::with_demo().await;
    assert_eq!(
        directory(&app, json!({ "language": "ES" })).await,
        ["maria-gonzalez"]
    );
}

#[tokio::test]
async fn the_accepting_new_patients_filter_works_both_ways() {
    let app = TestApp::with_demo().await;
    assert_eq!(
        directory(&app, json!({ "acceptingNewPatients": false })).await,
        ["james-okafor"]
    );
    let accepting = directory(&app, json!({ "acceptingNewPatients": true })).await;
    let expected: Vec<&str> = ALL.into_iter().filter(|s| *s != "james-okafor").collect();
    assert_eq!(accepting, expected);
}

#[tokio::test]
async fn filters_combine_so_that_every_one_must_match() {
    let app = TestApp::with_demo().await;
    assert_eq!(
        directory(
            &app,
            json!({ "service": "medical-massage", "location": "boulder" })
        )
        .await,
        ["sarah-mitchell", "linh-nguyen"]
    );
    // Okafor works in Denver but his Trigger Point Therapy award has expired.
    assert_eq!(
        directory(
            &app,
            json!({ "certification": "trigger-point-therapy", "location": "denver-highlands" })
        )
        .await,
        ["sarah-mitchell"]
    );
    assert_eq!(
        directory(
            &app,
            json!({ "language": "en", "acceptingNewPatients": false, "location": "denver-highlands" })
        )
        .await,
        ["james-okafor"]
    );
    assert!(
        directory(&app, json!({ "language": "es", "location": "boulder" }))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn an_unknown_slug_in_a_filter_gives_an_empty_page_not_an_error() {
    let app = TestApp::with_demo().await;
    for filter in [
        json!({ "certification": "reiki-master" }),
        json!({ "service": "hot-stone-massage" }),
        json!({ "location": "atlantis" }),
        json!({ "language": "xx" }),
    ] {
        let res = app.gql(THERAPISTS, json!({ "filter": filter })).await;
        let connection = &res.ok()["therapists"];
        assert_eq!(connection["nodes"], json!([]), "{filter}");
        assert_eq!(connection["totalCount"], 0, "{filter}");
    }
}

#[tokio::test]
async fn an_inactive_therapist_leaves_the_directory_and_the_certification_holders() {
    let app = TestApp::with_demo().await;
    app.exec("UPDATE therapist SET active = false WHERE slug = 'maria-gonzalez'")
        .await;

    let res = app.gql(THERAPISTS, json!({})).await;
    let connection = &res.ok()["therapists"];
    assert!(!pluck(connection, "slug").contains(&"maria-gonzalez".to_owned()));
    assert_eq!(connection["totalCount"], 6);

    assert!(therapist(&app, "maria-gonzalez").await.is_null());

    assert_eq!(
        directory(&app, json!({ "certification": "trigger-point-therapy" })).await,
        ["sarah-mitchell"]
    );
    let res = app
        .gql(CERTIFICATION, json!({ "slug": "trigger-point-therapy" }))
        .await;
    let holders = &res.ok()["certification"]["holders"];
    let slugs: Vec<&str> = holders
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["therapist"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["sarah-mitchell"]);
}

#[tokio::test]
async fn a_therapist_is_found_by_slug_with_languages_services_and_locations() {
    let app = TestApp::with_demo().await;
    let t = therapist(&app, "linh-nguyen").await;
    assert_eq!(t["slug"], "linh-nguyen");
    assert_eq!(t["firstName"], "Linh");
    assert_eq!(t["lastName"], "Nguyen");
    assert_eq!(t["fullName"], "Linh Nguyen");
    assert_eq!(t["credentials"], "LMT");
    assert_eq!(t["title"], "Massage Therapist");
    assert_eq!(t["photoUrl"], "/images/therapists/linh-nguyen.jpg");
    assert_eq!(t["acceptingNewPatients"], true);
    let mut languages: Vec<&str> = t["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    languages.sort_unstable();
    assert_eq!(languages, ["en", "vi"]);
    assert_eq!(
        pluck(&t["services"], "slug"),
        ["medical-massage", "spa-massage"]
    );
    assert_eq!(
        pluck(&t["locations"], "slug"),
        ["denver-highlands", "boulder"]
    );
}

#[tokio::test]
async fn a_therapist_without_a_photo_has_a_null_photo_url() {
    let app = TestApp::with_demo().await;
    let t = therapist(&app, "ana-ribeiro").await;
    assert!(t["photoUrl"].is_null());
    assert_eq!(t["languages"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_bio_comes_as_markdown_and_as_html() {
    let app = TestApp::with_demo().await;
    let t = therapist(&app, "daniel-kowalski").await;
    let bio = t["bio"].as_str().unwrap();
    let html = t["bioHtml"].as_str().unwrap();
    assert!(bio.contains("- hands-on manual therapy"), "{bio}");
    assert!(html.contains("<p>"), "{html}");
    assert!(html.contains("<li>"), "{html}");
    assert!(!html.contains("- hands-on"), "{html}");

    let t = therapist(&app, "maria-gonzalez").await;
    let html = t["bioHtml"].as_str().unwrap();
    assert!(html.contains("<strong>medical massage</strong>"), "{html}");
}

#[tokio::test]
async fn a_therapist_certifications_carry_their_status() {
    let app = TestApp::with_demo().await;
    let today = Utc::now().date_naive();

    let james = therapist(&app, "james-okafor").await;
    assert_eq!(
        pluck(&james["certifications"], "slug"),
        ["orthopedic-manual-therapy", "trigger-point-therapy"]
    );
    let expired = award(&james, "trigger-point-therapy");
    assert_eq!(expired["status"], "EXPIRED");
    assert_eq!(expired["name"], "Trigger Point Therapy");
    assert_eq!(expired["issuingBody"], "Soft Tissue Education Council");
    assert_eq!(expired["credentialId"], "TPT-38862");
    assert_eq!(expired["verified"], true);
    let expires_on: NaiveDate = expired["expiresOn"].as_str().unwrap().parse().unwrap();
    assert!(expires_on < today);
    assert_eq!(
        award(&james, "orthopedic-manual-therapy")["status"],
        "ACTIVE"
    );

    let linh = therapist(&app, "linh-nguyen").await;
    let soon = award(&linh, "myofascial-release");
    assert_eq!(soon["status"], "EXPIRING_SOON");
    let expires_on: NaiveDate = soon["expiresOn"].as_str().unwrap().parse().unwrap();
    assert!(expires_on >= today && expires_on <= today + Days::new(60));
    let later = award(&linh, "manual-lymphatic-drainage");
    assert_eq!(later["status"], "ACTIVE");
    assert_eq!(later["verified"], false);

    // One that never expires.
    let maria = therapist(&app, "maria-gonzalez").await;
    let forever = award(&maria, "myofascial-release");
    assert!(forever["expiresOn"].is_null());
    assert_eq!(forever["status"], "ACTIVE");
    assert_eq!(forever["certification"]["name"], "Myofascial Release");
    assert_eq!(forever["therapist"]["slug"], "maria-gonzalez");
    let issued_on: NaiveDate = forever["issuedOn"].as_str().unwrap().parse().unwrap();
    assert!(issued_on < today);
}

#[tokio::test]
async fn a_therapist_json_ld_is_a_person_without_expired_certifications() {
    let app = TestApp::with_demo().await;
    let james = therapist(&app, "james-okafor").await;
    let ld = &james["jsonLd"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Person");
    assert_eq!(ld["name"], "James Okafor");
    assert_eq!(ld["honorificSuffix"], "PT, DPT");
    let names: Vec<&str> = ld["hasCertification"]
        .as_array()
        .expect("hasCertification list")
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Orthopedic Manual Therapy"]);

    // Expiring soon is still current.
    let linh = therapist(&app, "linh-nguyen").await;
    let certifications = linh["jsonLd"]["hasCertification"].as_array().unwrap();
    assert_eq!(certifications.len(), 2);
}

#[tokio::test]
async fn an_unknown_therapist_slug_is_null_not_an_error() {
    let app = TestApp::with_demo().await;
    assert!(therapist(&app, "no-such-person").await.is_null());
}

#[tokio::test]
async fn certifications_are_listed_by_name_with_their_issuing_body() {
    let app = TestApp::with_demo().await;
    let res = app.gql(CERTIFICATIONS, json!({})).await;
    let certifications = &res.ok()["certifications"];
    let names = pluck(certifications, "name");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 6);

    let slugs = pluck(certifications, "slug");
    assert!(slugs.contains(&"myofascial-release".to_owned()));
    assert!(slugs.contains(&"trigger-point-therapy".to_owned()));
    for c in certifications.as_array().unwrap() {
        match c["slug"].as_str().unwrap() {
            "myofascial-release" => {
                assert_eq!(c["name"], "Myofascial Release");
                assert_eq!(
                    c["issuingBody"],
                    "Continuing Education Institute for Manual Therapy"
                );
                assert!(c["url"].is_string());
            }
            "trigger-point-therapy" => {
                assert_eq!(c["name"], "Trigger Point Therapy");
                assert_eq!(c["issuingBody"], "Soft Tissue Education Council");
            }
            "orthopedic-manual-therapy" => assert!(c["url"].is_null()),
            _ => {}
        }
        assert!(!c["issuingBody"].as_str().unwrap().is_empty());
        assert!(!c["description"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_certification_lists_its_current_holders_with_the_therapist() {
    let app = TestApp::with_demo().await;
    let res = app
        .gql(CERTIFICATION, json!({ "slug": "trigger-point-therapy" }))
        .await;
    let certification = &res.ok()["certification"];
    assert_eq!(certification["name"], "Trigger Point Therapy");
    assert_eq!(
        certification["issuingBody"],
        "Soft Tissue Education Council"
    );
    let holders = certification["holders"].as_array().unwrap();
    let slugs: Vec<&str> = holders
        .iter()
        .map(|h| h["therapist"]["slug"].as_str().unwrap())
        .collect();
    // Not james-okafor, whose award expired.
    assert_eq!(slugs, ["maria-gonzalez", "sarah-mitchell"]);
    for holder in holders {
        assert_eq!(holder["slug"], "trigger-point-therapy");
        assert_ne!(holder["status"], "EXPIRED");
        assert!(holder["therapist"]["fullName"].is_string());
    }

    let res = app
        .gql(CERTIFICATION, json!({ "slug": "myofascial-release" }))
        .await;
    let holders = &res.ok()["certification"]["holders"];
    let statuses: Vec<(&str, &str)> = holders
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["therapist"]["slug"].as_str().unwrap(),
                h["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("thomas-becker", "ACTIVE"),
            ("maria-gonzalez", "ACTIVE"),
            ("linh-nguyen", "EXPIRING_SOON"),
        ]
    );
}

#[tokio::test]
async fn include_expired_lists_every_award_of_a_certification() {
    let app = TestApp::with_demo().await;
    let res = app
        .gql(
            r#"query ($slug: String!) {
              certification(slug: $slug) {
                holders(includeExpired: true) { status therapist { slug } }
              }
            }"#,
            json!({ "slug": "trigger-point-therapy" }),
        )
        .await;
    let holders: Vec<(&str, &str)> = res.ok()["certification"]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["therapist"]["slug"].as_str().unwrap(),
                h["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        holders,
        [
            ("maria-gonzalez", "ACTIVE"),
            ("sarah-mitchell", "ACTIVE"),
            ("james-okafor", "EXPIRED"),
        ]
    );
}

#[tokio::test]
async fn an_unknown_certification_slug_is_null_not_an_error() {
    let app = TestApp::with_demo().await;
    let res = app
        .gql(CERTIFICATION, json!({ "slug": "reiki-master" }))
        .await;
    assert!(res.ok()["certification"].is_null());
}
