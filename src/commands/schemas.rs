//! `evbus schemas` (being built).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::App;
use crate::cli::SchemasCommand;

pub async fn run(_app: &App, _args: SchemasCommand) -> Result<ExitCode> {
    bail!("evbus schemas is not available in this build yet")
}
