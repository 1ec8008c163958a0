//! `evbus dlq inspect`: what is in a dead-letter topic, where it came from and why it failed.
//!
//! Read-only: partitions are assigned (no group is joined, nothing is committed) and read from
//! the low to the high watermark captured at the start. Records of unknown origin are counted
//! and shown with the reason they could not be decoded, never dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Result, anyhow};
use serde_json::{Value, json};

use super::common::{cell, key_cell, key_json, manifest_dlq_topics, rfc3339};
use crate::app::App;
use crate::cli::DlqInspectArgs;
use crate::dlq::decode::{Convention, Decoded, decode};
use crate::exit::Outcome;
use crate::kafka::dlq_reader::{self, PartInfo, Read};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

/// How records are grouped: original topic × error, and for unknown origin, the reason.
/// Ordered so that known topics come first (by name), unknown origin last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    unknown: bool,
    original_topic: String,
    error: String,
    reason: Option<String>,
}

#[derive(Debug, Default)]
struct GroupStats {
    count: u64,
    conventions: BTreeSet<&'static str>,
    /// partition → (first, last) offset.
    offsets: BTreeMap<i32, (i64, i64)>,
    oldest: Option<i64>,
    newest: Option<i64>,
}

struct Listed {
    partition: i32,
    offset: i64,
    timestamp_ms: Option<i64>,
    key: Option<Vec<u8>>,
    decoded: Decoded,
}

struct Report {
    topic: String,
    partitions: Vec<PartInfo>,
    count: u64,
    oldest: Option<i64>,
    newest: Option<i64>,
    conventions: BTreeMap<&'static str, u64>,
    groups: BTreeMap<GroupKey, GroupStats>,
    listed: Vec<Listed>,
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) | (None, x) => x,
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) | (None, x) => x,
    }
}

pub(super) async fn run(app: &App, a: DlqInspectArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let topics = if a.topics.is_empty() { manifest_dlq_topics(app, &a.manifest)? } else { a.topics.clone() };
    app.settings.log_effective();
    let mut reports = Vec::new();
    for t in &topics {
        reports.push(inspect_topic(app, t, a.records.then_some(a.limit)).await?);
    }
    match mode {
        Mode::Json => {
            let topics: Vec<Value> = reports.iter().map(|r| report_json(r, a.records)).collect();
            app.ui.json(&json!({ "topics": topics }))?;
        }
        Mode::Table => {
            let mut s = String::new();
            for r in &reports {
                s.push_str(&report_table(app, r, a.records));
            }
            app.ui.out(s.trim_end())?;
        }
    }
    Ok(Outcome::Ok)
}

async fn inspect_topic(app: &App, topic: &str, list: Option<usize>) -> Result<Report> {
    let partitions = dlq_reader::partitions(&app.settings, topic).await?;
    let ranges: Vec<(i32, i64, i64)> = partitions.iter().map(|p| (p.partition, p.low, p.high)).collect();
    let total: i64 = partitions.iter().map(|p| p.high - p.low).sum();
    let pb = app.ui.progress(total.max(0) as u64, &format!("reading {}", for_terminal(topic)));
    let stop = Arc::new(AtomicBool::new(false));
    let mut rx = dlq_reader::spawn_reader(&app.settings, topic, &ranges, stop)?;
    let mut r = Report {
        topic: topic.to_owned(),
        partitions,
        count: 0,
        oldest: None,
        newest: None,
        conventions: BTreeMap::new(),
        groups: BTreeMap::new(),
        listed: Vec::new(),
    };
    while let Some(item) = rx.recv().await {
        let m = match item.map_err(|e| anyhow!(e))? {
            Read::Record(m) => m,
            Read::Gap { partition, from, to } => {
                // Counted records are what is there; the note says what went while reading.
                app.ui.warn(format!(
                    "{}/{partition}: offsets {from}..{} were removed by retention or DeleteRecords while being read ({} record(s) not inspected)",
                    for_terminal(topic),
                    to - 1,
                    to - from
                ));
                pb.inc((to - from).max(0) as u64);
                continue;
            }
        };
        pb.inc(1);
        let d = decode(&m.view(topic));
        r.count += 1;
        r.oldest = min_opt(r.oldest, m.timestamp_ms);
        r.newest = max_opt(r.newest, m.timestamp_ms);
        *r.conventions.entry(d.convention.as_str()).or_default() += 1;
        let key = GroupKey {
            unknown: d.convention == Convention::Unknown,
            original_topic: d.original_topic.clone().unwrap_or_default(),
            error: d.error_label(),
            reason: d.unknown_reason.clone(),
        };
        let g = r.groups.entry(key).or_default();
        g.count += 1;
        g.conventions.insert(d.convention.as_str());
        let range = g.offsets.entry(m.partition).or_insert((m.offset, m.offset));
        range.0 = range.0.min(m.offset);
        range.1 = range.1.max(m.offset);
        g.oldest = min_opt(g.oldest, m.timestamp_ms);
        g.newest = max_opt(g.newest, m.timestamp_ms);
        if list.is_some_and(|n| r.listed.len() < n) {
            let mut decoded = d;
            decoded.replay_value = None; // not shown; no need to keep the bytes
            r.listed.push(Listed {
                partition: m.partition,
                offset: m.offset,
                timestamp_ms: m.timestamp_ms,
                key: m.key,
                decoded,
            });
        }
    }
    pb.finish_and_clear();
    Ok(r)
}

fn offsets_json(offsets: &BTreeMap<i32, (i64, i64)>) -> Value {
    Value::Array(
        offsets.iter().map(|(p, (first, last))| json!({ "partition": p, "first": first, "last": last })).collect(),
    )
}

fn report_json(r: &Report, with_records: bool) -> Value {
    let groups: Vec<Value> = r
        .groups
        .iter()
        .map(|(k, g)| {
            json!({
                "original_topic": (!k.unknown).then_some(&k.original_topic),
                "error": k.error,
                "unknown_reason": k.reason,
                "conventions": g.conventions,
                "count": g.count,
                "offsets": offsets_json(&g.offsets),
                "oldest": rfc3339(g.oldest),
                "newest": rfc3339(g.newest),
            })
        })
        .collect();
    let mut out = json!({
        "topic": r.topic,
        "count": r.count,
        "oldest": rfc3339(r.oldest),
        "newest": rfc3339(r.newest),
        "partitions": r.partitions.iter().map(|p| json!({"partition": p.partition, "low": p.low, "high": p.high})).collect::<Vec<_>>(),
        "conventions": r.conventions,
        "groups": groups,
    });
    if with_records {
        out["records"] = Value::Array(r.listed.iter().map(record_json).collect());
        out["records_not_listed"] = json!(r.count - r.listed.len() as u64);
    }
    out
}

fn record_json(l: &Listed) -> Value {
    let d = &l.decoded;
    let mut o = serde_json::Map::new();
    o.insert("partition".into(), json!(l.partition));
    o.insert("offset".into(), json!(l.offset));
    o.insert("time".into(), json!(rfc3339(l.timestamp_ms)));
    key_json(l.key.as_deref(), &mut o);
    o.insert("convention".into(), json!(d.convention));
    o.insert("original_topic".into(), json!(d.original_topic));
    o.insert("original_partition".into(), json!(d.original_partition));
    o.insert("original_offset".into(), json!(d.original_offset));
    o.insert("original_time".into(), json!(rfc3339(d.original_timestamp_ms)));
    o.insert("error".into(), json!(d.error_label()));
    o.insert("error_class".into(), json!(d.error_class));
    o.insert("error_message".into(), json!(d.error_message));
    o.insert("unknown_reason".into(), json!(d.unknown_reason));
    o.insert("replayable".into(), json!(d.replayable()));
    Value::Object(o)
}

fn offsets_cell(offsets: &BTreeMap<i32, (i64, i64)>) -> String {
    offsets
        .iter()
        .map(|(p, (a, b))| if a == b { format!("{p}:{a}") } else { format!("{p}:{a}-{b}") })
        .collect::<Vec<_>>()
        .join(" ")
}

fn report_table(app: &App, r: &Report, with_records: bool) -> String {
    let mut s = format!(
        "{}: {} record{} in {} partition{}",
        for_terminal(&r.topic),
        r.count,
        if r.count == 1 { "" } else { "s" },
        r.partitions.len(),
        if r.partitions.len() == 1 { "" } else { "s" },
    );
    if let (Some(o), Some(n)) = (rfc3339(r.oldest), rfc3339(r.newest)) {
        s.push_str(&format!(", oldest {o}, newest {n}"));
    }
    s.push('\n');
    if r.count == 0 {
        s.push('\n');
        return s;
    }
    let mut t = app.ui.table();
    t.set_header(vec!["original topic", "error", "records", "offsets (partition:first-last)"]);
    for (k, g) in &r.groups {
        let (topic, error) = if k.unknown {
            ("(unknown origin)".to_owned(), cell(k.reason.as_deref().unwrap_or("unknown"), 80))
        } else {
            (cell(&k.original_topic, 60), cell(&k.error, 80))
        };
        t.add_row(vec![topic, error, g.count.to_string(), offsets_cell(&g.offsets)]);
    }
    s.push_str(&format!("{t}\n"));
    if with_records {
        let mut t = app.ui.table();
        t.set_header(vec!["partition/offset", "original", "error", "time", "key", "convention"]);
        for l in &r.listed {
            let d = &l.decoded;
            let original = match &d.original_topic {
                None => "(unknown origin)".to_owned(),
                Some(topic) => format!(
                    "{}/{}/{}",
                    cell(topic, 60),
                    d.original_partition.map_or("?".into(), |p| p.to_string()),
                    d.original_offset.map_or("?".into(), |o| o.to_string())
                ),
            };
            let error = match &d.unknown_reason {
                Some(reason) => cell(reason, 60),
                None => cell(&d.error_label(), 60),
            };
            t.add_row(vec![
                format!("{}/{}", l.partition, l.offset),
                original,
                error,
                rfc3339(l.timestamp_ms).unwrap_or_else(|| "-".into()),
                key_cell(l.key.as_deref()),
                d.convention.to_string(),
            ]);
        }
        s.push_str(&format!("{t}\n"));
        let more = r.count - r.listed.len() as u64;
        if more > 0 {
            s.push_str(&format!(
                "({more} more record{} not listed; raise --limit)\n",
                if more == 1 { "" } else { "s" }
            ));
        }
    }
    s.push('\n');
    s
}
