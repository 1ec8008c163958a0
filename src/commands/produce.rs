//! `evbus produce` (being built).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::App;
use crate::cli::ProduceArgs;

pub async fn run(_app: &App, _args: ProduceArgs) -> Result<ExitCode> {
    bail!("evbus produce is not available in this build yet")
}
