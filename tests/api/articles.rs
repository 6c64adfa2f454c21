//! The blog: only published articles, newest first, with filters and old slugs.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::support::seed::seed_blog;
use crate::support::{TestApp, pluck};

const ARTICLES: &str = r#"
query ($filter: ArticleFilter, $orderBy: ArticleOrderBy! = PUBLISHED_AT_DESC) {
  articles(filter: $filter, orderBy: $orderBy) {
    totalCount
    nodes { slug title publishedAt }
  }
}"#;

const ARTICLE: &str = r#"
query ($slug: String!) {
  article(slug: $slug) {
    id
    slug
    title
    summary
    body
    bodyHtml
    readingTimeMinutes
    publishedAt
    updatedAt
    author { slug fullName }
    tags { slug name }
    jsonLd
  }
}"#;

/// The slugs of the articles listed with these variables, checking `totalCount` agrees.
async fn list(app: &TestApp, variables: Value) -> Vec<String> {
    let res = app.gql(ARTICLES, variables.clone()).await;
    let connection = &res.ok()["articles"];
    let slugs = pluck(connection, "slug");
    assert_eq!(
        connection["totalCount"],
        json!(slugs.len()),
        "totalCount for {variables}"
    );
    slugs
}

async fn article(app: &TestApp, slug: &str) -> Value {
    let res = app.gql(ARTICLE, json!({ "slug": slug })).await;
    res.ok()["article"].clone()
}

#[tokio::test]
async fn only_published_articles_are_listed_newest_first() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    let res = app.gql(ARTICLES, json!({})).await;
    let connection = &res.ok()["articles"];
    assert_eq!(pluck(connection, "slug"), blog.published());
    assert_eq!(connection["totalCount"], 5);

    let now = Utc::now();
    let dates: Vec<DateTime<Utc>> = connection["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            n["publishedAt"]
                .as_str()
                .unwrap()
                .parse()
                .expect("RFC 3339")
        })
        .collect();
    assert!(dates.iter().all(|d| *d <= now), "{dates:?}");
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

#[tokio::test]
async fn drafts_scheduled_and_archived_articles_are_never_listed() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    for variables in [
        json!({}),
        json!({ "orderBy": "TITLE_ASC" }),
        json!({ "orderBy": "PUBLISHED_AT_ASC" }),
        json!({ "filter": { "tag": "sports" } }),
        json!({ "filter": { "tag": "back-pain" } }),
        json!({ "filter": { "author": blog.sarah.slug } }),
        json!({ "filter": { "author": blog.thomas.slug } }),
        json!({ "filter": { "search": "garden" } }),
        json!({ "filter": { "search": "foam" } }),
    ] {
        let slugs = list(&app, variables.clone()).await;
        for hidden in [&blog.draft.slug, &blog.scheduled.slug, &blog.archived.slug] {
            assert!(!slugs.contains(hidden), "{hidden} in {variables}");
        }
    }
}

#[tokio::test]
async fn a_draft_scheduled_or_archived_article_is_null_by_slug() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    for slug in [&blog.draft.slug, &blog.scheduled.slug, &blog.archived.slug] {
        assert!(article(&app, slug).await.is_null(), "{slug}");
    }
}

#[tokio::test]
async fn a_published_article_with_a_future_date_stays_hidden_until_then() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    // The scheduled article is PUBLISHED, but dated a week ahead.
    let scheduled = &blog.scheduled.slug;
    assert!(article(&app, scheduled).await.is_null());
    assert!(!list(&app, json!({})).await.contains(scheduled));

    // Once its date has come, it shows.
    app.exec(&format!(
        "UPDATE article SET published_at = (SELECT published_at FROM article WHERE slug = '{}') \
         WHERE slug = '{scheduled}'",
        blog.massage.slug
    ))
    .await;
    assert_eq!(article(&app, scheduled).await["slug"], *scheduled);
    assert!(list(&app, json!({})).await.contains(scheduled));
}

#[tokio::test]
async fn an_unknown_article_slug_is_null_not_an_error() {
    let app = TestApp::empty().await;
    seed_blog(&app).await;
    assert!(article(&app, "no-such-article").await.is_null());
}

#[tokio::test]
async fn the_tag_filter_lists_published_articles_with_the_tag() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    assert_eq!(
        list(&app, json!({ "filter": { "tag": "massage" } })).await,
        [blog.massage.slug.as_str(), blog.insurance.slug.as_str()]
    );
    // Also on the scheduled article, which stays hidden.
    assert_eq!(
        list(&app, json!({ "filter": { "tag": "back-pain" } })).await,
        [blog.posture.slug.as_str()]
    );
    assert!(
        list(&app, json!({ "filter": { "tag": "no-such-tag" } }))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn the_author_filter_lists_the_published_articles_of_a_therapist() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    assert_eq!(
        list(&app, json!({ "filter": { "author": blog.daniel.slug } })).await,
        [blog.posture.slug.as_str(), blog.insurance.slug.as_str()]
    );
    // Her only articles are a draft and an archived one.
    assert!(
        list(&app, json!({ "filter": { "author": blog.sarah.slug } }))
            .await
            .is_empty()
    );
    assert!(
        list(&app, json!({ "filter": { "author": "nobody" } }))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn filters_combine_so_that_every_one_must_match() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    assert_eq!(
        list(
            &app,
            json!({ "filter": { "author": blog.daniel.slug, "tag": "massage" } })
        )
        .await,
        [blog.insurance.slug.as_str()]
    );
    assert!(
        list(
            &app,
            json!({ "filter": { "author": blog.maria.slug, "tag": "sports" } })
        )
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn search_ignores_case() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    let found = list(&app, json!({ "filter": { "search": "SPA MASSAGE" } })).await;
    assert!(found.contains(&blog.massage.slug), "{found:?}");
    // The insurance article mentions "spa massage" in its body.
    assert_eq!(
        found,
        [blog.massage.slug.as_str(), blog.insurance.slug.as_str()]
    );
    assert_eq!(
        list(
            &app,
            json!({ "filter": { "search": "myofascial release" } })
        )
        .await,
        [blog.massage.slug.as_str()]
    );
}

#[tokio::test]
async fn search_looks_in_title_summary_and_body() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    // Title.
    assert_eq!(
        list(&app, json!({ "filter": { "search": "Desk Posture" } })).await,
        [blog.posture.slug.as_str()]
    );
    // Summary only.
    assert_eq!(
        list(
            &app,
            json!({ "filter": { "search": "expensive furniture" } })
        )
        .await,
        [blog.posture.slug.as_str()]
    );
    // Body only.
    assert_eq!(
        list(&app, json!({ "filter": { "search": "walk-run approach" } })).await,
        [blog.running.slug.as_str()]
    );
    assert!(
        list(
            &app,
            json!({ "filter": { "search": "quantum entanglement" } })
        )
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn a_blank_search_lists_everything() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    assert_eq!(
        list(&app, json!({ "filter": { "search": "   " } })).await,
        blog.published()
    );
}

#[tokio::test]
async fn search_wildcards_match_only_themselves() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    // No article holds `%`, `_` or `\`.
    for text in ["%", "_", "\\", "%%", "_%_"] {
        assert!(
            list(&app, json!({ "filter": { "search": text } }))
                .await
                .is_empty(),
            "search {text:?}"
        );
    }

    app.exec(&format!(
        "UPDATE article SET summary = summary || ' Most people notice a 100% difference.' \
         WHERE slug = '{}'",
        blog.posture.slug
    ))
    .await;
    app.exec(&format!(
        "UPDATE article SET summary = summary || ' See the file runner_notes.' \
         WHERE slug = '{}'",
        blog.running.slug
    ))
    .await;
    assert_eq!(
        list(&app, json!({ "filter": { "search": "%" } })).await,
        [blog.posture.slug.as_str()]
    );
    assert_eq!(
        list(&app, json!({ "filter": { "search": "_" } })).await,
        [blog.running.slug.as_str()]
    );
    assert_eq!(
        list(&app, json!({ "filter": { "search": "100%" } })).await,
        [blog.posture.slug.as_str()]
    );
    // `_` is not "any one character": "runner notes" does not match.
    assert!(
        list(&app, json!({ "filter": { "search": "runner notes" } }))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn articles_can_be_ordered_by_title() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    let res = app.gql(ARTICLES, json!({ "orderBy": "TITLE_ASC" })).await;
    let connection = &res.ok()["articles"];
    assert_eq!(
        pluck(connection, "slug"),
        [
            blog.posture.slug.as_str(),
            blog.insurance.slug.as_str(),
            blog.massage.slug.as_str(),
            blog.running.slug.as_str(),
            blog.first_visit.slug.as_str(),
        ]
    );
    let titles = pluck(connection, "title");
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
}

#[tokio::test]
async fn articles_can_be_ordered_oldest_first() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    let mut oldest_first = blog.published();
    oldest_first.reverse();
    assert_eq!(
        list(&app, json!({ "orderBy": "PUBLISHED_AT_ASC" })).await,
        oldest_first
    );
    assert_eq!(
        list(&app, json!({ "orderBy": "PUBLISHED_AT_DESC" })).await,
        blog.published()
    );
}

#[tokio::test]
async fn an_article_has_safe_html_reading_time_author_and_tags() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    let a = article(&app, &blog.massage.slug).await;
    assert_eq!(a["slug"], blog.massage.slug);
    assert_eq!(
        a["title"],
        "Medical Massage vs. Spa Massage: What's the Difference?"
    );
    assert!(!a["summary"].as_str().unwrap().is_empty());
    assert!(a["body"].as_str().unwrap().starts_with("## Two massages"));

    let html = a["bodyHtml"].as_str().unwrap();
    assert!(html.contains("<h2>"), "{html}");
    assert!(
        html.contains("<strong>Myofascial Release</strong>"),
        "{html}"
    );
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(!html.contains("## "), "{html}");

    assert!(a["readingTimeMinutes"].as_i64().unwrap() >= 1);
    let published: DateTime<Utc> = a["publishedAt"].as_str().unwrap().parse().unwrap();
    assert!(published <= Utc::now());
    assert!(
        a["updatedAt"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .is_ok()
    );

    assert_eq!(a["author"]["slug"], blog.maria.slug);
    assert_eq!(a["author"]["fullName"], "Maria Gonzalez");
    let mut tags = pluck(&a["tags"], "slug");
    tags.sort();
    assert_eq!(tags, ["insurance", "massage"]);
    // Tags come by name.
    assert_eq!(pluck(&a["tags"], "name"), ["Insurance", "Massage"]);
}

#[tokio::test]
async fn every_listed_article_has_a_reading_time_of_at_least_a_minute() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    for slug in blog.published() {
        let a = article(&app, slug).await;
        assert!(a["readingTimeMinutes"].as_i64().unwrap() >= 1, "{slug}");
        assert!(a["bodyHtml"].as_str().unwrap().contains("<h2>"), "{slug}");
    }
}

#[tokio::test]
async fn an_article_json_ld_is_a_blog_posting_with_headline_and_author() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    let a = article(&app, &blog.posture.slug).await;
    let ld = &a["jsonLd"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "BlogPosting");
    assert_eq!(ld["headline"], a["title"]);
    assert_eq!(ld["author"]["@type"], "Person");
    assert_eq!(ld["author"]["name"], "Daniel Kowalski");
    assert!(ld["datePublished"].is_string());
    let mut keywords: Vec<&str> = ld["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    keywords.sort_unstable();
    assert_eq!(keywords, ["Back Pain", "Posture"]);
}

#[tokio::test]
async fn an_article_whose_author_left_the_directory_has_no_author() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    app.exec(&format!(
        "UPDATE therapist SET active = false WHERE slug = '{}'",
        blog.maria.slug
    ))
    .await;
    let a = article(&app, &blog.massage.slug).await;
    assert_eq!(a["slug"], blog.massage.slug);
    assert!(a["author"].is_null());
    assert!(a["jsonLd"]["author"].is_null());
}

#[tokio::test]
async fn a_former_slug_resolves_to_the_article_under_its_current_slug() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    app.exec(&format!(
        "INSERT INTO article_slug (slug, article_id) \
         SELECT 'old-slug', id FROM article WHERE slug = '{}'",
        blog.massage.slug
    ))
    .await;
    let a = article(&app, "old-slug").await;
    assert_eq!(a["slug"], blog.massage.slug);
    assert_eq!(a["id"], article(&app, &blog.massage.slug).await["id"]);
}

#[tokio::test]
async fn a_former_slug_of_a_hidden_article_is_null() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    app.exec(&format!(
        "INSERT INTO article_slug (slug, article_id) \
         SELECT 'old-draft', id FROM article WHERE slug = '{}'",
        blog.draft.slug
    ))
    .await;
    assert!(article(&app, "old-draft").await.is_null());
}
