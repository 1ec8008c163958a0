//! `evbus dev down`: stop the recorded broker, SIGTERM then SIGKILL.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};

use crate::app::App;
use crate::cli::DevArgs;
use crate::exit::Outcome;

use super::report::print_report;
use super::state::{Kind, Recorded, State, is_our_broker};

/// Send a signal to the broker's process group (it leads one; a wrapper script's children go
/// too), falling back to the process alone.
pub(super) fn signal(pid: i32, sig: rustix::process::Signal) -> bool {
    let Some(p) = rustix::process::Pid::from_raw(pid) else { return false };
    rustix::process::kill_process_group(p, sig).is_ok() || rustix::process::kill_process(p, sig).is_ok()
}

/// SIGTERM, then SIGKILL when it is still there after `grace`. Returns whether SIGKILL was
/// needed, or an error when the process survived both.
pub(super) fn stop_pid(pid: i32, grace: Duration) -> Result<bool> {
    use rustix::process::Signal;
    let gone_within = |limit: Duration| {
        let start = Instant::now();
        while start.elapsed() < limit {
            if !is_our_broker(pid) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        !is_our_broker(pid)
    };
    signal(pid, Signal::TERM);
    if gone_within(grace) {
        return Ok(false);
    }
    signal(pid, Signal::KILL);
    if gone_within(Duration::from_secs(3)) {
        return Ok(true);
    }
    Err(anyhow!("the dev broker (pid {pid}) is still running after SIGTERM and SIGKILL"))
}

/// SIGKILL at once (a crash, for a failure drill), and wait until the process is gone.
pub(super) fn kill_pid(pid: i32) -> Result<()> {
    signal(pid, rustix::process::Signal::KILL);
    let start = Instant::now();
    while is_our_broker(pid) {
        if start.elapsed() > Duration::from_secs(5) {
            return Err(anyhow!("the dev broker (pid {pid}) is still running 5s after SIGKILL"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

pub(super) fn down(app: &App, a: DevArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let state = State { dir: a.dir.clone() };
    let address = state.address(a.port);
    let mut report = state.report("stopped", &address, None);
    let text = match state.recorded() {
        Recorded::Nothing => {
            report.note = Some("not running".into());
            format!("no dev broker running from {} (no pid file)", a.dir.display())
        }
        Recorded::Stale(pid) => {
            state.forget();
            report.note = Some(format!("stale pid file removed (pid {pid} was not running)"));
            format!("dev broker was not running (removed the stale pid file for pid {pid})")
        }
        Recorded::Running(pid) => {
            let kind = state.kind();
            report = report.of(&kind);
            report.pid = Some(pid);
            let grace = kind.term_grace();
            if matches!(kind, Kind::Kafka(_)) {
                app.ui.info(format!("evbus: stopping {} (a clean shutdown takes a few seconds)", kind.describe()));
            }
            let killed = stop_pid(pid, grace)?;
            state.forget();
            if killed {
                report.note = Some(format!("did not stop within {}s of SIGTERM; killed", grace.as_secs()));
            }
            format!(
                "stopped the dev broker ({}) at {address} (pid {pid}{}); data kept in {}",
                kind.describe(),
                if killed { ", killed after SIGTERM was ignored" } else { "" },
                a.dir.display()
            )
        }
    };
    print_report(app, mode, &report, &text)?;
    Ok(Outcome::Ok)
}
