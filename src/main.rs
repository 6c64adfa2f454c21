use clap::Parser;
use clinic_api::cli::{Cli, run};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A `.env` beside the binary is a convenience for local runs; it is optional.
    dotenvy::dotenv().ok();
    let cli = Cli::parse();
    let _log = clinic_api::telemetry::init(&cli.log_level, cli.log_format);
    run(cli).await
}
