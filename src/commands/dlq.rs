//! `evbus dlq` (being built).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::App;
use crate::cli::DlqCommand;

pub async fn run(_app: &App, _args: DlqCommand) -> Result<ExitCode> {
    bail!("evbus dlq is not available in this build yet")
}
