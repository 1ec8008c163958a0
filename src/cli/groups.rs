//! `evbus groups list|describe|reset|delete`: consumer groups and moving their offsets.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::parse::{self, TimeSpec};

pub(super) const GROUPS_HELP: &str = "Examples:
  evbus groups list
  evbus groups list '^billing-' --type consumer --state empty
  evbus groups describe billing
  evbus groups reset billing --topic orders --to earliest --dry-run
  evbus groups reset billing --all-topics --by-duration 2h --yes
  evbus groups reset billing --topic orders:0,1 --shift-by -100 -o json > plan.json
  evbus groups reset billing --from-file plan.json --yes
  evbus groups delete billing --topic orders --yes

Types: classic and consumer (KIP-848) groups are consumer groups, with members, committed offsets
and lag. Connect groups are listed with their state and members. Streams groups (KIP-1071, Kafka
Streams applications) are described, lagged, reset and deleted like consumer groups, with their
tasks and internal topics (StreamsGroupDescribe, on evbus's own protocol path). Share groups
(KIP-932) are listed with their type and state (ListGroups v5; `share/streams` and `unknown` where
that fails); librdkafka 2.12 has no admin API for them, so their members, assignments and progress
are not available yet, and they cannot be reset.";

#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// Every group with its type, state, members, topics and total lag
    #[command(after_help = "Examples:
  evbus groups list
  evbus groups list 'billing|search' -o json
  evbus groups list --type consumer --type classic --state stable

Share groups are listed with their type and state (ListGroups v5); their members are not
available yet (`share/streams` and `unknown` where the broker cannot say). Streams groups show
their members and the input topics their tasks read.")]
    List(GroupsListArgs),
    /// Members and their assignments; per partition: committed offset, log end, lag, time lag, owner
    #[command(after_help = "Examples:
  evbus groups describe billing
  evbus groups describe billing -o json --retention-warn 50%
  evbus groups describe wordcount        # a streams group: members, tasks, subtopologies

A streams group (KIP-1071) shows each member's process and active/standby/warm-up tasks
(`SUBTOPOLOGY:[PARTITIONS]`, as kafka-streams-groups prints them), its subtopologies with the
topics they read and write, its internal (repartition, changelog) topics, and the lag of every
partition it reads.")]
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
  evbus groups reset billing --from-file kafka-export.csv --yes   # kafka-consumer-groups --export
  evbus groups reset billing --topic orders --to earliest --include-uncommitted

The group must have no active members (stop its consumers first): evbus refuses and names them.
Targets before the log start or past the log end are clamped to it. Partitions where the group has
no committed offset are left alone unless named (TOPIC:P) or --include-uncommitted; the plan marks
each offset it commits there as a new commit. Works for classic and consumer (KIP-848) groups; a
group that does not exist yet gets these offsets (it has none: name partitions or
--include-uncommitted). For a streams group, --all-topics means its input topics; its internal
topics are refused, and keep their data unless --delete-internal-topics.")]
    Reset(Box<GroupsResetArgs>),
    /// Delete a group, or only its committed offsets on some topics (asks, or needs --yes)
    #[command(after_help = "Examples:
  evbus groups delete old-billing --dry-run
  evbus groups delete old-billing --yes
  evbus groups delete billing --topic retired.topic --yes     # only its offsets there
  evbus groups delete wordcount --delete-internal-topics --yes # a streams group and its topics

Kafka refuses while the group has active members. A streams group's internal (repartition,
changelog) topics stay unless --delete-internal-topics (kafka-streams-groups
--delete-all-internal-topics).")]
    Delete(GroupsDeleteArgs),
}

/// A group's type, as `groups list --type` filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupType {
    /// Consumer group on the classic rebalance protocol
    Classic,
    /// Consumer group on the KIP-848 protocol (group.protocol=consumer)
    Consumer,
    /// Share group (KIP-932); also matches `share/streams` (type not known)
    Share,
    /// Streams group (KIP-1071); also matches `share/streams` (type not known)
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
    /// The committed offset as it is; the log end where there is none (with --include-uncommitted)
    Current,
}

/// Where `groups reset` moves the offsets: exactly one of these.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ResetTarget {
    /// The log start, the log end, or the committed offset as it is
    #[arg(long, value_enum, value_name = "earliest|latest|current")]
    pub to: Option<ResetEdge>,
    /// This offset on every selected partition
    #[arg(long, value_name = "N")]
    pub to_offset: Option<i64>,
    /// The first record at or after this TIME: RFC 3339, epoch ms, or a duration ago like 2h (the
    /// log end when no record is that recent)
    #[arg(long, value_parser = parse::time, value_name = "TIME", allow_hyphen_values = true)]
    pub to_datetime: Option<TimeSpec>,
    /// The first record at or after this long ago (e.g. 2h, 30m, 1d, or ISO 8601 like PT31M,
    /// P1DT2H as kafka-consumer-groups takes); takes any TIME like --to-datetime
    #[arg(long, value_parser = parse::time, value_name = "DURATION", allow_hyphen_values = true)]
    pub by_duration: Option<TimeSpec>,
    /// Move each committed offset by N (negative = re-read N records); refuses a named partition
    /// without one unless --include-uncommitted (then it moves from the log end)
    #[arg(long, value_name = "±N", allow_hyphen_values = true)]
    pub shift_by: Option<i64>,
    /// Apply a plan: one written by `groups reset -o json`, or the CSV (topic,partition,offset)
    /// of `kafka-consumer-groups --reset-offsets --export`
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
    /// Every partition where the group has a committed offset
    #[arg(long, conflicts_with = "topics")]
    pub all_topics: bool,
    /// Also commit offsets on the partitions of --all-topics' topics or of a --topic TOPIC where
    /// the group has none (their consumers then stop following auto.offset.reset there)
    #[arg(long)]
    pub include_uncommitted: bool,
    #[command(flatten)]
    pub target: ResetTarget,
    /// Streams groups: also delete the group's internal (repartition and changelog) topics once
    /// the offsets are reset, so its state starts over (as kafka-streams-groups --execute does)
    #[arg(long)]
    pub delete_internal_topics: bool,
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
    /// Streams groups: also delete the group's internal (repartition and changelog) topics
    #[arg(long, conflicts_with = "topics")]
    pub delete_internal_topics: bool,
    /// Print what would be deleted and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
}
