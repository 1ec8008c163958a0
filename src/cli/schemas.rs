//! `evbus schemas list|validate|sample`: the JSON Schemas of the platform's events.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::common::ManifestArg;

#[derive(Debug, Subcommand)]
pub enum SchemasCommand {
    /// Schemas in the schema directory and the topics using them
    #[command(after_help = "Example:\n  evbus schemas list")]
    List(SchemasDirArgs),
    /// Every schema compiles, every $ref resolves, every manifest topic has its schema
    #[command(after_help = "Examples:\n  evbus schemas validate\n  evbus schemas validate --only-with-schemas")]
    Validate(ValidateArgs),
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

#[derive(Debug, Args, Clone)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub dir: SchemasDirArgs,
    /// Check only the topics whose schema files exist; list the others instead of failing (for CI
    /// on a platform that adds schemas topic by topic; `schema: false` topics are always left out)
    #[arg(long)]
    pub only_with_schemas: bool,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Schema name (file stem in the schema directory) or path to any JSON Schema file; or a
    /// manifest topic with several event types (`schemas:`)
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::cli::complete::schema_names))]
    pub schema: String,
    /// Number of samples
    #[arg(short = 'n', long, default_value_t = 1)]
    pub count: u64,
    /// Seed for reproducible output (byte-identical across runs)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Envelope `producer` value (where the schema leaves it free)
    #[arg(long, default_value = "evbus")]
    pub producer: String,
    /// Only events of this type (a oneOf schema, or a topic with several event types)
    #[arg(long = "type", value_name = "TYPE")]
    pub event_type: Option<String>,
    #[command(flatten)]
    pub dir: SchemasDirArgs,
}
