//! `evbus tail` (being built).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::App;
use crate::cli::TailArgs;

pub async fn run(_app: &App, _args: TailArgs) -> Result<ExitCode> {
    bail!("evbus tail is not available in this build yet")
}
