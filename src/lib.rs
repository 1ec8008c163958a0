//! evbus: a command-line admin and dev toolkit for Kafka event platforms.
//!
//! The binary (`main.rs`) only parses arguments and calls [`run`]; everything else lives here so
//! that pure logic (manifest, plan, schema sampling, filters, DLQ decoding, lag verdicts, time lag
//! and retention risk, offset-reset plans) can be unit-tested without a terminal or a broker.

pub mod cli;
pub mod commands;
pub mod complete;
pub mod config;
pub mod dlq;
pub mod exit;
pub mod filter;
pub mod ingest;
pub mod kafka;
pub mod lagcheck;
pub mod manifest;
pub mod output;
pub mod partitioner;
pub mod plan;
pub mod redact;
pub mod render;
pub mod reset;
pub mod sanitize;
pub mod schema;
pub mod timelag;
pub mod topic_config;
pub mod units;
pub mod version;

use std::process::ExitCode;

/// Run one parsed command line; the returned code is the process exit code.
pub async fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    // Commands that manage evbus itself work while a context's secrets are unavailable: switching
    // away from a context must not need its password.
    let app = match cli.command {
        cli::Command::Config(_) | cli::Command::Completions(_) | cli::Command::Dev(_) => {
            commands::App::lenient(&cli.global)?
        }
        _ => commands::App::new(&cli.global)?,
    };
    commands::dispatch(&app, cli.command).await
}
