//! `evbus dev` (being built).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::App;
use crate::cli::DevCommand;

pub async fn run(_app: &App, _args: DevCommand) -> Result<ExitCode> {
    bail!("evbus dev is not available in this build yet")
}
