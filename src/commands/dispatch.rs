//! From the parsed command line to the command that runs it.

use anyhow::Result;

use crate::app::App;
use crate::cli::Command;
use crate::exit::Outcome;

/// Runs the parsed subcommand; its outcome picks the process exit code (see [`crate::exit::Outcome`]).
pub async fn dispatch(app: &App, command: Command) -> Result<Outcome> {
    match command {
        Command::Topics(c) => super::topics::run(app, c).await,
        Command::Schemas(c) => super::schemas::run(app, c).await,
        Command::Produce(a) => super::produce::run(app, a).await,
        Command::Tail(a) => super::tail::run(app, a).await,
        Command::Lag(a) => super::lag::run(app, a).await,
        Command::Groups(c) => super::groups::run(app, c).await,
        Command::Dlq(c) => super::dlq::run(app, c).await,
        Command::Health(a) => super::health::run(app, a).await,
        Command::Serve(a) => super::serve::run(app, a).await,
        Command::Alerts(a) => super::alerts::run(app, a).await,
        Command::Dev(c) => super::dev::run(app, c).await,
        Command::Config(c) => super::config::run(app, c).await,
        Command::Completions(a) => super::completions::run(app, a).await,
    }
}
