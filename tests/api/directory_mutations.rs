//! Managing the staff directory (ADMIN only): therapists, their services and
//! locations, certifications and awards.

use chrono::{Days, Utc};
use clinic_api::auth::Role;
use entity::{therapist, therapist_certification};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::admin::{
    assert_audited, assert_only_admins_may, audit_trail, done, expected, mark_audit_trail,
    problems, subject,
};
use crate::support::seed::{
    WEEKDAYS, hours, seed_award, seed_award_with, seed_certification, seed_location, seed_service,
    seed_therapist, seed_therapist_with,
};
use crate::support::{Seeded, TestApp, pluck};

const USER_ERRORS: &str = "userErrors { field message code }";

const THERAPIST_FIELDS: &str = r#"
    id slug firstName lastName fullName credentials title bio bioHtml photoUrl
    languages acceptingNewPatients active
    services { slug } locations { slug }
    certifications { slug issuedOn expiresOn credentialId verified status }"#;

fn create_therapist() -> String {
    format!(
        "mutation($input: CreateTherapistInput!) {{ createTherapist(input: $input) {{ therapist {{ {THERAPIST_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn update_therapist() -> String {
    format!(
        "mutation($id: ID!, $input: UpdateTherapistInput!) {{ updateTherapist(id: $id, input: $input) {{ therapist {{ {THERAPIST_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn deactivate_therapist() -> String {
    format!(
        "mutation($id: ID!) {{ deactivateTherapist(id: $id) {{ therapist {{ {THERAPIST_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn set_services() -> String {
    format!(
        "mutation($id: ID!, $slugs: [String!]!) {{ setTherapistServices(id: $id, serviceSlugs: $slugs) {{ therapist {{ {THERAPIST_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn set_locations() -> String {
    format!(
        "mutation($id: ID!, $slugs: [String!]!) {{ setTherapistLocations(id: $id, locationSlugs: $slugs) {{ therapist {{ {THERAPIST_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

const CERTIFICATION_FIELDS: &str = "id slug name issuingBody description url";

fn create_certification() -> String {
    format!(
        "mutation($input: CreateCertificationInput!) {{ createCertification(input: $input) {{ certification {{ {CERTIFICATION_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn update_certification() -> String {
    format!(
        "mutation($id: ID!, $input: UpdateCertificationInput!) {{ updateCertification(id: $id, input: $input) {{ certification {{ {CERTIFICATION_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn award_certification() -> String {
    format!(
        "mutation($input: AwardCertificationInput!) {{ awardCertification(input: $input) {{
            therapistCertification {{ slug name issuedOn expiresOn credentialId verified status
              certification {{ slug }} therapist {{ slug }} }}
            {USER_ERRORS} }} }}"
    )
}

fn revoke_certification() -> String {
    format!(
        "mutation($therapist: String!, $certification: String!) {{ revokeCertification(therapistSlug: $therapist, certificationSlug: $certification) {{ therapist {{ {THERAPIST_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

const CERTIFICATION: &str = r#"
query ($slug: String!) {
  certification(slug: $slug) { slug name url holders { slug issuedOn expiresOn therapist { slug } } }
}"#;

async fn therapist(app: &TestApp, slug: &str) -> Value {
    let query =
        format!("query($slug: String!) {{ therapist(slug: $slug) {{ {THERAPIST_FIELDS} }} }}");
    app.gql(&query, json!({ "slug": slug })).await.ok()["therapist"].clone()
}

/// The slugs of the services `location(slug:)` offers.
async fn offered_at(app: &TestApp, location: &str) -> Vec<String> {
    let res = app
        .gql(
            "query($slug: String!) { location(slug: $slug) { services { slug } } }",
            json!({ "slug": location }),
        )
        .await;
    pluck(&res.ok()["location"]["services"], "slug")
}

async fn directory_slugs(app: &TestApp, filter: Value) -> Vec<String> {
    let res = app
        .gql(
            "query($filter: TherapistFilter) { therapists(first: 100, filter: $filter) { nodes { slug } } }",
            json!({ "filter": filter }),
        )
        .await;
    pluck(&res.ok()["therapists"], "slug")
}

async fn therapist_rows(app: &TestApp) -> u64 {
    therapist::Entity::find().count(&app.db).await.unwrap()
}

fn new_therapist() -> Value {
    json!({
        "firstName": "  Zoë ",
        "lastName": "Adler",
        "credentials": "LMT",
        "title": "Massage Therapist",
        "bio": "Zoë treats **tension headaches**.\n\n<script>alert(1)</script>",
        "photoUrl": "https://example.com/images/zoe-adler.jpg",
        "languages": ["EN", "pt-BR", "en"],
        "acceptingNewPatients": true,
    })
}

/// A location named `name`, open on weekdays.
async fn location(app: &TestApp, name: &str) -> Seeded {
    seed_location(
        app,
        name,
        "America/Chicago",
        hours(&WEEKDAYS, "08:00", "18:00"),
    )
    .await
}

/// The test's world is made: news of its writes has arrived, and the audit
/// checks look only at what comes next.
async fn built(app: &TestApp) {
    app.settle().await;
    mark_audit_trail(app).await;
}

#[tokio::test]
async fn an_admin_creates_a_therapist_whom_the_directory_then_lists() {
    let app = TestApp::empty().await;
    // Someone who speaks Portuguese, but not pt-BR.
    seed_therapist_with(
        &app,
        "Ana",
        "Ribeiro",
        &[],
        &[],
        json!({ "languages": ["en", "pt"] }),
    )
    .await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let res = app
        .gql_as(
            &admin,
            &create_therapist(),
            json!({ "input": new_therapist() }),
        )
        .await;
    let created = &done(&res, "createTherapist")["therapist"];
    assert_eq!(created["slug"], "zoe-adler");
    assert_eq!(created["firstName"], "Zoë", "names are trimmed");
    assert_eq!(created["fullName"], "Zoë Adler");
    assert_eq!(created["languages"], json!(["en", "pt-br"]));
    assert_eq!(created["active"], true);
    assert_eq!(created["services"], json!([]));
    let html = created["bioHtml"].as_str().unwrap();
    assert!(
        html.contains("<strong>tension headaches</strong>"),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");

    let public = therapist(&app, "zoe-adler").await;
    assert_eq!(public, *created);
    assert_eq!(
        directory_slugs(&app, json!({ "language": "pt-BR" })).await,
        ["zoe-adler"]
    );
    assert_audited(&app, &[("createTherapist", subject(&created["id"]))]).await;
}

#[tokio::test]
async fn a_namesake_gets_a_numbered_slug_and_a_chosen_slug_must_be_free() {
    let app = TestApp::empty().await;
    let maria = seed_therapist(&app, "Maria", "Gonzalez", &[], &[]).await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let mut input = new_therapist();
    input["firstName"] = json!("María");
    input["lastName"] = json!("González");
    let res = app
        .gql_as(
            &admin,
            &create_therapist(),
            json!({ "input": input.clone() }),
        )
        .await;
    assert_eq!(
        done(&res, "createTherapist")["therapist"]["slug"],
        format!("{}-2", maria.slug)
    );

    let rows = therapist_rows(&app).await;
    input["slug"] = json!(maria.slug);
    let res = app
        .gql_as(&admin, &create_therapist(), json!({ "input": input }))
        .await;
    let payload = &res.ok()["createTherapist"];
    assert_eq!(payload["therapist"], Value::Null);
    assert_eq!(problems(payload), expected(&[("input.slug", "TAKEN")]));
    assert_eq!(therapist_rows(&app).await, rows);
    assert_eq!(audit_trail(&app).await.len(), 1);
}

#[tokio::test]
async fn a_bad_therapist_is_refused_with_every_problem_at_once_and_nothing_is_stored() {
    let app = TestApp::empty().await;
    let admin = app.token_for(Role::Admin).await;
    let rows = therapist_rows(&app).await;
    let input = json!({
        "firstName": "   ",
        "lastName": "Adler",
        "credentials": "LMT",
        "title": "x".repeat(201),
        "bio": "",
        "photoUrl": "javascript:alert(1)",
        "languages": ["en", "english please", "e"],
        "acceptingNewPatients": true,
        "slug": "Zoe Adler",
    });
    let res = app
        .gql_as(&admin, &create_therapist(), json!({ "input": input }))
        .await;
    let payload = &res.ok()["createTherapist"];
    assert_eq!(payload["therapist"], Value::Null);
    assert_eq!(
        problems(payload),
        expected(&[
            ("input.firstName", "REQUIRED"),
            ("input.title", "INVALID_LENGTH"),
            ("input.photoUrl", "INVALID_FORMAT"),
            ("input.languages.1", "INVALID_FORMAT"),
            ("input.languages.2", "INVALID_FORMAT"),
            ("input.slug", "INVALID_FORMAT"),
        ])
    );
    assert_eq!(therapist_rows(&app).await, rows);
    assert!(audit_trail(&app).await.is_empty());
}

#[tokio::test]
async fn an_update_changes_only_the_fields_given() {
    let app = TestApp::empty().await;
    let medical = seed_service(&app, "Medical Massage", "CLINICAL").await;
    let trigger = seed_certification(&app, "Trigger Point Therapy").await;
    let maria = seed_therapist_with(
        &app,
        "Maria",
        "Gonzalez",
        &[&medical.slug],
        &[],
        json!({
            "photoUrl": "/images/therapists/maria-gonzalez.jpg",
            "languages": ["en", "es"],
        }),
    )
    .await;
    seed_award(&app, &maria.slug, &trigger.slug, None).await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let before = therapist(&app, &maria.slug).await;
    let input = json!({
        "title": "Senior Medical Massage Therapist",
        "photoUrl": null,
        "languages": ["es"],
        "acceptingNewPatients": false,
        "slug": "maria-g",
    });
    let res = app
        .gql_as(
            &admin,
            &update_therapist(),
            json!({ "id": before["id"], "input": input }),
        )
        .await;
    let updated = &done(&res, "updateTherapist")["therapist"];
    assert_eq!(updated["title"], "Senior Medical Massage Therapist");
    assert_eq!(updated["photoUrl"], Value::Null);
    assert_eq!(updated["languages"], json!(["es"]));
    assert_eq!(updated["acceptingNewPatients"], false);
    assert_eq!(updated["slug"], "maria-g");
    for unchanged in [
        "firstName",
        "lastName",
        "credentials",
        "bio",
        "bioHtml",
        "services",
        "certifications",
    ] {
        assert_eq!(updated[unchanged], before[unchanged], "{unchanged}");
    }
    assert_eq!(therapist(&app, &maria.slug).await, Value::Null);
    assert_eq!(therapist(&app, "maria-g").await, *updated);

    // A root-relative photo path is fine; the bio is rendered again.
    let input =
        json!({ "photoUrl": "/images/therapists/maria.jpg", "bio": "Now *in* Evanston too." });
    let res = app
        .gql_as(
            &admin,
            &update_therapist(),
            json!({ "id": before["id"], "input": input }),
        )
        .await;
    let updated = &done(&res, "updateTherapist")["therapist"];
    assert_eq!(updated["photoUrl"], "/images/therapists/maria.jpg");
    assert_eq!(updated["bioHtml"], "<p>Now <em>in</em> Evanston too.</p>\n");
    assert_audited(
        &app,
        &[
            ("updateTherapist", subject(&before["id"])),
            ("updateTherapist", subject(&before["id"])),
        ],
    )
    .await;
}

#[tokio::test]
async fn an_unknown_id_is_not_found_and_the_input_is_still_checked() {
    let app = TestApp::empty().await;
    // A service's id names something, but not a therapist.
    let service = seed_service(&app, "Medical Massage", "CLINICAL").await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    for id in [service.id.as_str(), "nope", "VGhlcmFwaXN0Ojk5OTk"] {
        let res = app
            .gql_as(
                &admin,
                &update_therapist(),
                json!({ "id": id, "input": { "lastName": "" } }),
            )
            .await;
        assert_eq!(
            problems(&res.ok()["updateTherapist"]),
            expected(&[("input.lastName", "REQUIRED"), ("id", "NOT_FOUND")]),
            "{id}"
        );
        for document in [deactivate_therapist(), set_services(), set_locations()] {
            let res = app
                .gql_as(&admin, &document, json!({ "id": id, "slugs": [] }))
                .await;
            let payload = res.ok().as_object().unwrap().values().next().unwrap();
            assert_eq!(problems(payload), expected(&[("id", "NOT_FOUND")]), "{id}");
        }
    }
    assert!(audit_trail(&app).await.is_empty());
}

#[tokio::test]
async fn a_deactivated_therapist_leaves_the_directory_and_what_their_location_offered() {
    let app = TestApp::empty().await;
    let loop_ = location(&app, "Chicago Loop").await;
    let highlands = location(&app, "Denver Highlands").await;
    let medical = seed_service(&app, "Medical Massage", "CLINICAL").await;
    let spa = seed_service(&app, "Spa Massage", "RELAXATION").await;
    let ana = seed_therapist(
        &app,
        "Ana",
        "Ribeiro",
        &[&spa.slug, &medical.slug],
        &[&loop_.slug],
    )
    .await;
    seed_therapist(&app, "Maria", "Gonzalez", &[&medical.slug], &[&loop_.slug]).await;
    seed_therapist(&app, "Linh", "Nguyen", &[&spa.slug], &[&highlands.slug]).await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    // Ana is the only therapist offering spa massage at the Loop.
    assert!(offered_at(&app, &loop_.slug).await.contains(&spa.slug));

    let res = app
        .gql_as(&admin, &deactivate_therapist(), json!({ "id": ana.id }))
        .await;
    let payload = &done(&res, "deactivateTherapist")["therapist"];
    assert_eq!(payload["active"], false);
    assert_eq!(therapist(&app, &ana.slug).await, Value::Null);
    assert!(!directory_slugs(&app, json!(null)).await.contains(&ana.slug));
    // Maria still offers medical massage there.
    assert_eq!(offered_at(&app, &loop_.slug).await, [medical.slug.as_str()]);
    let res = app
        .gql(
            "query($slug: String!) { service(slug: $slug) { locations { slug } } }",
            json!({ "slug": spa.slug }),
        )
        .await;
    assert_eq!(
        pluck(&res.ok()["service"]["locations"], "slug"),
        [highlands.slug.as_str()]
    );
    // Again: nothing more to do, and no error, so a retry is safe.
    let res = app
        .gql_as(&admin, &deactivate_therapist(), json!({ "id": ana.id }))
        .await;
    done(&res, "deactivateTherapist");

    // Listed again, she offers spa massage at the Loop again.
    let res = app
        .gql_as(
            &admin,
            &update_therapist(),
            json!({ "id": ana.id, "input": { "active": true } }),
        )
        .await;
    assert_eq!(done(&res, "updateTherapist")["therapist"]["active"], true);
    assert_eq!(therapist(&app, &ana.slug).await["slug"], ana.slug);
    assert!(offered_at(&app, &loop_.slug).await.contains(&spa.slug));
    let ana_subject = subject(&json!(ana.id));
    assert_audited(
        &app,
        &[
            ("deactivateTherapist", ana_subject.clone()),
            ("deactivateTherapist", ana_subject.clone()),
            ("updateTherapist", ana_subject),
        ],
    )
    .await;
}

#[tokio::test]
async fn setting_a_therapists_services_changes_what_their_location_offers() {
    let app = TestApp::empty().await;
    let loop_ = location(&app, "Chicago Loop").await;
    let medical = seed_service(&app, "Medical Massage", "CLINICAL").await;
    let spa = seed_service(&app, "Spa Massage", "RELAXATION").await;
    let sports = seed_service(&app, "Sports Massage", "CLINICAL").await;
    let maria = seed_therapist(
        &app,
        "Maria",
        "Gonzalez",
        &[&medical.slug, &sports.slug],
        &[&loop_.slug],
    )
    .await;
    let ana = seed_therapist(
        &app,
        "Ana",
        "Ribeiro",
        &[&spa.slug, &medical.slug],
        &[&loop_.slug],
    )
    .await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    assert!(offered_at(&app, &loop_.slug).await.contains(&sports.slug));

    let res = app
        .gql_as(
            &admin,
            &set_services(),
            json!({ "id": maria.id, "slugs": [spa.slug, medical.slug, spa.slug] }),
        )
        .await;
    let updated = &done(&res, "setTherapistServices")["therapist"];
    assert_eq!(
        pluck(&updated["services"], "slug"),
        [medical.slug.as_str(), spa.slug.as_str()]
    );
    // Maria was the only one offering sports massage at the Loop; Ana still
    // offers medical massage there.
    assert_eq!(
        offered_at(&app, &loop_.slug).await,
        [medical.slug.as_str(), spa.slug.as_str()]
    );
    assert_eq!(
        directory_slugs(&app, json!({ "service": spa.slug, "location": loop_.slug })).await,
        [maria.slug.as_str(), ana.slug.as_str()]
    );

    // An empty list takes every service away.
    let res = app
        .gql_as(
            &admin,
            &set_services(),
            json!({ "id": maria.id, "slugs": [] }),
        )
        .await;
    assert_eq!(
        done(&res, "setTherapistServices")["therapist"]["services"],
        json!([])
    );
    assert_audited(
        &app,
        &[
            ("setTherapistServices", subject(&json!(maria.id))),
            ("setTherapistServices", subject(&json!(maria.id))),
        ],
    )
    .await;
}

#[tokio::test]
async fn unknown_or_retired_services_are_reported_by_index_and_nothing_changes() {
    let app = TestApp::empty().await;
    let loop_ = location(&app, "Chicago Loop").await;
    let medical = seed_service(&app, "Medical Massage", "CLINICAL").await;
    let physical_therapy = seed_service(&app, "Physical Therapy", "CLINICAL").await;
    let sports = seed_service(&app, "Sports Massage", "CLINICAL").await;
    let daniel = seed_therapist(
        &app,
        "Daniel",
        "Kowalski",
        &[&physical_therapy.slug],
        &[&loop_.slug],
    )
    .await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    app.exec(&format!(
        "UPDATE service SET active = false WHERE slug = '{}'",
        sports.slug
    ))
    .await;
    let before = therapist(&app, &daniel.slug).await;
    let offered = offered_at(&app, &loop_.slug).await;
    let res = app
        .gql_as(
            &admin,
            &set_services(),
            json!({
                "id": before["id"],
                "slugs": [medical.slug, "dry-needling", sports.slug, " "],
            }),
        )
        .await;
    let payload = &res.ok()["setTherapistServices"];
    assert_eq!(payload["therapist"], Value::Null);
    assert_eq!(
        problems(payload),
        expected(&[
            ("serviceSlugs.1", "NOT_FOUND"),
            ("serviceSlugs.3", "NOT_FOUND"),
            ("serviceSlugs.2", "INVALID_STATE"),
        ])
    );
    assert_eq!(therapist(&app, &daniel.slug).await, before);
    assert_eq!(offered_at(&app, &loop_.slug).await, offered);
    assert!(audit_trail(&app).await.is_empty());
}

#[tokio::test]
async fn moving_a_therapist_changes_what_the_locations_left_and_joined_offer() {
    let app = TestApp::empty().await;
    let loop_ = location(&app, "Chicago Loop").await;
    let boulder = location(&app, "Boulder").await;
    let medical = seed_service(&app, "Medical Massage", "CLINICAL").await;
    let physical_therapy = seed_service(&app, "Physical Therapy", "CLINICAL").await;
    seed_therapist(&app, "Maria", "Gonzalez", &[&medical.slug], &[&loop_.slug]).await;
    let daniel = seed_therapist(
        &app,
        "Daniel",
        "Kowalski",
        &[&physical_therapy.slug],
        &[&loop_.slug],
    )
    .await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let res = app
        .gql_as(
            &admin,
            r#"mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { id } userErrors { code } } }"#,
            json!({ "input": {
                "name": "Evanston",
                "address": { "street": "1 Main St", "city": "Evanston", "region": "IL", "postalCode": "60201", "country": "US" },
                "timeZone": "America/Chicago",
                "phone": { "display": "(847) 555-0100", "e164": "+18475550100" },
                "email": "evanston@example.com",
            } }),
        )
        .await;
    let evanston = done(&res, "createLocation")["location"]["id"].clone();
    assert_eq!(offered_at(&app, "evanston").await, Vec::<String>::new());

    let res = app
        .gql_as(
            &admin,
            &set_locations(),
            json!({ "id": daniel.id, "slugs": ["evanston"] }),
        )
        .await;
    let updated = &done(&res, "setTherapistLocations")["therapist"];
    assert_eq!(pluck(&updated["locations"], "slug"), ["evanston"]);
    // Daniel was the Loop's only physical therapist.
    assert_eq!(offered_at(&app, &loop_.slug).await, [medical.slug.as_str()]);
    assert_eq!(
        offered_at(&app, "evanston").await,
        [physical_therapy.slug.as_str()]
    );
    assert_eq!(
        directory_slugs(&app, json!({ "location": "evanston" })).await,
        [daniel.slug.as_str()]
    );

    // Unknown slugs: named by index, nothing moves.
    let res = app
        .gql_as(
            &admin,
            &set_locations(),
            json!({ "id": daniel.id, "slugs": [boulder.slug, "atlantis", loop_.slug] }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["setTherapistLocations"]),
        expected(&[("locationSlugs.1", "NOT_FOUND")])
    );
    assert_eq!(
        pluck(&therapist(&app, &daniel.slug).await["locations"], "slug"),
        ["evanston"]
    );
    assert_audited(
        &app,
        &[
            ("createLocation", subject(&evanston)),
            ("setTherapistLocations", subject(&json!(daniel.id))),
        ],
    )
    .await;
}

#[tokio::test]
async fn an_admin_creates_and_updates_a_certification() {
    let app = TestApp::empty().await;
    let admin = app.token_for(Role::Admin).await;
    let input = json!({
        "name": "Dry Needling",
        "issuingBody": "Institute of Functional Dry Needling",
        "description": "Training in trigger point dry needling.",
        "url": "https://example.com/certifications/dry-needling",
    });
    let res = app
        .gql_as(&admin, &create_certification(), json!({ "input": input }))
        .await;
    let created = done(&res, "createCertification")["certification"].clone();
    assert_eq!(created["slug"], "dry-needling");
    let res = app
        .gql(CERTIFICATION, json!({ "slug": "dry-needling" }))
        .await;
    assert_eq!(res.ok()["certification"]["name"], "Dry Needling");
    assert_eq!(res.data["certification"]["holders"], json!([]));

    let res = app
        .gql_as(
            &admin,
            &update_certification(),
            json!({ "id": created["id"], "input": { "name": "Dry Needling Level 1", "url": null } }),
        )
        .await;
    let updated = &done(&res, "updateCertification")["certification"];
    assert_eq!(updated["name"], "Dry Needling Level 1");
    assert_eq!(updated["url"], Value::Null);
    assert_eq!(updated["slug"], "dry-needling", "renaming keeps the slug");
    assert_eq!(updated["issuingBody"], created["issuingBody"]);
    let res = app.gql("{ certifications { slug name } }", json!({})).await;
    assert!(
        res.ok()["certifications"]
            .as_array()
            .unwrap()
            .contains(&json!({ "slug": "dry-needling", "name": "Dry Needling Level 1" }))
    );
    assert_audited(
        &app,
        &[
            ("createCertification", subject(&created["id"])),
            ("updateCertification", subject(&created["id"])),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_bad_certification_is_refused_with_every_problem_at_once() {
    let app = TestApp::empty().await;
    let myofascial = seed_certification(&app, "Myofascial Release").await;
    let trigger = seed_certification(&app, "Trigger Point Therapy").await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let input = json!({
        "name": "",
        "issuingBody": "Somebody",
        "description": " ",
        "url": "ftp://example.com/x",
        "slug": myofascial.slug,
    });
    let res = app
        .gql_as(&admin, &create_certification(), json!({ "input": input }))
        .await;
    assert_eq!(
        problems(&res.ok()["createCertification"]),
        expected(&[
            ("input.name", "REQUIRED"),
            ("input.description", "REQUIRED"),
            ("input.url", "INVALID_FORMAT"),
            ("input.slug", "TAKEN"),
        ])
    );
    let res = app
        .gql_as(
            &admin,
            &update_certification(),
            json!({ "id": trigger.id, "input": { "slug": myofascial.slug } }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["updateCertification"]),
        expected(&[("input.slug", "TAKEN")])
    );
    // Only the two made above.
    let res = app.gql("{ certifications { slug } }", json!({})).await;
    assert_eq!(
        pluck(&res.ok()["certifications"], "slug"),
        [myofascial.slug.as_str(), trigger.slug.as_str()]
    );
    assert!(audit_trail(&app).await.is_empty());
}

fn award(therapist: &str, certification: &str, issued: i64, expires: Option<i64>) -> Value {
    let today = Utc::now().date_naive();
    let day = |d: i64| {
        if d >= 0 {
            today + Days::new(d.unsigned_abs())
        } else {
            today - Days::new(d.unsigned_abs())
        }
    };
    json!({
        "therapistSlug": therapist,
        "certificationSlug": certification,
        "issuedOn": day(issued).to_string(),
        "expiresOn": expires.map(|d| day(d).to_string()),
        "credentialId": "MLD-9001",
        "verified": true,
    })
}

#[tokio::test]
async fn an_award_shows_on_the_therapist_and_among_the_holders() {
    let app = TestApp::empty().await;
    let lymphatic = seed_certification(&app, "Manual Lymphatic Drainage").await;
    let myofascial = seed_certification(&app, "Myofascial Release").await;
    let trigger = seed_certification(&app, "Trigger Point Therapy").await;
    let maria = seed_therapist(&app, "Maria", "Gonzalez", &[], &[]).await;
    let linh = seed_therapist(&app, "Linh", "Nguyen", &[], &[]).await;
    seed_award(&app, &maria.slug, &trigger.slug, None).await;
    seed_award(&app, &maria.slug, &myofascial.slug, None).await;
    seed_award(&app, &linh.slug, &lymphatic.slug, None).await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let input = award(&maria.slug, &lymphatic.slug, -10, Some(720));
    let res = app
        .gql_as(&admin, &award_certification(), json!({ "input": input }))
        .await;
    let awarded = &done(&res, "awardCertification")["therapistCertification"];
    assert_eq!(awarded["slug"], json!(lymphatic.slug));
    assert_eq!(awarded["therapist"]["slug"], json!(maria.slug));
    assert_eq!(awarded["issuedOn"], input["issuedOn"]);
    assert_eq!(awarded["expiresOn"], input["expiresOn"]);
    assert_eq!(awarded["credentialId"], "MLD-9001");
    assert_eq!(awarded["status"], "ACTIVE");

    let held = therapist(&app, &maria.slug).await;
    assert_eq!(
        pluck(&held["certifications"], "slug"),
        [
            lymphatic.slug.as_str(),
            myofascial.slug.as_str(),
            trigger.slug.as_str()
        ]
    );
    let res = app
        .gql(CERTIFICATION, json!({ "slug": lymphatic.slug }))
        .await;
    let holders: Vec<String> = res.ok()["certification"]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["therapist"]["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(holders, [maria.slug.as_str(), linh.slug.as_str()]);
    assert_eq!(
        directory_slugs(&app, json!({ "certification": lymphatic.slug })).await,
        [maria.slug.as_str(), linh.slug.as_str()]
    );
    assert_audited(&app, &[("awardCertification", subject(&held["id"]))]).await;
}

#[tokio::test]
async fn awarding_a_held_certification_again_renews_it() {
    let app = TestApp::empty().await;
    let orthopedic = seed_certification(&app, "Orthopedic Manual Therapy").await;
    let trigger = seed_certification(&app, "Trigger Point Therapy").await;
    let maria = seed_therapist(&app, "Maria", "Gonzalez", &[], &[]).await;
    let james = seed_therapist(&app, "James", "Okafor", &[], &[]).await;
    seed_award(&app, &maria.slug, &trigger.slug, None).await;
    seed_award(&app, &james.slug, &orthopedic.slug, None).await;
    seed_award_with(
        &app,
        &james.slug,
        &trigger.slug,
        Some(Utc::now().date_naive() - Days::new(30)),
        json!({ "credentialId": "TPT-38862", "verified": true }),
    )
    .await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    // James's trigger point certification expired 30 days ago.
    let mut input = award(&james.slug, &trigger.slug, -5, None);
    input["credentialId"] = json!(null);
    input["verified"] = json!(false);
    let res = app
        .gql_as(&admin, &award_certification(), json!({ "input": input }))
        .await;
    let renewed = &done(&res, "awardCertification")["therapistCertification"];
    assert_eq!(renewed["status"], "ACTIVE");
    assert_eq!(renewed["expiresOn"], Value::Null);
    assert_eq!(renewed["credentialId"], Value::Null);
    assert_eq!(renewed["verified"], false);

    let held_by_james = therapist(&app, &james.slug).await;
    let held: Vec<&Value> = held_by_james["certifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["slug"] == json!(trigger.slug))
        .collect();
    assert_eq!(held.len(), 1, "held once, with the new dates");
    assert_eq!(held[0]["issuedOn"], input["issuedOn"]);
    let james_id = clinic_api::graphql::ids::decode_as("Therapist", &james.id);
    let rows = therapist_certification::Entity::find()
        .filter(therapist_certification::Column::TherapistId.eq(james_id.unwrap()))
        .count(&app.db)
        .await
        .unwrap();
    // The renewed award and the orthopedic one.
    assert_eq!(rows, 2);
    assert_eq!(
        directory_slugs(&app, json!({ "certification": trigger.slug })).await,
        [maria.slug.as_str(), james.slug.as_str()]
    );
}

#[tokio::test]
async fn an_award_must_expire_after_it_is_issued_and_name_what_exists() {
    let app = TestApp::empty().await;
    let prenatal = seed_certification(&app, "Prenatal Massage").await;
    let maria = seed_therapist(&app, "Maria", "Gonzalez", &[], &[]).await;
    let ana = seed_therapist(&app, "Ana", "Ribeiro", &[], &[]).await;
    seed_award(&app, &ana.slug, &prenatal.slug, None).await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let cases = [
        (
            award(&maria.slug, &prenatal.slug, -10, Some(-10)),
            expected(&[("input.expiresOn", "OUT_OF_RANGE")]),
        ),
        (
            award(&maria.slug, &prenatal.slug, 30, Some(400)),
            expected(&[("input.issuedOn", "OUT_OF_RANGE")]),
        ),
        (
            award("nobody", "nothing", -10, Some(-20)),
            expected(&[
                ("input.expiresOn", "OUT_OF_RANGE"),
                ("input.therapistSlug", "NOT_FOUND"),
                ("input.certificationSlug", "NOT_FOUND"),
            ]),
        ),
    ];
    for (input, want) in cases {
        let res = app
            .gql_as(&admin, &award_certification(), json!({ "input": input }))
            .await;
        let payload = &res.ok()["awardCertification"];
        assert_eq!(payload["therapistCertification"], Value::Null);
        assert_eq!(problems(payload), want, "{input}");
    }
    // Ana's award alone.
    let res = app
        .gql(CERTIFICATION, json!({ "slug": prenatal.slug }))
        .await;
    assert_eq!(
        pluck(&res.ok()["certification"]["holders"], "slug").len(),
        1
    );
    assert!(audit_trail(&app).await.is_empty());
}

#[tokio::test]
async fn revoking_a_certification_removes_the_award() {
    let app = TestApp::empty().await;
    let myofascial = seed_certification(&app, "Myofascial Release").await;
    let trigger = seed_certification(&app, "Trigger Point Therapy").await;
    let maria = seed_therapist(&app, "Maria", "Gonzalez", &[], &[]).await;
    let sarah = seed_therapist(&app, "Sarah", "Mitchell", &[], &[]).await;
    seed_award(&app, &maria.slug, &trigger.slug, None).await;
    seed_award(&app, &maria.slug, &myofascial.slug, None).await;
    seed_award(&app, &sarah.slug, &trigger.slug, None).await;
    built(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let vars = json!({ "therapist": maria.slug, "certification": trigger.slug });
    let res = app
        .gql_as(&admin, &revoke_certification(), vars.clone())
        .await;
    let revoked = &done(&res, "revokeCertification")["therapist"];
    assert_eq!(
        pluck(&revoked["certifications"], "slug"),
        [myofascial.slug.as_str()]
    );
    assert_eq!(
        pluck(
            &therapist(&app, &maria.slug).await["certifications"],
            "slug"
        ),
        [myofascial.slug.as_str()]
    );
    let res = app
        .gql(CERTIFICATION, json!({ "slug": trigger.slug }))
        .await;
    let holders: Vec<&str> = res.ok()["certification"]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["therapist"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(holders, [sarah.slug.as_str()]);

    // Not held any more; unknown slugs are named.
    let res = app.gql_as(&admin, &revoke_certification(), vars).await;
    assert_eq!(
        problems(&res.ok()["revokeCertification"]),
        expected(&[("certificationSlug", "NOT_FOUND")])
    );
    let res = app
        .gql_as(
            &admin,
            &revoke_certification(),
            json!({ "therapist": "nobody", "certification": "nothing" }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["revokeCertification"]),
        expected(&[
            ("therapistSlug", "NOT_FOUND"),
            ("certificationSlug", "NOT_FOUND")
        ])
    );
    assert_audited(&app, &[("revokeCertification", subject(&revoked["id"]))]).await;
}

#[tokio::test]
async fn only_admins_may_change_the_directory() {
    let app = TestApp::empty().await;
    let boulder = location(&app, "Boulder").await;
    let spa = seed_service(&app, "Spa Massage", "RELAXATION").await;
    let myofascial = seed_certification(&app, "Myofascial Release").await;
    let prenatal = seed_certification(&app, "Prenatal Massage").await;
    let trigger = seed_certification(&app, "Trigger Point Therapy").await;
    let maria = seed_therapist(&app, "Maria", "Gonzalez", &[], &[]).await;
    seed_award(&app, &maria.slug, &trigger.slug, None).await;
    built(&app).await;
    let cases = [
        (
            "createTherapist",
            create_therapist(),
            json!({ "input": new_therapist() }),
        ),
        (
            "updateTherapist",
            update_therapist(),
            json!({ "id": maria.id, "input": { "title": "Owner" } }),
        ),
        (
            "deactivateTherapist",
            deactivate_therapist(),
            json!({ "id": maria.id }),
        ),
        (
            "setTherapistServices",
            set_services(),
            json!({ "id": maria.id, "slugs": [spa.slug] }),
        ),
        (
            "setTherapistLocations",
            set_locations(),
            json!({ "id": maria.id, "slugs": [boulder.slug] }),
        ),
        (
            "createCertification",
            create_certification(),
            json!({ "input": { "name": "Dry Needling", "issuingBody": "IFDN", "description": "Needles." } }),
        ),
        (
            "updateCertification",
            update_certification(),
            json!({ "id": myofascial.id, "input": { "name": "MFR" } }),
        ),
        (
            "awardCertification",
            award_certification(),
            json!({ "input": award(&maria.slug, &prenatal.slug, -1, None) }),
        ),
        (
            "revokeCertification",
            revoke_certification(),
            json!({ "therapist": maria.slug, "certification": trigger.slug }),
        ),
    ];
    assert_only_admins_may(&app, &cases).await;
}
