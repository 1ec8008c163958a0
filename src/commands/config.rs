//! `evbus config` (being built).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::App;
use crate::cli::ConfigCommand;

pub async fn run(_app: &App, _args: ConfigCommand) -> Result<ExitCode> {
    bail!("evbus config is not available in this build yet")
}
