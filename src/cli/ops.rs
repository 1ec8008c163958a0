//! Running evbus and its surroundings: `health`, the local `dev` broker, `config` contexts and
//! shell `completions`.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::ManifestArg;

/// `health --help`'s epilogue: the codes it can end with come from [`crate::exit::TABLE`].
fn health_help() -> String {
    use crate::exit::{ERROR, OK, UNHEALTHY, USAGE};
    format!(
        "Examples:
  evbus health
  evbus health --strict --roundtrip -o json
  evbus health --wait 60s            # compose/Kubernetes healthcheck
  evbus health --brokers-only --wait 60s && evbus topics apply --yes && evbus health --strict

Exit codes:
{}

Warnings (groups not seen yet among them) only fail the check with --strict.",
        crate::exit::help_rows(Some(&[OK, ERROR, USAGE, UNHEALTHY]))
    )
}

#[derive(Debug, Args)]
#[command(after_help = health_help())]
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
    #[command(about = dev_status_about(), after_help = "Examples:
  evbus dev status
  evbus dev status -o json
  evbus dev status -q || evbus dev up")]
    Status(DevArgs),
}

/// `dev status`'s one-line help, with the codes from [`crate::exit`].
fn dev_status_about() -> String {
    use crate::exit::{ERROR, OK, UNHEALTHY};
    format!(
        "Is the local broker running, and which one? Exit {OK} running, {ERROR} stopped, {UNHEALTHY} running but not answering"
    )
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
