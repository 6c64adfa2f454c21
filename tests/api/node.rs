//! `node(id:)`: every public object comes back by the global id it was given out with.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::seed::{
    archive_article, schedule_article, seed_article, seed_award, seed_certification,
};
use crate::support::{TestApp, seed_clinic};

/// One object of every `Node` type, each with its global id.
const IDS: &str = r#"
query {
  therapists(first: 1) { nodes { id slug } }
  articles(first: 1) { nodes { id slug tags { id slug } } }
  locations { id slug }
  services { id slug }
  certifications { id slug }
}"#;

const NODE: &str = r#"
query ($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Therapist { slug }
    ... on Article { slug }
    ... on Location { slug }
    ... on Service { slug }
    ... on Certification { slug }
    ... on Tag { slug }
  }
}"#;

const THERAPIST_NODE: &str = r#"
query ($id: ID!) {
  node(id: $id) {
    ... on Therapist { fullName certifications { slug status } }
  }
}"#;

/// The global id of row `id` of type `kind`, as the API encodes it.
fn global_id(kind: &str, id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{id}"))
}

async fn node(app: &TestApp, id: &str) -> Value {
    let res = app.gql(NODE, json!({ "id": id })).await;
    res.ok()["node"].clone()
}

/// The row id of the article with this slug, read from the database.
async fn article_row_id(app: &TestApp, slug: &str) -> i32 {
    entity::article::Entity::find()
        .filter(entity::article::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .expect("query runs")
        .unwrap_or_else(|| panic!("no article {slug}"))
        .id
}

/// One of each node type: a clinic whose therapist holds two certifications
/// and wrote a tagged article, and articles the public does not see: a
/// draft, a scheduled one and an archived one (their slugs, in that order).
async fn world(app: &TestApp) -> [String; 3] {
    let clinic = seed_clinic(app).await;
    for name in ["Cupping Therapy", "Dry Needling"] {
        let certification = seed_certification(app, name).await;
        seed_award(app, &clinic.therapist.slug, &certification.slug, None).await;
    }
    let author = Some(clinic.therapist.slug.as_str());
    seed_article(app, "Foam rolling", author, &["Recovery"], true).await;
    let draft = seed_article(app, "Desk posture", author, &[], false).await;
    let scheduled = seed_article(app, "Running again", author, &[], false).await;
    schedule_article(app, &scheduled, Utc::now() + chrono::Duration::days(3)).await;
    let archived = seed_article(app, "Winter sports", author, &[], true).await;
    archive_article(app, &archived).await;
    [draft.slug, scheduled.slug, archived.slug]
}

#[tokio::test]
async fn every_node_type_comes_back_by_its_id() {
    let app = TestApp::empty().await;
    world(&app).await;
    let res = app.gql(IDS, json!({})).await;
    let data = res.ok();
    let samples = [
        ("Therapist", &data["therapists"]["nodes"][0]),
        ("Article", &data["articles"]["nodes"][0]),
        ("Tag", &data["articles"]["nodes"][0]["tags"][0]),
        ("Location", &data["locations"][0]),
        ("Service", &data["services"][0]),
        ("Certification", &data["certifications"][0]),
    ];
    for (typename, sample) in samples {
        let id = sample["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{typename} id"));
        let found = node(&app, id).await;
        assert_eq!(found["__typename"], typename, "{sample}");
        assert_eq!(found["id"], id, "{typename}");
        assert_eq!(found["slug"], sample["slug"], "{typename}");
    }
}

#[tokio::test]
async fn every_item_of_every_list_comes_back_by_its_id() {
    let app = TestApp::empty().await;
    world(&app).await;
    let res = app.gql(IDS, json!({})).await;
    let data = res.ok();
    for (typename, list) in [
        ("Location", &data["locations"]),
        ("Service", &data["services"]),
        ("Certification", &data["certifications"]),
    ] {
        for item in list.as_array().unwrap() {
            let found = node(&app, item["id"].as_str().unwrap()).await;
            assert_eq!(found["__typename"], typename);
            assert_eq!(found["slug"], item["slug"]);
        }
    }
}

#[tokio::test]
async fn global_ids_are_distinct_across_types() {
    let app = TestApp::empty().await;
    world(&app).await;
    let res = app.gql(IDS, json!({})).await;
    let data = res.ok();
    let ids = [
        &data["therapists"]["nodes"][0]["id"],
        &data["articles"]["nodes"][0]["id"],
        &data["articles"]["nodes"][0]["tags"][0]["id"],
        &data["locations"][0]["id"],
        &data["services"][0]["id"],
        &data["certifications"][0]["id"],
    ];
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[tokio::test]
async fn a_node_resolves_its_type_fields() {
    let app = TestApp::empty().await;
    world(&app).await;
    let res = app.gql(IDS, json!({})).await;
    let id = res.ok()["therapists"]["nodes"][0]["id"].clone();
    let res = app.gql(THERAPIST_NODE, json!({ "id": id })).await;
    let therapist = &res.ok()["node"];
    assert_eq!(therapist["fullName"], "Jordan Hale");
    assert_eq!(therapist["certifications"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_published_article_id_is_its_row_id_encoded() {
    let app = TestApp::empty().await;
    world(&app).await;
    let res = app.gql(IDS, json!({})).await;
    let article = &res.ok()["articles"]["nodes"][0];
    let row = article_row_id(&app, article["slug"].as_str().unwrap()).await;
    assert_eq!(article["id"], global_id("Article", row));
}

#[tokio::test]
async fn a_draft_or_scheduled_or_archived_article_is_null_by_id() {
    let app = TestApp::empty().await;
    for slug in world(&app).await {
        let id = global_id("Article", article_row_id(&app, &slug).await);
        assert!(node(&app, &id).await.is_null(), "{slug}");
    }
}

#[tokio::test]
async fn an_inactive_therapist_is_null_by_id() {
    let app = TestApp::empty().await;
    world(&app).await;
    let res = app.gql(IDS, json!({})).await;
    let therapist = res.ok()["therapists"]["nodes"][0].clone();
    app.exec(&format!(
        "UPDATE therapist SET active = false WHERE slug = '{}'",
        therapist["slug"].as_str().unwrap()
    ))
    .await;
    assert!(
        node(&app, therapist["id"].as_str().unwrap())
            .await
            .is_null()
    );
}

#[tokio::test]
async fn a_garbage_id_is_null_with_no_errors() {
    let app = TestApp::empty().await;
    for id in [
        "xyz".to_owned(),
        String::new(),
        "!!!not base64!!!".to_owned(),
        URL_SAFE_NO_PAD.encode("Therapist"),
        URL_SAFE_NO_PAD.encode("Therapist:abc"),
        URL_SAFE_NO_PAD.encode("Spaceship:1"),
        URL_SAFE_NO_PAD.encode(":1"),
    ] {
        let res = app.gql(NODE, json!({ "id": id })).await;
        assert!(res.errors.is_empty(), "{id:?}: {:#?}", res.errors);
        assert!(res.data["node"].is_null(), "{id:?}");
    }
}

#[tokio::test]
async fn an_id_of_a_row_that_does_not_exist_is_null() {
    let app = TestApp::empty().await;
    world(&app).await;
    for kind in [
        "Therapist",
        "Article",
        "Location",
        "Service",
        "Certification",
        "Tag",
    ] {
        assert!(
            node(&app, &global_id(kind, 999_999)).await.is_null(),
            "{kind}"
        );
        assert!(node(&app, &global_id(kind, -1)).await.is_null(), "{kind}");
    }
}

#[tokio::test]
async fn a_node_of_an_empty_database_is_null() {
    let app = TestApp::empty().await;
    assert!(node(&app, &global_id("Therapist", 1)).await.is_null());
}
