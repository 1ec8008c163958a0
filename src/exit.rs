//! Named process exit codes, the contract evbus keeps with shells, CI pipelines and healthchecks.
//!
//! `--help` prints [`TABLE`], and a unit test checks that the README's table is
//! [`markdown_table`] to the byte: one list, no hand copies.

use std::fmt;

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
/// The command changed something (records stored, offsets reset, topics changed) but could not
/// write its result to stdout (a full disk, a closed file): distinct from [`ERROR`], after which a
/// retry is reasonable, because running it again would apply it again (send the records twice).
pub const APPLIED_NO_OUTPUT: u8 = 6;
/// Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// All codes with their meaning, for `--help` and the README.
pub const TABLE: &[(u8, &str)] = &[
    (OK, "success (no changes, healthy, lag within limits)"),
    (ERROR, "error: bad input, broker unreachable, an operation failed"),
    (
        USAGE,
        "usage error: unknown flag, bad value, a filter that does not compile, a destructive action without `--yes` and without a terminal",
    ),
    (CHANGES_PENDING, "`topics plan --detailed-exitcode`: changes pending (drift)"),
    (UNHEALTHY, "`health`: unhealthy (also `--strict` with warnings)"),
    (LAG_OVER, "`lag`: a group is over its lag threshold (`--max-lag`, `max_lag`, `--max-time-lag`)"),
    (
        APPLIED_NO_OUTPUT,
        "applied, but the output could not be written (stdout failed after records were stored or changes made; the summary is on stderr): do not retry",
    ),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
];

/// Widest line of [`help_rows`]: clap rewraps longer lines of a help epilogue at the terminal's
/// width, and loses the meaning's indent when it does.
const HELP_WIDTH: usize = 79;

/// Rows of [`TABLE`] as `--help` prints them (all of them, or only the codes in `only`, in the
/// table's order), `  CODE  meaning`, a long meaning wrapped under itself.
pub fn help_rows(only: Option<&[u8]>) -> String {
    const INDENT: &str = "       ";
    let mut s = String::new();
    for (code, meaning) in TABLE.iter().filter(|(c, _)| only.is_none_or(|o| o.contains(c))) {
        let mut line = format!("  {code:>3} ");
        for word in meaning.replace('`', "").split(' ') {
            if line.len() + 1 + word.len() > HELP_WIDTH && line.len() > INDENT.len() {
                s.push_str(&line);
                s.push('\n');
                line = INDENT.to_string();
            } else {
                line.push(' ');
            }
            line.push_str(word);
        }
        s.push_str(&line);
        s.push('\n');
    }
    s.truncate(s.trim_end().len());
    s
}

/// [`TABLE`] as the README shows it.
pub fn markdown_table() -> String {
    let mut s = String::from("| code | meaning |\n|---|---|\n");
    for (code, meaning) in TABLE {
        s.push_str(&format!("| {code} | {meaning} |\n"));
    }
    s
}

/// How a command ended when it ran to its end: the verdict that picks the exit code.
///
/// Every command returns `anyhow::Result<Outcome>`; an `Err` is a failure (exit 1, or the code an
/// [`Exit`] names), an `Outcome` is an answer. Pure layers return their own verdicts (a lag
/// threshold exceeded, a plan with changes) and the command turns them into one of these, so the
/// exit code is chosen in one place: [`Outcome::code`] and [`code_for`], both called by
/// `evbus::finish`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// [`OK`].
    Ok,
    /// [`ERROR`] without an error message: the command's printed answer is a failure
    /// (`dev status`: no broker running).
    Failed,
    /// [`CHANGES_PENDING`]: `topics plan --detailed-exitcode` found drift.
    ChangesPending,
    /// [`UNHEALTHY`]: a health check (or `dev status`'s broker) failed.
    Unhealthy,
    /// [`LAG_OVER`]: a group is over its threshold; the sentence names every one, and is printed
    /// on stderr like an error's.
    LagOver(String),
    /// [`INTERRUPTED`]: Ctrl-C, after the command printed what it had done.
    Interrupted,
}

impl Outcome {
    /// The process exit code, one of this module's constants.
    pub fn code(&self) -> u8 {
        match self {
            Outcome::Ok => OK,
            Outcome::Failed => ERROR,
            Outcome::ChangesPending => CHANGES_PENDING,
            Outcome::Unhealthy => UNHEALTHY,
            Outcome::LagOver(_) => LAG_OVER,
            Outcome::Interrupted => INTERRUPTED,
        }
    }

    /// What stderr says about the outcome, as `evbus: error: ...` (only a threshold verdict says
    /// anything: the other outcomes were reported by the command itself).
    pub fn message(&self) -> Option<&str> {
        match self {
            Outcome::LagOver(why) => Some(why),
            _ => None,
        }
    }
}

/// An error that should end the process with a specific code instead of 1.
///
/// Commands return it through `anyhow` so that the one place that prints errors
/// (`evbus::finish`) also picks the exit code.
#[derive(Debug)]
pub struct Exit {
    /// Process exit code, one of this module's constants.
    pub code: u8,
    /// What `evbus::finish` prints to stderr before exiting.
    pub message: String,
}

impl Exit {
    /// A usage error (code 2): the command line asked for something evbus cannot do.
    pub fn usage(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Exit { code: USAGE, message: message.into() })
    }

    /// Code 6: the command changed something but its output could not be written; the message
    /// says what was applied, so nobody retries it.
    pub fn applied_no_output(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Exit { code: APPLIED_NO_OUTPUT, message: message.into() })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_exit_code_table_is_the_table() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        assert!(
            readme.contains(&markdown_table()),
            "README.md's exit-code table differs from exit::TABLE; paste this:\n{}",
            markdown_table()
        );
    }

    #[test]
    fn help_rows_come_from_the_table() {
        let all = help_rows(None);
        assert!(all.starts_with("    0  success"), "{all}");
        for (code, _) in TABLE {
            assert_eq!(all.lines().filter(|l| l.starts_with(&format!("  {code:>3}  "))).count(), 1, "{all}");
        }
        // A long meaning continues under itself, within the width clap leaves alone.
        assert!(all.lines().all(|l| l.len() <= HELP_WIDTH), "{all}");
        let continued: Vec<&str> = all.lines().filter(|l| !l.trim_start().starts_with(char::is_numeric)).collect();
        assert!(!continued.is_empty(), "the usage row is long enough to wrap: {all}");
        assert!(continued.iter().all(|l| l.starts_with("       ") && !l[7..].starts_with(' ')), "{all}");
        assert_eq!(
            help_rows(Some(&[UNHEALTHY, OK])),
            "    0  success (no changes, healthy, lag within limits)\n    4  health: unhealthy (also --strict with warnings)"
        );
    }
}
