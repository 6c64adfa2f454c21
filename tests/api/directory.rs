//! The staff directory: therapists, their filters, and certifications.

use chrono::{Days, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::support::admin::done;
use crate::support::seed::deactivate_therapist;
use crate::support::{Directory, Seeded, TestApp, pluck, seed_directory};

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

/// An app holding the directory of `seed_directory`.
async fn seeded() -> (TestApp, Directory) {
    let app = TestApp::empty().await;
    let d = seed_directory(&app).await;
    (app, d)
}

/// The slugs of `therapists`.
fn slugs(therapists: &[&Seeded]) -> Vec<String> {
    therapists.iter().map(|t| t.slug.clone()).collect()
}

#[tokio::test]
async fn the_directory_lists_every_active_therapist_by_last_then_first_name() {
    let (app, d) = seeded().await;
    let res = app.gql(THERAPISTS, json!({})).await;
    let connection = &res.ok()["therapists"];
    assert_eq!(
        pluck(connection, "slug"),
        slugs(&[
            &d.abbott, &d.bravo, &d.cole, &d.dunn, &d.ellis, &d.foster, &d.garcia
        ])
    );
    assert_eq!(pluck(connection, "slug"), d.all());
    assert_eq!(connection["totalCount"], 7);
    let first = &connection["nodes"][0];
    assert_eq!(first["firstName"], "Nora");
    assert_eq!(first["lastName"], "Abbott");
    assert_eq!(first["fullName"], "Nora Abbott");
}

#[tokio::test]
async fn therapists_sharing_a_last_name_are_ordered_by_first_name() {
    let (app, d) = seeded().await;
    // Ines Garcia becomes Ines Ellis.
    let admin = app.admin_token().await;
    let res = app
        .gql_as(
            &admin,
            "mutation($id: ID!) { updateTherapist(id: $id, input: { lastName: \"Ellis\" }) { userErrors { field message code } } }",
            json!({ "id": d.garcia.id }),
        )
        .await;
    done(&res, "updateTherapist");
    app.settle().await;
    let slugs_at = directory(&app, json!({ "location": d.eastgate.slug })).await;
    assert_eq!(slugs_at, slugs(&[&d.bravo, &d.cole, &d.garcia]));
    // Ines Ellis before Mai Ellis.
    assert_eq!(
        directory(&app, json!(null)).await,
        slugs(&[
            &d.abbott, &d.bravo, &d.cole, &d.dunn, &d.garcia, &d.ellis, &d.foster
        ])
    );
}

#[tokio::test]
async fn the_certification_filter_matches_current_holders_only() {
    let (app, d) = seeded().await;
    // Kofi Foster's Trigger Point Therapy award expired 30 days ago.
    assert_eq!(
        directory(&app, json!({ "certification": d.trigger_point.slug })).await,
        slugs(&[&d.bravo, &d.dunn])
    );
    // Mai Ellis's Myofascial Release expires soon, but still counts.
    assert_eq!(
        directory(&app, json!({ "certification": d.myofascial.slug })).await,
        slugs(&[&d.abbott, &d.bravo, &d.ellis])
    );
    assert_eq!(
        directory(&app, json!({ "certification": d.orthopedic.slug })).await,
        slugs(&[&d.abbott, &d.cole, &d.foster])
    );
}

#[tokio::test]
async fn the_service_filter_matches_therapists_offering_it() {
    let (app, d) = seeded().await;
    assert_eq!(
        directory(&app, json!({ "service": d.spa_massage.slug })).await,
        slugs(&[&d.ellis, &d.garcia])
    );
    assert_eq!(
        directory(&app, json!({ "service": d.medical_massage.slug })).await,
        slugs(&[&d.bravo, &d.dunn, &d.ellis, &d.garcia])
    );
    assert_eq!(
        directory(&app, json!({ "service": d.physical_therapy.slug })).await,
        slugs(&[&d.abbott, &d.cole, &d.foster])
    );
}

#[tokio::test]
async fn the_location_filter_matches_therapists_working_there() {
    let (app, d) = seeded().await;
    assert_eq!(
        directory(&app, json!({ "location": d.eastgate.slug })).await,
        slugs(&[&d.bravo, &d.cole, &d.garcia])
    );
    assert_eq!(
        directory(&app, json!({ "location": d.westfield.slug })).await,
        slugs(&[&d.abbott, &d.dunn, &d.ellis])
    );
}

#[tokio::test]
async fn the_language_filter_matches_therapists_treating_in_it() {
    let (app, d) = seeded().await;
    assert_eq!(
        directory(&app, json!({ "language": "es" })).await,
        slugs(&[&d.bravo])
    );
    assert_eq!(
        directory(&app, json!({ "language": "pl" })).await,
        slugs(&[&d.cole])
    );
    assert_eq!(directory(&app, json!({ "language": "en" })).await, d.all());
}

#[tokio::test]
async fn the_language_filter_ignores_the_case_of_the_code() {
    let (app, d) = seeded().await;
    assert_eq!(
        directory(&app, json!({ "language": "ES" })).await,
        slugs(&[&d.bravo])
    );
}

#[tokio::test]
async fn the_accepting_new_patients_filter_works_both_ways() {
    let (app, d) = seeded().await;
    assert_eq!(
        directory(&app, json!({ "acceptingNewPatients": false })).await,
        slugs(&[&d.foster])
    );
    let accepting = directory(&app, json!({ "acceptingNewPatients": true })).await;
    let expected: Vec<String> = d
        .all()
        .into_iter()
        .filter(|s| *s != d.foster.slug)
        .collect();
    assert_eq!(accepting, expected);
}

#[tokio::test]
async fn filters_combine_so_that_every_one_must_match() {
    let (app, d) = seeded().await;
    assert_eq!(
        directory(
            &app,
            json!({ "service": d.medical_massage.slug, "location": d.westfield.slug })
        )
        .await,
        slugs(&[&d.dunn, &d.ellis])
    );
    // Foster works at Northside but his Trigger Point Therapy award has expired.
    assert_eq!(
        directory(
            &app,
            json!({ "certification": d.trigger_point.slug, "location": d.northside.slug })
        )
        .await,
        slugs(&[&d.dunn])
    );
    assert_eq!(
        directory(
            &app,
            json!({ "language": "en", "acceptingNewPatients": false, "location": d.northside.slug })
        )
        .await,
        slugs(&[&d.foster])
    );
    assert!(
        directory(
            &app,
            json!({ "language": "es", "location": d.westfield.slug })
        )
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn an_unknown_slug_in_a_filter_gives_an_empty_page_not_an_error() {
    let (app, _) = seeded().await;
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
    let (app, d) = seeded().await;
    deactivate_therapist(&app, &d.bravo).await;
    app.settle().await;

    let res = app.gql(THERAPISTS, json!({})).await;
    let connection = &res.ok()["therapists"];
    assert!(!pluck(connection, "slug").contains(&d.bravo.slug));
    assert_eq!(connection["totalCount"], 6);

    assert!(therapist(&app, &d.bravo.slug).await.is_null());

    assert_eq!(
        directory(&app, json!({ "certification": d.trigger_point.slug })).await,
        slugs(&[&d.dunn])
    );
    let res = app
        .gql(CERTIFICATION, json!({ "slug": d.trigger_point.slug }))
        .await;
    let holders = &res.ok()["certification"]["holders"];
    let holder_slugs: Vec<&str> = holders
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["therapist"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(holder_slugs, [d.dunn.slug.as_str()]);
}

#[tokio::test]
async fn a_therapist_is_found_by_slug_with_languages_services_and_locations() {
    let (app, d) = seeded().await;
    let t = therapist(&app, &d.ellis.slug).await;
    assert_eq!(t["slug"], d.ellis.slug.as_str());
    assert_eq!(t["id"], d.ellis.id.as_str());
    assert_eq!(t["firstName"], "Mai");
    assert_eq!(t["lastName"], "Ellis");
    assert_eq!(t["fullName"], "Mai Ellis");
    assert_eq!(t["credentials"], "LMT");
    assert_eq!(t["title"], "Massage Therapist");
    assert_eq!(t["photoUrl"], "/images/therapists/mai-ellis.jpg");
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
        slugs(&[&d.medical_massage, &d.spa_massage])
    );
    assert_eq!(
        pluck(&t["locations"], "slug"),
        slugs(&[&d.northside, &d.westfield])
    );
}

#[tokio::test]
async fn a_therapist_without_a_photo_has_a_null_photo_url() {
    let (app, d) = seeded().await;
    let t = therapist(&app, &d.garcia.slug).await;
    assert!(t["photoUrl"].is_null());
    assert_eq!(t["languages"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_bio_comes_as_markdown_and_as_html() {
    let (app, d) = seeded().await;
    let t = therapist(&app, &d.cole.slug).await;
    let bio = t["bio"].as_str().unwrap();
    let html = t["bioHtml"].as_str().unwrap();
    assert!(bio.contains("- hands-on manual therapy"), "{bio}");
    assert!(html.contains("<p>"), "{html}");
    assert!(html.contains("<li>"), "{html}");
    assert!(!html.contains("- hands-on"), "{html}");

    let t = therapist(&app, &d.bravo.slug).await;
    let html = t["bioHtml"].as_str().unwrap();
    assert!(html.contains("<strong>medical massage</strong>"), "{html}");
}

#[tokio::test]
async fn a_therapist_certifications_carry_their_status() {
    let (app, d) = seeded().await;
    let today = Utc::now().date_naive();

    let foster = therapist(&app, &d.foster.slug).await;
    assert_eq!(
        pluck(&foster["certifications"], "slug"),
        slugs(&[&d.orthopedic, &d.trigger_point])
    );
    let expired = award(&foster, &d.trigger_point.slug);
    assert_eq!(expired["status"], "EXPIRED");
    assert_eq!(expired["name"], "Trigger Point Therapy");
    assert_eq!(expired["issuingBody"], "Soft Tissue Education Council");
    assert_eq!(expired["credentialId"], "TPT-38862");
    assert_eq!(expired["verified"], true);
    let expires_on: NaiveDate = expired["expiresOn"].as_str().unwrap().parse().unwrap();
    assert!(expires_on < today);
    assert_eq!(award(&foster, &d.orthopedic.slug)["status"], "ACTIVE");

    let ellis = therapist(&app, &d.ellis.slug).await;
    let soon = award(&ellis, &d.myofascial.slug);
    assert_eq!(soon["status"], "EXPIRING_SOON");
    let expires_on: NaiveDate = soon["expiresOn"].as_str().unwrap().parse().unwrap();
    assert!(expires_on >= today && expires_on <= today + Days::new(60));
    let later = award(&ellis, &d.lymphatic.slug);
    assert_eq!(later["status"], "ACTIVE");
    assert_eq!(later["verified"], false);

    // One that never expires.
    let bravo = therapist(&app, &d.bravo.slug).await;
    let forever = award(&bravo, &d.myofascial.slug);
    assert!(forever["expiresOn"].is_null());
    assert_eq!(forever["status"], "ACTIVE");
    assert_eq!(forever["certification"]["name"], "Myofascial Release");
    assert_eq!(forever["therapist"]["slug"], d.bravo.slug.as_str());
    let issued_on: NaiveDate = forever["issuedOn"].as_str().unwrap().parse().unwrap();
    assert!(issued_on < today);
}

#[tokio::test]
async fn a_therapist_json_ld_is_a_person_without_expired_certifications() {
    let (app, d) = seeded().await;
    let foster = therapist(&app, &d.foster.slug).await;
    let ld = &foster["jsonLd"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Person");
    assert_eq!(ld["name"], "Kofi Foster");
    assert_eq!(ld["honorificSuffix"], "PT, DPT");
    let names: Vec<&str> = ld["hasCertification"]
        .as_array()
        .expect("hasCertification list")
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Orthopedic Manual Therapy"]);

    // Expiring soon is still current.
    let ellis = therapist(&app, &d.ellis.slug).await;
    let certifications = ellis["jsonLd"]["hasCertification"].as_array().unwrap();
    assert_eq!(certifications.len(), 2);
}

#[tokio::test]
async fn an_unknown_therapist_slug_is_null_not_an_error() {
    let (app, _) = seeded().await;
    assert!(therapist(&app, "no-such-person").await.is_null());
}

#[tokio::test]
async fn certifications_are_listed_by_name_with_their_issuing_body() {
    let (app, d) = seeded().await;
    let res = app.gql(CERTIFICATIONS, json!({})).await;
    let certifications = &res.ok()["certifications"];
    let names = pluck(certifications, "name");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 4);

    let listed = pluck(certifications, "slug");
    assert!(listed.contains(&d.myofascial.slug));
    assert!(listed.contains(&d.trigger_point.slug));
    for c in certifications.as_array().unwrap() {
        let slug = c["slug"].as_str().unwrap();
        if slug == d.myofascial.slug {
            assert_eq!(c["name"], "Myofascial Release");
            assert_eq!(c["issuingBody"], "Board of Testing");
            assert!(c["url"].is_string());
        } else if slug == d.trigger_point.slug {
            assert_eq!(c["name"], "Trigger Point Therapy");
            assert_eq!(c["issuingBody"], "Soft Tissue Education Council");
        } else if slug == d.orthopedic.slug {
            assert!(c["url"].is_null());
        }
        assert!(!c["issuingBody"].as_str().unwrap().is_empty());
        assert!(!c["description"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_certification_lists_its_current_holders_with_the_therapist() {
    let (app, d) = seeded().await;
    let res = app
        .gql(CERTIFICATION, json!({ "slug": d.trigger_point.slug }))
        .await;
    let certification = &res.ok()["certification"];
    assert_eq!(certification["name"], "Trigger Point Therapy");
    assert_eq!(
        certification["issuingBody"],
        "Soft Tissue Education Council"
    );
    let holders = certification["holders"].as_array().unwrap();
    let holder_slugs: Vec<String> = holders
        .iter()
        .map(|h| h["therapist"]["slug"].as_str().unwrap().to_owned())
        .collect();
    // Not Foster, whose award expired.
    assert_eq!(holder_slugs, slugs(&[&d.bravo, &d.dunn]));
    for holder in holders {
        assert_eq!(holder["slug"], d.trigger_point.slug.as_str());
        assert_ne!(holder["status"], "EXPIRED");
        assert!(holder["therapist"]["fullName"].is_string());
    }

    let res = app
        .gql(CERTIFICATION, json!({ "slug": d.myofascial.slug }))
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
            (d.abbott.slug.as_str(), "ACTIVE"),
            (d.bravo.slug.as_str(), "ACTIVE"),
            (d.ellis.slug.as_str(), "EXPIRING_SOON"),
        ]
    );
}

#[tokio::test]
async fn include_expired_lists_every_award_of_a_certification() {
    let (app, d) = seeded().await;
    let res = app
        .gql(
            r#"query ($slug: String!) {
              certification(slug: $slug) {
                holders(includeExpired: true) { status therapist { slug } }
              }
            }"#,
            json!({ "slug": d.trigger_point.slug }),
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
            (d.bravo.slug.as_str(), "ACTIVE"),
            (d.dunn.slug.as_str(), "ACTIVE"),
            (d.foster.slug.as_str(), "EXPIRED"),
        ]
    );
}

#[tokio::test]
async fn an_unknown_certification_slug_is_null_not_an_error() {
    let (app, _) = seeded().await;
    let res = app
        .gql(CERTIFICATION, json!({ "slug": "reiki-master" }))
        .await;
    assert!(res.ok()["certification"].is_null());
}
