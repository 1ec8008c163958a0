//! `evbus health`: is the event platform OK? A list of checks with ✓/!/✗ for humans, and an exit
//! code and JSON for CI and compose/Kubernetes healthchecks.
//!
//! Checks: brokers (count, controller, metadata round trip), partitions (offline = fail,
//! under-replicated = warn), the manifest's topics (missing = fail, drift = warn), the manifest's
//! consumer groups (over `max_lag` = warn, fail with `--strict`; no offsets = warn; records
//! deleted by retention before the group read them = fail; unconsumed records close to the
//! topic's `retention.ms` = warn), dead-letter topics (non-empty = warn) and, with `--roundtrip`,
//! a probe record produced and read back.
//!
//! Every check has its own deadline (`--timeout`), so a dead broker is reported as a failed check
//! (exit 4) in bounded time rather than as a hang or an evbus error (exit 1). When the brokers
//! cannot be reached the checks that need them are skipped: each would only time out again.

mod checks;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use crate::app::App;
use crate::cli::HealthArgs;
use crate::exit::Outcome;
use crate::kafka::ClusterMeta;
use crate::kafka::admin::Admin;
use crate::lag::report::{DEFAULT_RETENTION_WARN, time_options};
use crate::term::sanitize::for_terminal;
use crate::term::ui::{Mode, mark};
use crate::topics::manifest::Manifest;
use checks::{dlq_checks, group_checks, manifest_topics, partitions_check, roundtrip};

/// The verdict of one check, ordered so that the worst one is the largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The check passed.
    Ok,
    /// Degraded but working; fails the run only with `--strict`.
    Warn,
    /// The check failed: the run exits with `UNHEALTHY`.
    Fail,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One health check and its outcome, a row of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked, as the table and JSON show it.
    pub name: String,
    /// The check's verdict.
    pub status: Status,
    /// One line for a human: what was found, or why it failed.
    pub detail: String,
    /// How long the check took, in milliseconds.
    pub elapsed_ms: u64,
    /// A warning that `--strict` does not turn into a failure: a manifest group never seen on
    /// the cluster (no members, no committed offsets), i.e. a service not deployed yet.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_yet: bool,
}

/// The result of one round of checks.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The worst status of all checks (`Ok` when there are none).
    pub status: Status,
    /// Every check, in the order they were run.
    pub checks: Vec<Check>,
}

impl Report {
    fn new(checks: Vec<Check>) -> Report {
        let status = checks.iter().map(|c| c.status).max().unwrap_or(Status::Ok);
        Report { status, checks }
    }

    /// Healthy enough to exit 0: no failure, and with `--strict` no warning either (except
    /// for groups not seen yet, see [`Check::not_yet`]).
    fn passes(&self, strict: bool) -> bool {
        match self.status {
            Status::Ok => true,
            Status::Warn => !strict || self.checks.iter().all(|c| c.status != Status::Warn || c.not_yet),
            Status::Fail => false,
        }
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Run one check under its own deadline and time it.
async fn timed<F>(name: impl Into<String>, limit: Duration, f: F) -> Check
where
    F: Future<Output = (Status, String)>,
{
    let start = Instant::now();
    let (status, detail) = match tokio::time::timeout(limit, f).await {
        Ok(r) => r,
        Err(_) => (Status::Fail, format!("no answer within {}", humantime::format_duration(limit))),
    };
    Check { name: name.into(), status, detail, elapsed_ms: ms(start.elapsed()), not_yet: false }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// At most `max` names, then "and N more".
fn some_of(names: &[String], max: usize) -> String {
    let shown: Vec<String> = names.iter().take(max).map(|n| for_terminal(n).into_owned()).collect();
    if names.len() > max { format!("{} and {} more", shown.join(", "), names.len() - max) } else { shown.join(", ") }
}

/// `evbus health`: checks the cluster and the manifest's topics and groups; exits with `UNHEALTHY` when a check fails.
pub async fn run(app: &App, args: HealthArgs) -> Result<Outcome> {
    // evbus's own failures (bad manifest, bad output flag, bad client config) come first and exit 1
    // or 2, before any broker is involved: they are not "unhealthy".
    let manifest = app.manifest_opt(&args.manifest)?;
    let mode = app.ui.mode()?;
    time_options(None, &args.retention_warn)?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);

    let start = Instant::now();
    let mut attempt = 0u32;
    let report = loop {
        attempt += 1;
        let report = checks(app, &args, &admin, manifest.as_ref()).await?;
        let Some(wait) = args.wait else { break report };
        if report.passes(args.strict) {
            if attempt > 1 {
                app.ui.info(format!(
                    "health: healthy after {} attempts ({:.1}s)",
                    attempt,
                    start.elapsed().as_secs_f64()
                ));
            }
            break report;
        }
        let left = wait.saturating_sub(start.elapsed());
        let why = report
            .checks
            .iter()
            .filter(|c| c.status > Status::Ok)
            .map(|c| format!("{}: {}", c.name, c.detail))
            .next()
            .unwrap_or_default();
        if left.is_zero() {
            app.ui.info(format!(
                "health: attempt {attempt}: {}; giving up after {}",
                report.status.as_str(),
                humantime::format_duration(wait)
            ));
            break report;
        }
        app.ui.info(format!("health: attempt {attempt}: {} ({why}); retrying", report.status.as_str()));
        tokio::time::sleep(left.min(Duration::from_secs(1))).await;
    };

    print(app, mode, &report)?;
    Ok(if report.passes(args.strict) { Outcome::Ok } else { Outcome::Unhealthy })
}

fn print(app: &App, mode: Mode, report: &Report) -> Result<()> {
    if mode == Mode::Json {
        return app.ui.json(report);
    }
    let mut t = app.ui.table();
    t.set_header(vec!["", "check", "detail", "time"]);
    for c in &report.checks {
        let color = match c.status {
            Status::Ok => "32",
            Status::Warn => "33",
            Status::Fail => "31",
        };
        t.add_row(vec![
            app.ui.paint(mark(c.status.as_str()), color),
            for_terminal(&c.name).into_owned(),
            c.detail.clone(),
            format!("{} ms", c.elapsed_ms),
        ]);
    }
    let count = |s: Status| report.checks.iter().filter(|c| c.status == s).count();
    let verdict = match report.status {
        Status::Ok => "healthy".to_string(),
        Status::Warn => format!("healthy with {}", plural(count(Status::Warn), "warning", "warnings")),
        Status::Fail => format!("unhealthy: {} failed", plural(count(Status::Fail), "check", "checks")),
    };
    app.ui.out(&format!("{t}\n{verdict}"))
}

/// One round of every check.
async fn checks(app: &App, args: &HealthArgs, admin: &Arc<Admin>, manifest: Option<&Manifest>) -> Result<Report> {
    let limit = app.settings.timeout + Duration::from_secs(2);
    let mut md: Option<ClusterMeta> = None;
    let brokers = timed("brokers", limit, async {
        match admin.metadata(None).await {
            Err(e) => (Status::Fail, format!("unreachable: {e:#}")),
            Ok(m) => {
                // The first request paid for connecting; a second one measures the round trip.
                let t = Instant::now();
                let rtt = admin.metadata(None).await.ok().map(|_| t.elapsed());
                let controller = admin.controller_id().await;
                let mut detail = plural(m.brokers.len(), "broker", "brokers");
                let mut status = Status::Ok;
                match controller {
                    Some(id) => detail.push_str(&format!(", controller {id}")),
                    None => {
                        detail.push_str(", no controller reported");
                        status = Status::Warn;
                    }
                }
                if let Some(rtt) = rtt {
                    detail.push_str(&format!(", metadata round trip {:.1} ms", rtt.as_secs_f64() * 1000.0));
                }
                if m.brokers.is_empty() {
                    status = Status::Fail;
                }
                md = Some(m);
                (status, detail)
            }
        }
    })
    .await;
    let Some(md) = md else {
        let mut c = brokers;
        if !args.brokers_only {
            c.detail.push_str(" (other checks skipped)");
        }
        return Ok(Report::new(vec![c]));
    };
    if args.brokers_only {
        return Ok(Report::new(vec![brokers]));
    }

    let groups_future = async {
        match manifest.filter(|m| !m.groups.is_empty()) {
            None => Vec::new(),
            Some(m) => {
                let warn = time_options(None, &args.retention_warn).map(|o| o.1).unwrap_or(DEFAULT_RETENTION_WARN);
                group_checks(app, admin, m, args.strict, warn, limit).await
            }
        }
    };
    let topics_future = async {
        match manifest.filter(|m| !m.topics.is_empty()) {
            None => None,
            Some(m) => Some(timed("manifest topics", limit, manifest_topics(admin, m)).await),
        }
    };
    let dlq_future = async {
        match manifest {
            None => Vec::new(),
            Some(m) => dlq_checks(app, m, &md, limit).await,
        }
    };
    let roundtrip_future = async {
        if args.roundtrip {
            Some(timed("roundtrip", limit, roundtrip(app, admin, &args.health_topic, &md)).await)
        } else {
            None
        }
    };
    let partitions = timed("partitions", limit, async { partitions_check(&md) }).await;
    let (topics, groups, dlqs, rt) = tokio::join!(topics_future, groups_future, dlq_future, roundtrip_future);

    let mut all = vec![brokers, partitions];
    all.extend(topics);
    all.extend(groups);
    all.extend(dlqs);
    all.extend(rt);
    Ok(Report::new(all))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_turns_warnings_into_failure() {
        let c = |s| Check { name: "x".into(), status: s, detail: String::new(), elapsed_ms: 0, not_yet: false };
        let r = Report::new(vec![c(Status::Ok), c(Status::Warn)]);
        assert_eq!(r.status, Status::Warn);
        assert!(r.passes(false));
        assert!(!r.passes(true));
        assert!(!Report::new(vec![c(Status::Fail), c(Status::Ok)]).passes(false));
        assert!(Report::new(vec![]).passes(true));
    }

    #[test]
    fn long_lists_are_shortened() {
        let names: Vec<String> = (0..7).map(|i| format!("t{i}")).collect();
        assert_eq!(some_of(&names, 3), "t0, t1, t2 and 4 more");
        assert_eq!(some_of(&names[..2], 3), "t0, t1");
    }
}
