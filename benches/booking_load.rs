//! Booking requests under load: many patients submit at once over real HTTP,
//! a share of them retry with the same idempotency key (some while the first
//! try is still in flight, some after its answer), and afterwards every
//! request must be stored exactly once.
//!
//! `cargo bench --bench booking_load` runs it on a fresh SQLite file, then on
//! a fresh PostgreSQL database next to `BENCH_POSTGRES_URL`
//! (`postgres://postgres@127.0.0.1:5432/postgres` by default) when that
//! answers. Knobs: `CLIENTS` (32), `REQUESTS` per client (40), `RETRY_PERCENT` (25).
//! The server, its database and the clients share the machine, so compare
//! figures from one run only.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::{Datelike, TimeZone, Utc, Weekday};
use clinic_api::config::{Config, DbConfig};
use clinic_api::domain::bookings::Policy;
use clinic_api::{AppState, build_app};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

const MUTATION: &str = "mutation($input: RequestBookingInput!) { requestBooking(input: $input) \
    { receipt { reference status } userErrors { field message } } }";

type HttpClient = Client<HttpConnector, Full<Bytes>>;

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let clients = knob("CLIENTS", 32);
    let per_client = knob("REQUESTS", 40);
    let retry_percent = knob("RETRY_PERCENT", 25);
    println!(
        "booking load: {clients} concurrent clients x {per_client} requests, {retry_percent}% retried with the same key"
    );

    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    run("SQLite", &sqlite, clients, per_client, retry_percent).await;

    let base = std::env::var("BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    match Database::connect(&base).await {
        Err(error) => println!("PostgreSQL: skipped, {base} does not answer ({error})"),
        Ok(admin) => {
            let name = format!("clinic_bench_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create the bench database");
            let (prefix, _) = base.rsplit_once('/').expect("URL ends in /DATABASE");
            let url = format!("{prefix}/{name}");
            run("PostgreSQL", &url, clients, per_client, retry_percent).await;
            admin
                .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
                .await
                .expect("drop the bench database");
        }
    }
}

/// The outcome of one patient's request and its retries.
struct Outcome {
    references: Vec<String>,
    latencies: Vec<Duration>,
}

async fn run(label: &str, url: &str, clients: usize, per_client: usize, retry_percent: usize) {
    let db = clinic_api::db::connect(&DbConfig {
        database_url: url.to_owned(),
        database_max_connections: 16,
    })
    .await
    .expect("connect");
    Migrator::up(&db, None).await.expect("migrate");
    clinic_api::demo::load(&db, Utc::now().date_naive())
        .await
        .expect("demo");
    // Every client comes from 127.0.0.1: the per-client limits would refuse
    // nearly all of them, so they are off here.
    let config = Config {
        booking: Policy {
            per_ip: None,
            per_email: None,
            ..Policy::default()
        },
        ..Config::default()
    };
    let state = AppState::new(db.clone(), config).await.expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = build_app(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(clients * 2)
        .build_http();
    let window = window();
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let client = client.clone();
            let window = window.clone();
            tokio::spawn(async move {
                let mut outcomes = Vec::with_capacity(per_client);
                for r in 0..per_client {
                    let n = c * per_client + r;
                    let body = body(n, &window);
                    // Every fourth retry (by default) races the first try;
                    // the others come after its answer, as after a timeout.
                    let retry = n * 7 % 100 < retry_percent;
                    let outcome = if retry && n.is_multiple_of(2) {
                        let (a, b) = tokio::join!(
                            send(&client, addr, &body, n),
                            send(&client, addr, &body, n)
                        );
                        Outcome {
                            references: vec![a.0, b.0],
                            latencies: vec![a.1, b.1],
                        }
                    } else {
                        let a = send(&client, addr, &body, n).await;
                        let mut outcome = Outcome {
                            references: vec![a.0],
                            latencies: vec![a.1],
                        };
                        if retry {
                            let b = send(&client, addr, &body, n).await;
                            outcome.references.push(b.0);
                            outcome.latencies.push(b.1);
                        }
                        outcome
                    };
                    outcomes.push(outcome);
                }
                outcomes
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.extend(task.await.expect("client task"));
    }
    let elapsed = started.elapsed();
    server.abort();

    let mut latencies: Vec<Duration> = outcomes
        .iter()
        .flat_map(|o| o.latencies.iter().copied())
        .collect();
    latencies.sort();
    let sent = latencies.len();
    let percentile = |p: f64| latencies[((sent as f64 * p) as usize).min(sent - 1)];
    let consistent = outcomes
        .iter()
        .all(|o| o.references.iter().all(|r| *r == o.references[0]));
    let distinct = outcomes.len() as u64;
    let stored = entity::booking_request::Entity::find()
        .count(&db)
        .await
        .expect("count");
    println!(
        "{label:<10} {:>7.0} requests/s  p50 {:>6.1} ms  p99 {:>6.1} ms  sent {sent} ({} retries)  distinct {distinct}  stored {stored}",
        sent as f64 / elapsed.as_secs_f64(),
        percentile(0.50).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0,
        sent as u64 - distinct,
    );
    assert!(consistent, "{label}: a retry got a different reference");
    assert_eq!(
        stored, distinct,
        "{label}: stored rows != distinct requests"
    );
}

/// Next Tuesday 10:00–12:00 at Chicago Loop, which is open then.
fn window() -> Value {
    let tz: chrono_tz::Tz = "America/Chicago".parse().unwrap();
    let mut day = Utc::now().date_naive() + chrono::Duration::days(2);
    while day.weekday() != Weekday::Tue {
        day += chrono::Duration::days(1);
    }
    let at = |h| {
        tz.from_local_datetime(&day.and_hms_opt(h, 0, 0).unwrap())
            .unwrap()
            .to_rfc3339()
    };
    json!([{ "start": at(10), "end": at(12) }])
}

fn body(n: usize, window: &Value) -> Bytes {
    let input = json!({
        "fullName": format!("Patient {n}"),
        "email": format!("patient{n}@example.com"),
        "phone": format!("(312) 555-{:04}", n % 10_000),
        "preferredContact": "EMAIL",
        "service": "medical-massage",
        "location": "chicago-loop",
        "preferredWindows": window,
        "newPatient": n.is_multiple_of(3),
        "selfPay": true,
        "consent": true,
        "idempotencyKey": format!("bench-{n}"),
    });
    Bytes::from(json!({ "query": MUTATION, "variables": { "input": input } }).to_string())
}

/// Posts one request; its reference and how long the answer took.
async fn send(client: &HttpClient, addr: SocketAddr, body: &Bytes, n: usize) -> (String, Duration) {
    let started = Instant::now();
    let request = hyper::Request::post(format!("http://{addr}/graphql"))
        .header("content-type", "application/json")
        .body(Full::new(body.clone()))
        .unwrap();
    let response = client.request(request).await.expect("the server answers");
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let elapsed = started.elapsed();
    let json: Value = serde_json::from_slice(&bytes).expect("JSON");
    let reference = json["data"]["requestBooking"]["receipt"]["reference"]
        .as_str()
        .unwrap_or_else(|| panic!("request {n} failed ({status}): {json}"));
    (reference.to_owned(), elapsed)
}
