//! `evbus dlq`: which subcommand runs.

use anyhow::Result;

use super::{inspect, replay};
use crate::app::App;
use crate::cli::DlqCommand;
use crate::exit::Outcome;

/// `evbus dlq`: inspects dead-letter topics and replays their records to the original topics.
pub async fn run(app: &App, cmd: DlqCommand) -> Result<Outcome> {
    match cmd {
        DlqCommand::Inspect(a) => inspect::run(app, a).await,
        DlqCommand::Replay(a) => replay::run(app, *a).await,
    }
}
