//! `evbus dev`: which subcommand runs.

use anyhow::Result;

use crate::app::App;
use crate::cli::DevCommand;
use crate::exit::Outcome;

use super::{down::down, status::status, up::up};

/// `evbus dev`: runs the local single-node development broker (Apache Kafka, else nisshi).
pub async fn run(app: &App, cmd: DevCommand) -> Result<Outcome> {
    match cmd {
        DevCommand::Up(a) => up(app, a).await,
        DevCommand::Down(a) => down(app, a),
        DevCommand::Status(a) => status(app, a).await,
    }
}
