//! What `up`, `down` and `status` print: one report, as a sentence or as JSON.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use crate::app::App;
use crate::term::ui::Mode;

use super::state::{Kind, State};

#[derive(Serialize)]
pub(super) struct Report {
    pub(super) status: &'static str,
    pub(super) address: String,
    pub(super) pid: Option<i32>,
    /// `kafka` or `nisshi`, when one runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) broker: Option<&'static str>,
    /// Kafka's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) version: Option<String>,
    pub(super) dir: PathBuf,
    pub(super) log: PathBuf,
    /// `up`: whether this call started it (false: it was already running).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) started: Option<bool>,
    /// `status`/`down`: anything worth knowing (stale pid file, port taken by someone else).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) note: Option<String>,
}

impl State {
    /// The report skeleton every subcommand prints for this state dir.
    pub(super) fn report(&self, status: &'static str, address: &str, pid: Option<i32>) -> Report {
        Report {
            status,
            address: address.to_string(),
            pid,
            broker: None,
            version: None,
            dir: self.dir.clone(),
            log: self.log_file(),
            started: None,
            note: None,
        }
    }
}

impl Report {
    pub(super) fn of(mut self, kind: &Kind) -> Report {
        self.broker = Some(kind.name());
        self.version = kind.version();
        self
    }
}

pub(super) fn print_report(app: &App, mode: Mode, report: &Report, text: &str) -> Result<()> {
    match mode {
        Mode::Json => app.ui.json(report),
        Mode::Table => app.ui.out(text),
    }
}
