//! The `clinic-api` command: serve, migrate, seed, export-schema.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::config::{Config, DbConfig, ServeConfig};
use crate::{app, db, demo, graphql};

/// The GraphQL API of a physical-therapy and medical-massage clinic: articles,
/// the staff directory, services, locations and booking requests.
///
/// With no command it serves: on first run it creates `clinic.db` (SQLite),
/// fills it with a demo clinic, and listens on 127.0.0.1:8080.
#[derive(Parser)]
#[command(name = "clinic-api", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// How much to log: error, warn, info, debug or trace (or a RUST_LOG-style filter).
    #[arg(long, env = "LOG_LEVEL", default_value = "info", global = true)]
    pub log_level: String,

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
    /// Write the GraphQL schema (SDL) to PATH, `schema.graphql` by default; `-` prints it.
    ExportSchema {
        /// Where to write it.
        #[arg(default_value = "schema.graphql")]
        path: PathBuf,
    },
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
    let listener = tokio::net::TcpListener::bind(args.serve.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.serve.listen))?;
    let addr = listener.local_addr()?;
    let config = Config {
        playground: !args.serve.no_playground,
        ..Config::default()
    };
    println!("clinic-api is serving {}", args.db.redacted_url());
    println!("  GraphQL:    http://{addr}/graphql");
    if config.playground {
        println!("  Playground: http://{addr}/graphiql");
    }
    println!("  Health:     http://{addr}/healthz, http://{addr}/readyz");
    let state = app::AppState::new(db, config);
    app::serve(listener, app::build_app(state)).await?;
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
    println!("loaded the demo clinic \"Physical Therapy First\"");
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
