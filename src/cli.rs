//! The `clinic-api` command: serve, migrate, seed, export-schema.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::auth::{Role, tokens};
use crate::config::{DbConfig, ServeConfig, TokenArgs};
use crate::domain::bookings;
use crate::domain::staff as domain_staff;
use crate::events::Events;
use crate::{db, demo, graphql, http};

/// The GraphQL API of a physical-therapy and medical-massage clinic: articles,
/// the staff directory, services, locations and booking requests.
///
/// With no command it serves: on first run it creates `clinic.db` (SQLite),
/// fills it with a demo clinic, and listens on 127.0.0.1:8080.
#[derive(Parser)]
#[command(name = "clinic-api", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// How much this service logs: error, warn, info, debug or trace, other
    /// crates staying at info at most; or a RUST_LOG-style filter such as
    /// `clinic_api=debug,tower_http=trace`, used as written.
    #[arg(long, env = "LOG_LEVEL", default_value = "info", global = true)]
    pub log_level: String,

    /// How to write the log: `text` for people, `json` (one object a line) for a log collector.
    #[arg(
        long,
        env = "LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: crate::telemetry::LogFormat,

    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DbConfig,
    #[command(flatten)]
    serve: ServeConfig,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (what runs when no command is given): migrates the
    /// database, loads the demo clinic into an empty one, and listens.
    Serve(ServeArgs),
    /// Apply, roll back or list the database migrations.
    Migrate {
        #[command(flatten)]
        db: DbConfig,
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Fill an empty database with content.
    Seed {
        /// Load the demo clinic "Physical Therapy First": locations, services,
        /// therapists, certifications and articles.
        #[arg(long, required = true)]
        demo: bool,
        #[command(flatten)]
        db: DbConfig,
    },
    /// Manage staff accounts: create, list, disable.
    Staff {
        #[command(flatten)]
        db: DbConfig,
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Manage API tokens of staff accounts: create, list, revoke.
    Token {
        #[command(flatten)]
        db: DbConfig,
        #[command(flatten)]
        rules: TokenArgs,
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Delete or anonymise booking requests the front desk is done with
    /// (scheduled, declined, cancelled or spam) and unchanged for the
    /// retention period; anonymise new or contacted ones left unchanged for
    /// the stale period; also forget expired idempotency keys and rate-limit counts.
    Purge {
        #[command(flatten)]
        db: DbConfig,
        /// Days a finished booking request is kept after its last change.
        #[arg(long, env = "BOOKING_RETENTION_DAYS", default_value_t = 365)]
        retention_days: u32,
        /// What happens to older ones: `anonymise` keeps them for statistics
        /// without the patient's details; `delete` removes them with their log.
        #[arg(
            long,
            env = "BOOKING_PURGE_MODE",
            value_enum,
            default_value = "anonymise"
        )]
        mode: PurgeArg,
        /// Days a new or contacted booking request is kept after its last
        /// change before it is anonymised, in either mode (0: kept until finished).
        #[arg(long, env = "BOOKING_STALE_DAYS", default_value_t = 90)]
        stale_days: u32,
    },
    /// Write the GraphQL schema (SDL) to PATH, `schema.graphql` by default; `-` prints it.
    ExportSchema {
        /// Where to write it.
        #[arg(default_value = "schema.graphql")]
        path: PathBuf,
    },
}

#[derive(Subcommand)]
enum StaffAction {
    /// Create an account. The password is asked for at a prompt, or read from
    /// standard input when that is not a terminal (`echo … | clinic-api staff create …`).
    Create {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// What the account may do: admin (everything), editor (articles) or
        /// front-desk (booking requests).
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List accounts (never passwords).
    List,
    /// Disable an account and revoke all its tokens (its open connections
    /// close, on PostgreSQL at once, on SQLite within a second).
    Disable {
        /// Sign-in email of the account.
        #[arg(long)]
        email: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Admin,
    Editor,
    FrontDesk,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Editor => Role::Editor,
            RoleArg::FrontDesk => Role::FrontDesk,
        }
    }
}

#[derive(Subcommand)]
enum TokenAction {
    /// Create an API token for an account and print it, once: only its hash is kept.
    Create {
        /// Sign-in email of the account.
        #[arg(long)]
        email: String,
        /// What the token is for, e.g. "website build".
        #[arg(long, default_value = "api token")]
        label: String,
        /// Days until it expires (at most API_TOKEN_MAX_DAYS).
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
    },
    /// List tokens (never the tokens themselves): id, account, kind, label, expiry, state.
    List,
    /// Revoke a token by the id `token list` shows.
    Revoke {
        /// Id of the token.
        id: i32,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PurgeArg {
    Anonymise,
    Delete,
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the latest migrations.
    Down {
        /// How many to roll back.
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        /// Roll back all of them, leaving an empty database.
        #[arg(long)]
        all: bool,
    },
    /// List migrations and whether each is applied.
    Status,
}

/// Runs what the command line asks for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Migrate { db, action }) => migrate(&db, action).await,
        Some(Command::Seed { demo: _, db }) => seed_demo(&db).await,
        Some(Command::Staff { db, action }) => staff_command(&db, action).await,
        Some(Command::Token { db, rules, action }) => token_command(&db, &rules, action).await,
        Some(Command::Purge {
            db,
            retention_days,
            stale_days,
            mode,
        }) => purge(&db, retention_days, stale_days, mode).await,
        Some(Command::ExportSchema { path }) => export_schema(&path),
    }
}

async fn connect(config: &DbConfig) -> anyhow::Result<DatabaseConnection> {
    db::connect(config)
        .await
        .with_context(|| format!("cannot open the database at {}", config.redacted_url()))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let db = connect(&args.db).await?;
    db::migrate(&db)
        .await
        .context("cannot migrate the database")?;
    if !args.serve.no_demo && demo::is_empty(&db).await? {
        demo::load(&db, Utc::now().date_naive())
            .await
            .context("cannot load the demo clinic")?;
        tracing::info!("the database was empty: loaded the demo clinic");
    }
    // Each connection and socket is a file: a distribution's default soft
    // limit (1,024) would cap them long before the hard one does.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(files) => tracing::debug!(files, "open files allowed"),
        Err(error) => tracing::warn!(%error, "cannot raise the limit of open files"),
    }
    let listener = tokio::net::TcpListener::bind(args.serve.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.serve.listen))?;
    let addr = listener.local_addr()?;
    let config = args.serve.runtime();
    println!("clinic-api is serving {}", args.db.redacted_url());
    println!("  GraphQL:    http://{addr}/graphql");
    if config.playground {
        println!("  Playground: http://{addr}/graphiql");
    }
    println!("  Health:     http://{addr}/healthz, http://{addr}/readyz");
    let state = http::AppState::new(db.clone(), config)
        .await
        .context("cannot listen for events on the database")?;
    tokio::spawn(prune_every_hour(db));
    http::serve(listener, state).await?;
    Ok(())
}

/// Forgets expired idempotency keys and rate-limit counts, hourly.
async fn prune_every_hour(db: DatabaseConnection) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(error) = bookings::prune(&db, Utc::now()).await {
            tracing::warn!(error = %crate::error::describe_db(&error), "could not prune expired idempotency keys");
        }
    }
}

async fn purge(
    config: &DbConfig,
    retention_days: u32,
    stale_days: u32,
    mode: PurgeArg,
) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let now = Utc::now();
    let days_ago = |days: u32| now - chrono::Duration::days(i64::from(days));
    let cutoff = days_ago(retention_days);
    let stale_cutoff = (stale_days > 0).then(|| days_ago(stale_days));
    let mode = match mode {
        PurgeArg::Anonymise => bookings::PurgeMode::Anonymise,
        PurgeArg::Delete => bookings::PurgeMode::Delete,
    };
    let report = bookings::purge(&db, cutoff, stale_cutoff, mode, now).await?;
    let day = cutoff.format("%Y-%m-%d");
    let finished = match mode {
        bookings::PurgeMode::Anonymise => format!(
            "anonymised {} finished booking requests last changed before {day}",
            report.anonymised
        ),
        bookings::PurgeMode::Delete => format!(
            "deleted {} finished booking requests last changed before {day}",
            report.deleted
        ),
    };
    match stale_cutoff {
        Some(stale_cutoff) => println!(
            "{finished}; anonymised {} open ones last changed before {}",
            report.stale_anonymised,
            stale_cutoff.format("%Y-%m-%d")
        ),
        None => println!("{finished}"),
    }
    Ok(())
}

async fn migrate(config: &DbConfig, action: MigrateAction) -> anyhow::Result<()> {
    let db = connect(config).await?;
    match action {
        MigrateAction::Up => {
            Migrator::up(&db, None).await?;
            println!("all migrations applied");
        }
        MigrateAction::Down { steps, all } => {
            let steps = if all { None } else { Some(steps) };
            Migrator::down(&db, steps).await?;
            println!("rolled back");
        }
        MigrateAction::Status => {
            for m in Migrator::get_migration_with_status(&db).await? {
                println!(
                    "{:<8} {}",
                    format!("{:?}", m.status()).to_lowercase(),
                    m.name()
                );
            }
        }
    }
    Ok(())
}

async fn seed_demo(config: &DbConfig) -> anyhow::Result<()> {
    let db = connect(config).await?;
    db::migrate(&db)
        .await
        .context("cannot migrate the database")?;
    if !demo::is_empty(&db).await? {
        bail!("the database already holds a clinic; the demo loads only into an empty one");
    }
    demo::load(&db, Utc::now().date_naive()).await?;
    // Servers already running on this database forget what they answered
    // about the empty clinic (PostgreSQL only: SQLite has no such channel).
    crate::events::notify_in(&db, crate::events::Event::ContentChanged).await?;
    println!("loaded the demo clinic \"Physical Therapy First\"");
    Ok(())
}

/// Reads a password at a prompt, or one line of standard input when it is not a terminal.
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Ok(password)
}

async fn staff_command(config: &DbConfig, action: StaffAction) -> anyhow::Result<()> {
    let db = connect(config).await?;
    db::migrate(&db)
        .await
        .context("cannot migrate the database")?;
    match action {
        StaffAction::Create { email, name, role } => {
            domain_staff::check_new_account(&email, &name, "x".repeat(64).as_str())
                .map_err(anyhow::Error::msg)?;
            let password = read_password()?;
            let created = domain_staff::create(&db, &email, &name, role.into(), password).await?;
            println!(
                "created {} ({:?}), id {}",
                created.email, created.role, created.id
            );
        }
        StaffAction::List => {
            for s in domain_staff::list(&db).await? {
                let state = if s.active { "active" } else { "disabled" };
                println!(
                    "{:<5} {:<40} {:<11} {:<8} {}",
                    s.id,
                    s.email,
                    format!("{:?}", s.role),
                    state,
                    s.name
                );
            }
        }
        StaffAction::Disable { email } => {
            match domain_staff::disable(&db, &Events::publisher(&db), &email).await? {
                Some(s) => println!("disabled {} and revoked its tokens", s.email),
                None => bail!("no staff account for {email}"),
            }
        }
    }
    Ok(())
}

async fn token_command(
    config: &DbConfig,
    rules: &TokenArgs,
    action: TokenAction,
) -> anyhow::Result<()> {
    use entity::api_token;
    use sea_orm::{EntityTrait, QueryOrder};

    let db = connect(config).await?;
    db::migrate(&db)
        .await
        .context("cannot migrate the database")?;
    match action {
        TokenAction::Create { email, label, days } => {
            if days > rules.api_token_max_days {
                bail!(
                    "a token may live at most {} days (API_TOKEN_MAX_DAYS)",
                    rules.api_token_max_days
                );
            }
            let Some(account) = domain_staff::find_by_email(&db, &email)
                .await?
                .filter(|s| s.active)
            else {
                bail!("no active staff account for {email}");
            };
            let expires_at = Utc::now() + chrono::Duration::days(i64::from(days));
            let (token, row) = tokens::issue(
                &db,
                account.id,
                api_token::TokenKind::Api,
                &label,
                expires_at,
            )
            .await?;
            eprintln!(
                "token {} for {} expires {}; it is shown only now:",
                row.id,
                account.email,
                expires_at.format("%Y-%m-%d")
            );
            println!("{token}");
        }
        TokenAction::List => {
            let rows = api_token::Entity::find()
                .find_also_related(entity::staff::Entity)
                .order_by_asc(api_token::Column::Id)
                .all(&db)
                .await?;
            let now = Utc::now();
            for (t, owner) in rows {
                let state = match (t.revoked_at, t.expires_at <= now) {
                    (Some(_), _) => "revoked",
                    (None, true) => "expired",
                    (None, false) => "valid",
                };
                let owner = owner.map(|o| o.email).unwrap_or_default();
                let used = t.last_used_at.map_or_else(
                    || "never used".to_owned(),
                    |at| format!("used {}", at.format("%Y-%m-%d %H:%M")),
                );
                println!(
                    "{:<5} {:<40} {:<8} {:<8} {} {:<22} {}",
                    t.id,
                    owner,
                    format!("{:?}", t.kind).to_lowercase(),
                    state,
                    t.expires_at.format("%Y-%m-%d %H:%M"),
                    used,
                    t.label
                );
            }
        }
        TokenAction::Revoke { id } => {
            if domain_staff::revoke_token(&db, &Events::publisher(&db), id).await? {
                println!("revoked token {id}");
            } else {
                bail!("no valid token with id {id}");
            }
        }
    }
    Ok(())
}

fn export_schema(path: &PathBuf) -> anyhow::Result<()> {
    let sdl = graphql::sdl();
    if path.as_os_str() == "-" {
        print!("{sdl}");
    } else {
        std::fs::write(path, sdl).with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
