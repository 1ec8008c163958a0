//! `evbus lag`: its flags, and an epilogue naming the exit code thresholds end with.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::time::Duration;

use clap::Args;

use super::common::ManifestArg;
use super::parse;

/// `lag --help`'s epilogue; the exit code it names is [`crate::exit::LAG_OVER`].
fn lag_help() -> String {
    use crate::exit::LAG_OVER;
    format!(
        "Examples:
  evbus lag
  evbus lag notification-service --detail
  evbus lag --max-lag 1000                      # exit {LAG_OVER} when a group is over
  evbus lag --max-time-lag 5m                   # exit {LAG_OVER} when a group's oldest unconsumed record is older
  evbus lag --watch --interval 5s               # Burrow-style verdicts, rates, time to catch up

Time lag: the age of the first record a group has not consumed (read without joining the group);
0 without lag. Records already removed (by retention or DeleteRecords) before the group read them,
and unconsumed records close to the topic's retention.ms (--retention-warn), are reported as
warnings."
    )
}

fn max_lag_help() -> String {
    format!(
        "Exit {} when any group's total lag is over N (default: the manifest's per-group max_lag)",
        crate::exit::LAG_OVER
    )
}

fn max_time_lag_help() -> String {
    format!(
        "Exit {} when any group's time lag (age of its oldest unconsumed record) is over this",
        crate::exit::LAG_OVER
    )
}

#[derive(Debug, Args)]
#[command(after_help = lag_help())]
pub struct LagArgs {
    /// Groups to show (default: every group on the cluster plus the manifest's groups)
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::group_names))]
    pub groups: Vec<String>,
    /// A row per partition
    #[arg(short, long)]
    pub detail: bool,
    #[arg(long, value_name = "N", help = max_lag_help())]
    pub max_lag: Option<i64>,
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION", help = max_time_lag_help())]
    pub max_time_lag: Option<Duration>,
    /// Warn when the oldest unconsumed record is this old, as a percentage of the topic's retention.ms
    #[arg(long, default_value = "80%", value_name = "PERCENT")]
    pub retention_warn: String,
    /// Sample repeatedly and evaluate each partition with Burrow's rules
    #[arg(short, long)]
    pub watch: bool,
    /// Time between samples in --watch (at least 500ms)
    #[arg(long, value_parser = parse::watch_interval, default_value = "5s", value_name = "DURATION")]
    pub interval: Duration,
    /// Number of samples in the evaluation window (--watch)
    #[arg(long, default_value_t = 10)]
    pub window: usize,
    /// Stop --watch after this many samples (default: until Ctrl-C)
    #[arg(long, value_name = "N")]
    pub samples: Option<usize>,
    #[command(flatten)]
    pub manifest: ManifestArg,
}
