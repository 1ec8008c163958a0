//! `evbus dev`: which subcommand runs.

use anyhow::Result;

use crate::app::App;
use crate::cli::DevCommand;
use crate::exit::Outcome;

use super::cluster::Cluster;
use super::{down::down, nodes, status::status, up::up};

/// `evbus dev`: runs the local development broker (Apache Kafka, else nisshi), or a local
/// cluster when the state directory holds one (`up --brokers N`).
pub async fn run(app: &App, cmd: DevCommand) -> Result<Outcome> {
    match cmd {
        DevCommand::Up(a) => up(app, a).await,
        DevCommand::Down(a) => match Cluster::recorded(&a.dir) {
            Some(c) => nodes::down(app, c).await,
            None => down(app, a),
        },
        DevCommand::Status(a) => match Cluster::recorded(&a.dir) {
            Some(c) => nodes::status(app, c).await,
            None => status(app, a).await,
        },
        DevCommand::StopBroker(a) => nodes::stop_broker(app, a).await,
        DevCommand::StartBroker(a) => nodes::start_broker(app, a).await,
    }
}
