//! Configuration of the server, from flags or the environment.

use std::net::SocketAddr;
use std::time::Duration;

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

/// `scheme://user:secret@host/db` → `scheme://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// What the router needs to know at run time.
#[derive(Clone, Debug)]
pub struct Config {
    /// Serve GraphiQL at `/graphiql` and to browsers at `GET /graphql`.
    pub playground: bool,
    /// How long a relation load waits to gather keys from sibling fields.
    pub batch_delay: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            playground: true,
            batch_delay: Duration::from_millis(1),
        }
    }
}

impl Config {
    /// The settings tests run with.
    ///
    /// Unoptimised test builds can take longer than the production batch delay
    /// to walk a long list, which would split one batch in two at random; a
    /// longer delay keeps statement counts exact.
    pub fn for_tests() -> Self {
        Self {
            batch_delay: Duration::from_millis(50),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
