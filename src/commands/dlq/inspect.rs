//! `evbus dlq inspect`: what is in a dead-letter topic, where it came from and why it failed.
//!
//! Read-only: partitions are assigned (no group is joined, nothing is committed) and read from
//! the low to the high watermark captured at the start. Records of unknown origin are counted
//! and shown with the reason they could not be decoded, never dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Result, anyhow};
use serde_json::{Value, json};

use super::common::{cell, key_cell, key_json, manifest_dlq_topics, rfc3339};
use super::spool::{AsArray, Spool};
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
    /// With --records: the listed records, rendered for the output mode (see [`super::spool`]).
    listed: Option<Spool>,
}

/// Records tables are printed in parts of at most this many rows: a table's column widths need
/// all of its rows in memory.
const ROWS_PER_TABLE: usize = 1000;

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
        reports.push(inspect_topic(app, t, a.records.then_some((a.limit, mode))).await?);
    }
    match mode {
        Mode::Json => {
            let topics = reports.into_iter().map(TopicJson::new).collect::<Result<Vec<_>>>()?;
            app.ui.json_streamed(&Topics(topics))?;
        }
        Mode::Table => {
            let mut so = std::io::stdout().lock();
            let n = reports.len();
            for (i, r) in reports.into_iter().enumerate() {
                write_table(app, r, i + 1 == n, &mut so)?;
            }
            so.flush()?;
        }
    }
    Ok(Outcome::Ok)
}

/// `{"topics": [...]}`, each topic written as its records are read back.
struct Topics(Vec<TopicJson>);

impl serde::Serialize for Topics {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("topics", &self.0)?;
        m.end()
    }
}

/// One topic's object: the summary's fields in their order, `records` streamed from the spool.
struct TopicJson {
    summary: serde_json::Map<String, Value>,
    records: Option<AsArray>,
}

impl TopicJson {
    fn new(mut r: Report) -> Result<Self> {
        let listed = r.listed.take();
        let mut summary = match report_json(&r, listed.as_ref().map(Spool::len)) {
            Value::Object(m) => m,
            _ => unreachable!("report_json builds an object"),
        };
        let records = match listed {
            Some(spool) => {
                summary.insert("records".into(), Value::Null); // its place among the fields
                Some(AsArray::new(spool.into_items()?))
            }
            None => None,
        };
        Ok(Self { summary, records })
    }
}

impl serde::Serialize for TopicJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.summary.len()))?;
        for (k, v) in &self.summary {
            match (&self.records, k.as_str()) {
                (Some(records), "records") => m.serialize_entry(k, records)?,
                _ => m.serialize_entry(k, v)?,
            }
        }
        m.end()
    }
}

async fn inspect_topic(app: &App, topic: &str, list: Option<(usize, Mode)>) -> Result<Report> {
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
        listed: list.map(|_| Spool::new()).transpose()?,
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
        if let (Some((n, mode)), Some(spool)) = (list, r.listed.as_mut())
            && spool.len() < n as u64
        {
            let l = Listed {
                partition: m.partition,
                offset: m.offset,
                timestamp_ms: m.timestamp_ms,
                key: m.key,
                decoded: d,
            };
            match mode {
                Mode::Json => spool.push(&record_json(&l))?,
                Mode::Table => spool.push(&record_row(&l))?,
            }
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

/// The topic's summary; with `listed` (--records), the count of records not listed beside it.
fn report_json(r: &Report, listed: Option<u64>) -> Value {
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
    if let Some(listed) = listed {
        out["records_not_listed"] = json!(r.count - listed);
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

/// One topic's part of the table output; the last one without the blank line that separates them.
fn write_table(app: &App, mut r: Report, last: bool, out: &mut impl Write) -> Result<()> {
    let listed = r.listed.take();
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
        if !last {
            s.push('\n');
        }
        out.write_all(s.as_bytes())?;
        return Ok(());
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
    out.write_all(s.as_bytes())?;
    if let Some(spool) = listed {
        let listed = spool.len();
        let mut items = spool.into_items()?;
        loop {
            let mut t = app.ui.table();
            t.set_header(vec!["partition/offset", "original", "error", "time", "key", "convention"]);
            let mut rows = 0;
            while rows < ROWS_PER_TABLE
                && let Some(row) = items.next::<Vec<String>>()?
            {
                t.add_row(row);
                rows += 1;
            }
            if rows > 0 || listed == 0 {
                writeln!(out, "{t}")?;
            }
            if rows < ROWS_PER_TABLE {
                break;
            }
        }
        let more = r.count - listed;
        if more > 0 {
            writeln!(out, "({more} more record{} not listed; raise --limit)", if more == 1 { "" } else { "s" })?;
        }
    }
    if !last {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A listed record as a row of the records table.
fn record_row(l: &Listed) -> Vec<String> {
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
    vec![
        format!("{}/{}", l.partition, l.offset),
        original,
        error,
        rfc3339(l.timestamp_ms).unwrap_or_else(|| "-".into()),
        key_cell(l.key.as_deref()),
        d.convention.to_string(),
    ]
}
