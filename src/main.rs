use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    zhuanban::telemetry::init();
    let cli = zhuanban::cli::Cli::parse();
    match zhuanban::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zhuanban: {e:#}");
            ExitCode::FAILURE
        }
    }
}
