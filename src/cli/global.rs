//! The options every command takes (`-b`, `-X`, `--timeout`, `-o`, `--color`, `--context`, `-q`,
//! `-v`) and how they become the plain inputs of the layers below ([`GlobalArgs::overrides`] for
//! `config`, [`GlobalArgs::ui_options`] for `term`), which know nothing of clap.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::time::Duration;

use clap::builder::PossibleValue;
use clap::{Args, ValueEnum};

use crate::cli::parse;
use crate::term::ui::{ColorChoice, OutputFormat};

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

/// The output formats of record streams: `tail` takes these, every other command only
/// [`TABLE_FORMATS`].
pub const RECORD_FORMATS: &[OutputFormat] =
    &[OutputFormat::Auto, OutputFormat::Table, OutputFormat::Json, OutputFormat::Pretty, OutputFormat::Raw];
/// The output formats of commands that print tables or JSON.
pub const TABLE_FORMATS: &[OutputFormat] = &[OutputFormat::Auto, OutputFormat::Table, OutputFormat::Json];

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
