//! `evbus produce`: sample or validated events into a topic.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::path::PathBuf;

use clap::Args;

use super::common::ManifestArg;
use super::parse::{self, Rate};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  evbus produce auth.user.registered --count 1000 --rate 200/s
  evbus produce auth.user.registered --seed 7 --dry-run
  evbus produce orders --schema ./order.json -n 5
  evbus produce auth.user.registered --input events.jsonl
  cat events.jsonl | evbus produce auth.user.registered --input - --skip-invalid
  evbus tail orders --from beginning --exit | evbus produce orders.copy --records -")]
pub struct ProduceArgs {
    /// Destination topic
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::topic_names))]
    pub topic: String,
    /// Number of sample events to generate (ignored with --input)
    #[arg(short = 'n', long, default_value_t = 1)]
    pub count: u64,
    /// Seed for reproducible samples
    #[arg(long)]
    pub seed: Option<u64>,
    /// Maximum send rate: N/s, N/m or N/h, e.g. 200/s, 50/m, 1000 (per second)
    #[arg(long, value_parser = parse::rate, value_name = "N/s")]
    pub rate: Option<Rate>,
    /// Schema name or path to a schema file (default: the topic's manifest entry, else the topic name)
    #[arg(long, value_name = "NAME|PATH")]
    pub schema: Option<String>,
    /// Event type: samples only of this type (a topic with several), and the event-type header
    /// of events that have no eventType field
    #[arg(long = "type", value_name = "TYPE")]
    pub event_type: Option<String>,
    /// Read events from a JSON Lines file ('-' for stdin) instead of generating them
    #[arg(short = 'i', long, value_name = "FILE")]
    pub input: Option<String>,
    /// Read records in evbus's record format ('-' for stdin; JSON lines as `tail -o json` writes
    /// them) and write them exactly: key and value bytes, tombstones, headers in order
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["input", "schema", "no_validate", "key", "key_literal", "headers", "count", "seed"]
    )]
    pub records: Option<String>,
    /// With --records: give each record the timestamp in its line (default: the time of writing)
    #[arg(long, requires = "records")]
    pub keep_timestamps: bool,
    /// With --records: write each record to the partition in its line (default: by key, as
    /// Kafka's producer places it)
    #[arg(long, requires = "records")]
    pub keep_partitions: bool,
    /// With --input or --records: send the valid lines and report the invalid ones (default: all-or-nothing)
    #[arg(long)]
    pub skip_invalid: bool,
    /// Send events without validating them against the schema
    #[arg(long)]
    pub no_validate: bool,
    /// Dot path into the event whose value becomes the key (default: the manifest's `key`)
    #[arg(short = 'k', long, value_name = "PATH", conflicts_with = "key_literal")]
    pub key: Option<String>,
    /// The same literal key for every record
    #[arg(long, value_name = "KEY")]
    pub key_literal: Option<String>,
    /// Extra header (repeatable)
    #[arg(short = 'H', long = "header", value_name = "K=V")]
    pub headers: Vec<String>,
    /// Envelope `producer` value for generated events (where the schema leaves it free)
    #[arg(long, default_value = "evbus")]
    pub producer: String,
    /// Print the events as JSON lines instead of sending them
    #[arg(long)]
    pub dry_run: bool,
    /// Create the topic when it does not exist (with the broker's default partitions and
    /// replication). A topic declared in the manifest is created as declared without this flag;
    /// any other missing topic is an error, never auto-created.
    #[arg(long)]
    pub create: bool,
    /// Compress with this codec (default: none, as Kafka's producer does, or the topic's
    /// compression.type when it names a codec; -X compression.type wins)
    #[arg(long, value_name = "CODEC", value_parser = crate::kafka::compression::CODECS.to_vec())]
    pub compression: Option<String>,
    /// Schema directory
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    pub schemas: PathBuf,
    #[command(flatten)]
    pub manifest: ManifestArg,
}
