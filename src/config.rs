//! Configuration of the server, from flags or the environment.

use std::net::SocketAddr;
use std::time::Duration;

use crate::domain::bookings::Policy;
use crate::domain::limits::Limit;

/// Where the database lives when nothing else is said: a SQLite file beside the
/// working directory, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://clinic.db?mode=rwc";

/// Settings shared by every subcommand that touches the database.
#[derive(clap::Args, Clone)]
pub struct DbConfig {
    /// Database to use: `sqlite://PATH?mode=rwc` (the default, an embedded file)
    /// or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,
    /// Most connections the pool opens.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,
}

/// Settings of `serve`.
#[derive(clap::Args, Clone)]
pub struct ServeConfig {
    /// Address and port to listen on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Do not load the demo clinic into an empty database.
    #[arg(long, env = "NO_DEMO")]
    pub no_demo: bool,
    /// Do not serve the GraphiQL playground.
    #[arg(long, env = "NO_PLAYGROUND")]
    pub no_playground: bool,
    /// Booking requests stored per client IP address and hour (0: no limit).
    #[arg(long, env = "BOOKING_LIMIT_PER_IP", default_value_t = 10)]
    pub booking_limit_per_ip: u32,
    /// Booking requests stored per email address and hour (0: no limit).
    #[arg(long, env = "BOOKING_LIMIT_PER_EMAIL", default_value_t = 5)]
    pub booking_limit_per_email: u32,
    /// A booking form sent sooner than this many seconds after it was opened
    /// (`formOpenedAt`) is stored as spam.
    #[arg(long, env = "BOOKING_MIN_FILL_SECONDS", default_value_t = 3)]
    pub booking_min_fill_seconds: u32,
    /// Country whose numbering a phone number without `+` is read in (ISO 3166 code).
    #[arg(long, env = "PHONE_REGION", default_value = "US", value_parser = parse_region)]
    pub phone_region: phonenumber::country::Id,
    /// Take the client's IP address from the last `X-Forwarded-For` entry
    /// (set it only behind a reverse proxy that writes that header).
    #[arg(long, env = "TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Failed sign-ins per client address (an IPv6 /64) within 15 minutes,
    /// whatever the emails, before the address is refused (0: no limit).
    #[arg(long, env = "LOGIN_LIMIT_PER_IP", default_value_t = crate::domain::staff::DEFAULT_FAILURES_PER_ADDRESS)]
    pub login_limit_per_ip: u32,
    /// Patient lookups and cancellations (`bookingRequestStatus`,
    /// `cancelBookingRequest`) that find nothing, per client address and hour (0: no limit).
    #[arg(long, env = "BOOKING_LOOKUP_LIMIT_PER_IP", default_value_t = 30)]
    pub booking_lookup_limit_per_ip: u32,
    /// The same per email address and hour (0: no limit).
    #[arg(long, env = "BOOKING_LOOKUP_LIMIT_PER_EMAIL", default_value_t = 10)]
    pub booking_lookup_limit_per_email: u32,
    #[command(flatten)]
    pub tokens: TokenArgs,
    #[command(flatten)]
    pub edge: EdgeArgs,
}

/// How long tokens may be used; shared by `serve` and `token create`.
#[derive(clap::Args, Clone, Debug)]
pub struct TokenArgs {
    /// The longest an API token may live, in days from its creation: longer
    /// ones cannot be made, and older ones stop working.
    #[arg(long, env = "API_TOKEN_MAX_DAYS", default_value_t = crate::auth::DEFAULT_API_TOKEN_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub api_token_max_days: u32,
}

impl TokenArgs {
    pub fn rules(&self) -> crate::auth::TokenRules {
        crate::auth::TokenRules {
            api_lifetime: chrono::Duration::days(i64::from(self.api_token_max_days)),
        }
    }
}

/// How the public edge guards itself: production mode, request limits, CORS,
/// persisted queries.
#[derive(clap::Args, Clone, Debug)]
pub struct EdgeArgs {
    /// Production mode: introspection, field suggestions ("Did you mean …")
    /// and the playground are off unless turned on one by one.
    #[arg(long, env = "PRODUCTION")]
    pub production: bool,
    /// Answer introspection queries (default: on, off in production).
    #[arg(long, env = "INTROSPECTION")]
    pub introspection: Option<bool>,
    /// Serve the playground (default: on, off in production; `--no-playground` wins).
    #[arg(long, env = "PLAYGROUND")]
    pub playground: Option<bool>,
    /// Largest request body in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Deepest nesting of fields a document may have.
    #[arg(long, env = "MAX_QUERY_DEPTH", default_value_t = 16)]
    pub max_depth: usize,
    /// Highest complexity: each field counts 1, and a connection counts its
    /// fields once per item asked for with `first`/`last` (20 when not given).
    #[arg(long, env = "MAX_QUERY_COMPLEXITY", default_value_t = 5000)]
    pub max_complexity: usize,
    /// Most aliases in a document.
    #[arg(long, env = "MAX_QUERY_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,
    /// Most directives in a document.
    #[arg(long, env = "MAX_QUERY_DIRECTIVES", default_value_t = 30)]
    pub max_directives: usize,
    /// Most lexical tokens in a document.
    #[arg(long, env = "MAX_QUERY_TOKENS", default_value_t = 5000)]
    pub max_tokens: usize,
    /// Operations one request may batch as a JSON array; 0 turns batching off.
    #[arg(long, env = "MAX_BATCH_OPERATIONS", default_value_t = 0)]
    pub max_batch: usize,
    /// Seconds a request may run before it is answered with TIMEOUT.
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS", default_value_t = 10)]
    pub request_timeout_secs: u64,
    /// Origins browsers may call the API from (comma-separated, e.g.
    /// `https://www.example.com`); none by default.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,
    /// An Apollo persisted-query manifest; when given, only its operations run.
    #[arg(long, env = "PERSISTED_QUERIES")]
    pub persisted_queries: Option<std::path::PathBuf>,
    /// Megabytes of answers to anonymous queries kept in memory, until a
    /// write changes them or their `max-age` runs out; 0 turns the cache off.
    #[arg(long, env = "RESPONSE_CACHE_MB", default_value_t = 32)]
    pub response_cache_mb: u64,
    /// Seconds a client has to send a request's headers (and an idle
    /// connection is kept for its next request).
    #[arg(long, env = "HEADER_READ_TIMEOUT_SECONDS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's body.
    #[arg(long, env = "BODY_READ_TIMEOUT_SECONDS", default_value_t = 10)]
    pub body_timeout_secs: u64,
    /// Most connections served at once; beyond it, the oldest connection
    /// that is not in the middle of a request is closed for the new one.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// Seconds a WebSocket has to send `connection_init` before it is closed (4408).
    #[arg(long, env = "WS_INIT_TIMEOUT_SECONDS", default_value_t = 5)]
    pub ws_init_timeout_secs: u64,
    /// Seconds between keep-alive pings on a WebSocket; one that answers
    /// nothing for two of them is closed.
    #[arg(long, env = "WS_KEEPALIVE_SECONDS", default_value_t = 20)]
    pub ws_keepalive_secs: u64,
    /// Operations one WebSocket may run at once.
    #[arg(long, env = "WS_MAX_SUBSCRIPTIONS", default_value_t = 25)]
    pub ws_max_subscriptions: usize,
    /// WebSockets the instance holds open at once, whoever their clients.
    #[arg(long, env = "WS_MAX_CONNECTIONS", default_value_t = 1000)]
    pub ws_max_connections: usize,
    /// WebSockets one client address (an IPv6 /64) may hold open at once.
    #[arg(long, env = "WS_MAX_PER_ADDRESS", default_value_t = 20)]
    pub ws_max_per_address: usize,
}

impl Default for EdgeArgs {
    fn default() -> Self {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            edge: EdgeArgs,
        }
        Defaults::parse_from(["defaults"]).edge
    }
}

fn parse_region(text: &str) -> Result<phonenumber::country::Id, String> {
    text.trim()
        .to_uppercase()
        .parse()
        .map_err(|_| format!("{text:?} is not an ISO 3166 country code such as US or GB"))
}

impl ServeConfig {
    /// The runtime configuration these settings make: what production
    /// (`PRODUCTION`) turns off unless asked for, and the booking writer's
    /// wait for a connection, shorter than a request may take.
    pub fn runtime(&self) -> Config {
        let edge = self.edge.clone();
        Config {
            playground: !self.no_playground && edge.playground.unwrap_or(!edge.production),
            booking: self.booking_policy(),
            login: self.login_policy(),
            tokens: self.tokens.rules(),
            trust_forwarded_for: self.trust_forwarded_for,
            introspection: edge.introspection.unwrap_or(!edge.production),
            suggestions: !edge.production,
            worker_connections: crate::domain::bookings::WorkerConnections {
                // A patient waiting for a connection is told before the request times out.
                acquire_timeout: Duration::from_secs((edge.request_timeout_secs / 2).clamp(1, 5)),
                ..crate::domain::bookings::WorkerConnections::default()
            },
            edge,
            ..Config::default()
        }
    }

    /// How booking requests are guarded, as these settings say.
    pub fn booking_policy(&self) -> Policy {
        let hourly = |max: u32| {
            (max > 0).then_some(Limit {
                max,
                window: chrono::Duration::hours(1),
            })
        };
        Policy {
            per_ip: hourly(self.booking_limit_per_ip),
            per_email: hourly(self.booking_limit_per_email),
            lookups_per_ip: hourly(self.booking_lookup_limit_per_ip),
            lookups_per_email: hourly(self.booking_lookup_limit_per_email),
            min_fill_time: chrono::Duration::seconds(i64::from(self.booking_min_fill_seconds)),
            phone_region: self.phone_region,
        }
    }

    /// How sign-ins are limited, as these settings say.
    pub fn login_policy(&self) -> crate::domain::staff::LoginPolicy {
        let default = crate::domain::staff::LoginPolicy::default();
        crate::domain::staff::LoginPolicy {
            per_address: (self.login_limit_per_ip > 0).then_some(Limit {
                max: self.login_limit_per_ip,
                window: default.per_email.window,
            }),
            ..default
        }
    }
}

impl DbConfig {
    /// The URL with any password replaced, fit to print.
    pub fn redacted_url(&self) -> String {
        redact_url(&self.database_url)
    }
}

// Written by hand so that a password in the URL can never reach a log line.
impl std::fmt::Debug for DbConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbConfig")
            .field("database_url", &self.redacted_url())
            .field("database_max_connections", &self.database_max_connections)
            .finish()
    }
}

/// `scheme://user:secret@host/db?sslpassword=secret` →
/// `scheme://user:***@host/db?sslpassword=***`: the password of the
/// credentials, and the value of every query parameter whose name holds
/// `password` (in any case), hidden; the rest as written.
pub fn redact_url(url: &str) -> String {
    // The query first: a password there may hold an `@`, which would be
    // taken for the end of the credentials. The credentials end at the last
    // `@`, since one in the password may be written as is; an `@` in another
    // parameter's value hides more than needed, never less.
    let url = redact_query(url);
    let Some((scheme, rest)) = url.split_once("://") else {
        return url;
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url;
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url,
    }
}

/// The URL with the value of each query parameter named like a password hidden.
fn redact_query(url: &str) -> String {
    let Some((before, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, _)) if name.to_ascii_lowercase().contains("password") => {
                format!("{name}=***")
            }
            _ => param.to_owned(),
        })
        .collect();
    format!("{before}?{}", params.join("&"))
}

/// What the router needs to know at run time.
#[derive(Clone, Debug)]
pub struct Config {
    /// Serve GraphiQL at `/graphiql` and to browsers at `GET /graphql`.
    pub playground: bool,
    /// How long a relation load waits to gather keys from sibling fields.
    pub batch_delay: Duration,
    /// How booking requests are guarded against abuse.
    pub booking: Policy,
    /// Whether the client's address is read from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// Whether introspection queries are answered.
    pub introspection: bool,
    /// Whether unknown names get "Did you mean …" suggestions.
    pub suggestions: bool,
    /// Limits, CORS and persisted queries.
    pub edge: EdgeArgs,
    /// How sign-ins are limited.
    pub login: crate::domain::staff::LoginPolicy,
    /// How long tokens may be used.
    pub tokens: crate::auth::TokenRules,
    /// How the booking writer holds its connections.
    pub worker_connections: crate::domain::bookings::WorkerConnections,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            playground: true,
            batch_delay: Duration::from_millis(1),
            booking: Policy::default(),
            trust_forwarded_for: false,
            introspection: true,
            suggestions: true,
            edge: EdgeArgs::default(),
            login: crate::domain::staff::LoginPolicy::default(),
            tokens: crate::auth::TokenRules::default(),
            worker_connections: crate::domain::bookings::WorkerConnections::default(),
        }
    }
}

impl Config {
    /// The settings tests run with.
    ///
    /// Unoptimised test builds can take longer than the production batch delay
    /// to walk a long list, which would split one batch in two at random; a
    /// longer delay keeps statement counts exact. 30 ms held on a busy
    /// two-core machine (15 ms split batches on SQLite, 20 ms on PostgreSQL).
    pub fn for_tests() -> Self {
        Self {
            batch_delay: Duration::from_millis(30),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_config(args: &[&str]) -> ServeConfig {
        #[derive(clap::Parser)]
        struct Args {
            #[command(flatten)]
            serve: ServeConfig,
        }
        let args = std::iter::once("clinic-api").chain(args.iter().copied());
        <Args as clap::Parser>::try_parse_from(args).unwrap().serve
    }

    #[test]
    fn production_turns_off_what_a_stranger_could_explore() {
        let open = serve_config(&[]).runtime();
        assert!(open.playground && open.introspection && open.suggestions);
        let production = serve_config(&["--production"]).runtime();
        assert!(!production.playground && !production.introspection && !production.suggestions);
        let asked = serve_config(&["--production", "--introspection", "true"]).runtime();
        assert!(asked.introspection && !asked.playground);
        assert!(!serve_config(&["--no-playground"]).runtime().playground);
    }

    #[test]
    fn the_booking_writer_waits_less_than_a_request_may_take() {
        let wait = |args: &[&str]| {
            serve_config(args)
                .runtime()
                .worker_connections
                .acquire_timeout
        };
        assert_eq!(
            wait(&["--request-timeout-secs", "4"]),
            Duration::from_secs(2)
        );
        assert_eq!(
            wait(&["--request-timeout-secs", "1"]),
            Duration::from_secs(1)
        );
        assert_eq!(
            wait(&["--request-timeout-secs", "60"]),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact_url("postgres://clinic:s3cret@db.internal:5432/clinic"),
            "postgres://clinic:***@db.internal:5432/clinic"
        );
        assert_eq!(
            redact_url("postgres://clinic@localhost/clinic"),
            "postgres://clinic@localhost/clinic"
        );
        assert_eq!(redact_url(DEFAULT_DATABASE_URL), DEFAULT_DATABASE_URL);
        // Characters a password should not hold unencoded, as people write them.
        assert_eq!(
            redact_url("postgres://clinic:p@ss?w/rd=@db/clinic?sslmode=require"),
            "postgres://clinic:***@db/clinic?sslmode=require"
        );
    }

    #[test]
    fn password_parameters_are_redacted_from_urls() {
        assert_eq!(
            redact_url("postgres://clinic@db/clinic?password=s3cret"),
            "postgres://clinic@db/clinic?password=***"
        );
        assert_eq!(
            redact_url(
                "postgres://clinic:s3cret@db:5432/clinic?sslmode=verify-full&sslpassword=k3y&application_name=api"
            ),
            "postgres://clinic:***@db:5432/clinic?sslmode=verify-full&sslpassword=***&application_name=api"
        );
        assert_eq!(
            redact_url("postgres://db/clinic?user=clinic&SSLPassword=k3y@home&PASSWORD=s3cret"),
            "postgres://db/clinic?user=clinic&SSLPassword=***&PASSWORD=***"
        );
        assert_eq!(
            redact_url("postgres://clinic:s3cret@db/clinic?sslpassword=k@y&sslmode=require"),
            "postgres://clinic:***@db/clinic?sslpassword=***&sslmode=require"
        );
        assert_eq!(
            redact_url("sqlite:clinic.db?mode=rwc&password=s3cret"),
            "sqlite:clinic.db?mode=rwc&password=***"
        );
        assert_eq!(
            redact_url("postgres://db/clinic?sslmode=require"),
            "postgres://db/clinic?sslmode=require"
        );
    }
}
