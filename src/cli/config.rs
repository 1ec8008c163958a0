//! `evbus config list|use|show`: contexts from evbus.yaml.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use clap::Subcommand;

use super::common::ManifestArg;

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
