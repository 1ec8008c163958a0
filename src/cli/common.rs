//! Flag groups more than one command takes: `-f FILE` (the manifest), `--filter-memory` and the
//! `--since/--until` time window. Each is declared once, so its name, default and parsing cannot
//! drift between commands.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::path::PathBuf;

use clap::Args;

use super::parse::{self, TimeSpec};

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

// `--since` and `--until`, on `tail` and `dlq replay`: one TIME grammar (RFC 3339, epoch ms or
// a duration ago, resolved against one `now` per run). What the window means differs (where tail
// starts and stops; which dead letters a replay selects), so each command words the help for its
// own meaning with `mut_arg` where it flattens this group; the help below is the default.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct TimeWindowArg {
    /// Only records at or after this TIME: RFC 3339, epoch ms, or a duration ago like 15m
    #[arg(long, value_parser = parse::time, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<TimeSpec>,
    /// Only records before this TIME: RFC 3339, epoch ms, or a duration ago like 15m
    #[arg(long, value_parser = parse::time, value_name = "TIME", allow_hyphen_values = true)]
    pub until: Option<TimeSpec>,
}

/// `--filter-memory`'s default, [`crate::record::filter::memory::MAX_EVAL_BYTES`] as a user writes it.
pub const FILTER_MEMORY_DEFAULT: &str = "1GiB";
