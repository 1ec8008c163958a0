//! `evbus topics validate|plan|apply|list|describe|export|partition-for`: the declarative manifest and
//! the cluster's topics.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use clap::{Args, Subcommand};

use super::common::ManifestArg;

#[derive(Debug, Subcommand)]
pub enum TopicsCommand {
    /// Check topics.yaml without contacting a broker
    #[command(after_help = "Example:\n  evbus topics validate -f topics.yaml")]
    Validate(ManifestArg),
    /// Show what `apply` would change on the cluster
    #[command(
        after_help = format!("Examples:\n  evbus topics plan\n  evbus topics plan --detailed-exitcode   # CI drift check: exit {} when changes are pending\n  evbus topics plan --prune -o json", crate::exit::CHANGES_PENDING)
    )]
    Plan(PlanArgs),
    /// Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)
    #[command(
        after_help = "Examples:\n  evbus topics apply\n  evbus topics apply --yes --prune\n  evbus topics apply --dry-run\n  evbus topics apply --throttle 10MiB   # replica moves: at most 10 MiB/s per broker\n\nA replication-factor change moves replicas (AlterPartitionReassignments): apply waits for it\nwith progress on a terminal, then elects the preferred leaders; --no-wait returns at once.\nThrottles left by an interrupted move are shown by `topics plan` and removed by `apply`."
    )]
    Apply(ApplyArgs),
    /// List topics with partitions, replication and offset spans (high - low watermark)
    #[command(after_help = "Example:\n  evbus topics list --all")]
    List(ListArgs),
    /// Partitions (leader, replicas, ISR, watermarks) and configs with their sources
    #[command(
        after_help = "Examples:\n  evbus topics describe auth.user.registered\n  evbus topics describe auth.user.registered --overrides-only\n\nA config's source is where its value comes from, as kafka-configs --describe --all reports it:\ntopic override, dynamic broker config, dynamic cluster default, static broker config, default."
    )]
    Describe(DescribeArgs),
    /// Write a topics.yaml from a running cluster (topics, configs, consumer groups)
    #[command(
        after_help = "Examples:\n  evbus topics export > topics.yaml\n  evbus topics export --topic '-events$' -f topics.yaml --force\n\nInternal topics are left out: Kafka's (__*), the tools' (_*, Kafka Connect's storage, Kafka\nStreams' -changelog/-repartition, MirrorMaker's *.internal). `topics plan` with the exported\nfile against the same cluster shows no change. The manifest is YAML whatever -o says."
    )]
    Export(ExportArgs),
    /// Which partition each key lands on (Kafka's default partitioner: murmur2, as in Java)
    #[command(
        after_help = "Examples:\n  evbus topics partition-for auth.user.registered u-1 u-2\n  evbus topics partition-for orders --partitions 12 order-42   # offline, no broker\n  evbus topics partition-for orders --key-hex 00ff10 -o json\n\nThe Java producer, Spring, Connect, Streams, and evbus produce and dlq replay place keyed records this way;\nlibrdkafka's own default (consistent_random, CRC32) does not."
    )]
    PartitionFor(PartitionForArgs),
}

/// `--detailed-exitcode`'s help, with the codes from [`crate::exit`].
fn detailed_exitcode_help() -> String {
    use crate::exit::{CHANGES_PENDING, ERROR, OK};
    format!("Exit {OK} when there are no changes, {CHANGES_PENDING} when changes are pending, {ERROR} on error")
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// Also plan removal of what the manifest does not declare (unmanaged topics and config keys)
    #[arg(long)]
    pub prune: bool,
    #[arg(long, help = detailed_exitcode_help())]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// Also delete unmanaged topics and remove unmanaged config keys of managed topics
    #[arg(long)]
    pub prune: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Show the plan and stop
    #[arg(long)]
    pub dry_run: bool,
    /// Start replica moves (replication-factor changes) and return without waiting for them;
    /// `topics plan` shows them in progress, the next `apply` watches them finish
    #[arg(long)]
    pub no_wait: bool,
    /// Limit replica moves to RATE bytes/s per broker (e.g. 10MiB), removed when they finish;
    /// given while a move runs, changes its rate
    #[arg(long, value_name = "RATE", value_parser = super::parse::throttle)]
    pub throttle: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// Include internal topics (__consumer_offsets, ...)
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// Topic name
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::topic_names))]
    pub topic: String,
    /// Show only the configs set on the topic itself (no inherited defaults)
    #[arg(long)]
    pub overrides_only: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export only the topics whose name matches this regex (unanchored: '^orders-' for a prefix)
    #[arg(long, value_name = "REGEX")]
    pub topic: Option<String>,
    /// Write the manifest to FILE instead of stdout
    #[arg(short = 'f', long = "output-file", value_name = "FILE")]
    pub output_file: Option<std::path::PathBuf>,
    /// Replace FILE when it exists
    #[arg(long, requires = "output_file")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct PartitionForArgs {
    /// Topic name (its partition count comes from the broker unless --partitions)
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::topic_names))]
    pub topic: String,
    /// Record keys, as UTF-8 text (hex bytes with --key-hex)
    #[arg(required = true, value_name = "KEY")]
    pub keys: Vec<String>,
    /// Answer for this many partitions, without asking a broker
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..))]
    pub partitions: Option<i32>,
    /// Keys are hex-encoded bytes (e.g. 00ff10), for binary keys
    #[arg(long)]
    pub key_hex: bool,
}
