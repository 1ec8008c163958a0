//! `evbus dev up`: start a broker (or find the one running), wait until it answers.

use std::fs;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::app::App;
use crate::cli::{DevArgs, DevUpArgs};
use crate::exit::{Exit, Outcome};

use super::cluster::{Cluster, holds_single_broker};
use super::down::stop_pid;
use super::find::{Broker, choose};
use super::kafka::start_kafka;
use super::nisshi::start_nisshi;
use super::nodes;
use super::probe::{answers, port_is_free};
use super::report::{Report, print_report};
use super::state::write_file;
use super::state::{Kind, Recorded, State, address, dir_flag};

pub(super) async fn up(app: &App, a: DevUpArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let DevUpArgs { dev: DevArgs { port, dir }, broker: choice, install } = a;
    let brokers = cluster_size(app)?;
    if port == 0 {
        bail!(Exit::usage("--port 0: give the port the broker should listen on (clients need to know it)"));
    }
    match (Cluster::recorded(&dir), brokers) {
        (Some(c), Some(n)) if n != c.n => bail!(Exit::usage(format!(
            "{} holds a dev cluster of {} nodes, not {n}: `evbus dev up --brokers {}{}` starts it, or use another --dir",
            dir.display(),
            c.n,
            c.n,
            dir_flag(&dir)
        ))),
        (Some(c), _) => return nodes::up(app, c, port, choice, install).await,
        (None, Some(n)) if n > 1 => {
            if holds_single_broker(&dir) {
                bail!(Exit::usage(format!(
                    "{} holds a single dev broker (stop it with `evbus dev down{}`); a cluster needs a directory of                      its own: --dir DIR",
                    dir.display(),
                    dir_flag(&dir)
                )));
            }
            return nodes::up(app, Cluster { dir, n }, port, choice, install).await;
        }
        (None, _) => {}
    }
    let state = State { dir: dir.clone() };
    let addr = address(port);

    match state.recorded() {
        Recorded::Running(pid) => {
            let running_at = state.address(port);
            let kind = state.kind();
            if running_at != addr {
                bail!(
                    "a dev broker ({}) from {} already runs at {running_at} (pid {pid}); stop it first with `evbus dev down{}`",
                    kind.describe(),
                    dir.display(),
                    dir_flag(&dir)
                );
            }
            let ok = answers(&running_at, app.settings.timeout).await;
            let report = Report {
                started: Some(false),
                ..state.report(if ok { "running" } else { "unresponsive" }, &running_at, Some(pid)).of(&kind)
            };
            print_report(
                app,
                mode,
                &report,
                &format!("dev broker ({}) already running at {running_at} (pid {pid})", kind.describe()),
            )?;
            return Ok(if ok { Outcome::Ok } else { Outcome::Unhealthy });
        }
        Recorded::Stale(pid) => {
            app.ui.debug(format!("removing stale pid file (pid {pid} is not running)"));
            state.forget();
        }
        Recorded::Nothing => {}
    }

    if !port_is_free(port) {
        let other = suggest_port(port, port_is_free);
        bail!(
            "port {port} on 127.0.0.1 is already in use (another Kafka or dev broker?). Stop whatever listens \
             there, or start on another port: evbus dev up --port {other} (then use -b 127.0.0.1:{other} or \
             EVBUS_BROKERS)"
        );
    }

    let broker = choose(app, choice, install)?;
    if matches!(broker, Broker::Kafka(_)) && dir.join("broker.db").exists() && !dir.join("kafka-data").exists() {
        // A state dir from before `dev` ran Kafka: its topics seem to vanish otherwise.
        app.ui.warn(format!(
            "{} holds nisshi's data (broker.db), which Apache Kafka does not read; `evbus dev up --broker nisshi` \
             runs that again",
            dir.display()
        ));
    }
    fs::create_dir_all(&dir).with_context(|| format!("cannot create the state directory {}", dir.display()))?;
    // The broker runs in the state directory: paths it is given must not be relative to ours.
    let abs_dir = fs::canonicalize(&dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
    let log =
        fs::File::create(state.log_file()).with_context(|| format!("cannot create {}", state.log_file().display()))?;
    let (kind, mut child, data) = match broker {
        Broker::Kafka(k) => {
            let child = start_kafka(app, &state, &abs_dir, &k, port, log)?;
            (Kind::Kafka(k.version), child, dir.join("kafka-data"))
        }
        Broker::Nisshi(bin) => (Kind::Nisshi, start_nisshi(app, &abs_dir, &bin, &addr, log)?, dir.join("broker.db")),
    };
    let pid = child.id() as i32;
    write_file(&state.kind_file(), &kind.file_text())?;
    write_file(&state.pid_file(), &format!("{pid}\n"))?;
    write_file(&state.addr_file(), &format!("{addr}\n"))?;

    let limit = app.settings.timeout.max(kind.min_startup());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            state.forget();
            bail!(
                "the dev broker ({}) exited during startup ({status}). Last lines of {}:\n{}",
                kind.describe(),
                state.log_file().display(),
                state.log_tail(20)
            );
        }
        if answers(&addr, Duration::from_secs(1)).await {
            break;
        }
        if started.elapsed() > limit {
            let _ = stop_pid(pid, kind.term_grace());
            let _ = child.wait();
            state.forget();
            bail!(
                "the dev broker ({}) did not answer at {addr} within {}; it was stopped. Last lines of {}:\n{}",
                kind.describe(),
                humantime::format_duration(limit),
                state.log_file().display(),
                state.log_tail(20)
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let report = Report { started: Some(true), ..state.report("running", &addr, Some(pid)).of(&kind) };
    print_report(app, mode, &report, &format!("dev broker ({}) running at {addr} (pid {pid})", kind.describe()))?;
    app.ui.info(format!(
        "evbus: data in {}, log in {}; stop it with `evbus dev down{}`",
        data.display(),
        state.log_file().display(),
        dir_flag(&dir)
    ));
    if addr != crate::config::DEFAULT_BROKERS {
        app.ui.info(format!("evbus: point evbus at it with `export EVBUS_BROKERS={addr}` (or -b {addr})"));
    }
    Ok(Outcome::Ok)
}

/// `dev up --brokers N`: the global bootstrap flag given a number is the cluster's size (`up`
/// connects to nothing, and the size of a local cluster is what rpk's `-n` asks for too). Only the
/// flag counts, never EVBUS_BROKERS or a context.
fn cluster_size(app: &App) -> Result<Option<u16>> {
    if app.effective.brokers_source != "--brokers" {
        return Ok(None);
    }
    let text = app.effective.brokers.trim();
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    match text.parse::<u16>() {
        Ok(n @ 1..=9) => Ok(Some(n)),
        _ => bail!(Exit::usage(format!("--brokers {text}: a dev cluster has 1 to 9 nodes"))),
    }
}

/// A port to suggest instead of a taken one that is free right now (probed by binding it, as the
/// broker will): the next ones after 19092 for Kafka's default, else after `port`; failing
/// those, one the system picks. A suggestion that is itself taken just fails the next `up` too.
fn suggest_port(port: u16, is_free: impl Fn(u16) -> bool) -> u16 {
    let first = if port == 9092 { 19092 } else { port.checked_add(1).unwrap_or(19092) };
    (first..=first.saturating_add(100))
        .find(|p| *p != port && is_free(*p))
        .or_else(|| TcpListener::bind(("127.0.0.1", 0)).ok()?.local_addr().ok().map(|a| a.port()))
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggested_port_is_one_that_is_free() {
        // 19092 and 19093 taken: the next free one, not blindly the one after.
        assert_eq!(suggest_port(9092, |p| p > 19093), 19094);
        assert_eq!(suggest_port(5000, |p| p != 5001), 5002);
        assert_eq!(suggest_port(u16::MAX, |_| true), 19092);
    }
}
