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

use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use rdkafka::Message as _;
use serde::Serialize;

use super::lag::{self, NO_OFFSETS, Selection};
use crate::app::App;
use crate::cli::HealthArgs;
use crate::exit;
use crate::kafka::ClusterMeta;
use crate::kafka::admin::Admin;
use crate::term::sanitize::for_terminal;
use crate::term::ui::{Mode, mark};
use crate::topics::manifest::Manifest;
use crate::topics::plan::{self, Change};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
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

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub detail: String,
    pub elapsed_ms: u64,
    /// A warning that `--strict` does not turn into a failure: a manifest group never seen on
    /// the cluster (no members, no committed offsets), i.e. a service not deployed yet.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_yet: bool,
}

/// The result of one round of checks.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub status: Status,
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

pub async fn run(app: &App, args: HealthArgs) -> Result<ExitCode> {
    // evbus's own failures (bad manifest, bad output flag, bad client config) come first and exit 1
    // or 2, before any broker is involved: they are not "unhealthy".
    let manifest = app.manifest_opt(&args.manifest)?;
    let mode = app.ui.mode()?;
    lag::time_options(None, &args.retention_warn)?;
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
    Ok(exit::code(if report.passes(args.strict) { exit::OK } else { exit::UNHEALTHY }))
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
                let warn =
                    lag::time_options(None, &args.retention_warn).map(|o| o.1).unwrap_or(lag::DEFAULT_RETENTION_WARN);
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

/// Offline partitions (no leader) fail; under-replicated ones (ISR smaller than replicas) warn.
fn partitions_check(md: &ClusterMeta) -> (Status, String) {
    let mut total = 0usize;
    let mut offline = Vec::new();
    let mut under = Vec::new();
    for t in md.topics.iter().filter(|t| t.error.is_none()) {
        for p in &t.partitions {
            total += 1;
            let id = format!("{}[{}]", t.name, p.id);
            if p.leader < 0 || p.error.as_deref().is_some_and(|e| e.contains("LeaderNotAvailable")) {
                offline.push(id);
            } else if p.isr.len() < p.replicas.len() {
                under.push(id);
            }
        }
    }
    let topics = md.topics.iter().filter(|t| t.error.is_none()).count();
    if !offline.is_empty() {
        let mut d = format!(
            "{} offline (no leader): {}",
            plural(offline.len(), "partition", "partitions"),
            some_of(&offline, 5)
        );
        if !under.is_empty() {
            d.push_str(&format!("; {} under-replicated", under.len()));
        }
        return (Status::Fail, d);
    }
    if !under.is_empty() {
        return (
            Status::Warn,
            format!(
                "{} under-replicated (ISR < replicas): {}",
                plural(under.len(), "partition", "partitions"),
                some_of(&under, 5)
            ),
        );
    }
    (
        Status::Ok,
        format!(
            "{} in {}, all with a leader and fully in sync",
            plural(total, "partition", "partitions"),
            plural(topics, "topic", "topics")
        ),
    )
}

/// Every manifest topic exists (else fail) and matches the manifest (else warn: drift).
async fn manifest_topics(admin: &Arc<Admin>, manifest: &Manifest) -> (Status, String) {
    let cluster = match super::topics::read_cluster(admin, manifest).await {
        Ok(c) => c,
        Err(e) => return (Status::Fail, format!("{e:#}")),
    };
    let p = plan::plan(manifest, &cluster, false);
    let missing: Vec<String> =
        p.changes.iter().filter(|c| matches!(c, Change::Create { .. })).map(|c| c.topic().to_string()).collect();
    let mut drift: Vec<String> = p
        .changes
        .iter()
        .filter(|c| !matches!(c, Change::Create { .. }))
        .map(|c| format!("{} ({})", c.topic(), c.describe()))
        .collect();
    drift.extend(p.errors.iter().cloned());
    let declared = manifest.topics.len();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("{} of {declared} missing: {}", missing.len(), some_of(&missing, 5)));
    }
    if !drift.is_empty() {
        parts.push(format!("drift on {}: {}", drift.len(), some_of(&drift, 3)));
    }
    if parts.is_empty() {
        return (Status::Ok, format!("all {} match {}", plural(declared, "topic", "topics"), manifest.path.display()));
    }
    let status = if missing.is_empty() { Status::Warn } else { Status::Fail };
    (status, format!("{} (run `evbus topics plan`)", parts.join("; ")))
}

/// One check per manifest group, from one lag snapshot of all of them.
async fn group_checks(
    app: &App,
    admin: &Arc<Admin>,
    manifest: &Manifest,
    strict: bool,
    retention_warn: f64,
    limit: Duration,
) -> Vec<Check> {
    let start = Instant::now();
    let sel = Selection {
        named: manifest.groups.iter().map(|g| g.name.clone()).collect(),
        retention_warn,
        ..Selection::default()
    };
    let snap = match tokio::time::timeout(limit, lag::snapshot(app, admin, Some(manifest), &sel)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            return vec![Check {
                name: "consumer groups".into(),
                status: Status::Fail,
                detail: format!("{e:#}"),
                elapsed_ms: ms(start.elapsed()),
                not_yet: false,
            }];
        }
        Err(_) => {
            return vec![Check {
                name: "consumer groups".into(),
                status: Status::Fail,
                detail: format!("no answer within {}", humantime::format_duration(limit)),
                elapsed_ms: ms(start.elapsed()),
                not_yet: false,
            }];
        }
    };
    let elapsed_ms = ms(start.elapsed());
    let mut out = Vec::new();
    // Manifest order: the order the reader wrote them in.
    for spec in &manifest.groups {
        let Some(g) = snap.iter().find(|g| g.name == spec.name) else { continue };
        let lag_text = |l: Option<i64>| l.map_or_else(|| "-".to_string(), |l| l.to_string());
        let (status, detail) = if let Some(e) = &g.error {
            (Status::Fail, format!("cannot read committed offsets: {e}"))
        } else if g.state == NO_OFFSETS {
            (
                Status::Warn,
                "not seen yet: no members and no committed offsets (not deployed yet?); a warning even with --strict"
                    .to_string(),
            )
        } else {
            let mut d = format!("lag {}", lag_text(g.total_lag()));
            if let Some(m) = g.threshold {
                d.push_str(&format!(" (max_lag {m})"));
            }
            if let Some(t) = g.max_time_lag_ms().filter(|t| *t > 0) {
                d.push_str(&format!(", time lag {}", crate::lag::timelag::human_ms(t)));
            }
            d.push_str(&format!(", {}, {}", plural(g.members, "member", "members"), g.state));
            match g.kind.as_str() {
                "consumer" => d.push_str(", consumer protocol (KIP-848)"),
                "classic" => d.push_str(", classic protocol"),
                _ => {}
            }
            let uncommitted = g.partitions.iter().filter(|p| p.committed.is_none()).count();
            if uncommitted > 0 {
                d.push_str(&format!(", {} without a commit", plural(uncommitted, "partition", "partitions")));
            }
            let lost = g.loss_notes();
            let risks = g.risk_notes();
            if !lost.is_empty() {
                (Status::Fail, format!("{}; {d}", lost.join("; ")))
            } else if g.over() {
                (if strict { Status::Fail } else { Status::Warn }, format!("over max_lag: {d}"))
            } else if !risks.is_empty() {
                (Status::Warn, format!("retention risk: {}; {d}", risks.join("; ")))
            } else {
                (Status::Ok, d)
            }
        };
        let not_yet = g.state == NO_OFFSETS && g.error.is_none();
        out.push(Check { name: format!("group {}", g.name), status, detail, elapsed_ms, not_yet });
    }
    out
}

/// Each `dlq: true` topic that exists: records not yet replayed (after the saved position of
/// `dlq replay`'s default group, else all) = warn with their count. A missing one is the manifest
/// topics check's business.
async fn dlq_checks(app: &App, manifest: &Manifest, md: &ClusterMeta, limit: Duration) -> Vec<Check> {
    let mut out = Vec::new();
    for spec in manifest.dlq_topics() {
        let Some(t) = md.topics.iter().find(|t| t.name == spec.name && t.error.is_none()) else { continue };
        let parts: Vec<(String, i32)> = t.partitions.iter().map(|p| (t.name.clone(), p.id)).collect();
        let name = t.name.clone();
        out.push(
            timed(format!("dlq {name}"), limit, async move {
                // Records `dlq replay` already republished are not waiting: they stay in the DLQ
                // (Kafka deletes only by retention), behind its default group's saved position.
                // A position that cannot be read counts nothing as replayed.
                let replayed: std::collections::BTreeMap<i32, i64> = match app.settings.admin() {
                    Ok(admin) => {
                        let req = vec![("evbus-dlq-replay".to_string(), Some(parts.clone()))];
                        crate::kafka::groups::committed_many(&Arc::new(admin), req)
                            .await
                            .ok()
                            .and_then(|mut g| g.pop())
                            .and_then(|(_, r)| r.ok())
                            .into_iter()
                            .flatten()
                            .filter_map(|c| Some((c.partition, c.offset?)))
                            .collect()
                    }
                    Err(_) => Default::default(),
                };
                match super::topics::watermarks(app, parts).await {
                    Err(e) => (Status::Fail, format!("{e:#}")),
                    Ok(w) => {
                        let n: i64 = w
                            .iter()
                            .map(|((_, p), (lo, hi))| (hi - replayed.get(p).copied().unwrap_or(*lo).max(*lo)).max(0))
                            .sum();
                        if n == 0 && replayed.is_empty() {
                            (Status::Ok, "empty".to_string())
                        } else if n == 0 {
                            (Status::Ok, "nothing waiting: every record was replayed".to_string())
                        } else {
                            (
                                Status::Warn,
                                format!(
                                    "{} waiting (run `evbus dlq inspect {}`)",
                                    plural(n as usize, "record", "records"),
                                    for_terminal(&name)
                                ),
                            )
                        }
                    }
                }
            })
            .await,
        );
    }
    out
}

/// Produce a probe with a unique id to the health topic (created when missing) and read it back by
/// assigning its partition at the produced offset: proves the write and read paths end to end.
async fn roundtrip(app: &App, admin: &Arc<Admin>, topic: &str, md: &ClusterMeta) -> (Status, String) {
    match roundtrip_inner(app, admin, topic, md).await {
        Ok(d) => (Status::Ok, d),
        Err(e) => (Status::Fail, format!("{e:#}")),
    }
}

async fn roundtrip_inner(app: &App, admin: &Arc<Admin>, topic: &str, md: &ClusterMeta) -> Result<String> {
    let mut created = false;
    if !md.topics.iter().any(|t| t.name == topic && t.error.is_none() && !t.partitions.is_empty()) {
        // One partition, short retention: probes are tiny and worthless after a minute.
        let rf = md.brokers.len().clamp(1, 3) as i16;
        let cfg = [("retention.ms".to_string(), "3600000".to_string())].into_iter().collect();
        let res = admin.create_topics(&[(topic.to_string(), 1, rf, cfg)]).await?;
        for (_, r) in res {
            if let Err(e) = r
                && !e.contains("already exists")
                && !e.contains("TopicAlreadyExists")
            {
                anyhow::bail!("cannot create health topic {}: {e}", for_terminal(topic));
            }
        }
        created = true;
    }
    let probe = uuid::Uuid::new_v4().to_string();
    let payload = serde_json::json!({"probe": probe, "by": "evbus health"}).to_string();
    // No idempotence: one probe needs no producer id, and asking for one costs a round trip.
    let (producer, pctx) = app.settings.producer(&[("linger.ms", "0"), ("enable.idempotence", "false")])?;
    let start = Instant::now();
    let record = rdkafka::producer::FutureRecord::to(topic).key("evbus-health").payload(&payload).partition(0);
    let delivery = app
        .settings
        .bounded("probe delivery", &pctx, async {
            producer.send(record, app.settings.timeout).await.map_err(|(e, _)| e)
        })
        .await?;
    let produced = start.elapsed();

    let (consumer, cctx) = app.settings.consumer(None, &[])?;
    let timeout = app.settings.timeout;
    let (topic_owned, partition, offset) = (topic.to_string(), delivery.partition, delivery.offset);
    let want = probe.clone();
    let found = app
        .settings
        .blocking("probe read-back", &cctx, move || {
            use rdkafka::consumer::Consumer;
            let mut tpl = rdkafka::TopicPartitionList::new();
            tpl.add_partition_offset(&topic_owned, partition, rdkafka::Offset::Offset(offset))?;
            consumer.assign(&tpl)?;
            let deadline = Instant::now() + timeout;
            while Instant::now() < deadline {
                match consumer.poll(Duration::from_millis(100)) {
                    Some(Ok(m)) => {
                        let ours = m.offset() == offset
                            && m.payload().is_some_and(|p| String::from_utf8_lossy(p).contains(&want));
                        if ours {
                            return Ok(true);
                        }
                    }
                    Some(Err(e)) => return Err(e),
                    None => {}
                }
            }
            Ok(false)
        })
        .await?;
    let total = start.elapsed();
    if !found {
        anyhow::bail!(
            "probe produced to {}[{partition}]@{offset} but not read back within {}",
            for_terminal(topic),
            humantime::format_duration(timeout)
        );
    }
    Ok(format!(
        "{}probe to {}[{partition}]@{offset}: produced in {} ms, read back in {} ms",
        if created { "created the topic; " } else { "" },
        for_terminal(topic),
        ms(produced),
        ms(total)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::{PartitionMeta, TopicMeta};

    fn md(parts: Vec<PartitionMeta>) -> ClusterMeta {
        ClusterMeta {
            brokers: vec![],
            topics: vec![TopicMeta { name: "t".into(), error: None, partitions: parts }],
            orig_broker_id: 1,
        }
    }

    fn p(id: i32, leader: i32, replicas: &[i32], isr: &[i32]) -> PartitionMeta {
        PartitionMeta { id, leader, replicas: replicas.to_vec(), isr: isr.to_vec(), error: None }
    }

    #[test]
    fn offline_partitions_fail_and_under_replicated_warn() {
        let (s, d) = partitions_check(&md(vec![p(0, 1, &[1, 2], &[1, 2]), p(1, -1, &[1, 2], &[])]));
        assert_eq!(s, Status::Fail);
        assert!(d.contains("t[1]"), "{d}");
        let (s, d) = partitions_check(&md(vec![p(0, 1, &[1, 2], &[1])]));
        assert_eq!(s, Status::Warn);
        assert!(d.contains("1 partition under-replicated"), "{d}");
        let (s, _) = partitions_check(&md(vec![p(0, 1, &[1], &[1])]));
        assert_eq!(s, Status::Ok);
    }

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
