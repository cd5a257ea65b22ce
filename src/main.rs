use std::process::ExitCode;

use clap::Parser;

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
