//! Command-line definitions (clap): the top-level [`Cli`] with its [`GlobalArgs`] and
//! [`Command`]s, one file per top-level command (`cli/lag.rs` declares `evbus lag`'s flags), the
//! flag groups several commands share in [`common`], and the typed value parsers in [`parse`].
//! The `///` doc comments are the `--help` text.
//!
//! Only definitions live here; each command's behaviour is in `commands/<name>.rs`. This is the
//! top layer: the layers below know nothing of clap.

mod common;
pub mod complete;
mod completions;
mod config;
mod dev;
mod dlq;
mod global;
mod groups;
mod health;
mod lag;
pub mod parse;
mod produce;
mod root;
mod schemas;
mod serve;
mod tail;
mod topics;

pub use self::common::*;
pub use self::completions::*;
pub use self::config::*;
pub use self::dev::*;
pub use self::dlq::*;
pub use self::global::*;
pub use self::groups::*;
pub use self::health::*;
pub use self::lag::*;
pub use self::parse::{Rate, StartSpec, TimeSpec};
pub use self::produce::*;
pub use self::root::*;
pub use self::schemas::*;
pub use self::serve::*;
pub use self::tail::*;
pub use self::topics::*;
pub use crate::term::ui::{ColorChoice, OutputFormat};
