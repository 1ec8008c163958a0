//! Command-line definitions (clap): the top-level [`Cli`], its [`GlobalArgs`] and [`Command`]s,
//! with each command family's arguments in a file of its own and the typed value parsers in
//! [`parse`]. The `///` doc comments are the `--help` text.
//!
//! Only definitions live here; each command's behaviour is in `commands/<name>.rs`. This is the
//! top layer: it turns flags into the plain inputs of the layers below ([`GlobalArgs::overrides`]
//! for `config`, [`GlobalArgs::ui_options`] for `term`), which know nothing of clap.

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
            OutputFormat::Pretty => {
                PossibleValue::new("pretty").help("Records: header line, headers and indented value (tail)")
            }
            OutputFormat::Raw => PossibleValue::new("raw").help("Records: value bytes followed by a newline (tail)"),
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
