//! Staff writing the blog: who may, what the public sees after each write,
//! slugs, validation, the audit trail and staff previews.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use clinic_api::auth::Role;
use entity::{article, article_slug, article_tag, audit_event, staff, tag};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::support::seed::{
    archive_article, schedule_article, seed_article, seed_blog, seed_therapist,
};
use crate::support::{GqlResponse, TestApp, pluck};

macro_rules! fields {
    () => {
        "id slug title summary body bodyHtml readingTimeMinutes status publishedAt \
         author { slug } tags { slug name }"
    };
}

const CREATE: &str = concat!(
    "mutation ($input: CreateArticleInput!) { createArticle(input: $input) { article { ",
    fields!(),
    " } userErrors { field message code } } }"
);
const UPDATE: &str = concat!(
    "mutation ($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { article { ",
    fields!(),
    " } userErrors { field message code } } }"
);
const PUBLISH: &str = concat!(
    "mutation ($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { article { ",
    fields!(),
    " } userErrors { field message code } } }"
);
const UNPUBLISH: &str = concat!(
    "mutation ($id: ID!) { unpublishArticle(id: $id) { article { ",
    fields!(),
    " } userErrors { field message code } } }"
);
const ARCHIVE: &str = concat!(
    "mutation ($id: ID!) { archiveArticle(id: $id) { article { ",
    fields!(),
    " } userErrors { field message code } } }"
);
const DELETE: &str = "mutation ($id: ID!) { deleteArticle(id: $id) { deletedId userErrors { field message code } } }";

const ARTICLE: &str = concat!(
    "query ($slug: String!, $preview: Boolean! = false) { article(slug: $slug, preview: $preview) { ",
    fields!(),
    " } }"
);
const ARTICLES: &str = r#"
query ($filter: ArticleFilter) {
  articles(first: 100, filter: $filter) { totalCount nodes { slug status } }
}"#;

/// The mutation's name in a document, e.g. `createArticle`.
fn name_of(document: &str) -> &str {
    let start = document.find('{').unwrap() + 1;
    let rest = document[start..].trim_start();
    &rest[..rest.find('(').unwrap()]
}

/// Runs a mutation that must succeed; returns its payload.
#[track_caller]
fn payload(res: &GqlResponse, document: &str) -> Value {
    let payload = res.ok()[name_of(document)].clone();
    assert_eq!(payload["userErrors"], json!([]), "{document}");
    payload
}

/// The `(field path, code)` of each user error, sorted.
fn user_errors(res: &GqlResponse, document: &str) -> Vec<(Vec<String>, String)> {
    let payload = &res.ok()[name_of(document)];
    let mut errors: Vec<(Vec<String>, String)> = payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = e["field"]
                .as_array()
                .map(|f| f.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            (field, e["code"].as_str().unwrap().to_owned())
        })
        .collect();
    errors.sort();
    errors
}

fn path(segments: &[&str]) -> Vec<String> {
    segments.iter().map(|s| (*s).to_owned()).collect()
}

async fn create(app: &TestApp, token: &str, input: Value) -> Value {
    let res = app.gql_as(token, CREATE, json!({ "input": input })).await;
    payload(&res, CREATE)["article"].clone()
}

async fn update(app: &TestApp, token: &str, id: &Value, input: Value) -> Value {
    let res = app
        .gql_as(token, UPDATE, json!({ "id": id, "input": input }))
        .await;
    payload(&res, UPDATE)["article"].clone()
}

/// Runs a mutation that takes only the article's id; returns the article.
async fn act(app: &TestApp, token: &str, document: &str, id: &Value) -> Value {
    let res = app.gql_as(token, document, json!({ "id": id })).await;
    payload(&res, document)["article"].clone()
}

/// The article as the public sees it, or null.
async fn public(app: &TestApp, slug: &str) -> Value {
    app.gql(ARTICLE, json!({ "slug": slug })).await.ok()["article"].clone()
}

/// The article as staff preview it, or null.
async fn preview(app: &TestApp, token: &str, slug: &str) -> Value {
    let res = app
        .gql_as(token, ARTICLE, json!({ "slug": slug, "preview": true }))
        .await;
    res.ok()["article"].clone()
}

/// Slugs of the list the public sees.
async fn public_list(app: &TestApp) -> Vec<String> {
    pluck(&app.gql(ARTICLES, json!({})).await.ok()["articles"], "slug")
}

/// Every row a write to articles could touch, in a fixed order.
#[derive(Debug, PartialEq)]
struct Snapshot {
    articles: Vec<article::Model>,
    article_tags: Vec<article_tag::Model>,
    article_slugs: Vec<article_slug::Model>,
    tags: Vec<tag::Model>,
    audit: Vec<audit_event::Model>,
}

async fn snapshot(app: &TestApp) -> Snapshot {
    Snapshot {
        articles: article::Entity::find()
            .order_by_asc(article::Column::Id)
            .all(&app.db)
            .await
            .unwrap(),
        article_tags: article_tag::Entity::find()
            .order_by_asc(article_tag::Column::ArticleId)
            .order_by_asc(article_tag::Column::TagId)
            .all(&app.db)
            .await
            .unwrap(),
        article_slugs: article_slug::Entity::find()
            .order_by_asc(article_slug::Column::Slug)
            .all(&app.db)
            .await
            .unwrap(),
        tags: tag::Entity::find()
            .order_by_asc(tag::Column::Id)
            .all(&app.db)
            .await
            .unwrap(),
        audit: audit_event::Entity::find()
            .order_by_asc(audit_event::Column::Id)
            .all(&app.db)
            .await
            .unwrap(),
    }
}

async fn row(app: &TestApp, slug: &str) -> article::Model {
    article::Entity::find()
        .filter(article::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no article {slug}"))
}

#[tokio::test]
async fn editors_and_admins_write_publish_and_delete_articles_as_the_public_sees() {
    let app = TestApp::empty().await;
    let maria = seed_therapist(&app, "Maria", "Gonzalez", &[], &[]).await;
    for (n, role) in [Role::Editor, Role::Admin].into_iter().enumerate() {
        let token = app.token_for(role).await;
        let title = format!("Ice or Heat {n}?");
        let created = create(
            &app,
            &token,
            json!({
                "title": title,
                "summary": "Which one, when.",
                "body": "## Ice first\n\nUse **ice** for a fresh injury.\n\n<script>alert(1)</script>",
                "authorSlug": maria.slug,
                "tags": ["Recovery"],
            }),
        )
        .await;
        let id = created["id"].clone();
        let slug = format!("ice-or-heat-{n}");
        assert_eq!(created["slug"], slug.as_str());
        assert_eq!(created["title"], title.as_str());
        assert_eq!(created["status"], "DRAFT");
        assert_eq!(created["publishedAt"], Value::Null);
        assert_eq!(created["author"]["slug"], maria.slug.as_str());
        assert_eq!(
            created["tags"],
            json!([{ "slug": "recovery", "name": "Recovery" }])
        );
        let html = created["bodyHtml"].as_str().unwrap();
        assert!(html.contains("<h2>Ice first</h2>"), "{html}");
        assert!(html.contains("<strong>ice</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert_eq!(created["readingTimeMinutes"], 1);
        // A draft: the public sees nothing of it.
        assert!(public(&app, &slug).await.is_null());
        assert!(!public_list(&app).await.contains(&slug));

        let updated = update(
            &app,
            &token,
            &id,
            json!({ "summary": "Ice, then heat.", "body": "word ".repeat(450) }),
        )
        .await;
        assert_eq!(updated["summary"], "Ice, then heat.");
        assert_eq!(updated["readingTimeMinutes"], 3);
        assert_eq!(updated["title"], title.as_str(), "left out, left as it was");
        assert_eq!(updated["author"]["slug"], maria.slug.as_str());
        assert!(public(&app, &slug).await.is_null());

        let before = Utc::now();
        let published = act(&app, &token, PUBLISH, &id).await;
        assert_eq!(published["status"], "PUBLISHED");
        let at: DateTime<Utc> = published["publishedAt"].as_str().unwrap().parse().unwrap();
        assert!(
            at >= before - Duration::seconds(1) && at <= Utc::now(),
            "{at}"
        );
        let seen = public(&app, &slug).await;
        assert_eq!(seen["summary"], "Ice, then heat.");
        assert_eq!(seen["status"], "PUBLISHED");
        assert!(public_list(&app).await.contains(&slug));

        let unpublished = act(&app, &token, UNPUBLISH, &id).await;
        assert_eq!(unpublished["status"], "DRAFT");
        assert!(public(&app, &slug).await.is_null());
        assert!(!public_list(&app).await.contains(&slug));

        // Scheduled: published, but not yet.
        let later = Utc::now().trunc_subsecs(0) + Duration::days(3);
        let res = app
            .gql_as(
                &token,
                PUBLISH,
                json!({ "id": id, "at": later.to_rfc3339() }),
            )
            .await;
        let scheduled = payload(&res, PUBLISH)["article"].clone();
        assert_eq!(scheduled["status"], "PUBLISHED");
        let at: DateTime<Utc> = scheduled["publishedAt"].as_str().unwrap().parse().unwrap();
        assert_eq!(at, later);
        assert!(public(&app, &slug).await.is_null());
        assert!(!public_list(&app).await.contains(&slug));

        // Publishing it without a time makes it public now.
        act(&app, &token, PUBLISH, &id).await;
        assert_eq!(public(&app, &slug).await["slug"], slug.as_str());

        let archived = act(&app, &token, ARCHIVE, &id).await;
        assert_eq!(archived["status"], "ARCHIVED");
        assert!(public(&app, &slug).await.is_null());
        assert!(!public_list(&app).await.contains(&slug));
        assert_eq!(preview(&app, &token, &slug).await["status"], "ARCHIVED");

        let res = app.gql_as(&token, DELETE, json!({ "id": id })).await;
        assert_eq!(payload(&res, DELETE)["deletedId"], id);
        assert!(public(&app, &slug).await.is_null());
        assert!(preview(&app, &token, &slug).await.is_null());
        assert!(
            article::Entity::find()
                .filter(article::Column::Slug.eq(slug.as_str()))
                .one(&app.db)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn front_desk_is_forbidden_anonymous_is_unauthenticated_and_nothing_changes() {
    let app = TestApp::empty().await;
    let draft_article =
        seed_article(&app, "Before a Sports Massage", None, &["Sports"], false).await;
    let published_article =
        seed_article(&app, "Medical or Spa Massage", None, &["Massage"], true).await;
    let editor = app.token_for(Role::Editor).await;
    let front_desk = app.token_for(Role::FrontDesk).await;
    let draft = json!(draft_article.id);
    let published = json!(published_article.id);
    let before = snapshot(&app).await;

    let attempts = [
        (CREATE, json!({ "input": { "title": "Not Allowed" } })),
        (
            UPDATE,
            json!({ "id": published, "input": { "title": "Changed", "slug": "changed" } }),
        ),
        (PUBLISH, json!({ "id": draft })),
        (UNPUBLISH, json!({ "id": published })),
        (ARCHIVE, json!({ "id": published })),
        (DELETE, json!({ "id": published })),
    ];
    for (document, variables) in &attempts {
        let res = app.gql_as(&front_desk, document, variables.clone()).await;
        assert_eq!(res.error_code(), Some("FORBIDDEN"), "{document}");
        assert!(res.data.is_null(), "{document}: {:?}", res.data);
        let res = app.gql(document, variables.clone()).await;
        assert_eq!(res.error_code(), Some("UNAUTHENTICATED"), "{document}");
        assert!(res.data.is_null(), "{document}: {:?}", res.data);
    }

    assert_eq!(snapshot(&app).await, before);
    assert_eq!(
        preview(&app, &editor, &draft_article.slug).await["status"],
        "DRAFT"
    );
    assert_eq!(
        public(&app, &published_article.slug).await["slug"],
        published_article.slug.as_str()
    );
    assert!(preview(&app, &editor, "not-allowed").await.is_null());
}

#[tokio::test]
async fn a_slug_is_made_from_the_title_unique_among_current_and_former_slugs() {
    let app = TestApp::empty().await;
    let published = seed_article(&app, "Medical or Spa Massage", None, &[], true).await;
    let foam_title = "Foam Rolling Basics";
    let foam = seed_article(&app, foam_title, None, &[], true).await;
    archive_article(&app, &foam).await;
    let desk_title = "Desk Posture: Small Changes";
    let desk = seed_article(&app, desk_title, None, &[], true).await;
    let token = app.token_for(Role::Editor).await;

    let first = create(&app, &token, json!({ "title": "Ice or Heat?" })).await;
    let second = create(&app, &token, json!({ "title": "Ice  or heat!" })).await;
    let third = create(&app, &token, json!({ "title": "ICE OR HEAT" })).await;
    assert_eq!(first["slug"], "ice-or-heat");
    assert_eq!(second["slug"], "ice-or-heat-2");
    assert_eq!(third["slug"], "ice-or-heat-3");

    // Taken by an archived article (its slug is still its own).
    let foam_again = create(&app, &token, json!({ "title": foam_title })).await;
    assert_eq!(foam_again["slug"], format!("{}-2", foam.slug).as_str());

    // A former slug is not reused either: old links must keep their article.
    update(
        &app,
        &token,
        &json!(desk.id),
        json!({ "slug": "desk-posture" }),
    )
    .await;
    let again = create(&app, &token, json!({ "title": desk_title })).await;
    assert_eq!(again["slug"], format!("{}-2", desk.slug).as_str());

    // Never longer than a slug may be, suffix included.
    let long_title = "Stretching ".repeat(18);
    let long = create(&app, &token, json!({ "title": long_title })).await;
    let long_again = create(&app, &token, json!({ "title": long_title })).await;
    let (long, long_again) = (
        long["slug"].as_str().unwrap(),
        long_again["slug"].as_str().unwrap(),
    );
    assert!(
        long.len() <= 80 && long.starts_with("stretching-stretching"),
        "{long}"
    );
    assert!(
        long_again.len() <= 80 && long_again.ends_with("-2"),
        "{long_again}"
    );
    assert_ne!(long, long_again);

    // A title with no ASCII letter still gets a slug.
    let greek = create(&app, &token, json!({ "title": "Μασάζ" })).await;
    assert_eq!(greek["slug"], "article");

    // A slug given is used as it is, when it is free and well formed.
    let chosen = create(
        &app,
        &token,
        json!({ "title": "Whatever", "slug": "my-chosen-slug" }),
    )
    .await;
    assert_eq!(chosen["slug"], "my-chosen-slug");
    for (slug, code) in [
        ("my-chosen-slug", "TAKEN"),
        (published.slug.as_str(), "TAKEN"),
        // Desk's former slug.
        (desk.slug.as_str(), "TAKEN"),
        ("Not A Slug", "INVALID_FORMAT"),
        ("-edge-", "INVALID_FORMAT"),
    ] {
        let before = snapshot(&app).await;
        let res = app
            .gql_as(
                &token,
                CREATE,
                json!({ "input": { "title": "Another", "slug": slug } }),
            )
            .await;
        assert_eq!(
            user_errors(&res, CREATE),
            [(path(&["input", "slug"]), code.to_owned())],
            "{slug}"
        );
        assert_eq!(res.data["createArticle"]["article"], Value::Null);
        assert_eq!(snapshot(&app).await, before, "{slug}");
    }
}

#[tokio::test]
async fn a_draft_slug_follows_its_title_until_the_article_is_first_published() {
    let app = TestApp::empty().await;
    let token = app.token_for(Role::Editor).await;
    let created = create(&app, &token, json!({ "title": "First Working Title" })).await;
    let id = created["id"].clone();
    assert_eq!(created["slug"], "first-working-title");

    let renamed = update(
        &app,
        &token,
        &id,
        json!({ "title": "Second Working Title" }),
    )
    .await;
    assert_eq!(renamed["slug"], "second-working-title");
    // Nobody could have linked a draft: its old slug is simply free again.
    assert!(preview(&app, &token, "first-working-title").await.is_null());
    let other = create(&app, &token, json!({ "title": "First Working Title" })).await;
    assert_eq!(other["slug"], "first-working-title");

    // A slug given wins over the title.
    let chosen = update(
        &app,
        &token,
        &id,
        json!({ "title": "Third Working Title", "slug": "chosen" }),
    )
    .await;
    assert_eq!(chosen["slug"], "chosen");
    assert_eq!(chosen["title"], "Third Working Title");
    // Not given, a changed title sets the slug again.
    let retitled = update(&app, &token, &id, json!({ "title": "Final Title" })).await;
    assert_eq!(retitled["slug"], "final-title");
    // An unchanged title leaves it alone.
    let same = update(
        &app,
        &token,
        &id,
        json!({ "title": "Final Title", "summary": "s" }),
    )
    .await;
    assert_eq!(same["slug"], "final-title");

    act(&app, &token, PUBLISH, &id).await;
    let after = update(&app, &token, &id, json!({ "title": "Published Title" })).await;
    assert_eq!(after["slug"], "final-title");
    assert_eq!(after["title"], "Published Title");

    // Once published, always stable, even back in draft.
    act(&app, &token, UNPUBLISH, &id).await;
    let draft_again = update(&app, &token, &id, json!({ "title": "Draft Again" })).await;
    assert_eq!(draft_again["slug"], "final-title");
    let article_slugs = article_slug::Entity::find().all(&app.db).await.unwrap();
    assert!(article_slugs.is_empty(), "{article_slugs:?}");
}

#[tokio::test]
async fn a_renamed_published_article_still_answers_to_its_old_slugs() {
    let app = TestApp::empty().await;
    let live = seed_article(
        &app,
        "Medical Massage vs. Spa Massage",
        None,
        &["Massage", "Insurance"],
        true,
    )
    .await;
    // Another article, sharing a tag with it.
    let draft = seed_article(&app, "Massage After a Marathon", None, &["Massage"], false).await;
    let token = app.token_for(Role::Editor).await;
    let published = live.slug.as_str();
    let id = json!(live.id);

    let renamed = update(
        &app,
        &token,
        &id,
        json!({ "slug": "medical-vs-spa-massage" }),
    )
    .await;
    assert_eq!(renamed["slug"], "medical-vs-spa-massage");
    assert_eq!(
        public(&app, published).await["slug"],
        "medical-vs-spa-massage"
    );
    assert_eq!(public(&app, "medical-vs-spa-massage").await["id"], id);
    let listed = public_list(&app).await;
    assert!(
        listed.contains(&"medical-vs-spa-massage".to_owned()),
        "{listed:?}"
    );
    assert!(!listed.contains(&published.to_owned()), "{listed:?}");

    // No other article may take the old slug.
    let other = json!(draft.id);
    let res = app
        .gql_as(
            &token,
            UPDATE,
            json!({ "id": other, "input": { "slug": published } }),
        )
        .await;
    assert_eq!(
        user_errors(&res, UPDATE),
        [(path(&["input", "slug"]), "TAKEN".to_owned())]
    );

    update(
        &app,
        &token,
        &id,
        json!({ "slug": "clinical-vs-spa-massage" }),
    )
    .await;
    for slug in [
        published,
        "medical-vs-spa-massage",
        "clinical-vs-spa-massage",
    ] {
        assert_eq!(
            public(&app, slug).await["slug"],
            "clinical-vs-spa-massage",
            "{slug}"
        );
    }

    // It may take back a slug of its own.
    let back = update(&app, &token, &id, json!({ "slug": published })).await;
    assert_eq!(back["slug"], published);
    for slug in [
        published,
        "medical-vs-spa-massage",
        "clinical-vs-spa-massage",
    ] {
        assert_eq!(public(&app, slug).await["slug"], published, "{slug}");
    }
    let mut former: Vec<String> = article_slug::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.slug)
        .collect();
    former.sort();
    assert_eq!(
        former,
        ["clinical-vs-spa-massage", "medical-vs-spa-massage"]
    );

    // A new title alone does not move a published article.
    let retitled = update(&app, &token, &id, json!({ "title": "Clinical or Spa?" })).await;
    assert_eq!(retitled["slug"], published);

    // Deleted, it answers to none of them, and its former slugs and tag links go with it.
    let row_id = row(&app, published).await.id;
    let tags_before = tag::Entity::find().all(&app.db).await.unwrap();
    let res = app.gql_as(&token, DELETE, json!({ "id": id })).await;
    payload(&res, DELETE);
    for slug in [
        published,
        "medical-vs-spa-massage",
        "clinical-vs-spa-massage",
    ] {
        assert!(preview(&app, &token, slug).await.is_null(), "{slug}");
    }
    assert!(
        article_slug::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
    let links = article_tag::Entity::find()
        .filter(article_tag::Column::ArticleId.eq(row_id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(links.is_empty(), "{links:?}");
    // The tags themselves stay for other articles.
    assert_eq!(tag::Entity::find().all(&app.db).await.unwrap(), tags_before);
}

#[tokio::test]
async fn tags_are_found_by_name_or_made_and_the_author_can_change() {
    let app = TestApp::empty().await;
    let thomas = seed_therapist(&app, "Thomas", "Becker", &[], &[]).await;
    let maria = seed_therapist(&app, "Maria", "Gonzalez", &[], &[]).await;
    // Tags already there, to be found by name.
    seed_article(
        &app,
        "Gardening Season",
        None,
        &["Back Pain", "Sports"],
        false,
    )
    .await;
    let token = app.token_for(Role::Admin).await;
    let tags_before = tag::Entity::find().all(&app.db).await.unwrap().len();

    let created = create(
        &app,
        &token,
        json!({
            "title": "Skiing After Knee Surgery",
            "authorSlug": thomas.slug,
            "tags": ["back pain", "Winter Sports", "  winter   sports! ", "Sports"],
        }),
    )
    .await;
    let id = created["id"].clone();
    let mut tags: Vec<(String, String)> = created["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["slug"].as_str().unwrap().to_owned(),
                t["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    tags.sort();
    assert_eq!(
        tags,
        [
            ("back-pain".to_owned(), "Back Pain".to_owned()),
            ("sports".to_owned(), "Sports".to_owned()),
            ("winter-sports".to_owned(), "Winter Sports".to_owned()),
        ]
    );
    assert_eq!(
        tag::Entity::find().all(&app.db).await.unwrap().len(),
        tags_before + 1
    );
    assert_eq!(created["author"]["slug"], thomas.slug.as_str());

    let retagged = update(&app, &token, &id, json!({ "tags": ["Recovery"] })).await;
    assert_eq!(pluck(&retagged["tags"], "slug"), ["recovery"]);
    assert_eq!(
        retagged["author"]["slug"],
        thomas.slug.as_str(),
        "left out, kept"
    );

    let untouched = update(&app, &token, &id, json!({ "summary": "s" })).await;
    assert_eq!(pluck(&untouched["tags"], "slug"), ["recovery"]);

    let cleared = update(&app, &token, &id, json!({ "tags": [], "authorSlug": null })).await;
    assert_eq!(cleared["tags"], json!([]));
    assert_eq!(cleared["author"], Value::Null);

    let reauthored = update(&app, &token, &id, json!({ "authorSlug": maria.slug })).await;
    assert_eq!(reauthored["author"]["slug"], maria.slug.as_str());

    // The public filters see the new tag once it is published.
    act(&app, &token, PUBLISH, &id).await;
    update(&app, &token, &id, json!({ "tags": ["Winter Sports"] })).await;
    let res = app
        .gql(ARTICLES, json!({ "filter": { "tag": "winter-sports" } }))
        .await;
    assert_eq!(
        pluck(&res.ok()["articles"], "slug"),
        ["skiing-after-knee-surgery"]
    );
}

#[tokio::test]
async fn every_problem_is_reported_at_once_and_nothing_is_stored() {
    let app = TestApp::empty().await;
    let maria = seed_therapist(&app, "Maria", "Gonzalez", &[], &[]).await;
    let desk = seed_article(&app, "Desk Posture", None, &[], true).await;
    let token = app.token_for(Role::Editor).await;
    let before = snapshot(&app).await;

    let res = app
        .gql_as(
            &token,
            CREATE,
            json!({ "input": {
                "title": "   ",
                "summary": "s".repeat(501),
                "body": "b".repeat(100_001),
                "slug": "Not A Slug",
                "authorSlug": "nobody",
                "tags": ["Fine", " ", "!!!", "t".repeat(51)],
            } }),
        )
        .await;
    let mut expected = vec![
        (path(&["input", "title"]), "REQUIRED".to_owned()),
        (path(&["input", "summary"]), "INVALID_LENGTH".to_owned()),
        (path(&["input", "body"]), "INVALID_LENGTH".to_owned()),
        (path(&["input", "slug"]), "INVALID_FORMAT".to_owned()),
        (path(&["input", "authorSlug"]), "NOT_FOUND".to_owned()),
        (path(&["input", "tags", "1"]), "REQUIRED".to_owned()),
        (path(&["input", "tags", "2"]), "INVALID_FORMAT".to_owned()),
        (path(&["input", "tags", "3"]), "INVALID_LENGTH".to_owned()),
    ];
    expected.sort();
    assert_eq!(user_errors(&res, CREATE), expected);
    assert_eq!(res.data["createArticle"]["article"], Value::Null);
    let messages = res.data["createArticle"]["userErrors"].as_array().unwrap();
    assert!(
        messages
            .iter()
            .all(|e| !e["message"].as_str().unwrap().is_empty())
    );

    let res = app
        .gql_as(
            &token,
            CREATE,
            json!({ "input": { "title": "t".repeat(201) } }),
        )
        .await;
    assert_eq!(
        user_errors(&res, CREATE),
        [(path(&["input", "title"]), "INVALID_LENGTH".to_owned())]
    );
    let res = app
        .gql_as(
            &token,
            CREATE,
            json!({ "input": { "title": "ok", "tags": vec!["tag"; 21] } }),
        )
        .await;
    assert_eq!(
        user_errors(&res, CREATE),
        [(path(&["input", "tags"]), "INVALID_LENGTH".to_owned())]
    );

    // An update, of an id that is no article, with bad fields: all at once.
    let therapist = json!(maria.id);
    for id in [therapist, json!("garbage")] {
        let res = app
            .gql_as(
                &token,
                UPDATE,
                json!({ "id": id, "input": { "title": "", "slug": desk.slug, "authorSlug": "nobody" } }),
            )
            .await;
        let mut expected = vec![
            (path(&["id"]), "NOT_FOUND".to_owned()),
            (path(&["input", "title"]), "REQUIRED".to_owned()),
            (path(&["input", "slug"]), "TAKEN".to_owned()),
            (path(&["input", "authorSlug"]), "NOT_FOUND".to_owned()),
        ];
        expected.sort();
        assert_eq!(user_errors(&res, UPDATE), expected, "{id}");
        for document in [PUBLISH, UNPUBLISH, ARCHIVE, DELETE] {
            let res = app.gql_as(&token, document, json!({ "id": id })).await;
            assert_eq!(
                user_errors(&res, document),
                [(path(&["id"]), "NOT_FOUND".to_owned())],
                "{document} {id}"
            );
        }
    }
    // An article that is no longer there.
    let deleted = create(&app, &token, json!({ "title": "Short-lived" })).await["id"].clone();
    let res = app.gql_as(&token, DELETE, json!({ "id": deleted })).await;
    payload(&res, DELETE);
    let after_delete = snapshot(&app).await;
    let res = app
        .gql_as(
            &token,
            UPDATE,
            json!({ "id": deleted, "input": { "summary": "x" } }),
        )
        .await;
    assert_eq!(
        user_errors(&res, UPDATE),
        [(path(&["id"]), "NOT_FOUND".to_owned())]
    );
    assert_eq!(snapshot(&app).await, after_delete);

    // Only the create and delete of "Short-lived" changed anything.
    let now = snapshot(&app).await;
    assert_eq!(now.articles, before.articles);
    assert_eq!(now.tags, before.tags);
    assert_eq!(now.article_tags, before.article_tags);
    assert_eq!(now.audit.len(), before.audit.len() + 2);

    // The limits themselves are allowed.
    let at_limits = create(
        &app,
        &token,
        json!({
            "title": "t".repeat(200),
            "summary": "s".repeat(500),
            "body": "b".repeat(100_000),
            "tags": vec!["t".repeat(50)],
        }),
    )
    .await;
    assert_eq!(at_limits["title"].as_str().unwrap().len(), 200);
}

#[tokio::test]
async fn a_change_to_the_state_it_is_in_is_refused_and_changes_nothing() {
    let app = TestApp::empty().await;
    let draft = seed_article(&app, "Before a Sports Massage", None, &[], false).await;
    let archived_article = seed_article(&app, "Foam Rolling Basics", None, &[], true).await;
    archive_article(&app, &archived_article).await;
    let token = app.token_for(Role::Editor).await;
    let draft = json!(draft.id);
    let archived = json!(archived_article.id);
    let before = snapshot(&app).await;
    for (document, id) in [(UNPUBLISH, &draft), (ARCHIVE, &archived)] {
        let res = app.gql_as(&token, document, json!({ "id": id })).await;
        assert_eq!(
            user_errors(&res, document),
            [(path(&["id"]), "INVALID_STATE".to_owned())],
            "{document}"
        );
        assert_eq!(res.data[name_of(document)]["article"], Value::Null);
    }
    assert_eq!(snapshot(&app).await, before);

    // An archived article can be unpublished back to a draft, or published again.
    assert_eq!(
        act(&app, &token, UNPUBLISH, &archived).await["status"],
        "DRAFT"
    );
    act(&app, &token, ARCHIVE, &archived).await;
    act(&app, &token, PUBLISH, &archived).await;
    assert_eq!(
        public(&app, &archived_article.slug).await["status"],
        "PUBLISHED"
    );
}

#[tokio::test]
async fn publishing_again_keeps_the_date_of_a_public_article_and_reschedules_a_future_one() {
    let app = TestApp::empty().await;
    // Public for a month already, and one due in a week.
    let live = seed_article(&app, "Desk Posture", None, &[], false).await;
    schedule_article(&app, &live, Utc::now() - Duration::days(30)).await;
    let due = seed_article(&app, "Gardening Season", None, &[], false).await;
    schedule_article(&app, &due, Utc::now() + Duration::days(7)).await;
    let token = app.token_for(Role::Editor).await;
    let live = preview(&app, &token, &live.slug).await;
    let again = act(&app, &token, PUBLISH, &live["id"]).await;
    assert_eq!(again["publishedAt"], live["publishedAt"]);

    let scheduled = preview(&app, &token, &due.slug).await;
    let now = act(&app, &token, PUBLISH, &scheduled["id"]).await;
    let at: DateTime<Utc> = now["publishedAt"].as_str().unwrap().parse().unwrap();
    assert!(at <= Utc::now());
    assert_eq!(public(&app, &due.slug).await["slug"], due.slug.as_str());

    // A date in the past is taken as given.
    let past = Utc::now().trunc_subsecs(0) - Duration::days(1000);
    let res = app
        .gql_as(
            &token,
            PUBLISH,
            json!({ "id": scheduled["id"], "at": past.to_rfc3339() }),
        )
        .await;
    let back: DateTime<Utc> = payload(&res, PUBLISH)["article"]["publishedAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(back, past);
    let oldest = app
        .gql(
            "{ articles(orderBy: PUBLISHED_AT_ASC, first: 1) { nodes { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(pluck(&oldest.ok()["articles"], "slug"), [due.slug.as_str()]);
}

#[tokio::test]
async fn every_write_records_who_made_it_and_when() {
    let app = TestApp::empty().await;
    let editor = app.token_for(Role::Editor).await;
    let admin = app.token_for(Role::Admin).await;
    let staff_id = |token: String| {
        let app = &app;
        async move {
            let res = app.gql_as(&token, "{ viewer { email } }", json!({})).await;
            let email = res.ok()["viewer"]["email"].as_str().unwrap().to_owned();
            staff::Entity::find()
                .filter(staff::Column::Email.eq(email))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let editor_id = staff_id(editor.clone()).await;
    let admin_id = staff_id(admin.clone()).await;
    let start = Utc::now() - Duration::seconds(1);

    let id = create(&app, &editor, json!({ "title": "Audited" })).await["id"].clone();
    let row_id = row(&app, "audited").await.id;
    update(&app, &editor, &id, json!({ "summary": "Checked." })).await;
    act(&app, &editor, PUBLISH, &id).await;
    act(&app, &admin, UNPUBLISH, &id).await;
    act(&app, &editor, ARCHIVE, &id).await;
    payload(
        &app.gql_as(&admin, DELETE, json!({ "id": id })).await,
        DELETE,
    );
    let end = Utc::now() + Duration::seconds(1);

    let events = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let seen: Vec<(Option<i32>, &str, &str)> = events
        .iter()
        .map(|e| (e.staff_id, e.action.as_str(), e.subject.as_str()))
        .collect();
    let subject = format!("Article:{row_id}");
    assert_eq!(
        seen,
        [
            (Some(editor_id), "createArticle", subject.as_str()),
            (Some(editor_id), "updateArticle", subject.as_str()),
            (Some(editor_id), "publishArticle", subject.as_str()),
            (Some(admin_id), "unpublishArticle", subject.as_str()),
            (Some(editor_id), "archiveArticle", subject.as_str()),
            (Some(admin_id), "deleteArticle", subject.as_str()),
        ]
    );
    assert!(
        events.iter().all(|e| e.at >= start && e.at <= end),
        "{events:?}"
    );
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at), "{events:?}");
}

#[tokio::test]
async fn only_editors_and_admins_preview_drafts_scheduled_and_archived_articles() {
    let app = TestApp::empty().await;
    let draft = seed_article(&app, "Before a Sports Massage", None, &[], false).await;
    let scheduled = seed_article(&app, "Gardening Season", None, &[], false).await;
    schedule_article(&app, &scheduled, Utc::now() + Duration::days(7)).await;
    let archived = seed_article(&app, "Foam Rolling Basics", None, &[], true).await;
    archive_article(&app, &archived).await;
    let published = seed_article(&app, "Desk Posture", None, &[], true).await;
    let (draft, scheduled, archived, published) = (
        draft.slug.as_str(),
        scheduled.slug.as_str(),
        archived.slug.as_str(),
        published.slug.as_str(),
    );
    let res = app
        .gql(ARTICLE, json!({ "slug": draft, "preview": true }))
        .await;
    assert_eq!(res.error_code(), Some("UNAUTHENTICATED"));
    assert!(res.data.is_null() || res.data["article"].is_null());
    // Without preview the public gets null, as for any hidden article.
    assert!(public(&app, draft).await.is_null());

    // The front desk may not preview, not even a published article; without
    // asking to, it sees what the public sees.
    let front_desk = app.token_for(Role::FrontDesk).await;
    for slug in [draft, scheduled, archived, published, "no-such-article"] {
        let res = app
            .gql_as(
                &front_desk,
                ARTICLE,
                json!({ "slug": slug, "preview": true }),
            )
            .await;
        assert_eq!(res.error_code(), Some("FORBIDDEN"), "{slug}");
        assert!(
            res.data.is_null() || res.data["article"].is_null(),
            "{slug}: {:?}",
            res.data
        );
        let plain = app
            .gql_as(&front_desk, ARTICLE, json!({ "slug": slug }))
            .await;
        assert_eq!(plain.ok()["article"].is_null(), slug != published, "{slug}");
    }

    // Editors and admins preview every state; without asking to, they too
    // see what the public sees.
    for role in [Role::Editor, Role::Admin] {
        let token = app.token_for(role).await;
        for (slug, status) in [
            (draft, "DRAFT"),
            (scheduled, "PUBLISHED"),
            (archived, "ARCHIVED"),
            (published, "PUBLISHED"),
        ] {
            let seen = preview(&app, &token, slug).await;
            assert_eq!(seen["slug"], slug, "{role:?}");
            assert_eq!(seen["status"], status, "{role:?} {slug}");
            let plain = app.gql_as(&token, ARTICLE, json!({ "slug": slug })).await;
            assert_eq!(plain.ok()["article"].is_null(), slug != published, "{slug}");
        }
        let due = preview(&app, &token, scheduled).await;
        let at: DateTime<Utc> = due["publishedAt"].as_str().unwrap().parse().unwrap();
        assert!(at > Utc::now());
        assert!(preview(&app, &token, "no-such-article").await.is_null());

        // `node` stays public, whoever asks.
        let draft_id = preview(&app, &token, draft).await["id"].clone();
        for asking in [&token, &front_desk] {
            let res = app
                .gql_as(
                    asking,
                    "query ($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": draft_id }),
                )
                .await;
            assert!(res.ok()["node"].is_null());
        }
    }
}

#[tokio::test]
async fn editors_and_admins_list_articles_by_status_and_no_one_else_may() {
    let app = TestApp::empty().await;
    let blog = seed_blog(&app).await;
    // Public: the published ones whose time has come; with the scheduled
    // one, those with the status PUBLISHED.
    let public_count = blog.published().len();
    let (draft, archived, scheduled) = (
        blog.draft.slug.as_str(),
        blog.archived.slug.as_str(),
        blog.scheduled.slug.as_str(),
    );
    let res = app
        .gql(ARTICLES, json!({ "filter": { "status": ["DRAFT"] } }))
        .await;
    assert_eq!(res.error_code(), Some("UNAUTHENTICATED"));

    // The public list shows only PUBLISHED articles whose time has come.
    let res = app.gql(ARTICLES, json!({})).await;
    let public = &res.ok()["articles"]["nodes"];
    assert_eq!(public.as_array().unwrap().len(), public_count);
    assert!(
        public
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["status"] == "PUBLISHED")
    );

    // The front desk may not filter by status, whatever the states asked
    // for; without a status filter it gets the public list.
    let front_desk = app.token_for(Role::FrontDesk).await;
    for states in [json!(["DRAFT"]), json!(["PUBLISHED"]), json!([])] {
        let res = app
            .gql_as(
                &front_desk,
                ARTICLES,
                json!({ "filter": { "status": states } }),
            )
            .await;
        assert_eq!(res.error_code(), Some("FORBIDDEN"), "{states}");
        assert_eq!(res.data, Value::Null, "{states}");
    }
    let res = app.gql_as(&front_desk, ARTICLES, json!({})).await;
    assert_eq!(pluck(&res.ok()["articles"], "slug").len(), public_count);

    for role in [Role::Editor, Role::Admin] {
        let token = app.token_for(role).await;
        let list = |filter: Value| {
            let (app, token) = (&app, &token);
            async move {
                let res = app
                    .gql_as(token, ARTICLES, json!({ "filter": filter }))
                    .await;
                let connection = &res.ok()["articles"];
                let slugs = pluck(connection, "slug");
                assert_eq!(connection["totalCount"], json!(slugs.len()));
                slugs
            }
        };
        assert_eq!(list(json!({ "status": ["DRAFT"] })).await, [draft]);
        assert_eq!(list(json!({ "status": ["ARCHIVED"] })).await, [archived]);
        let published = list(json!({ "status": ["PUBLISHED"] })).await;
        assert_eq!(published.len(), public_count + 1, "{published:?}");
        assert_eq!(published[0], scheduled, "newest first: the scheduled one");
        let mut both = list(json!({ "status": ["DRAFT", "ARCHIVED"] })).await;
        both.sort();
        let mut want = [archived, draft];
        want.sort_unstable();
        assert_eq!(both, want);
        assert_eq!(list(json!({ "status": [] })).await, Vec::<String>::new());
        // Without a status filter, the public list.
        assert_eq!(list(json!({})).await.len(), public_count);
        // The other filters still apply. Never-published drafts come last.
        let sports =
            list(json!({ "status": ["DRAFT", "PUBLISHED", "ARCHIVED"], "tag": "sports" })).await;
        assert_eq!(sports.last().map(String::as_str), Some(draft), "{sports:?}");
        assert!(sports.contains(&archived.to_owned()), "{sports:?}");
        assert_eq!(
            list(json!({ "status": ["DRAFT"], "author": blog.thomas.slug })).await,
            Vec::<String>::new()
        );
    }
}
