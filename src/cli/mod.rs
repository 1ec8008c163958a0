//! Command-line definitions (clap). The `///` doc comments here are the `--help` text.
//!
//! Only definitions live here; each command's behaviour is in `commands/<name>.rs`.

pub mod complete;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "Admin and dev toolkit for Kafka event platforms: declarative topics, sample events, \
tail with jq filters, lag verdicts, consumer groups, DLQ replay and health checks.";

const EXAMPLES: &str = "\
Examples:
  evbus topics plan                       # what would change on the cluster
  evbus topics apply --yes                # create/alter topics from topics.yaml
  evbus produce auth.user.registered -n 10
  evbus tail auth.user.registered --from beginning --filter '.payload.role == \"doctor\"'
  evbus lag --max-lag 1000
  evbus groups reset billing --topic orders --to-datetime 2024-05-01T00:00:00Z --dry-run
  evbus dlq inspect
  evbus health --wait 60s";

/// The top-level `--help` epilogue: the examples, then the exit codes from [`crate::exit::TABLE`].
fn after_help() -> String {
    let mut s = format!("{EXAMPLES}\n\nExit codes:\n");
    for (code, meaning) in crate::exit::TABLE {
        s.push_str(&format!("  {code:>3}  {}\n", meaning.replace('`', "")));
    }
    s.trim_end().to_string()
}

#[derive(Debug, Parser)]
#[command(name = "evbus", version = crate::version::short(), long_version = crate::version::long(),
          about = ABOUT, after_help = after_help(), propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS,
    /// KAFKA_BOOTSTRAP_SERVERS; default: the context's brokers, else 127.0.0.1:9092]
    #[arg(short = 'b', long, global = true, value_name = "HOST:PORT,...")]
    pub brokers: Option<String>,

    /// librdkafka property passed through as-is, like kcat -X (repeatable),
    /// e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem
    #[arg(short = 'X', global = true, value_name = "KEY=VALUE", action = clap::ArgAction::Append)]
    pub props: Vec<String>,

    /// Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)
    #[arg(long, global = true, value_parser = humantime::parse_duration, default_value = "10s",
          value_name = "DURATION")]
    pub timeout: Duration,

    /// Output format: auto = table (or pretty records) on a terminal, JSON when piped
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputFormat::Auto)]
    pub output: OutputFormat,

    /// When to use colours (NO_COLOR in the environment means never for auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]
    #[arg(long, global = true, value_name = "NAME",
          add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::context_names))]
    pub context: Option<String>,

    /// Print only data and errors (no summaries, no progress)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Table on a terminal, JSON when piped
    Auto,
    /// Human table
    Table,
    /// Machine-readable JSON (JSON lines for record streams)
    Json,
    /// Records: header line, headers and indented value (tail)
    Pretty,
    /// Records: value bytes followed by a newline (tail)
    Raw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Declarative topics: validate, plan and apply topics.yaml; list and describe topics
    #[command(
        subcommand,
        after_help = "Examples:\n  evbus topics validate\n  evbus topics plan --detailed-exitcode\n  evbus topics apply --yes\n  evbus topics list\n  evbus topics describe auth.user.registered"
    )]
    Topics(TopicsCommand),
    /// JSON Schemas of the platform's events: list, validate, sample
    #[command(
        subcommand,
        after_help = "Examples:\n  evbus schemas list\n  evbus schemas validate\n  evbus schemas sample auth.user.registered -n 3 --seed 1"
    )]
    Schemas(SchemasCommand),
    /// Produce sample events generated from a JSON Schema, or validated events from a JSON Lines file
    Produce(ProduceArgs),
    /// Follow and filter topics (never joins a group unless --group)
    Tail(TailArgs),
    /// Consumer-group lag per partition, in offsets and in time, totals, and a status verdict
    Lag(LagArgs),
    /// Consumer groups: list, describe, reset offsets, delete
    #[command(subcommand, after_help = GROUPS_HELP)]
    Groups(GroupsCommand),
    /// Dead-letter queues: inspect what failed and replay it safely
    #[command(
        subcommand,
        after_help = "Examples:\n  evbus dlq inspect\n  evbus dlq replay --dry-run\n  evbus dlq replay --topic auth.user.registered --yes"
    )]
    Dlq(DlqCommand),
    /// Is the event platform OK? Checks with exit codes for CI and healthchecks
    Health(HealthArgs),
    /// Local single-node development broker (Apache Kafka, else nisshi)
    #[command(subcommand)]
    Dev(DevCommand),
    /// Contexts (named broker profiles) from evbus.yaml
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ManifestArg {
    /// Topics manifest [default: the context's manifest, else ./topics.yaml]
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TopicsCommand {
    /// Check topics.yaml without contacting a broker
    #[command(after_help = "Example:\n  evbus topics validate -f topics.yaml")]
    Validate(ManifestArg),
    /// Show what `apply` would change on the cluster
    #[command(
        after_help = "Examples:\n  evbus topics plan\n  evbus topics plan --detailed-exitcode   # CI drift check: exit 3 when changes are pending\n  evbus topics plan --prune -o json"
    )]
    Plan(PlanArgs),
    /// Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)
    #[command(
        after_help = "Examples:\n  evbus topics apply\n  evbus topics apply --yes --prune\n  evbus topics apply --dry-run"
    )]
    Apply(ApplyArgs),
    /// List topics with partitions, replication and message counts
    #[command(after_help = "Example:\n  evbus topics list --all")]
    List(ListArgs),
    /// Partitions (leader, replicas, ISR, watermarks) and non-default configs of one topic
    #[command(after_help = "Example:\n  evbus topics describe auth.user.registered")]
    Describe(DescribeArgs),
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// Also plan removal of what the manifest does not declare (unmanaged topics and config keys)
    #[arg(long)]
    pub prune: bool,
    /// Exit 0 when there are no changes, 3 when changes are pending, 1 on error
    #[arg(long)]
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
}

#[derive(Debug, Subcommand)]
pub enum SchemasCommand {
    /// Schemas in the schema directory and the topics using them
    #[command(after_help = "Example:\n  evbus schemas list")]
    List(SchemasDirArgs),
    /// Every schema compiles, every $ref resolves, every manifest topic has its schema
    #[command(after_help = "Example:\n  evbus schemas validate")]
    Validate(SchemasDirArgs),
    /// Print sample events as JSON lines (no broker needed)
    #[command(
        after_help = "Examples:\n  evbus schemas sample auth.user.registered --count 3\n  evbus schemas sample ./my-event.json --seed 42"
    )]
    Sample(SampleArgs),
}

#[derive(Debug, Args, Clone)]
pub struct SchemasDirArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// Schema directory
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    pub schemas: PathBuf,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Schema name (file stem in the schema directory) or path to any JSON Schema file
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::schema_names))]
    pub schema: String,
    /// Number of samples
    #[arg(short = 'n', long, default_value_t = 1)]
    pub count: u64,
    /// Seed for reproducible output (byte-identical across runs)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Envelope `producer` value
    #[arg(long, default_value = "evbus")]
    pub producer: String,
    #[command(flatten)]
    pub dir: SchemasDirArgs,
}

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
    /// Maximum send rate, e.g. 200/s, 50/m, 1000
    #[arg(long, value_name = "N/s")]
    pub rate: Option<String>,
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
    /// Where to start: end, beginning, an offset, -N (last N per partition) or an RFC 3339 time
    #[arg(long, value_name = "POS", allow_hyphen_values = true, default_value = "end")]
    pub from: String,
    /// Start this long ago (e.g. 15m, 2h), like --from <now - DURATION>
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION", conflicts_with = "from")]
    pub since: Option<Duration>,
    /// Stop after N matching records
    #[arg(short = 'n', long)]
    pub count: Option<u64>,
    /// Stop at the end of every partition (like kcat -e)
    #[arg(short = 'e', long)]
    pub exit: bool,
    /// Stop at the first record newer than this RFC 3339 time
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Stop after this long without records
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub idle_timeout: Option<Duration>,
    /// jq filter on the decoded value (records match when it yields true or non-null)
    #[arg(long, value_name = "JQ")]
    pub filter: Option<String>,
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

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  evbus lag
  evbus lag notification-service --detail
  evbus lag --max-lag 1000                      # exit 5 when a group is over
  evbus lag --max-time-lag 5m                   # exit 5 when a group's oldest unconsumed record is older
  evbus lag --watch --interval 5s               # Burrow-style verdicts, rates, time to catch up

Time lag: the age of the first record a group has not consumed (read without joining the group);
0 without lag. Records already deleted by retention before the group read them, and unconsumed
records close to the topic's retention.ms (--retention-warn), are reported as warnings.")]
pub struct LagArgs {
    /// Groups to show (default: every group on the cluster plus the manifest's groups)
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::group_names))]
    pub groups: Vec<String>,
    /// A row per partition
    #[arg(short, long)]
    pub detail: bool,
    /// Exit 5 when any group's total lag is over N (default: the manifest's per-group max_lag)
    #[arg(long, value_name = "N")]
    pub max_lag: Option<i64>,
    /// Exit 5 when any group's time lag (age of its oldest unconsumed record) is over this
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub max_time_lag: Option<Duration>,
    /// Warn when the oldest unconsumed record is this old, as a percentage of the topic's retention.ms
    #[arg(long, default_value = "80%", value_name = "PERCENT")]
    pub retention_warn: String,
    /// Sample repeatedly and evaluate each partition with Burrow's rules
    #[arg(short, long)]
    pub watch: bool,
    /// Time between samples in --watch (at least 500ms)
    #[arg(long, value_parser = watch_interval, default_value = "5s", value_name = "DURATION")]
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
pub struct DlqReplayArgs {
    /// Dead-letter topic (default: the manifest's only `dlq: true` topic)
    pub dlq_topic: Option<String>,
    /// Only records whose original topic is this (repeatable)
    #[arg(long = "topic", value_name = "ORIGINAL")]
    pub original_topics: Vec<String>,
    /// Only records whose error class or message matches this regex
    #[arg(long, value_name = "REGEX")]
    pub error: Option<String>,
    /// Only records written to the DLQ at or after this time (RFC 3339 or a duration ago, e.g. 2h)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only records written to the DLQ before this time (RFC 3339 or a duration ago)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Only DLQ offsets ≥ N
    #[arg(long, value_name = "N")]
    pub from_offset: Option<i64>,
    /// Only DLQ offsets ≤ N
    #[arg(long, value_name = "N")]
    pub to_offset: Option<i64>,
    /// jq filter on the DLQ record's value (same engine as tail; $__meta available)
    #[arg(long, value_name = "JQ")]
    pub filter: Option<String>,
    /// Replay at most N records
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Send every record here instead of its original topic
    #[arg(long, value_name = "TOPIC")]
    pub to: Option<String>,
    /// Send to the original partition when known (default: partition by key, murmur2)
    #[arg(long)]
    pub same_partition: bool,
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
    /// Print the plan and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Maximum replay rate, e.g. 50/s
    #[arg(long, value_name = "N/s")]
    pub rate: Option<String>,
    /// Consumer group on the DLQ that remembers how far replay got
    #[arg(short = 'g', long, default_value = "evbus-dlq-replay")]
    pub group: String,
    /// Ignore the saved position and start at the DLQ's first record
    #[arg(long)]
    pub from_start: bool,
    #[command(flatten)]
    pub manifest: ManifestArg,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  evbus health
  evbus health --strict --roundtrip -o json
  evbus health --wait 60s            # compose/Kubernetes healthcheck
  evbus health --brokers-only --wait 60s && evbus topics apply --yes && evbus health --strict

Exit codes: 0 healthy (warnings allowed unless --strict), 4 unhealthy (a check failed, or a
warning with --strict; groups not seen yet only warn), 1 evbus itself failed (unreadable
manifest, bad client configuration), 2 bad flags.")]
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
    /// Warn when a group's oldest unconsumed record is this old, as a percentage of retention.ms
    #[arg(long, default_value = "80%", value_name = "PERCENT")]
    pub retention_warn: String,
}

const GROUPS_HELP: &str = "Examples:
  evbus groups list
  evbus groups list '^billing-' --type consumer --state empty
  evbus groups describe billing
  evbus groups reset billing --topic orders --to earliest --dry-run
  evbus groups reset billing --all-topics --by-duration 2h --yes
  evbus groups reset billing --topic orders:0,1 --shift-by -100 -o json > plan.json
  evbus groups reset billing --from-file plan.json --yes
  evbus groups delete billing --topic orders --yes

Types: classic and consumer (KIP-848) groups are consumer groups, with members, committed offsets
and lag. Connect groups are listed with their state and members. Share groups (KIP-932) and
streams groups (KIP-1071) are listed by name only, with the type `share/streams`: librdkafka 2.12
has no admin API for either, so evbus cannot tell them apart, and their state, members,
assignments and progress are not available (shown as `unknown`); they cannot be reset.";

#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// Every group with its type, state, members, topics and total lag
    #[command(after_help = "Examples:
  evbus groups list
  evbus groups list 'billing|search' -o json
  evbus groups list --type consumer --type classic --state stable

Share and streams groups are listed with the type `share/streams` and state and members
`unknown`: librdkafka 2.12 can neither describe them nor tell them apart.")]
    List(GroupsListArgs),
    /// Members and their assignments; per partition: committed offset, log end, lag, time lag, owner
    #[command(after_help = "Examples:
  evbus groups describe billing
  evbus groups describe billing -o json --retention-warn 50%")]
    Describe(GroupsDescribeArgs),
    /// Move a group's committed offsets: prints the plan, asks (or needs --yes), then commits it
    #[command(after_help = "Examples:
  evbus groups reset billing --topic orders --to earliest --dry-run
  evbus groups reset billing --topic orders:0,2 --to-offset 1000 --yes
  evbus groups reset billing --all-topics --to-datetime 2024-05-01T00:00:00Z
  evbus groups reset billing --all-topics --by-duration 2h        # re-read the last two hours
  evbus groups reset billing --topic orders --shift-by -50
  evbus groups reset billing --topic orders --to latest -o json --dry-run > plan.json
  evbus groups reset billing --from-file plan.json --yes

The group must have no active members (stop its consumers first): evbus refuses and names them.
Targets before the log start or past the log end are clamped to it. Works for classic and
consumer (KIP-848) groups; a group that does not exist yet gets these offsets.")]
    Reset(Box<GroupsResetArgs>),
    /// Delete a group, or only its committed offsets on some topics (asks, or needs --yes)
    #[command(after_help = "Examples:
  evbus groups delete old-billing --dry-run
  evbus groups delete old-billing --yes
  evbus groups delete billing --topic retired.topic --yes     # only its offsets there

Kafka refuses while the group has active members.")]
    Delete(GroupsDeleteArgs),
}

/// A group's type, as `groups list --type` filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupType {
    /// Consumer group on the classic rebalance protocol
    Classic,
    /// Consumer group on the KIP-848 protocol (group.protocol=consumer)
    Consumer,
    /// Share (KIP-932) or streams (KIP-1071) group, listed as `share/streams`
    Share,
    /// Same as share: evbus cannot tell the two apart
    Streams,
    /// Kafka Connect workers' group
    Connect,
}

#[derive(Debug, Args)]
pub struct GroupsListArgs {
    /// Only groups whose name matches this regex
    #[arg(value_name = "REGEX")]
    pub pattern: Option<String>,
    /// Only groups of this type (repeatable)
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub types: Vec<GroupType>,
    /// Only groups in this state, case-insensitive: stable, empty, dead, preparingrebalance,
    /// completingrebalance, assigning, reconciling (repeatable)
    #[arg(long = "state", value_name = "STATE")]
    pub states: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GroupsDescribeArgs {
    /// Group name
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::group_names))]
    pub group: String,
    /// Warn when the oldest unconsumed record is this old, as a percentage of retention.ms
    #[arg(long, default_value = "80%", value_name = "PERCENT")]
    pub retention_warn: String,
}

/// `--to` targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResetEdge {
    /// The log start: re-read everything still on the broker
    Earliest,
    /// The log end: skip everything not consumed yet
    Latest,
}

/// Where `groups reset` moves the offsets: exactly one of these.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ResetTarget {
    /// The log start or the log end
    #[arg(long, value_enum, value_name = "earliest|latest")]
    pub to: Option<ResetEdge>,
    /// This offset on every selected partition
    #[arg(long, value_name = "N")]
    pub to_offset: Option<i64>,
    /// The first record at or after this RFC 3339 time (the log end when none is that recent)
    #[arg(long, value_name = "TIME")]
    pub to_datetime: Option<String>,
    /// The first record at or after this long ago (e.g. 2h, 30m, 1d)
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub by_duration: Option<Duration>,
    /// Move each committed offset by N (negative = re-read N records); uncommitted partitions are left alone
    #[arg(long, value_name = "±N", allow_hyphen_values = true)]
    pub shift_by: Option<i64>,
    /// Apply a plan written by `groups reset -o json` (its topic, partition and new offsets)
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GroupsResetArgs {
    /// Group name
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::group_names))]
    pub group: String,
    /// Topic to reset, every partition (TOPIC) or some (TOPIC:0,2); repeatable. With --from-file,
    /// only these topics of the plan
    #[arg(long = "topic", value_name = "TOPIC[:P,...]",
          add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::topic_names))]
    pub topics: Vec<String>,
    /// Every partition of every topic the group has committed offsets for
    #[arg(long, conflicts_with = "topics")]
    pub all_topics: bool,
    #[command(flatten)]
    pub target: ResetTarget,
    /// Print the plan and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct GroupsDeleteArgs {
    /// Group name
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::group_names))]
    pub group: String,
    /// Delete only the group's committed offsets on this topic (repeatable); the group stays
    #[arg(long = "topic", value_name = "TOPIC",
          add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::topic_names))]
    pub topics: Vec<String>,
    /// Print what would be deleted and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  evbus dev up && evbus topics apply --yes && evbus produce auth.user.registered -n 5
  evbus dev status
  evbus dev down

The broker is Apache Kafka (KRaft, one combined broker+controller node), which needs Java 17+ and
Kafka's jars: $KAFKA_HOME/libs, else $EVBUS_KAFKA_LIBS, else what scripts/install-kafka.sh put in
~/.cache/evbus. Without them it falls back to nisshi ($NISSHI_BIN, PATH or ~/.cargo/bin;
scripts/install-broker.sh).")]
pub enum DevCommand {
    /// Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/
    #[command(after_help = "Examples:
  evbus dev up                        # 127.0.0.1:9092, data in .evbus/dev/
  evbus dev up --port 19092 --dir /tmp/evbus-dev
  evbus dev up --install              # fetch Kafka's jars first when they are missing (~1 min)
  evbus dev up --broker nisshi        # the Kafka-compatible nisshi instead of Apache Kafka
  EVBUS_BROKERS=127.0.0.1:19092 evbus topics apply --yes

Waits until the broker answers (up to --timeout, at least 90s for Kafka and 30s for nisshi) and
prints its address. It keeps running after evbus exits; its log is <dir>/broker.log and its pid
<dir>/broker.pid. Kafka also needs a controller port: the first free one above --port, recorded in
<dir>/controller.port. Running `up` again while it runs is a no-op.")]
    Up(DevUpArgs),
    /// Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept
    #[command(after_help = "Examples:
  evbus dev down
  evbus dev down --dir /tmp/evbus-dev
  rm -rf .evbus/dev                   # also forget the data")]
    Down(DevArgs),
    /// Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering
    #[command(after_help = "Examples:
  evbus dev status
  evbus dev status -o json
  evbus dev status -q || evbus dev up")]
    Status(DevArgs),
}

#[derive(Debug, Args)]
pub struct DevArgs {
    /// Port to listen on (`up`); `down` and `status` use the address `up` recorded
    #[arg(long, default_value_t = 9092)]
    pub port: u16,
    /// State directory (pid file, storage, log)
    #[arg(long, default_value = ".evbus/dev", value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct DevUpArgs {
    #[command(flatten)]
    pub dev: DevArgs,
    /// Which broker to run
    #[arg(long, value_enum, default_value_t = DevBroker::Auto)]
    pub broker: DevBroker,
    /// Install what the broker needs when it is missing: Kafka's jars (scripts/install-kafka.sh), or
    /// nisshi with --broker nisshi (scripts/install-broker.sh)
    #[arg(long)]
    pub install: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DevBroker {
    /// Apache Kafka when Java 17+ and Kafka's jars are at hand, else nisshi
    Auto,
    /// Apache Kafka in KRaft mode (Java 17+ and Kafka's jars)
    Kafka,
    /// nisshi, a Kafka-compatible broker with sqlite storage
    Nisshi,
}

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  evbus config list
  evbus config use prod
  evbus --context staging config show

Config file: ./evbus.yaml, else $XDG_CONFIG_HOME/evbus/config.yaml ($EVBUS_CONFIG overrides).
Precedence: flags > environment (EVBUS_BROKERS, EVBUS_CONTEXT, EVBUS_MANIFEST) > context > defaults.")]
pub enum ConfigCommand {
    /// Contexts in the config file (the active one marked with *)
    #[command(after_help = "Examples:\n  evbus config list\n  evbus config list -o json")]
    List,
    /// Make a context the default (sets `current:` in the config file, comments kept)
    #[command(
        after_help = "Examples:\n  evbus config use prod\n  evbus --context staging topics plan    # one command only"
    )]
    Use {
        /// Context name
        #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::context_names))]
        name: String,
    },
    /// The effective configuration and where each value comes from (secrets redacted)
    #[command(after_help = "Examples:
  evbus config show
  evbus --context prod config show -o json
  EVBUS_BROKERS=kafka:9092 evbus config show     # see the environment win over the context
  evbus config show -f deploy/topics.yaml         # -f wins over EVBUS_MANIFEST and the context")]
    Show(ManifestArg),
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  evbus completions bash > ~/.local/share/bash-completion/completions/evbus
  evbus completions zsh > ~/.zfunc/_evbus          # with fpath+=(~/.zfunc) in ~/.zshrc
  evbus completions fish > ~/.config/fish/completions/evbus.fish
  evbus completions powershell >> $PROFILE
  source <(evbus completions bash --dynamic)      # also completes topic and group names

--dynamic prints the same as `COMPLETE=bash evbus`: a script that asks evbus for candidates, so
topic, group and schema names come from topics.yaml in the current directory.")]
pub struct CompletionsArgs {
    /// Shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
    /// Script that asks evbus at completion time (completes topic/group/schema names)
    #[arg(long)]
    pub dynamic: bool,
}

/// A `--watch` interval: a duration of at least 500 ms (shorter ones would only spin).
fn watch_interval(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| e.to_string())?;
    if d < Duration::from_millis(500) {
        return Err(format!("{s} is too short: the interval must be at least 500ms"));
    }
    Ok(d)
}
