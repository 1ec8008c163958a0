//! `evbus tail`: its flags, and its own `-o` listing the record formats.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum as _};

use super::common::{FilterMemoryArg, ManifestArg, TimeWindowArg};
use super::global::RECORD_FORMATS;
use super::parse::{self, StartSpec};
use crate::term::ui::OutputFormat;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  evbus tail auth.user.registered                       # new events only
  evbus tail auth.user.registered --from beginning --exit
  evbus tail --pattern '^auth\\.' --since 15m
  evbus tail payment-events --from -10 --filter '.payload.amount > 100'
  evbus tail auth.user.registered --filter '$__meta.key == \"u-1\"' -o json | jq .
  evbus tail orders --template '%t %p %o %k %s\\n'

Filter variables: the jq input is the decoded value; $__meta is the record's JSON line without
the value: {topic, partition, offset, timestamp, timestamp_type, key, key_encoding,
headers: [{key, value}], value_encoding}.")]
#[command(mut_arg("since", |a| a
    .help("Start at this TIME: RFC 3339, epoch ms, or a duration ago like 15m")
    .conflicts_with("from")))]
#[command(mut_arg("until", |a| a
    .help("Stop at the first record newer than this TIME: RFC 3339, epoch ms, or a duration ago like 15m")))]
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
    // --since and --until, worded for tail by the `mut_arg`s above.
    #[command(flatten)]
    pub window: TimeWindowArg,
    /// Stop after N matching records
    #[arg(short = 'n', long)]
    pub count: Option<u64>,
    /// Stop at the end of every partition (like kcat -e)
    #[arg(short = 'e', long)]
    pub exit: bool,
    /// Exit 0 even when records were removed (retention, DeleteRecords) before they were read;
    /// such a gap is always reported, and by default fails a run that ends by itself
    #[arg(long)]
    pub allow_gaps: bool,
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

/// `tail`'s own `-o`, listing the record formats its `--help` and completions should offer.
///
/// The global `-o` hides `pretty` and `raw` (they still parse there, so `evbus -o raw tail T`
/// keeps working; [`Cli::check_output`] refuses them for other commands). clap does not propagate
/// a global argument to a subcommand that has one of the same id, and copies the subcommand's
/// value back up to [`GlobalArgs::output`], so this only changes what `tail --help` shows.
pub(super) fn output_arg() -> clap::Arg {
    let values = RECORD_FORMATS.iter().filter_map(|f| f.to_possible_value()).map(|v| v.hide(false));
    let parser = clap::builder::TypedValueParser::map(clap::builder::PossibleValuesParser::new(values), |s| {
        OutputFormat::from_str(&s, false).expect("a possible value of OutputFormat")
    });
    // A copy of the global `-o` (flag names, heading, place in the help), with tail's formats.
    let global = super::GlobalArgs::augment_args(clap::Command::new("evbus"))
        .get_arguments()
        .find(|a| a.get_id() == "output")
        .cloned()
        .expect("GlobalArgs has -o");
    global
        .global(false)
        .help("Output format: auto = pretty records on a terminal, JSON lines when piped")
        .value_parser(parser)
}
