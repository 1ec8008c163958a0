//! The `evbus` binary: parses the command line and hands it to the library ([`evbus::run`]);
//! [`evbus::finish`] picks the exit code and prints the error, once.

// Counting what each thread holds lets a jq filter that builds ever larger values stop with an
// error (see src/record/filter/memory.rs) rather than exhaust memory.
#[global_allocator]
static GLOBAL: evbus::record::filter::memory::Counting<mimalloc::MiMalloc> =
    evbus::record::filter::memory::Counting(mimalloc::MiMalloc);

/// As in the library (src/lib.rs): a diagnostic that cannot be written is dropped, never a panic.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

use clap::{CommandFactory, Parser};
use std::io::Write as _;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    // `COMPLETE=bash evbus` prints the dynamic completion script; completion requests exit here.
    clap_complete::CompleteEnv::with_factory(evbus::cli::Cli::command).complete();
    let cli = match evbus::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    evbus::finish(evbus::run(cli).await)
}

/// What clap's own `exit` does, except that help or version text that could not be written (a
/// full disk) is a failure: `--help >/dev/full` used to exit 0 with nothing written. A closed pipe
/// (`--help | head`) is not one.
fn clap_exit(e: &clap::Error) -> ExitCode {
    let printed = e.print().and_then(|()| std::io::stdout().flush());
    match printed {
        Err(w) if e.exit_code() == 0 && w.kind() != std::io::ErrorKind::BrokenPipe => {
            let what = if e.kind() == clap::error::ErrorKind::DisplayVersion { "the version" } else { "the help" };
            eprintln!("evbus: error: cannot write {what} to stdout: {w}");
            ExitCode::from(evbus::exit::ERROR)
        }
        _ => ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(evbus::exit::ERROR)),
    }
}
