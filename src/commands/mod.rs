//! Commands: each submodule orchestrates one `evbus` command (parsed arguments in, broker calls
//! through `kafka`, rules from the pure layers, output through `term`). A command never imports
//! another command; what two commands share lives in a lower layer.

pub mod completions;
pub mod config;
pub mod dev;
pub mod dlq;
pub mod groups;
pub mod health;
pub mod lag;
pub mod produce;
pub mod schemas;
pub mod tail;
pub mod topics;

use anyhow::Result;

use crate::app::App;
use crate::cli::Command;
use crate::exit::Outcome;

/// Runs the parsed subcommand; the returned code is the process exit code (see [`crate::exit`]).
pub async fn dispatch(app: &App, command: Command) -> Result<Outcome> {
    match command {
        Command::Topics(c) => topics::run(app, c).await,
        Command::Schemas(c) => schemas::run(app, c).await,
        Command::Produce(a) => produce::run(app, a).await,
        Command::Tail(a) => tail::run(app, a).await,
        Command::Lag(a) => lag::run(app, a).await,
        Command::Groups(c) => groups::run(app, c).await,
        Command::Dlq(c) => dlq::run(app, c).await,
        Command::Health(a) => health::run(app, a).await,
        Command::Dev(c) => dev::run(app, c).await,
        Command::Config(c) => config::run(app, c).await,
        Command::Completions(a) => completions::run(app, a).await,
    }
}
