//! The demo clinic as a front end sees it: enough of everything to build every page.

use chrono::Utc;
use entity::article::{self, ArticleStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{TestApp, pluck};

/// What a home page, a locations page and a staff page need, in one request.
const SITE: &str = r#"
query {
  organization { name phone { display e164 telUri } }
  locations {
    slug
    name
    openingHours { weekday opens closes }
    closures { date reason }
  }
  therapists(first: 100) {
    totalCount
    nodes {
      slug
      fullName
      credentials
      bio
      bioHtml
      languages
      services { slug }
      locations { slug }
      certifications { slug status }
    }
  }
  certifications { slug name issuingBody }
  services { slug kind }
  articles(first: 100) { totalCount nodes { slug } }
}"#;

const ARTICLE: &str = r#"
query ($slug: String!) {
  article(slug: $slug) { slug title body bodyHtml }
}"#;

fn list(value: &Value) -> &Vec<Value> {
    value.as_array().expect("a list")
}

async fn site(app: &TestApp) -> Value {
    app.gql(SITE, json!({})).await.ok().clone()
}

#[tokio::test]
async fn the_demo_has_several_locations_with_split_hours_and_a_future_closure() {
    let app = TestApp::with_demo().await;
    let site = site(&app).await;
    assert_eq!(site["organization"]["name"], "Physical Therapy First");
    let locations = list(&site["locations"]);
    assert!(locations.len() >= 2, "{} locations", locations.len());

    let split_day = locations.iter().any(|location| {
        let hours = list(&location["openingHours"]);
        hours.iter().any(|h| {
            hours
                .iter()
                .filter(|other| other["weekday"] == h["weekday"])
                .count()
                >= 2
        })
    });
    assert!(split_day, "no location has a day with two opening ranges");

    let today = Utc::now().date_naive().to_string();
    let future_closure = locations.iter().any(|location| {
        list(&location["closures"])
            .iter()
            .any(|c| c["date"].as_str().unwrap() > today.as_str())
    });
    assert!(future_closure, "no location has a closure ahead");
}

#[tokio::test]
async fn the_demo_has_a_full_staff_directory() {
    let app = TestApp::with_demo().await;
    let site = site(&app).await;
    let therapists = list(&site["therapists"]["nodes"]);
    assert!(therapists.len() >= 6, "{} therapists", therapists.len());
    assert_eq!(site["therapists"]["totalCount"], json!(therapists.len()));
    for t in therapists {
        let slug = &t["slug"];
        assert!(!t["fullName"].as_str().unwrap().is_empty(), "{slug}");
        assert!(!t["credentials"].as_str().unwrap().is_empty(), "{slug}");
        assert!(!t["bio"].as_str().unwrap().is_empty(), "{slug}");
        assert!(t["bioHtml"].as_str().unwrap().contains("<p>"), "{slug}");
        assert!(!list(&t["languages"]).is_empty(), "{slug}");
        assert!(!list(&t["services"]).is_empty(), "{slug}");
        assert!(!list(&t["locations"]).is_empty(), "{slug}");
        assert!(!list(&t["certifications"]).is_empty(), "{slug}");
    }
    // Someone treats in a language other than English.
    assert!(
        therapists
            .iter()
            .any(|t| list(&t["languages"]).iter().any(|l| l != "en"))
    );
    // Someone works at more than one location.
    assert!(therapists.iter().any(|t| list(&t["locations"]).len() >= 2));
}

#[tokio::test]
async fn the_demo_has_certifications_with_issuing_bodies() {
    let app = TestApp::with_demo().await;
    let site = site(&app).await;
    let certifications = list(&site["certifications"]);
    assert!(
        certifications.len() >= 5,
        "{} certifications",
        certifications.len()
    );
    let names = pluck(&site["certifications"], "name");
    assert!(
        names.contains(&"Myofascial Release".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"Trigger Point Therapy".to_owned()),
        "{names:?}"
    );
    for c in certifications {
        assert!(!c["issuingBody"].as_str().unwrap().is_empty(), "{c}");
    }
}

#[tokio::test]
async fn the_demo_shows_an_expired_and_an_expiring_award() {
    let app = TestApp::with_demo().await;
    let site = site(&app).await;
    let statuses: Vec<&str> = list(&site["therapists"]["nodes"])
        .iter()
        .flat_map(|t| list(&t["certifications"]))
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    for status in ["ACTIVE", "EXPIRING_SOON", "EXPIRED"] {
        assert!(statuses.contains(&status), "no {status} in {statuses:?}");
    }
}

#[tokio::test]
async fn the_demo_has_clinical_and_relaxation_services() {
    let app = TestApp::with_demo().await;
    let site = site(&app).await;
    let services = list(&site["services"]);
    assert!(services.len() >= 4, "{} services", services.len());
    assert!(services.iter().any(|s| s["kind"] == "CLINICAL"));
    assert!(services.iter().any(|s| s["kind"] == "RELAXATION"));
    let slugs = pluck(&site["services"], "slug");
    assert!(slugs.contains(&"medical-massage".to_owned()));
    assert!(slugs.contains(&"spa-massage".to_owned()));
}

#[tokio::test]
async fn the_demo_has_published_articles_including_the_massage_comparison() {
    let app = TestApp::with_demo().await;
    let site = site(&app).await;
    let articles = pluck(&site["articles"], "slug");
    assert!(articles.len() >= 5, "{articles:?}");
    assert_eq!(site["articles"]["totalCount"], json!(articles.len()));
    assert!(articles.contains(&"medical-massage-vs-spa-massage".to_owned()));

    let res = app
        .gql(ARTICLE, json!({ "slug": "medical-massage-vs-spa-massage" }))
        .await;
    let article = &res.ok()["article"];
    for text in [
        article["body"].as_str().unwrap(),
        article["bodyHtml"].as_str().unwrap(),
    ] {
        assert!(text.contains("Myofascial Release"));
        assert!(text.contains("Trigger Point Therapy"));
    }
}

#[tokio::test]
async fn the_demo_holds_a_draft_and_a_scheduled_article_that_stay_hidden() {
    let app = TestApp::with_demo().await;
    let now = Utc::now();
    let drafts = article::Entity::find()
        .filter(article::Column::Status.eq(ArticleStatus::Draft))
        .all(&app.db)
        .await
        .expect("query runs");
    let scheduled = article::Entity::find()
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .filter(article::Column::PublishedAt.gt(now))
        .all(&app.db)
        .await
        .expect("query runs");
    let archived = article::Entity::find()
        .filter(article::Column::Status.eq(ArticleStatus::Archived))
        .count(&app.db)
        .await
        .expect("query runs");
    assert!(!drafts.is_empty(), "no draft in the demo");
    assert!(!scheduled.is_empty(), "no scheduled article in the demo");
    assert!(archived >= 1, "no archived article in the demo");

    let site = site(&app).await;
    let listed = pluck(&site["articles"], "slug");
    for hidden in drafts.iter().chain(&scheduled) {
        assert!(!listed.contains(&hidden.slug), "{} is listed", hidden.slug);
        let res = app.gql(ARTICLE, json!({ "slug": hidden.slug })).await;
        assert!(res.ok()["article"].is_null(), "{} is readable", hidden.slug);
    }
}

#[tokio::test]
async fn the_demo_can_be_loaded_into_an_empty_database_only_once() {
    let app = TestApp::with_demo().await;
    assert!(!clinic_api::demo::is_empty(&app.db).await.unwrap());
    let again = clinic_api::demo::load(&app.db, Utc::now().date_naive()).await;
    assert!(again.is_err(), "loading twice should clash on unique slugs");
    // The failed load left nothing half-written.
    let res = app.gql(SITE, json!({})).await;
    assert_eq!(res.ok()["locations"].as_array().unwrap().len(), 3);
}
