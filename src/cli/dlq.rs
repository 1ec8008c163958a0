//! `dlq inspect` and `dlq replay`: dead-letter queues.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use clap::{Args, Subcommand};

use super::common::{FilterMemoryArg, ManifestArg, TimeWindowArg};
use super::parse::{self, Rate};

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// Summarise a dead-letter topic: where records came from and why they failed (read-only)
    #[command(after_help = "Examples:\n  evbus dlq inspect\n  evbus dlq inspect esante.dlq --records -o json")]
    Inspect(DlqInspectArgs),
    /// Republish dead-letter records to their original topics, resuming where the last run stopped
    #[command(after_help = "Examples:
  evbus dlq replay --dry-run
  evbus dlq replay esante.dlq --topic auth.user.registered --yes
  evbus dlq replay --error 'Timeout' --rate 50/s --yes
  evbus dlq replay --to retry.topic --skip-unknown --yes")]
    Replay(Box<DlqReplayArgs>),
}

#[derive(Debug, Args)]
pub struct DlqInspectArgs {
    /// Dead-letter topics (default: the manifest's `dlq: true` topics)
    pub topics: Vec<String>,
    /// List individual records
    #[arg(long)]
    pub records: bool,
    /// At most this many records with --records
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    #[command(flatten)]
    pub manifest: ManifestArg,
}

#[derive(Debug, Args)]
#[command(mut_arg("since", |a| a
    .help("Only records written to the DLQ at or after this TIME: RFC 3339, epoch ms, or a duration ago like 2h")))]
#[command(mut_arg("until", |a| a
    .help("Only records written to the DLQ before this TIME: RFC 3339, epoch ms, or a duration ago")))]
pub struct DlqReplayArgs {
    /// Dead-letter topic (default: the manifest's only `dlq: true` topic)
    pub dlq_topic: Option<String>,
    /// Only records whose original topic is this (repeatable)
    #[arg(long = "topic", value_name = "ORIGINAL")]
    pub original_topics: Vec<String>,
    /// Only records whose error class or message matches this regex
    #[arg(long, value_name = "REGEX")]
    pub error: Option<String>,
    // --since and --until, worded for the DLQ by the `mut_arg`s above.
    #[command(flatten)]
    pub window: TimeWindowArg,
    /// Only DLQ offsets ≥ N
    #[arg(long, value_name = "N")]
    pub from_offset: Option<i64>,
    /// Only DLQ offsets ≤ N
    #[arg(long, value_name = "N")]
    pub to_offset: Option<i64>,
    /// jq filter on the DLQ record's value (same engine as tail; $__meta available)
    #[arg(long, value_name = "JQ")]
    pub filter: Option<String>,
    #[command(flatten)]
    pub filter_memory: FilterMemoryArg,
    /// Replay at most N records
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Send every record here instead of its original topic
    #[arg(long, value_name = "TOPIC")]
    pub to: Option<String>,
    /// Send to the original partition when known (default: partition by key, murmur2)
    #[arg(long)]
    pub same_partition: bool,
    /// Compress with this codec (default: none, as Kafka's producer does, or the --to topic's
    /// compression.type when it names a codec; -X compression.type wins)
    #[arg(long, value_name = "CODEC", value_parser = crate::kafka::compression::CODECS.to_vec())]
    pub compression: Option<String>,
    /// Allow writing to this internal topic (__*, _schemas, _confluent*, Streams/Connect
    /// internals), which is refused otherwise even when a dead letter names it (repeatable)
    #[arg(long, value_name = "TOPIC")]
    pub allow_internal: Vec<String>,
    /// With a manifest: also write to topics it does not declare
    #[arg(long)]
    pub allow_undeclared: bool,
    /// Skip records that cannot be replayed (unknown origin, topic missing) instead of stopping
    #[arg(long)]
    pub skip_unknown: bool,
    /// Skip records the broker refuses (too large, not authorized) instead of stopping
    #[arg(long)]
    pub skip_refused: bool,
    /// Print the plan and send nothing; exits 1, like the replay, when it would stop at a record
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Maximum replay rate: N/s, N/m or N/h, e.g. 50/s
    #[arg(long, value_parser = parse::rate, value_name = "N/s")]
    pub rate: Option<Rate>,
    /// Consumer group on the DLQ that remembers how far replay got
    #[arg(short = 'g', long, default_value = crate::dlq::DEFAULT_REPLAY_GROUP)]
    pub group: String,
    /// Ignore the saved position and start at the DLQ's first record
    #[arg(long)]
    pub from_start: bool,
    /// Replay only the records earlier runs passed over (not selected by their filters, or
    /// skipped), each once; the saved position stays where it is
    #[arg(long, conflicts_with_all = ["from_start", "from_offset", "to_offset"])]
    pub pending: bool,
    #[command(flatten)]
    pub manifest: ManifestArg,
}
