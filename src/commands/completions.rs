//! `evbus completions` (being built).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::App;
use crate::cli::CompletionsArgs;

pub async fn run(_app: &App, _args: CompletionsArgs) -> Result<ExitCode> {
    bail!("evbus completions is not available in this build yet")
}
