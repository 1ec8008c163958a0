//! `produce` and `tail`: records into and out of topics.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::parse::{self, Rate, StartSpec, TimeSpec};
use super::{FilterMemoryArg, ManifestArg};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  evbus produce auth.user.registered --count 1000 --rate 200/s
  evbus produce auth.user.registered --seed 7 --dry-run
  evbus produce orders --schema ./order.json -n 5
  evbus produce auth.user.registered --input events.jsonl
  cat events.jsonl | evbus produce auth.user.registered --input - --skip-invalid")]
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
    /// Read events from a JSON Lines file ('-' for stdin) instead of generating them
    #[arg(short = 'i', long, value_name = "FILE")]
    pub input: Option<String>,
    /// With --input: send the valid lines and report the invalid ones (default: all-or-nothing)
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
    /// Envelope `producer` value for generated events
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
    /// Schema directory
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    pub schemas: PathBuf,
    #[command(flatten)]
    pub manifest: ManifestArg,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  evbus tail auth.user.registered                       # new events only
  evbus tail auth.user.registered --from beginning --exit
  evbus tail --pattern '^auth\\.' --since 15m
  evbus tail payment-events --from -10 --filter '.payload.amount > 100'
  evbus tail auth.user.registered --filter '$__meta.key == \"u-1\"' -o json | jq .
  evbus tail orders --template '%t %p %o %k %s\\n'

Filter variables: the jq input is the decoded value; $__meta holds
{topic, partition, offset, timestamp, key, headers}.")]
pub struct TailArgs {
    /// Topics to follow
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::topic_names))]
    pub topics: Vec<String>,
    /// Follow every topic whose name matches this regex
    #[arg(long, value_name = "REGEX")]
    pub pattern: Option<String>,
    /// Follow every non-internal topic
    #[arg(long)]
    pub all: bool,
    /// Where to start: end, beginning, an offset, -N (last N per partition), or a TIME: RFC 3339
    /// or a duration ago like 15m (a bare number is an offset here)
    #[arg(long, value_parser = parse::start, value_name = "POS", allow_hyphen_values = true, default_value = "end")]
    pub from: StartSpec,
    /// Start at this TIME: RFC 3339, epoch ms, or a duration ago like 15m
    #[arg(long, value_parser = parse::time, value_name = "TIME", allow_hyphen_values = true, conflicts_with = "from")]
    pub since: Option<TimeSpec>,
    /// Stop after N matching records
    #[arg(short = 'n', long)]
    pub count: Option<u64>,
    /// Stop at the end of every partition (like kcat -e)
    #[arg(short = 'e', long)]
    pub exit: bool,
    /// Stop at the first record newer than this TIME: RFC 3339, epoch ms, or a duration ago like 15m
    #[arg(long, value_parser = parse::time, value_name = "TIME", allow_hyphen_values = true)]
    pub until: Option<TimeSpec>,
    /// Stop after this long without records
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub idle_timeout: Option<Duration>,
    /// jq filter on the decoded value (records match when it yields true or non-null)
    #[arg(long, value_name = "JQ")]
    pub filter: Option<String>,
    #[command(flatten)]
    pub filter_memory: FilterMemoryArg,
    /// Only records with this key
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Only records with this header (repeatable, all must match)
    #[arg(long = "header", value_name = "K=V")]
    pub headers: Vec<String>,
    /// Only events with this eventType (value field, else the event-type header)
    #[arg(long = "type", value_name = "TYPE")]
    pub event_type: Option<String>,
    /// Only records whose value or key contains this text
    #[arg(long, value_name = "TEXT")]
    pub grep: Option<String>,
    /// kcat-style format: %t topic %p partition %o offset %k key %s value %S size %T timestamp %h headers
    #[arg(long, value_name = "FORMAT")]
    pub template: Option<String>,
    /// Check every event against its topic's schema and mark the invalid ones
    #[arg(long)]
    pub validate: bool,
    /// With --validate: print only the invalid events
    #[arg(long, requires = "validate")]
    pub only_invalid: bool,
    /// Print large values whole in pretty mode
    #[arg(long)]
    pub full: bool,
    /// Consume as a member of this group and commit after printing (default: no group, no commits)
    #[arg(short = 'g', long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Schema directory (for --validate)
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    pub schemas: PathBuf,
    #[command(flatten)]
    pub manifest: ManifestArg,
}
