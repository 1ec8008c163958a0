//! Command-line definitions (clap): the top-level [`Cli`], its [`GlobalArgs`] and [`Command`]s,
//! with each command family's arguments in a file of its own and the typed value parsers in
//! [`parse`]. The `///` doc comments are the `--help` text.
//!
//! Only definitions live here; each command's behaviour is in `commands/<name>.rs`. This is the
//! top layer: it turns flags into the plain inputs of the layers below ([`GlobalArgs::overrides`]
//! for `config`, [`GlobalArgs::ui_options`] for `term`), which know nothing of clap.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

pub mod complete;
mod dlq;
mod groups;
mod ops;
pub mod parse;
mod records;
mod topics;

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use self::dlq::*;
pub use self::groups::*;
pub use self::ops::*;
pub use self::parse::{Rate, StartSpec, TimeSpec};
pub use self::records::*;
pub use self::topics::*;
pub use crate::term::ui::{ColorChoice, OutputFormat};

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
    format!("{EXAMPLES}\n\nExit codes:\n{}", crate::exit::help_rows(None))
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
    #[arg(long, global = true, value_parser = parse::timeout, default_value = "10s",
          value_name = "DURATION")]
    pub timeout: Duration,

    /// Output format: auto = table on a terminal, JSON when piped
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
    #[command(arg = record_output_arg())]
    Tail(TailArgs),
    /// Consumer-group lag per partition, in offsets and in time, totals, and a status verdict
    Lag(LagArgs),
    /// Consumer groups: list, describe, reset offsets, delete
    #[command(subcommand, after_help = groups::GROUPS_HELP)]
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

/// `--filter-memory`, beside `--filter` on `tail` and `dlq replay`.
#[derive(Debug, Args, Clone)]
pub struct FilterMemoryArg {
    /// Memory one --filter evaluation may hold; past it the record does not match and a warning says why
    #[arg(long = "filter-memory", value_name = "SIZE", value_parser = parse::filter_memory, default_value = FILTER_MEMORY_DEFAULT)]
    pub bytes: usize,
}

/// `--filter-memory`'s default, [`crate::record::filter::memory::MAX_EVAL_BYTES`] as a user writes it.
pub const FILTER_MEMORY_DEFAULT: &str = "1GiB";

/// The output formats of record streams: `tail` takes these, every other command only
/// [`TABLE_FORMATS`].
pub const RECORD_FORMATS: &[OutputFormat] =
    &[OutputFormat::Auto, OutputFormat::Table, OutputFormat::Json, OutputFormat::Pretty, OutputFormat::Raw];
/// The output formats of commands that print tables or JSON.
pub const TABLE_FORMATS: &[OutputFormat] = &[OutputFormat::Auto, OutputFormat::Table, OutputFormat::Json];

/// `tail`'s own `-o`, listing the record formats its `--help` and completions should offer.
///
/// The global `-o` hides `pretty` and `raw` (they still parse there, so `evbus -o raw tail T`
/// keeps working; [`Cli::check_output`] refuses them for other commands). clap does not propagate
/// a global argument to a subcommand that has one of the same id, and copies the subcommand's
/// value back up to [`GlobalArgs::output`], so this only changes what `tail --help` shows.
fn record_output_arg() -> clap::Arg {
    let values = RECORD_FORMATS.iter().filter_map(|f| f.to_possible_value()).map(|v| v.hide(false));
    let parser = clap::builder::TypedValueParser::map(clap::builder::PossibleValuesParser::new(values), |s| {
        OutputFormat::from_str(&s, false).expect("a possible value of OutputFormat")
    });
    // A copy of the global `-o` (flag names, heading, place in the help), with tail's formats.
    let global = GlobalArgs::augment_args(clap::Command::new("evbus"))
        .get_arguments()
        .find(|a| a.get_id() == "output")
        .cloned()
        .expect("GlobalArgs has -o");
    global
        .global(false)
        .help("Output format: auto = pretty records on a terminal, JSON lines when piped")
        .value_parser(parser)
}

impl Cli {
    /// Refuses an output format the command does not print (`-o raw` anywhere but `tail`) before
    /// anything runs, with the same usage error `Ui::mode` gives, naming the formats it takes.
    pub fn check_output(&self) -> anyhow::Result<()> {
        let takes = match &self.command {
            Command::Tail(_) => RECORD_FORMATS,
            _ => TABLE_FORMATS,
        };
        if takes.contains(&self.global.output) {
            return Ok(());
        }
        let spell = |f: &OutputFormat| f.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
        let mut list: Vec<String> = takes.iter().map(spell).collect();
        let last = list.pop().unwrap_or_default();
        Err(crate::exit::Exit::usage(format!(
            "-o {} is only for record streams (tail); use {} or {last} here",
            spell(&self.global.output),
            list.join(", ")
        )))
    }
}

impl GlobalArgs {
    /// What the flags say about the configuration; `config` adds the environment and the file.
    pub fn overrides(&self) -> crate::config::Overrides {
        crate::config::Overrides {
            context: self.context.clone(),
            brokers: self.brokers.clone(),
            props: self.props.clone(),
        }
    }

    /// The output policy the flags ask for; `term` adds what the terminal and NO_COLOR say.
    pub fn ui_options(&self) -> crate::term::ui::UiOptions {
        crate::term::ui::UiOptions { format: self.output, color: self.color, quiet: self.quiet, verbose: self.verbose }
    }
}

// The output enums belong to `term` (the Ui decides with them); their command-line names and
// `--help` lines are spelled here, so `term` does not depend on clap.
impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        use OutputFormat::*;
        &[Auto, Table, Json, Pretty, Raw]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            OutputFormat::Auto => PossibleValue::new("auto").help("Table on a terminal, JSON when piped"),
            OutputFormat::Table => PossibleValue::new("table").help("Human table"),
            OutputFormat::Json => {
                PossibleValue::new("json").help("Machine-readable JSON (JSON lines for record streams)")
            }
            // Hidden from the global `-o`: only `tail` lists them (see `record_output_arg`).
            OutputFormat::Pretty => {
                PossibleValue::new("pretty").help("Records: header line, headers and indented value").hide(true)
            }
            OutputFormat::Raw => {
                PossibleValue::new("raw").help("Records: value bytes followed by a newline").hide(true)
            }
        })
    }
}

impl ValueEnum for ColorChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &[ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }))
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("evbus").chain(args.iter().copied())).unwrap()
    }

    fn output_values(path: &[&str]) -> Vec<String> {
        let mut cmd = Cli::command();
        cmd.build();
        let mut c = &cmd;
        for name in path {
            c = c.find_subcommand(name).unwrap();
        }
        let arg = c.get_arguments().find(|a| a.get_id() == "output").unwrap();
        arg.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| v.get_name().to_string()).collect()
    }

    #[test]
    fn definitions_pass_clap_debug_asserts() {
        Cli::command().debug_assert();
    }

    #[test]
    fn only_tail_lists_the_record_formats() {
        assert_eq!(output_values(&[]), ["auto", "table", "json"]);
        assert_eq!(output_values(&["lag"]), ["auto", "table", "json"]);
        assert_eq!(output_values(&["topics", "plan"]), ["auto", "table", "json"]);
        assert_eq!(output_values(&["tail"]), ["auto", "table", "json", "pretty", "raw"]);
    }

    #[test]
    fn tail_takes_record_formats_before_and_after_its_name() {
        assert_eq!(parse(&["tail", "t", "-o", "raw"]).global.output, OutputFormat::Raw);
        assert_eq!(parse(&["-o", "pretty", "tail", "t"]).global.output, OutputFormat::Pretty);
        assert_eq!(parse(&["-o", "json", "tail", "t"]).global.output, OutputFormat::Json);
        assert_eq!(parse(&["tail", "t"]).global.output, OutputFormat::Auto);
        assert!(parse(&["tail", "t", "-o", "raw"]).check_output().is_ok());
    }

    #[test]
    fn other_commands_refuse_record_formats_as_a_usage_error() {
        for args in
            [&["lag", "-o", "pretty"][..], &["-o", "raw", "topics", "list"], &["completions", "bash", "-o", "raw"]]
        {
            let err = parse(args).check_output().unwrap_err();
            let exit = err.downcast_ref::<crate::exit::Exit>().unwrap();
            assert_eq!(exit.code, crate::exit::USAGE, "{args:?}");
            assert!(exit.message.ends_with("use auto, table or json here"), "{}", exit.message);
        }
        assert!(parse(&["lag", "-o", "table"]).check_output().is_ok());
        assert!(parse(&["groups", "list", "-o", "json"]).check_output().is_ok());
        assert!(Cli::try_parse_from(["evbus", "lag", "-o", "yaml"]).is_err());
    }

    /// The exit codes in `--help` texts are the `exit::` constants, not hand copies.
    #[test]
    fn exit_codes_in_help_are_the_exit_constants() {
        use crate::exit::{CHANGES_PENDING, ERROR, LAG_OVER, OK, UNHEALTHY};
        let mut cmd = Cli::command();
        cmd.build();
        let sub = |path: &[&str]| {
            let mut c = &cmd;
            for name in path {
                c = c.find_subcommand(name).unwrap();
            }
            c.clone()
        };
        let arg_help = |c: &clap::Command, id: &str| {
            c.get_arguments().find(|a| a.get_id() == id).unwrap().get_help().unwrap().to_string()
        };
        let status = sub(&["dev", "status"]).get_about().unwrap().to_string();
        assert!(status.contains(&format!("Exit {OK} running, {ERROR} stopped, {UNHEALTHY} running")), "{status}");
        let plan = sub(&["topics", "plan"]);
        assert!(arg_help(&plan, "detailed_exitcode").starts_with(&format!(
            "Exit {OK} when there are no changes, {CHANGES_PENDING} when changes are pending, {ERROR} on error"
        )));
        assert!(plan.get_after_help().unwrap().to_string().contains(&format!("exit {CHANGES_PENDING} when")));
        let lag = sub(&["lag"]);
        assert!(arg_help(&lag, "max_lag").starts_with(&format!("Exit {LAG_OVER} when")));
        assert!(arg_help(&lag, "max_time_lag").starts_with(&format!("Exit {LAG_OVER} when")));
        assert_eq!(lag.get_after_help().unwrap().to_string().matches(&format!("# exit {LAG_OVER} when")).count(), 2);
    }

    #[test]
    fn partition_for_needs_keys_and_a_positive_count() {
        let c = parse(&["topics", "partition-for", "t", "a", "b", "--partitions", "6"]);
        let Command::Topics(TopicsCommand::PartitionFor(a)) = c.command else { panic!("{c:?}") };
        assert_eq!((a.keys, a.partitions, a.key_hex), (vec!["a".to_string(), "b".to_string()], Some(6), false));
        assert!(Cli::try_parse_from(["evbus", "topics", "partition-for", "t"]).is_err());
        assert!(Cli::try_parse_from(["evbus", "topics", "partition-for", "t", "k", "--partitions", "0"]).is_err());
    }
}
