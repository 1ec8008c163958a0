//! Commands: each submodule orchestrates one `evbus` command (parsed arguments in, broker calls
//! through `kafka`, rules from the pure layers, output through `term`). A command never imports
//! another command; what two commands share lives in a lower layer.

pub mod alerts;
pub mod completions;
pub mod config;
pub mod dev;
mod dispatch;
pub mod dlq;
pub mod groups;
pub mod health;
pub mod lag;
pub mod produce;
pub mod schemas;
pub mod serve;
pub mod tail;
pub mod topics;

pub use dispatch::dispatch;
