//! `evbus lag` (being built).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::App;
use crate::cli::LagArgs;

pub async fn run(_app: &App, _args: LagArgs) -> Result<ExitCode> {
    bail!("evbus lag is not available in this build yet")
}
