//! The `dangjian` command: one program that serves the portal, migrates the database
//! and generates demo content. Subcommands share `--config`, `--data` and `--database`.

mod accounts;
mod cli;
mod commands;
pub mod config;
mod demo_documents;
mod demo_videos;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// Parses the command line, runs the subcommand, and maps failure to exit status 1
/// with a readable message (never a panic trace for bad input).
pub fn run() -> ExitCode {
    let cli = cli::Cli::parse();
    let listen = match &cli.command {
        cli::Command::Serve(s) => s.listen.clone(),
        _ => None,
    };
    let media = match &cli.command {
        cli::Command::Serve(s) => s.media.clone(),
        _ => None,
    };
    let cfg = match config::Config::load(&cli.global, listen.as_deref(), media.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("配置错误 (configuration error): {e:#}");
            return ExitCode::from(2);
        }
    };
    init_logging(&cfg.log);
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(commands::dispatch(cli.command, cfg)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 (error): {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(default: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
