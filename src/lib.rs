//! evbus: a command-line admin and dev toolkit for Kafka event platforms.
//!
//! The binary (`main.rs`) only parses arguments and calls [`run`]; everything else lives here so
//! that pure logic (manifest, plan, schema sampling, filters, DLQ decoding, lag verdicts, time lag
//! and retention risk, offset-reset plans) can be unit-tested without a terminal or a broker.

/// `eprintln!` for the whole crate (a `macro_rules!` here shadows std's in every module below):
/// the same text, but a diagnostic that cannot be written (stderr full, or closed) is dropped
/// instead of panicking. std's `eprintln!` panics on a failed write, so `2>/dev/full` turned
/// every warning, summary and error into exit 101 with the real exit code lost (issue 26).
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dlq;
pub mod exit;
pub mod groups;
pub mod health;
pub mod kafka;
pub mod lag;
pub mod limits;
pub mod metrics;
pub mod produce;
pub mod record;
pub mod schema;
pub mod term;
pub mod topics;
pub mod version;

use std::process::ExitCode;

/// Run one parsed command line; [`finish`] turns what it returns into the process exit code.
pub async fn run(cli: cli::Cli) -> anyhow::Result<exit::Outcome> {
    cli.check_output()?;
    // Commands that manage evbus itself work while a context's secrets are unavailable: switching
    // away from a context must not need its password.
    let app = match cli.command {
        cli::Command::Config(_) | cli::Command::Completions(_) | cli::Command::Dev(_) | cli::Command::Alerts(_) => {
            app::App::lenient(&cli.global)?
        }
        _ => app::App::new(&cli.global)?,
    };
    commands::dispatch(&app, cli.command).await
}

/// The one place a run's result becomes the process exit code: an outcome's code (with its
/// sentence on stderr when it has one), or an error printed once, redacted, with the code it maps
/// to. A closed stdout (`evbus tail | head`) is not a failure.
pub fn finish(result: anyhow::Result<exit::Outcome>) -> ExitCode {
    let code = match result {
        Ok(outcome) => {
            if let Some(why) = outcome.message() {
                eprintln!("evbus: error: {}", term::message_text(why));
            }
            outcome.code()
        }
        Err(err) if exit::is_broken_pipe(&err) => exit::OK,
        Err(err) => {
            eprintln!("evbus: error: {}", term::error_text(&err));
            exit::code_for(&err)
        }
    };
    ExitCode::from(code)
}

// Unit tests count memory per thread as the binary does, so the jq memory bound is tested.
#[cfg(test)]
#[global_allocator]
static TEST_ALLOC: record::filter::memory::Counting<std::alloc::System> =
    record::filter::memory::Counting(std::alloc::System);
