//! A round of health checks as data: each check's verdict, the worst of them, whether the round
//! passes (with `--strict` or not), and the small helpers every check words its detail with.
//! Shared by `evbus health` (a table or JSON, an exit code) and `evbus serve` (`/health`).

use std::future::Future;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::term::sanitize::for_terminal;

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
    /// The lower-case name the table and JSON show.
    pub fn as_str(self) -> &'static str {
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
    /// The KRaft quorum and finalized feature levels as the raw protocol path reads them
    /// (`kafka::wire::quorum::Kraft`, serialized: this layer knows nothing of the broker); absent
    /// when they could not be asked (see the `quorum` check's detail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kraft: Option<serde_json::Value>,
}

impl Report {
    /// A report of these checks, its status the worst of theirs.
    pub fn new(checks: Vec<Check>) -> Report {
        let status = checks.iter().map(|c| c.status).max().unwrap_or(Status::Ok);
        Report { status, checks, kraft: None }
    }

    /// Healthy enough to exit 0: no failure, and with `--strict` no warning either (except
    /// for groups not seen yet, see [`Check::not_yet`]).
    pub fn passes(&self, strict: bool) -> bool {
        match self.status {
            Status::Ok => true,
            Status::Warn => !strict || self.checks.iter().all(|c| c.status != Status::Warn || c.not_yet),
            Status::Fail => false,
        }
    }
}

/// A duration in whole milliseconds, as the checks report their time.
pub fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Run one check under its own deadline and time it.
pub async fn timed<F>(name: impl Into<String>, limit: Duration, f: F) -> Check
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

/// `1 topic`, `3 topics`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// At most `max` names, then "and N more".
pub fn some_of(names: &[String], max: usize) -> String {
    let shown: Vec<String> = names.iter().take(max).map(|n| for_terminal(n).into_owned()).collect();
    if names.len() > max { format!("{} and {} more", shown.join(", "), names.len() - max) } else { shown.join(", ") }
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
