//! `evbus lag`: consumer-group lag per partition, in offsets and in time, totals, records lost
//! to retention, retention risk, and a status verdict.
//!
//! The snapshot is read by [`crate::kafka::lag`] and held in [`crate::lag::report`]. Without
//! `--watch` the status comes from thresholds only (`--max-lag`, `--max-time-lag`, the
//! manifest's `max_lag`); with `--watch` each partition is judged over a window of samples by
//! [`crate::lag::watch`] (Burrow's rules), and each group gets its consumption and production rates
//! and an estimated time to catch up ([`crate::lag::timelag`]).

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::app::App;
use crate::cli::LagArgs;
use crate::exit::{Exit, Outcome};
use crate::kafka::admin::Admin;
use crate::kafka::lag::{Snapshot, snapshot};
use crate::lag::cells::{age, num, rate};
use crate::lag::json::{LagJson, SampleJson, group_json};
use crate::lag::report::{GroupLag, Selection, check_errors, check_named, over_thresholds, time_options};
use crate::lag::text::{group_notes, partition_table, status_color, topics_cell};
use crate::lag::timelag;
use crate::lag::verdict::GroupStatus;
use crate::lag::watch::{Verdicts, Windows, judge};
use crate::term::interrupt;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;
use crate::topics::manifest::Manifest;

/// The snapshot's groups, after printing what it had to say on the way.
fn report(app: &App, snap: Snapshot) -> Vec<GroupLag> {
    app.ui.notes(&snap.debug, &snap.warnings);
    snap.groups
}

/// Records lost to retention and retention risks as warnings on stderr (JSON output carries them
/// in its fields; a terminal table prints them under the table).
fn warn_retention(app: &App, groups: &[GroupLag]) {
    for w in groups.iter().flat_map(GroupLag::retention_warnings) {
        app.ui.warn(w);
    }
}

fn paint_status(app: &App, s: &str) -> String {
    app.ui.paint(s, status_color(s))
}

/// `evbus lag`: consumer group lag per partition; exits with `LAG_OVER` when a threshold is exceeded.
pub async fn run(app: &App, args: LagArgs) -> Result<Outcome> {
    let manifest = app.manifest_opt(&args.manifest)?;
    let mode = app.ui.mode()?;
    if args.max_lag.is_some_and(|m| m < 0) {
        bail!(Exit::usage("--max-lag must be ≥ 0"));
    }
    if args.watch && (args.window == 0 || args.samples == Some(0)) {
        bail!(Exit::usage("--window and --samples must be at least 1"));
    }
    let (max_time_lag_ms, retention_warn) = time_options(args.max_time_lag, &args.retention_warn)?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let sel = Selection {
        named: args.groups.clone(),
        describe: true,
        max_lag: args.max_lag,
        max_time_lag_ms,
        time_lag: true,
        retention_warn,
    };
    let detail = args.detail || !args.groups.is_empty();
    if args.watch {
        return watch(app, &args, &admin, manifest.as_ref(), &sel, mode, detail).await;
    }
    let groups = report(app, snapshot(&app.settings, &admin, manifest.as_ref(), &sel).await?);
    check_named(&groups, &args.groups, manifest.as_ref())?;
    if mode == Mode::Json {
        app.ui.json(&LagJson { groups: groups.iter().map(|g| group_json(g, None)).collect() })?;
        warn_retention(app, &groups);
    } else {
        app.ui.out(&render_table(app, &groups, detail, None))?;
    }
    check_errors(&groups)?;
    Ok(verdict(&groups))
}

/// [`Outcome::LagOver`] naming every group over its threshold, else OK.
fn verdict(groups: &[GroupLag]) -> Outcome {
    over_thresholds(groups).map_or(Outcome::Ok, |over| Outcome::LagOver(format!("lag over threshold: {over}")))
}

/// `--watch`: sample, judge every partition over its window, print, sleep, until `--samples` or
/// Ctrl-C.
async fn watch(
    app: &App,
    args: &LagArgs,
    admin: &Arc<Admin>,
    manifest: Option<&Manifest>,
    sel: &Selection,
    mode: Mode,
    detail: bool,
) -> Result<Outcome> {
    let start = Instant::now();
    let mut windows = Windows::new();
    let mut last: Option<(Vec<GroupLag>, Verdicts)> = None;
    let mut taken = 0usize;
    let ctrl_c = interrupt::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut interrupted = false;

    loop {
        // Milliseconds on a monotonic clock: the verdicts measure durations between samples.
        let at_ms = i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX);
        let snap = tokio::select! {
            s = snapshot(&app.settings, admin, manifest, sel) => s,
            _ = &mut ctrl_c => { interrupted = true; break; }
        };
        taken += 1;
        match snap {
            Err(e) if last.is_none() => return Err(e),
            Err(e) => app.ui.warn(format!("sample {taken} failed: {e:#}")),
            Ok(snap) => {
                let groups = report(app, snap);
                let verdicts = judge(&mut windows, &groups, at_ms, args.window);
                print_sample(app, mode, taken, at_ms, &groups, &verdicts, detail)?;
                last = Some((groups, verdicts));
            }
        }
        if args.samples.is_some_and(|n| taken >= n) {
            break;
        }
        // The pause comes after the sample, so the time between two samples is at least the interval.
        tokio::select! {
            _ = tokio::time::sleep(args.interval) => {}
            _ = &mut ctrl_c => { interrupted = true; break; }
        }
    }

    let summary = match &last {
        Some((groups, verdicts)) => {
            let count = |s: GroupStatus| verdicts.values().filter(|gv| gv.status == s).count();
            format!(
                "{taken} sample(s) of {} group(s): {} OK, {} WARN, {} ERR",
                groups.len(),
                count(GroupStatus::Ok),
                count(GroupStatus::Warn),
                count(GroupStatus::Err)
            )
        }
        None => format!("{taken} sample(s), none complete"),
    };
    if interrupted {
        app.ui.info(format!("evbus: interrupted: {summary}"));
        return Ok(Outcome::Interrupted);
    }
    // Prefixed like tail's summary: stderr may interleave with other tools' in a pipeline.
    app.ui.info(format!("evbus: {summary}"));
    Ok(last.map_or(Outcome::Ok, |(groups, _)| verdict(&groups)))
}

fn print_sample(
    app: &App,
    mode: Mode,
    n: usize,
    at_ms: i64,
    groups: &[GroupLag],
    verdicts: &Verdicts,
    detail: bool,
) -> Result<()> {
    match mode {
        Mode::Json => {
            // One compact line per sample, terminal or not: a stream of documents.
            let line = serde_json::to_string(&SampleJson {
                sample: n,
                elapsed_ms: at_ms,
                time: crate::term::time::now_rfc3339(),
                groups: groups.iter().map(|g| group_json(g, Some(verdicts))).collect(),
            })?;
            app.ui.out(&line)
        }
        Mode::Table => {
            let when = chrono::Local::now().format("%H:%M:%S");
            let table = render_table(app, groups, detail, Some(verdicts));
            let gap = if n > 1 { "\n" } else { "" };
            app.ui.out(&format!("{gap}Sample {n} at {when}\n{table}"))
        }
    }
}

fn render_table(app: &App, groups: &[GroupLag], detail: bool, verdicts: Option<&Verdicts>) -> String {
    let mut t = app.ui.table();
    let mut header = vec!["group", "type", "state", "members", "topics", "total lag", "max lag", "time lag"];
    if verdicts.is_some() {
        header.extend(["consume", "produce", "catch-up"]);
    }
    header.push("status");
    t.set_header(header);
    for g in groups {
        let j = group_json(g, verdicts);
        let mut row = vec![
            for_terminal(&g.name).into_owned(),
            if g.kind.is_empty() { "-".to_string() } else { g.kind.clone() },
            for_terminal(&g.state).into_owned(),
            g.members.to_string(),
            topics_cell(g),
            num(g.total_lag()),
            num(g.max_lag()),
            age(g.max_time_lag_ms()),
        ];
        if let Some(v) = verdicts {
            match v.get(&g.name).and_then(|gv| gv.rates) {
                Some(r) => row.extend([
                    rate(r.consume_per_s),
                    rate(r.produce_per_s),
                    timelag::catch_up(g.total_lag().unwrap_or(0), r).text(),
                ]),
                None => row.extend(["-".to_string(), "-".to_string(), "-".to_string()]),
            }
        }
        row.push(paint_status(app, j.status));
        t.add_row(row);
    }
    let mut s = if groups.is_empty() { "No consumer groups.".to_string() } else { t.to_string() };
    if detail {
        for g in groups.iter().filter(|g| !g.partitions.is_empty()) {
            s.push_str(&format!(
                "\n\nGroup {}\n{}",
                for_terminal(&g.name),
                partition_table(app.ui.table(), g, verdicts, &|s| paint_status(app, s))
            ));
        }
    }
    s.push_str(&group_notes(groups));
    s
}
