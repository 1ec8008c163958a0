//! `evbus dev status`: is the recorded broker running, and does it answer?

use anyhow::Result;

use crate::app::App;
use crate::cli::DevArgs;
use crate::exit::Outcome;

use super::probe::{answers, port_is_free};
use super::report::print_report;
use super::state::{Recorded, State};

pub(super) async fn status(app: &App, a: DevArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let state = State { dir: a.dir.clone() };
    let address = state.address(a.port);
    let mut report = state.report("stopped", &address, None);
    let (text, outcome) = match state.recorded() {
        Recorded::Running(pid) => {
            let kind = state.kind();
            report = report.of(&kind);
            report.pid = Some(pid);
            if answers(&address, app.settings.timeout).await {
                report.status = "running";
                (format!("running at {address} ({}, pid {pid})", kind.describe()), Outcome::Ok)
            } else {
                report.status = "unresponsive";
                report.note = Some(format!("see {}", state.log_file().display()));
                (
                    format!(
                        "{} (pid {pid}) runs but {address} does not answer within {} (starting, or stuck: see {})",
                        kind.describe(),
                        humantime::format_duration(app.settings.timeout),
                        state.log_file().display()
                    ),
                    Outcome::Unhealthy,
                )
            }
        }
        other => {
            let mut text = "stopped".to_string();
            if let Recorded::Stale(pid) = other {
                report.note = Some(format!("stale pid file (pid {pid} is not running)"));
                text.push_str(&format!(" (stale pid file: pid {pid} is not running)"));
            }
            let port = address.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(a.port);
            if !port_is_free(port) {
                let note = format!("port {port} is in use by another process");
                text.push_str(&format!("; {note}"));
                report.note = Some(note);
            }
            (text, Outcome::Failed)
        }
    };
    print_report(app, mode, &report, &text)?;
    Ok(outcome)
}
