//! `TestApp`: the router over a fresh, migrated database, and ways to talk to it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use clinic_api::auth::{Role, tokens};
use clinic_api::config::{Config, DbConfig};
use clinic_api::domain::staff;
use clinic_api::{AppState, build_app};
use entity::api_token::TokenKind;
use http_body_util::BodyExt;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A response as a GraphQL client sees it.
#[derive(Debug)]
pub struct GqlResponse {
    pub status: StatusCode,
    pub data: Value,
    pub errors: Vec<Value>,
}

impl GqlResponse {
    /// The `extensions.code` of the first error.
    pub fn error_code(&self) -> Option<&str> {
        self.errors.first()?["extensions"]["code"].as_str()
    }

    /// Panics with the errors unless there are none.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert!(
            self.errors.is_empty(),
            "unexpected errors: {:#?}",
            self.errors
        );
        &self.data
    }
}

/// A plain HTTP response.
pub struct HttpResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

/// A staff member: the token to act with and the email the logs show.
pub struct Staff {
    pub token: String,
    pub email: String,
}

pub struct TestApp {
    router: Router,
    /// What the router serves; serve it on a port to reach it over the network.
    pub state: AppState,
    pub db: DatabaseConnection,
    /// Where the database is, to open a second pool on it as another instance would.
    pub url: String,
    statements: Arc<AtomicUsize>,
    /// An ADMIN's token for the builders, made when first needed.
    admin: std::sync::OnceLock<String>,
    /// The last audit event written while the test built its world; the
    /// audit checks look only at what came after.
    pub audit_mark: AtomicI32,
    // Holds the SQLite file until the test ends.
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// A migrated, empty database.
    pub async fn empty() -> Self {
        clinic_api::telemetry::init_for_tests();
        let (url, dir) = match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| u.starts_with("postgres"))
        {
            Some(base) => (create_postgres_database(&base).await, None),
            None => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                (url, Some(dir))
            }
        };
        let config = DbConfig {
            database_url: url.clone(),
            database_max_connections: 4,
        };
        let mut db = clinic_api::db::connect(&config).await.expect("connect");
        Migrator::up(&db, None).await.expect("migrations apply");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        // PRINT_SQL=1 shows each statement, to see where a count comes from.
        let print = std::env::var_os("PRINT_SQL").is_some();
        db.set_metric_callback(move |info| {
            if print {
                eprintln!("SQL: {}", info.statement.sql);
            }
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let state = AppState::for_tests(db.clone()).await.expect("state");
        let router = build_app(state.clone());
        Self {
            router,
            state,
            db,
            url,
            statements,
            admin: std::sync::OnceLock::new(),
            audit_mark: AtomicI32::new(0),
            _dir: dir,
        }
    }

    /// A database holding the demo clinic, for tests about the demo itself.
    pub async fn with_demo() -> Self {
        let app = Self::empty().await;
        clinic_api::demo::load(&app.db, Utc::now().date_naive())
            .await
            .expect("demo loads");
        app
    }

    /// The same database behind a router built with `config`.
    pub async fn with_config(mut self, config: Config) -> Self {
        let state = AppState::new(self.db.clone(), config).await.expect("state");
        self.router = build_app(state.clone());
        self.state = state;
        self
    }

    /// SQL statements run since the app was made.
    pub fn statements(&self) -> usize {
        let own = self.state.intake.own_statements();
        self.statements.load(Ordering::SeqCst) + usize::try_from(own).expect("a count")
    }

    pub async fn gql(&self, query: &str, variables: Value) -> GqlResponse {
        self.gql_with(None, query, variables).await
    }

    /// As the staff member whose token this is.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> GqlResponse {
        self.gql_with(Some(&format!("Bearer {token}")), query, variables)
            .await
    }

    /// With this `Authorization` header, if any.
    pub async fn gql_with(
        &self,
        authorization: Option<&str>,
        query: &str,
        variables: Value,
    ) -> GqlResponse {
        let headers: Vec<(&str, &str)> = authorization
            .map(|a| vec![("authorization", a)])
            .unwrap_or_default();
        self.gql_from(None, &headers, query, variables).await
    }

    /// From a client at `client` (as the connection's peer address), with
    /// these extra headers.
    pub async fn gql_from(
        &self,
        client: Option<std::net::IpAddr>,
        headers: &[(&str, &str)],
        query: &str,
        variables: Value,
    ) -> GqlResponse {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let mut request =
            Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut request = request.body(Body::from(body)).unwrap();
        if let Some(ip) = client {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(
                    ip, 40000,
                )));
        }
        let res = self.request(request).await;
        let json: Value = serde_json::from_str(&res.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", res.body));
        GqlResponse {
            status: res.status,
            data: json["data"].clone(),
            errors: json["errors"].as_array().cloned().unwrap_or_default(),
        }
    }

    pub async fn get(&self, uri: &str, accept: Option<&str>) -> HttpResponse {
        let mut request = Request::get(uri);
        if let Some(accept) = accept {
            request = request.header(header::ACCEPT, accept);
        }
        self.request(request.body(Body::empty()).unwrap()).await
    }

    pub async fn request(&self, request: Request<Body>) -> HttpResponse {
        let res = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        HttpResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Creates a staff account with `role` and returns an API token for it.
    pub async fn token_for(&self, role: Role) -> String {
        let email = format!("{}@staff.example.com", uuid::Uuid::new_v4().simple());
        let account = staff::create(
            &self.db,
            &email,
            "Test Staff",
            role,
            "a long enough password".into(),
        )
        .await
        .expect("staff account");
        let expires = Utc::now() + chrono::Duration::days(1);
        let (token, _) = tokens::issue(&self.db, account.id, TokenKind::Api, "test", expires)
            .await
            .expect("token");
        token
    }

    /// The token of an ADMIN made for arranging a test's world.
    pub async fn admin_token(&self) -> String {
        if let Some(token) = self.admin.get() {
            return token.clone();
        }
        let token = self.token_for(Role::Admin).await;
        self.admin.get_or_init(|| token).clone()
    }

    /// A new staff member with `role`: an API token and the email the
    /// request logs show.
    pub async fn staff(&self, role: Role) -> Staff {
        let token = self.token_for(role).await;
        let res = self.gql_as(&token, "{ viewer { email } }", json!({})).await;
        let email = res.ok()["viewer"]["email"].as_str().unwrap().to_owned();
        Staff { token, email }
    }

    /// Creates a staff account with `role` and signs it in with `login`, as
    /// the playground does; the session token.
    pub async fn session_for(&self, role: Role) -> String {
        let email = format!("{}@staff.example.com", uuid::Uuid::new_v4().simple());
        let password = "a long enough password";
        staff::create(&self.db, &email, "Test Staff", role, password.into())
            .await
            .expect("staff account");
        let login = self
            .gql(
                "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
                json!({ "email": email, "password": password }),
            )
            .await;
        login.ok()["login"]["token"]
            .as_str()
            .expect("a session token")
            .to_owned()
    }

    /// On PostgreSQL the news of a write reaches this instance through the
    /// database a moment after it commits, and empties its caches then. Waits
    /// until the news of the writes made so far has arrived (the content
    /// generation stays put for 100 ms), so that none lands in the middle of
    /// what a test measures. On SQLite news arrives with the write.
    pub async fn settle(&self) {
        if !self.state.events.is_shared() {
            return;
        }
        let mut seen = self.state.events.content_generation();
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let now = self.state.events.content_generation();
            if now == seen {
                return;
            }
            seen = now;
        }
    }

    /// Runs SQL behind the API's back, for arranging a case the API cannot
    /// make. Such a write is not announced, so this instance is told that
    /// public data changed, as an operator would tell it: its cached answers
    /// go, and so does the clinic that booking forms are checked against.
    pub async fn exec(&self, sql: &str) {
        self.db.execute_unprepared(sql).await.expect("sql runs");
        self.state.events.content_changed();
    }
}

/// A second instance of the service on `app`'s database, with its own
/// connection pool (and on PostgreSQL its own listener and writer), as
/// another process would have.
pub async fn other_instance(app: &TestApp, config: Config) -> AppState {
    let pool = clinic_api::db::connect(&DbConfig {
        database_url: app.url.clone(),
        database_max_connections: 4,
    })
    .await
    .expect("connect");
    AppState::new(pool, config).await.expect("state")
}

/// Creates a uniquely named database beside the one `base` points at.
async fn create_postgres_database(base: &str) -> String {
    let name = format!("clinic_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(base)
        .await
        .expect("connect to TEST_DATABASE_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL ends in /DATABASE");
    let query = base
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{prefix}/{name}{query}")
}

/// The `nodes` of a connection field, each reduced to `key`.
pub fn pluck(connection: &Value, key: &str) -> Vec<String> {
    let list = connection
        .get("nodes")
        .or(Some(connection))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    list.iter()
        .map(|n| n[key].as_str().unwrap_or_default().to_owned())
        .collect()
}
