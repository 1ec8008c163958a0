//! Named process exit codes, the contract evbus keeps with shells, CI pipelines and healthchecks.
//!
//! The README's exit-code table is generated from the same list; keep both in step.

use std::fmt;
use std::process::ExitCode;

/// Everything went fine (warnings allowed unless a command's `--strict` says otherwise).
pub const OK: u8 = 0;
/// evbus itself failed: bad input, unreachable broker, a broker error.
pub const ERROR: u8 = 1;
/// The command line was wrong (clap uses 2 as well, so bad flags and bad filters agree).
pub const USAGE: u8 = 2;
/// `topics plan --detailed-exitcode`: the cluster differs from the manifest.
pub const CHANGES_PENDING: u8 = 3;
/// `health`: at least one check failed.
pub const UNHEALTHY: u8 = 4;
/// `lag --max-lag` / `--max-time-lag`: at least one group is over its threshold.
pub const LAG_OVER: u8 = 5;
/// Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// All codes with their meaning, for `--help` and the README.
pub const TABLE: &[(u8, &str)] = &[
    (OK, "success (no changes, healthy, lag within limits)"),
    (ERROR, "error: bad input, broker unreachable, an operation failed"),
    (USAGE, "usage error: unknown flag, bad value, filter that does not compile"),
    (CHANGES_PENDING, "`topics plan --detailed-exitcode`: changes pending (drift)"),
    (UNHEALTHY, "`health`: unhealthy"),
    (LAG_OVER, "`lag`: a group is over its lag threshold (`--max-lag`, `max_lag`, `--max-time-lag`)"),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
];

pub fn code(c: u8) -> ExitCode {
    ExitCode::from(c)
}

/// An error that should end the process with a specific code instead of 1.
///
/// Commands return it through `anyhow` so that the one place that prints errors (`main`) also
/// picks the exit code.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

impl Exit {
    pub fn usage(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Exit { code: USAGE, message: message.into() })
    }
    pub fn with(code: u8, message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Exit { code, message: message.into() })
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

/// The exit code an error maps to.
pub fn code_for(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Exit>() {
            return e.code;
        }
    }
    ERROR
}

/// True when the error is only a closed stdout (`evbus tail | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}
