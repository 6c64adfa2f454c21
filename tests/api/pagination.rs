//! Relay paging of the directory and the blog: `first`/`after`, `last`/`before`,
//! cursors, and the limits on page size.

use serde_json::{Value, json};

use crate::support::seed::{seed_article, seed_therapist};
use crate::support::{GqlResponse, TestApp, pluck, seed_directory};

const THERAPISTS: &str = r#"
query ($first: Int, $after: String, $last: Int, $before: String) {
  therapists(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { slug } }
    nodes { slug }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

/// The same page without `totalCount`, so nothing needs counting.
const THERAPISTS_UNCOUNTED: &str = r#"
query ($first: Int, $after: String, $last: Int, $before: String) {
  therapists(first: $first, after: $after, last: $last, before: $before) {
    nodes { slug }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

const ARTICLES: &str = r#"
query ($first: Int, $after: String) {
  articles(first: $first, after: $after) {
    totalCount
    nodes { slug }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"#;

/// An app holding the seven therapists of `seed_directory`, and their slugs
/// in the directory's order.
async fn directory() -> (TestApp, Vec<String>) {
    let app = TestApp::empty().await;
    let all = seed_directory(&app).await.all();
    (app, all)
}

async fn page(app: &TestApp, variables: Value) -> Value {
    let res = app.gql(THERAPISTS, variables).await;
    let connection = res.ok()["therapists"].clone();
    check_edges(&connection);
    connection
}

/// Edges and nodes agree, and the page's cursors are its first and last edge's.
#[track_caller]
fn check_edges(connection: &Value) {
    let edges = connection["edges"].as_array().expect("edges");
    let from_edges: Vec<&Value> = edges.iter().map(|e| &e["node"]["slug"]).collect();
    let from_nodes: Vec<&Value> = connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| &n["slug"])
        .collect();
    assert_eq!(from_edges, from_nodes);
    for edge in edges {
        assert!(edge["cursor"].as_str().is_some_and(|c| !c.is_empty()));
    }
    let info = &connection["pageInfo"];
    match (edges.first(), edges.last()) {
        (Some(first), Some(last)) => {
            assert_eq!(info["startCursor"], first["cursor"]);
            assert_eq!(info["endCursor"], last["cursor"]);
        }
        _ => {
            assert!(info["startCursor"].is_null());
            assert!(info["endCursor"].is_null());
        }
    }
}

/// The cursor of the `n`th therapist (from 1) in the whole list.
async fn cursor_of(app: &TestApp, n: usize) -> String {
    let all = page(app, json!({})).await;
    all["edges"][n - 1]["cursor"].as_str().unwrap().to_owned()
}

/// The request failed with BAD_USER_INPUT and left no data for the field.
#[track_caller]
fn assert_bad_input(res: &GqlResponse, field: &str) {
    assert_eq!(
        res.error_code(),
        Some("BAD_USER_INPUT"),
        "errors: {:#?}",
        res.errors
    );
    assert!(res.data[field].is_null(), "data: {:#}", res.data);
    assert!(
        res.status.is_success() || res.status.is_client_error(),
        "{}",
        res.status
    );
}

#[tokio::test]
async fn walking_forward_three_at_a_time_visits_everyone_once_in_order() {
    let (app, all) = directory().await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut shape = Vec::new();
    for _ in 0..3 {
        let connection = page(&app, json!({ "first": 3, "after": after })).await;
        assert_eq!(connection["totalCount"], 7);
        let info = &connection["pageInfo"];
        let slugs = pluck(&connection, "slug");
        shape.push((
            slugs.len(),
            info["hasNextPage"].as_bool().unwrap(),
            info["hasPreviousPage"].as_bool().unwrap(),
        ));
        seen.extend(slugs);
        after = info["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(shape, [(3, true, false), (3, true, true), (1, false, true)]);
    assert_eq!(seen, all);
}

#[tokio::test]
async fn walking_forward_works_without_counting_the_total() {
    let (app, all) = directory().await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let res = app
            .gql(THERAPISTS_UNCOUNTED, json!({ "first": 2, "after": after }))
            .await;
        let connection = &res.ok()["therapists"];
        seen.extend(pluck(connection, "slug"));
        let info = &connection["pageInfo"];
        if !info["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_owned);
        assert!(seen.len() < 10, "paging does not end: {seen:?}");
    }
    assert_eq!(seen, all);
}

#[tokio::test]
async fn last_two_gives_the_final_two() {
    let (app, all) = directory().await;
    let connection = page(&app, json!({ "last": 2 })).await;
    assert_eq!(pluck(&connection, "slug"), all[5..]);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(connection["pageInfo"]["hasNextPage"], false);
    assert_eq!(connection["totalCount"], 7);

    let res = app.gql(THERAPISTS_UNCOUNTED, json!({ "last": 2 })).await;
    assert_eq!(pluck(&res.ok()["therapists"], "slug"), all[5..]);
}

#[tokio::test]
async fn last_two_before_the_fourth_gives_the_second_and_third() {
    let (app, all) = directory().await;
    let before = cursor_of(&app, 4).await;
    let connection = page(&app, json!({ "last": 2, "before": before })).await;
    assert_eq!(pluck(&connection, "slug"), all[1..3]);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn last_reaching_past_the_start_stops_at_the_first_item() {
    let (app, all) = directory().await;
    let before = cursor_of(&app, 3).await;
    let connection = page(&app, json!({ "last": 5, "before": before })).await;
    assert_eq!(pluck(&connection, "slug"), all[..2]);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn first_with_before_stops_at_before() {
    let (app, all) = directory().await;
    let before = cursor_of(&app, 3).await;
    let connection = page(&app, json!({ "first": 10, "before": before })).await;
    assert_eq!(pluck(&connection, "slug"), all[..2]);
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn after_and_before_together_give_the_items_between() {
    let (app, all) = directory().await;
    let after = cursor_of(&app, 2).await;
    let before = cursor_of(&app, 6).await;
    let connection = page(&app, json!({ "after": after, "before": before })).await;
    assert_eq!(pluck(&connection, "slug"), all[2..5]);
}

#[tokio::test]
async fn first_zero_gives_an_empty_page() {
    let (app, _) = directory().await;
    let connection = page(&app, json!({ "first": 0 })).await;
    assert_eq!(connection["nodes"], json!([]));
    assert_eq!(connection["edges"], json!([]));
    assert_eq!(connection["totalCount"], 7);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], false);
}

#[tokio::test]
async fn after_the_last_item_comes_an_empty_page() {
    let (app, _) = directory().await;
    let after = cursor_of(&app, 7).await;
    let connection = page(&app, json!({ "first": 3, "after": after })).await;
    assert_eq!(connection["nodes"], json!([]));
    assert_eq!(connection["pageInfo"]["hasNextPage"], false);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn by_default_a_page_holds_twenty() {
    let (app, _) = directory().await;
    // Thirty therapists in all.
    for i in 0..23 {
        seed_therapist(&app, "Extra", &format!("Zz{i:02}"), &[], &[]).await;
    }
    app.settle().await;
    let connection = page(&app, json!({})).await;
    assert_eq!(connection["totalCount"], 30);
    assert_eq!(connection["nodes"].as_array().unwrap().len(), 20);
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);

    let connection = page(&app, json!({ "first": 100 })).await;
    assert_eq!(connection["nodes"].as_array().unwrap().len(), 30);
    assert_eq!(connection["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn first_one_hundred_is_allowed() {
    let (app, all) = directory().await;
    let connection = page(&app, json!({ "first": 100 })).await;
    assert_eq!(pluck(&connection, "slug"), all);
    assert_eq!(connection["pageInfo"]["hasNextPage"], false);
    let connection = page(&app, json!({ "last": 100 })).await;
    assert_eq!(pluck(&connection, "slug"), all);
}

#[tokio::test]
async fn first_above_one_hundred_is_bad_user_input_naming_the_limit() {
    let (app, _) = directory().await;
    let res = app.gql(THERAPISTS, json!({ "first": 101 })).await;
    assert_bad_input(&res, "therapists");
    let message = res.errors[0]["message"].as_str().unwrap();
    assert!(message.contains("first"), "{message}");
    assert!(message.contains("100"), "{message}");
}

#[tokio::test]
async fn page_sizes_outside_the_limits_are_bad_user_input() {
    let (app, _) = directory().await;
    for variables in [
        json!({ "first": -1 }),
        json!({ "last": -1 }),
        json!({ "last": 101 }),
        json!({ "first": 1000000 }),
    ] {
        let res = app.gql(THERAPISTS, variables.clone()).await;
        assert_bad_input(&res, "therapists");
        let message = res.errors[0]["message"].as_str().unwrap();
        let argument = variables.as_object().unwrap().keys().next().unwrap();
        assert!(
            message.contains(argument.as_str()),
            "{variables}: {message}"
        );
    }
}

#[tokio::test]
async fn first_and_last_together_are_bad_user_input() {
    let (app, _) = directory().await;
    let res = app.gql(THERAPISTS, json!({ "first": 2, "last": 2 })).await;
    assert_bad_input(&res, "therapists");
}

#[tokio::test]
async fn a_malformed_cursor_is_bad_user_input() {
    let (app, _) = directory().await;
    for variables in [
        json!({ "after": "garbage" }),
        json!({ "before": "garbage" }),
        json!({ "first": 2, "after": "garbage" }),
        json!({ "last": 2, "before": "garbage" }),
        json!({ "after": "" }),
        json!({ "after": "!!!" }),
    ] {
        let res = app.gql(THERAPISTS, variables.clone()).await;
        assert_bad_input(&res, "therapists");
        let message = res.errors[0]["message"].as_str().unwrap();
        assert!(!message.contains("panic"), "{variables}: {message}");
    }
}

#[tokio::test]
async fn a_failed_page_does_not_spoil_the_next_request() {
    let (app, all) = directory().await;
    let res = app.gql(THERAPISTS, json!({ "first": 101 })).await;
    assert_bad_input(&res, "therapists");
    let connection = page(&app, json!({ "first": 3 })).await;
    assert_eq!(pluck(&connection, "slug"), all[..3]);
}

#[tokio::test]
async fn articles_page_forward_the_same_way() {
    let app = TestApp::empty().await;
    // Published one after another, so the blog lists them newest first.
    let mut articles = Vec::new();
    for title in [
        "First Post",
        "Second Post",
        "Third Post",
        "Fourth Post",
        "Fifth Post",
    ] {
        articles.push(seed_article(&app, title, None, &[], true).await.slug);
    }
    articles.reverse();
    // A draft is not paged.
    seed_article(&app, "Unfinished Post", None, &[], false).await;
    app.settle().await;
    let res = app.gql(ARTICLES, json!({ "first": 2 })).await;
    let connection = &res.ok()["articles"];
    assert_eq!(pluck(connection, "slug"), articles[..2]);
    assert_eq!(connection["totalCount"], 5);
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], false);

    let after = connection["pageInfo"]["endCursor"].clone();
    let res = app
        .gql(ARTICLES, json!({ "first": 2, "after": after }))
        .await;
    let connection = &res.ok()["articles"];
    assert_eq!(pluck(connection, "slug"), articles[2..4]);
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], true);

    let after = connection["pageInfo"]["endCursor"].clone();
    let res = app
        .gql(ARTICLES, json!({ "first": 2, "after": after }))
        .await;
    let connection = &res.ok()["articles"];
    assert_eq!(pluck(connection, "slug"), articles[4..]);
    assert_eq!(connection["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn articles_refuse_bad_page_arguments_too() {
    let app = TestApp::empty().await;
    seed_article(&app, "First Post", None, &[], true).await;
    let res = app.gql(ARTICLES, json!({ "first": 101 })).await;
    assert_bad_input(&res, "articles");
    let res = app.gql(ARTICLES, json!({ "after": "garbage" })).await;
    assert_bad_input(&res, "articles");
}
