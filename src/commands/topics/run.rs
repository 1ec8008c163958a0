//! `evbus topics`: which subcommand runs.

use anyhow::Result;

use super::{
    apply::apply, describe::describe, export::export_cmd, list::list, partition_for, plan::plan_cmd, validate::validate,
};
use crate::app::App;
use crate::cli::TopicsCommand;
use crate::exit::Outcome;

/// `evbus topics`: validates, plans and applies the topics manifest; lists, describes and exports topics.
pub async fn run(app: &App, cmd: TopicsCommand) -> Result<Outcome> {
    match cmd {
        TopicsCommand::Validate(m) => validate(app, &m),
        TopicsCommand::Plan(a) => plan_cmd(app, a).await,
        TopicsCommand::Apply(a) => apply(app, a).await,
        TopicsCommand::List(a) => list(app, a).await,
        TopicsCommand::Describe(a) => describe(app, a).await,
        TopicsCommand::Export(a) => export_cmd(app, a).await,
        TopicsCommand::PartitionFor(a) => partition_for::partition_for(app, a).await,
    }
}
