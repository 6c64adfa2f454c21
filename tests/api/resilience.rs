//! Instances that never drift apart: on PostgreSQL, an instance whose
//! connections are cut (a database restart, a failover, an idle reaper)
//! catches up on what it missed and goes on serving. These run only with
//! `TEST_DATABASE_URL=postgres://…`; SQLite has one process and no listener.

use std::time::{Duration, Instant};

use clinic_api::AppState;
use clinic_api::auth::Role;
use clinic_api::config::Config;
use clinic_api::domain::bookings::WorkerConnections;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::bookings::{REQUEST, seed_booking};
use crate::support::seed::seed_article;
use crate::support::ws::{self, following};
use crate::support::{TestApp, other_instance, seed_clinic};

/// A connection to the server's administrative database, or `None` on SQLite.
async fn admin() -> Option<DatabaseConnection> {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))?;
    Some(Database::connect(url).await.expect("admin connection"))
}

/// The database name of `app`.
fn name_of(app: &TestApp) -> String {
    let tail = app.url.rsplit_once('/').unwrap().1;
    tail.split('?').next().unwrap().to_owned()
}

/// Terminates the backends of `app`'s database whose `application_name`
/// is `who`: the newest one only, or all of them.
async fn terminate(admin: &DatabaseConnection, app: &TestApp, who: &str, newest_only: bool) -> u64 {
    let limit = if newest_only { "LIMIT 1" } else { "" };
    let sql = format!(
        "SELECT pg_terminate_backend(pid) FROM (SELECT pid FROM pg_stat_activity \
         WHERE datname = '{}' AND application_name = '{who}' \
         ORDER BY backend_start DESC {limit}) AS chosen",
        name_of(app)
    );
    admin
        .execute_unprepared(&sql)
        .await
        .unwrap()
        .rows_affected()
}

/// Runs `query` on an instance through its router, as `authorization` if given.
async fn query(
    state: &AppState,
    authorization: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    let mut request =
        axum::http::Request::post("/graphql").header("content-type", "application/json");
    if let Some(token) = authorization {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = clinic_api::build_app(state.clone())
        .oneshot(
            request
                .body(axum::body::Body::from(
                    json!({ "query": query, "variables": variables }).to_string(),
                ))
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

/// Opens a few of the pool's connections at once, so that requests find
/// them while new ones cannot be made.
async fn warm(state: &AppState) {
    let queries = (0..4).map(|_| {
        query(
            state,
            None,
            "{ therapists(first: 20) { nodes { slug locations { slug } services { slug } } } }",
            json!({}),
        )
    });
    futures_util::future::join_all(queries).await;
}

const TITLE: &str = "query($slug: String!) { article(slug: $slug) { id title } }";

#[tokio::test]
async fn after_the_listener_loses_its_connection_cache_snapshot_and_subscribers_catch_up() {
    let app = TestApp::empty().await;
    let Some(admin) = admin().await else {
        eprintln!("skipped: needs TEST_DATABASE_URL=postgres://…");
        return;
    };
    let clinic = seed_clinic(&app).await;
    let article = seed_article(&app, "Medical or spa massage?", None, &[], true).await;
    let slug = json!({ "slug": article.slug });
    let other = other_instance(&app, Config::for_tests()).await;
    let addr = ws::serve(other.clone()).await;
    let desk = app.token_for(Role::FrontDesk).await;
    let editor = app.token_for(Role::Editor).await;
    let boss = app.token_for(Role::Admin).await;
    let mut socket = following(addr, &desk).await;
    // The other instance keeps the article's answer and a clinic whose
    // therapist takes new patients.
    let article = query(&other, None, TITLE, slug.clone()).await;
    let article_id = article["data"]["article"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let booked = query(
        &other,
        None,
        REQUEST,
        json!({ "input": clinic.form_with(json!({ "email": "first@example.com" })) }),
    )
    .await;
    assert!(
        booked["data"]["requestBooking"]["receipt"]["reference"].is_string(),
        "{booked}"
    );
    socket
        .message(Duration::from_secs(5))
        .await
        .expect("heard the first booking");
    warm(&app.state).await;
    warm(&other).await;
    // Each of the first instance's two writer workers holds its connection;
    // and the subscriber has lately delivered more requests than catching
    // up reads at once, so that it must read past them.
    let warm_up = (1000..1520).map(|n| {
        let (app, clinic) = (&app, &clinic);
        async move {
            let input = clinic.form_with(json!({ "email": format!("warm{n}@example.com") }));
            app.gql(REQUEST, json!({ "input": input })).await.ok();
        }
    });
    futures_util::future::join_all(warm_up).await;
    for _ in 1000..1520 {
        socket
            .message(Duration::from_secs(10))
            .await
            .expect("heard a warm-up booking");
    }

    // Cut the other instance's listener, and keep it from listening again.
    let db = name_of(&app);
    admin
        .execute_unprepared(&format!("ALTER DATABASE \"{db}\" ALLOW_CONNECTIONS false"))
        .await
        .unwrap();
    let cut = terminate(&admin, &app, clinic_api::events::LISTENER_NAME, true).await;
    assert_eq!(cut, 1);
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Meanwhile, through the first instance: a booking, a retitled article,
    // a therapist who stops taking new patients. Their news is lost for the other.
    let missed = seed_booking(&app, &clinic, 110).await;
    let retitled = query(
        &app.state,
        Some(&editor),
        "mutation($id: ID!) { updateArticle(id: $id, input: { title: \"Clinical or spa massage?\" }) { userErrors { message } } }",
        json!({ "id": article_id }),
    )
    .await;
    assert_eq!(
        retitled["data"]["updateArticle"]["userErrors"],
        json!([]),
        "{retitled}"
    );
    let closed = query(
        &app.state,
        Some(&boss),
        "mutation($id: ID!) { updateTherapist(id: $id, input: { acceptingNewPatients: false }) { userErrors { message } } }",
        json!({ "id": clinic.therapist.id }),
    )
    .await;
    assert_eq!(
        closed["data"]["updateTherapist"]["userErrors"],
        json!([]),
        "{closed}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    admin
        .execute_unprepared(&format!("ALTER DATABASE \"{db}\" ALLOW_CONNECTIONS true"))
        .await
        .unwrap();

    // The subscriber catches up on the booking it never heard of, once.
    let heard = socket
        .message(Duration::from_secs(10))
        .await
        .expect("caught up");
    assert_eq!(
        heard["payload"]["data"]["bookingRequestReceived"]["reference"], missed,
        "{heard}"
    );
    assert_eq!(
        socket.message(Duration::from_millis(500)).await,
        None,
        "delivered once"
    );
    // The cache and the snapshot start afresh.
    let article = query(&other, None, TITLE, slug).await;
    assert_eq!(
        article["data"]["article"]["title"],
        "Clinical or spa massage?"
    );
    let refused = query(
        &other,
        None,
        REQUEST,
        json!({ "input": clinic.form_with(json!({ "email": "late@example.com" })) }),
    )
    .await;
    let errors = &refused["data"]["requestBooking"]["userErrors"];
    assert!(
        errors.to_string().contains("not accepting new patients"),
        "{refused}"
    );
    // And it says so.
    let metrics = clinic_api::build_app(other.clone())
        .oneshot(
            axum::http::Request::get("/metrics")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = http_body_util::BodyExt::collect(metrics.into_body())
        .await
        .unwrap()
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    let reconnects = text
        .lines()
        .find_map(|l| l.strip_prefix("events_listener_reconnects_total "))
        .expect("the metric");
    assert!(
        reconnects.trim().parse::<u64>().unwrap() >= 1,
        "{reconnects}"
    );
}

#[tokio::test]
async fn a_writer_worker_whose_connection_was_dropped_gets_a_new_one_at_once() {
    let app = TestApp::empty().await;
    let Some(admin) = admin().await else {
        eprintln!("skipped: needs TEST_DATABASE_URL=postgres://…");
        return;
    };
    let app = app
        .with_config(Config {
            worker_connections: WorkerConnections {
                ping_after_idle: Duration::from_secs(1),
                acquire_timeout: Duration::from_secs(3),
            },
            ..Config::for_tests()
        })
        .await;
    let clinic = seed_clinic(&app).await;
    let writer = "clinic-api booking writer";
    let book = |n: u32| {
        let (app, clinic) = (&app, &clinic);
        async move {
            let started = Instant::now();
            let input = clinic.form_with(json!({ "email": format!("worker{n}@example.com") }));
            let res = app.gql(REQUEST, json!({ "input": input })).await;
            let receipt = &res.ok()["requestBooking"]["receipt"];
            assert!(receipt["reference"].is_string(), "{res:?}");
            started.elapsed()
        }
    };
    book(0).await;
    // Dropped while idle (an idle reaper at night): the ping finds out.
    assert!(terminate(&admin, &app, writer, false).await >= 1);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let took = book(1).await;
    assert!(took < Duration::from_secs(3), "took {took:?}");
    // Dropped between two bookings (a failover): the next batch finds out.
    assert!(terminate(&admin, &app, writer, false).await >= 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let took = book(2).await;
    assert!(took < Duration::from_secs(3), "took {took:?}");
}
