//! `evbus groups`: which subcommand runs.

use anyhow::Result;

use super::{delete, describe, list, reset};
use crate::app::App;
use crate::cli::GroupsCommand;
use crate::exit::Outcome;

/// `evbus groups`: lists, describes, resets and deletes consumer groups.
pub async fn run(app: &App, cmd: GroupsCommand) -> Result<Outcome> {
    match cmd {
        GroupsCommand::List(a) => list::list(app, a).await,
        GroupsCommand::Describe(a) => describe::describe(app, a).await,
        GroupsCommand::Reset(a) => reset::reset_cmd(app, *a).await,
        GroupsCommand::Delete(a) => delete::delete(app, a).await,
    }
}
