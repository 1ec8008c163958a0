//! What a `dlq replay` run (or its dry-run plan) did, as data: the counts kept while it runs
//! ([`Stats`]), why it ended early ([`Halt`]), and the JSON report built from them. Pure: the
//! replay loop in `commands/dlq/replay` fills these, and prints the text summary itself (it needs
//! the terminal's tables).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};

/// Why the replay loop ended early.
#[derive(Debug, Clone, PartialEq)]
pub enum Halt {
    /// `--limit` records were sent (or planned); the rest stay for the next run.
    Limit,
    /// Ctrl-C, or the filter was interrupted; the unjudged record is where the next run starts.
    Interrupted,
    /// The record at (partition, offset) cannot be replayed.
    Unreplayable(i32, i64, String),
    /// An error that stops the whole run (a send refused, a lookup failed); the text says what.
    Failed(String),
    /// No delivery report for `--timeout` while records were in flight.
    Stalled,
}

/// A record passed over by `--skip-unknown` or `--skip-refused`, with why it could not be replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// DLQ partition of the skipped record.
    pub partition: i32,
    /// Offset of the skipped record in its DLQ partition.
    pub offset: i64,
    /// Why it cannot be replayed (no origin, missing or forbidden destination, ...).
    pub reason: String,
}

/// A record that did not make it: (DLQ partition, DLQ offset, destination topic, why).
pub type Lost = (i32, i64, String, String);

/// Running counts of one replay (or dry-run plan), filled by the replay loop and turned into the reports.
#[derive(Debug, Default)]
pub struct Stats {
    /// Dead letters read and judged, whether or not they were selected.
    pub read: u64,
    /// Records the selection (`--filter`, error or time options) passed over; these still count as done.
    pub not_selected: u64,
    /// Acknowledged (or, in a dry run, planned) per destination topic.
    pub by_topic: BTreeMap<String, u64>,
    /// Records handed to the producer (in a dry run: planned); what `--limit` counts.
    pub planned: u64,
    /// Unreplayable records passed over because of `--skip-unknown`.
    pub skipped: Vec<Skipped>,
    /// Known not stored.
    pub failed: Vec<Lost>,
    /// In flight when the broker stopped answering: maybe stored.
    pub unknown: Vec<Lost>,
    /// Records the `--filter` expression failed on (counted as not selected).
    pub filter_errors: u64,
    /// The first such filter error, so it is reported once rather than per record.
    pub first_filter_error: Option<String>,
    /// --same-partition records whose original partition was unknown or out of range.
    pub by_key_fallback: u64,
    /// Destinations the manifest does not declare (replayed only with --allow-undeclared).
    pub undeclared: BTreeSet<String>,
    /// The first records of a dry-run plan, as the JSON report lists them.
    pub preview: Vec<Value>,
    /// Records an earlier run acknowledged past its saved position (its note said so): not sent again.
    pub already_replayed: u64,
    /// Records retention or DeleteRecords removed before they were replayed (the name is older
    /// than the wording: Kafka does not say which moved the log start).
    pub deleted_by_retention: u64,
}

impl Stats {
    /// Acknowledged records (planned ones in a dry run), all destinations together.
    pub fn acknowledged(&self) -> u64 {
        self.by_topic.values().sum()
    }

    /// Acknowledged, failed and unknown, in words.
    pub fn counts(&self) -> String {
        format!(
            "{} acknowledged, {} failed (not stored), {} unknown (in flight: maybe stored)",
            self.acknowledged(),
            self.failed.len(),
            self.unknown.len()
        )
    }
}

/// The read range of each DLQ partition, `(partition, start, end)` with `end` exclusive, in words
/// for the line announcing a replay.
pub fn ranges_text(ranges: &[(i32, i64, i64)]) -> String {
    let parts: Vec<String> = ranges
        .iter()
        .filter(|(_, s, e)| s < e)
        .map(|(p, s, e)| format!("partition {p} offsets {s}..{}", e - 1))
        .collect();
    if parts.is_empty() { "nothing new".to_owned() } else { parts.join(", ") }
}

/// Everything the JSON report is made of.
pub struct Report<'a> {
    /// Name of the dead-letter topic read.
    pub dlq: &'a str,
    /// Consumer group whose saved positions track replay progress.
    pub group: &'a str,
    /// Whether this is a `--dry-run` plan (nothing produced).
    pub dry_run: bool,
    /// Whether `--same-partition` was asked for; only then does the report include `by_key_fallback`.
    pub same_partition: bool,
    /// The manifest destinations were checked against, by path.
    pub manifest: Option<&'a str>,
    /// `(partition, start, end)` read, `end` exclusive.
    pub ranges: &'a [(i32, i64, i64)],
    /// The group's saved position per partition after the run.
    pub saved: &'a BTreeMap<i32, i64>,
    /// Why the run ended early; `None` when it read everything up to the end offsets.
    pub halt: Option<&'a Halt>,
    /// The counts of the run.
    pub stats: &'a Stats,
    /// Wall-clock duration of the run.
    pub elapsed: Duration,
}

impl Report<'_> {
    /// The `-o json` report (README: `{"replayed","by_topic","not_selected","skipped":[…],…}`;
    /// a dry run has `would_replay` and `first` instead of `replayed`).
    pub fn json(&self) -> Value {
        let s = self.stats;
        let positions: Vec<Value> = self
            .ranges
            .iter()
            .map(|(p, start, end)| json!({"partition": p, "start": start, "end": end, "saved": self.saved.get(p)}))
            .collect();
        let lost = |l: &[Lost]| -> Vec<Value> {
            l.iter().map(|(p, o, t, e)| json!({"partition": p, "offset": o, "topic": t, "error": e})).collect()
        };
        let stopped = match self.halt {
            Some(Halt::Unreplayable(p, o, r)) => json!({"partition": p, "offset": o, "reason": r}),
            _ => Value::Null,
        };
        let mut o = json!({
            "dlq_topic": self.dlq,
            "group": self.group,
            "dry_run": self.dry_run,
            "read": s.read,
            "not_selected": s.not_selected,
            "by_topic": s.by_topic,
            "skipped": s.skipped.iter().map(|k| json!({"partition": k.partition, "offset": k.offset, "reason": k.reason})).collect::<Vec<_>>(),
            "stopped_at": stopped,
            "failed": lost(&s.failed),
            "unknown": lost(&s.unknown),
            "stalled": matches!(self.halt, Some(Halt::Stalled)),
            "interrupted": matches!(self.halt, Some(Halt::Interrupted)),
            "limit_reached": matches!(self.halt, Some(Halt::Limit)),
            "filter_errors": s.filter_errors,
            "already_replayed": s.already_replayed,
            "deleted_by_retention": s.deleted_by_retention,
            "manifest": self.manifest,
            "undeclared_targets": s.undeclared,
            "positions": positions,
            "elapsed_ms": self.elapsed.as_millis() as u64,
        });
        if self.dry_run {
            o["would_replay"] = json!(s.planned);
            o["first"] = Value::Array(s.preview.clone());
        } else {
            o["replayed"] = json!(s.acknowledged());
            o["acknowledged"] = o["replayed"].clone();
            if self.same_partition {
                o["by_key_fallback"] = json!(s.by_key_fallback);
            }
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> Stats {
        let mut s = Stats { read: 5, not_selected: 1, planned: 3, ..Stats::default() };
        s.by_topic.insert("a".into(), 2);
        s.by_topic.insert("b".into(), 1);
        s.failed.push((0, 7, "a".into(), "refused".into()));
        s.unknown.push((1, 3, "b".into(), "in flight".into()));
        s.unknown.push((1, 4, "b".into(), "in flight".into()));
        s
    }

    fn report<'a>(s: &'a Stats, halt: Option<&'a Halt>, saved: &'a BTreeMap<i32, i64>, dry_run: bool) -> Report<'a> {
        Report {
            dlq: "x.dlq",
            group: "g",
            dry_run,
            same_partition: true,
            manifest: Some("topics.yaml"),
            ranges: &[(0, 0, 8), (1, 2, 2)],
            saved,
            halt,
            stats: s,
            elapsed: Duration::from_millis(1500),
        }
    }

    #[test]
    fn counts_in_words() {
        let s = stats();
        assert_eq!(s.acknowledged(), 3);
        assert_eq!(s.counts(), "3 acknowledged, 1 failed (not stored), 2 unknown (in flight: maybe stored)");
    }

    #[test]
    fn ranges_in_words() {
        assert_eq!(
            ranges_text(&[(0, 0, 4), (1, 3, 3), (2, 0, 1)]),
            "partition 0 offsets 0..3, partition 2 offsets 0..0"
        );
        assert_eq!(ranges_text(&[(0, 5, 5)]), "nothing new");
    }

    #[test]
    fn json_of_a_run() {
        let s = stats();
        let saved = BTreeMap::from([(0, 6)]);
        let v = report(&s, Some(&Halt::Stalled), &saved, false).json();
        assert_eq!(v["replayed"], 3);
        assert_eq!(v["acknowledged"], 3);
        assert_eq!(v["by_key_fallback"], 0);
        assert_eq!(v["stalled"], true);
        assert_eq!(v["stopped_at"], Value::Null);
        assert_eq!(v["failed"], json!([{"partition": 0, "offset": 7, "topic": "a", "error": "refused"}]));
        assert_eq!(v["unknown"].as_array().unwrap().len(), 2);
        assert_eq!(
            v["positions"],
            json!([{"partition": 0, "start": 0, "end": 8, "saved": 6}, {"partition": 1, "start": 2, "end": 2, "saved": null}])
        );
        assert_eq!(v["elapsed_ms"], 1500);
        assert!(v.get("would_replay").is_none());
    }

    #[test]
    fn json_of_a_plan() {
        let s = stats();
        let saved = BTreeMap::new();
        let halt = Halt::Unreplayable(0, 4, "unknown origin".into());
        let v = report(&s, Some(&halt), &saved, true).json();
        assert_eq!(v["would_replay"], 3);
        assert_eq!(v["first"], json!([]));
        assert_eq!(v["stopped_at"], json!({"partition": 0, "offset": 4, "reason": "unknown origin"}));
        assert!(v.get("replayed").is_none() && v.get("by_key_fallback").is_none());
    }
}
