//! `evbus health`: its flags and its epilogue (the exit codes it can end with).

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::time::Duration;

use clap::Args;

use super::common::ManifestArg;

/// `health --help`'s epilogue: the codes it can end with come from [`crate::exit::TABLE`].
fn health_help() -> String {
    use crate::exit::{ERROR, OK, UNHEALTHY, USAGE};
    format!(
        "Examples:
  evbus health
  evbus health --strict --roundtrip -o json
  evbus health --wait 60s            # compose/Kubernetes healthcheck
  evbus health --brokers-only --wait 60s && evbus topics apply --yes && evbus health --strict

Exit codes:
{}

Warnings (groups not seen yet among them) only fail the check with --strict.",
        crate::exit::help_rows(Some(&[OK, ERROR, USAGE, UNHEALTHY]))
    )
}

#[derive(Debug, Args)]
#[command(after_help = health_help())]
pub struct HealthArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// Treat warnings as failures
    #[arg(long)]
    pub strict: bool,
    /// Produce a probe record and consume it back, reporting end-to-end latency
    #[arg(long)]
    pub roundtrip: bool,
    /// Topic used by --roundtrip (created when missing)
    #[arg(long, default_value = "__evbus_health")]
    pub health_topic: String,
    /// Retry until healthy or until this much time has passed
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub wait: Option<Duration>,
    /// Check only that the brokers answer, whatever the manifest says (with --wait: the "wait
    /// until Kafka is up" step before `topics apply`)
    #[arg(long)]
    pub brokers_only: bool,
    /// Fail unless the metadata lists at least this many brokers (default: the manifest's
    /// `cluster: {brokers: N}`, else no expectation)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub expect_brokers: Option<u32>,
    /// Warn when a group's oldest unconsumed record is this old, as a percentage of retention.ms
    #[arg(long, default_value = "80%", value_name = "PERCENT")]
    pub retention_warn: String,
}
