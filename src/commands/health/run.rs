//! `evbus health` itself: runs the checks (again, with `--wait`), prints the report, picks the
//! outcome.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::app::App;
use crate::cli::HealthArgs;
use crate::exit::Outcome;
use crate::health::report::{Report, Status, plural};
use crate::kafka::health::{Options, round};
use crate::lag::report::time_options;
use crate::term::sanitize::for_terminal;
use crate::term::ui::{Mode, mark};

/// `evbus health`: checks the cluster and the manifest's topics and groups; exits with `UNHEALTHY` when a check fails.
pub async fn run(app: &App, args: HealthArgs) -> Result<Outcome> {
    // evbus's own failures (bad manifest, bad output flag, bad client config) come first and exit 1
    // or 2, before any broker is involved: they are not "unhealthy".
    let manifest = app.manifest_opt(&args.manifest)?;
    let mode = app.ui.mode()?;
    let (_, retention_warn) = time_options(None, &args.retention_warn)?;
    let opts = Options {
        strict: args.strict,
        roundtrip: args.roundtrip,
        health_topic: args.health_topic.clone(),
        brokers_only: args.brokers_only,
        retention_warn,
        expect_brokers: args.expect_brokers.map(|n| n as usize),
    };
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
        let r = round(&app.settings, &admin, manifest.as_ref(), &opts, limit).await;
        app.ui.notes(&r.notes.debug, &r.notes.warnings);
        let report = r.report;
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
