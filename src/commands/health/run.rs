//! `evbus health` itself: runs the checks (again, with `--wait`), prints the report, picks the
//! outcome.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::checks::{dlq_checks, group_checks, manifest_topics, partitions_check, roundtrip};
use super::report::{Report, Status, plural, timed};
use crate::app::App;
use crate::cli::HealthArgs;
use crate::exit::Outcome;
use crate::kafka::ClusterMeta;
use crate::kafka::admin::Admin;
use crate::lag::report::{DEFAULT_RETENTION_WARN, time_options};
use crate::term::sanitize::for_terminal;
use crate::term::ui::{Mode, mark};
use crate::topics::manifest::Manifest;

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
        // Each attempt gets what is left of --wait (never more than --timeout), so the whole
        // run ends within --wait plus the time a check needs to give up.
        let limit = match args.wait {
            Some(wait) => {
                app.settings.timeout.min(wait.saturating_sub(start.elapsed())).max(Duration::from_millis(200))
            }
            None => app.settings.timeout,
        };
        let report = checks(app, &args, &admin, manifest.as_ref(), limit).await?;
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

/// One round of every check, each within `limit` (plus a margin for the Kafka client's own timeout to
/// report first, with its better message).
async fn checks(
    app: &App,
    args: &HealthArgs,
    admin: &Arc<Admin>,
    manifest: Option<&Manifest>,
    limit: Duration,
) -> Result<Report> {
    let call_limit = limit;
    let limit = limit + Duration::from_millis(500);
    let mut md: Option<ClusterMeta> = None;
    let brokers = timed("brokers", limit, async {
        // A refused connection fails at once: a health probe must not wait out the limit.
        match admin.metadata_or_down(call_limit).await {
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
