//! How a replay ends: the exit code and the error message for each way it can stop.

use anyhow::{Result, anyhow};

use crate::app::App;
use crate::cli::DlqReplayArgs;
use crate::dlq::report::{Halt, Stats};
use crate::exit::Outcome;

/// The exit for a run that printed its summary: a failed final save or read first (they say
/// what the next run does), then why the loop stopped.
pub(super) fn exit(
    app: &App,
    a: &DlqReplayArgs,
    dlq: &str,
    halt: Option<Halt>,
    stats: &Stats,
    read_error: Option<String>,
    commit_error: Option<anyhow::Error>,
) -> Result<Outcome> {
    if let Some(e) = commit_error {
        return Err(e.context(format!(
            "the records above were replayed but the position could not be saved; the next run replays them again \
             (group {})",
            a.group
        )));
    }
    if let Some(e) = read_error {
        return Err(anyhow!(e));
    }
    let counts = stats.counts();
    match halt {
        Some(Halt::Interrupted) => Ok(Outcome::Interrupted),
        Some(Halt::Unreplayable(p, o, reason)) if !a.dry_run => Err(anyhow!(
            "stopped at {dlq}/{p}/{o}: {reason}. Everything before it was replayed and saved; \
             --skip-unknown skips such records, --to TOPIC sends every record to TOPIC"
        )),
        // The plan exits as the real run would (1), so a script can gate a replay on its dry run.
        Some(Halt::Unreplayable(p, o, reason)) => Err(anyhow!(
            "the replay would stop at {dlq}/{p}/{o}: {reason}. \
             --skip-unknown skips such records, --to TOPIC sends every record to TOPIC"
        )),
        Some(Halt::Failed(e)) => Err(anyhow!("{e} ({counts})")),
        Some(Halt::Stalled) => Err(anyhow!(
            "no answer from the broker for {} while replayed records were waiting: {}; the saved position \
             stays before every record not acknowledged, so the next run replays them (brokers: {})",
            humantime::format_duration(app.settings.timeout),
            counts,
            app.settings.brokers
        )),
        _ => Ok(Outcome::Ok),
    }
}
