//! The `evbus` binary: parses the command line and hands it to the library ([`evbus::run`]);
//! errors are printed once, redacted, with their named exit code.

// Counting what each thread holds lets a jq filter that builds ever larger values stop with an
// error (see src/record/filter/memory.rs) rather than exhaust memory.
#[global_allocator]
static GLOBAL: evbus::record::filter::memory::Counting<mimalloc::MiMalloc> =
    evbus::record::filter::memory::Counting(mimalloc::MiMalloc);

use clap::{CommandFactory, Parser};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    // `COMPLETE=bash evbus` prints the dynamic completion script; completion requests exit here.
    clap_complete::CompleteEnv::with_factory(evbus::cli::Cli::command).complete();
    let cli = evbus::cli::Cli::parse();
    match evbus::run(cli).await {
        Ok(code) => code,
        Err(err) if evbus::exit::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("evbus: error: {}", evbus::term::error_text(&err));
            ExitCode::from(evbus::exit::code_for(&err))
        }
    }
}
