//! `evbus health` (being built).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::App;
use crate::cli::HealthArgs;

pub async fn run(_app: &App, _args: HealthArgs) -> Result<ExitCode> {
    bail!("evbus health is not available in this build yet")
}
