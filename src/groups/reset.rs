//! Consumer-group offset resets (`evbus groups reset`): the target of each partition, clamping to
//! the log, and the plan file that `-o json` writes and `--from-file` reads back.
//!
//! Pure: the command reads the group's committed offsets, each partition's log start and end and,
//! for a time, the offset ListOffsets finds for it; [`plan`] turns them into one row per
//! partition. A target before the log start or past the log end is clamped to it, with a note:
//! Kafka would accept an offset out of range, and the group's consumers would then fall back to
//! their `auto.offset.reset`, which is rarely what someone resetting by hand meant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where to move the committed offsets.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `--to-earliest`: the log start, so the group re-reads everything still retained.
    Earliest,
    /// `--to-latest`: the log end, so the group skips everything already written.
    Latest,
    /// `--to-offset`: the same absolute offset on every partition (clamped to each log).
    Offset(i64),
    /// Milliseconds since the epoch: the first record at or after it (`--to-datetime`, and
    /// `--by-duration` as now minus the duration).
    Datetime(i64),
    /// Relative to the committed offset (`--shift-by`, negative = re-read).
    ShiftBy(i64),
    /// Absolute offsets per partition (`--from-file`).
    File(BTreeMap<(String, i32), i64>),
}

impl Target {
    /// For the plan's header and JSON: `earliest`, `offset 42`, `2024-05-01T00:00:00Z`, ...
    pub fn describe(&self) -> String {
        match self {
            Target::Earliest => "earliest".into(),
            Target::Latest => "latest".into(),
            Target::Offset(n) => format!("offset {n}"),
            Target::Datetime(ms) => crate::term::time::rfc3339_ms(*ms).unwrap_or_else(|| format!("timestamp {ms}")),
            Target::ShiftBy(n) => format!("shift by {n:+}"),
            Target::File(_) => "offsets from a plan file".into(),
        }
    }
}

/// What is known of one partition before the reset.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    /// Topic of the partition.
    pub topic: String,
    /// Partition number within the topic.
    pub partition: i32,
    /// The group's committed offset (`None`: never committed here).
    pub current: Option<i64>,
    /// First offset still in the log (earlier records were deleted by retention).
    pub log_start: i64,
    /// Offset the next produced record will get (the high watermark).
    pub log_end: i64,
    /// For [`Target::Datetime`]: the offset ListOffsets found for the time, `None` when no
    /// record is that recent (the target is then the log end).
    pub by_time: Option<i64>,
}

/// One partition of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Topic of the partition.
    pub topic: String,
    /// Partition number within the topic.
    pub partition: i32,
    /// The group's committed offset before the reset; `None` when it has none here.
    pub current: Option<i64>,
    /// The committed offset after the reset; `None` when this partition is left alone.
    pub new: Option<i64>,
    /// Log start offset the target was clamped to.
    pub log_start: i64,
    /// Log end offset (high watermark) the target was clamped to.
    pub log_end: i64,
    /// Offsets the group will never read (the reset moves forward past them).
    pub skipped: Option<i64>,
    /// Offsets the group will read again (the reset moves back over them).
    pub reread: Option<i64>,
    /// Why the target was changed (clamped), or why the partition is left alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Row {
    /// True when applying the plan changes this partition's committed offset.
    pub fn changes(&self) -> bool {
        self.new.is_some() && self.new != self.current
    }
}

/// A whole reset plan, as printed and as written by `-o json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Consumer group the plan is for.
    pub group: String,
    /// The target in words (see [`Target::describe`]).
    pub target: String,
    /// One row per partition, in topic/partition order.
    pub partitions: Vec<Row>,
}

impl Plan {
    /// The offsets to commit: every row that changes something.
    pub fn offsets(&self) -> Vec<(String, i32, i64)> {
        self.partitions
            .iter()
            .filter(|r| r.changes())
            .filter_map(|r| Some((r.topic.clone(), r.partition, r.new?)))
            .collect()
    }

    /// Records skipped over all partitions (saturating).
    pub fn total_skipped(&self) -> i64 {
        self.partitions.iter().filter_map(|r| r.skipped).fold(0, i64::saturating_add)
    }

    /// Records read again over all partitions (saturating).
    pub fn total_reread(&self) -> i64 {
        self.partitions.iter().filter_map(|r| r.reread).fold(0, i64::saturating_add)
    }
}

/// Compute the plan: one row per position, in topic/partition order.
pub fn plan(group: &str, target: &Target, positions: &[Position]) -> Plan {
    let mut rows: Vec<Row> = positions.iter().map(|p| row(target, p)).collect();
    rows.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
    Plan { group: group.to_string(), target: target.describe(), partitions: rows }
}

fn row(target: &Target, p: &Position) -> Row {
    let current = p.current.filter(|c| *c >= 0);
    // An empty or inconsistent pair of watermarks (read at slightly different instants) must not
    // make the clamp range inverted.
    let (start, end) = (p.log_start.max(0), p.log_end.max(p.log_start).max(0));
    let mut note = None;
    let wanted = match target {
        Target::Earliest => Some(start),
        Target::Latest => Some(end),
        Target::Offset(n) => Some(*n),
        Target::Datetime(_) => Some(p.by_time.unwrap_or_else(|| {
            note = Some("no record at or after that time: the log end".to_string());
            end
        })),
        Target::ShiftBy(n) => match current {
            Some(c) => Some(c.saturating_add(*n)),
            None => {
                note = Some("no committed offset to shift from: left alone".to_string());
                None
            }
        },
        Target::File(m) => m.get(&(p.topic.clone(), p.partition)).copied(),
    };
    let new = wanted.map(|w| {
        if w < start {
            note = Some(format!("{w} is before the log start: clamped to {start}"));
            start
        } else if w > end {
            note = Some(format!("{w} is past the log end: clamped to {end}"));
            end
        } else {
            w
        }
    });
    let delta = match (current, new) {
        (Some(c), Some(n)) => Some(n.saturating_sub(c)),
        _ => None,
    };
    if current.is_none() && new.is_some() && note.is_none() {
        note = Some("no committed offset before".to_string());
    }
    Row {
        topic: p.topic.clone(),
        partition: p.partition,
        current,
        new,
        log_start: start,
        log_end: end,
        skipped: delta.map(|d| d.max(0)),
        reread: delta.map(|d| (-d).max(0)),
        note,
    }
}

/// A `--topic` argument: `orders` (every partition) or `orders:0,2`.
pub fn parse_topic_spec(s: &str) -> Result<(String, Option<Vec<i32>>), String> {
    // Kafka topic names cannot contain ':', so the last one separates the partitions.
    let (topic, parts) = match s.rsplit_once(':') {
        Some((t, p)) => (t, Some(p)),
        None => (s, None),
    };
    if topic.is_empty() {
        return Err(format!("{s:?}: no topic name"));
    }
    let parts = match parts {
        None => None,
        Some(p) => {
            let mut v = Vec::new();
            for x in p.split(',') {
                let n: i32 = x
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| format!("{s:?}: {x:?} is not a partition number (TOPIC:0,1,2)"))?;
                if !v.contains(&n) {
                    v.push(n);
                }
            }
            Some(v)
        }
    };
    Ok((topic.to_string(), parts))
}

/// A plan file: what `groups reset -o json` writes. Only `topic`, `partition` and `new` are read
/// (`offset` is accepted for `new`); rows without a `new` offset are left alone.
#[derive(Debug, Clone, Deserialize)]
pub struct PlanFile {
    /// Group the plan was made for; applying it to another group only warns.
    #[serde(default)]
    pub group: Option<String>,
    /// The partitions to reset.
    pub partitions: Vec<PlanFileRow>,
}

/// One partition of a plan file.
#[derive(Debug, Clone, Deserialize)]
pub struct PlanFileRow {
    /// Topic of the partition.
    pub topic: String,
    /// Partition number within the topic.
    pub partition: i32,
    /// Offset to commit; `None` leaves the partition alone.
    #[serde(default, alias = "offset")]
    pub new: Option<i64>,
}

/// Read a plan file into absolute offsets, refusing duplicates and negative offsets.
pub fn parse_plan_file(text: &str) -> Result<(Option<String>, BTreeMap<(String, i32), i64>), String> {
    let f: PlanFile = serde_json::from_str(text).map_err(|e| format!("not a reset plan ({e})"))?;
    let mut out = BTreeMap::new();
    for r in f.partitions {
        let Some(n) = r.new else { continue };
        if n < 0 || r.partition < 0 {
            return Err(format!("{}[{}]: offset {n} is negative", r.topic, r.partition));
        }
        if out.insert((r.topic.clone(), r.partition), n).is_some() {
            return Err(format!("{}[{}] appears twice", r.topic, r.partition));
        }
    }
    Ok((f.group, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(partition: i32, current: Option<i64>, start: i64, end: i64) -> Position {
        Position { topic: "t".into(), partition, current, log_start: start, log_end: end, by_time: None }
    }

    fn one(target: Target, p: Position) -> Row {
        plan("g", &target, &[p]).partitions.remove(0)
    }

    #[test]
    fn earliest_and_latest_are_the_log_bounds() {
        let r = one(Target::Earliest, pos(0, Some(40), 10, 50));
        assert_eq!((r.new, r.skipped, r.reread, r.note.as_deref()), (Some(10), Some(0), Some(30), None));
        let r = one(Target::Latest, pos(0, Some(40), 10, 50));
        assert_eq!((r.new, r.skipped, r.reread), (Some(50), Some(10), Some(0)));
        assert!(r.changes());
    }

    #[test]
    fn offsets_outside_the_log_are_clamped_with_a_note() {
        let r = one(Target::Offset(3), pos(0, Some(40), 10, 50));
        assert_eq!(r.new, Some(10));
        assert_eq!(r.note.as_deref(), Some("3 is before the log start: clamped to 10"));
        let r = one(Target::Offset(99), pos(0, Some(40), 10, 50));
        assert_eq!(r.new, Some(50));
        assert_eq!(r.note.as_deref(), Some("99 is past the log end: clamped to 50"));
        let r = one(Target::ShiftBy(-100), pos(0, Some(40), 10, 50));
        assert_eq!((r.new, r.reread), (Some(10), Some(30)));
        assert!(r.note.unwrap().contains("clamped to 10"));
        let r = one(Target::ShiftBy(i64::MAX), pos(0, Some(40), 10, 50));
        assert_eq!(r.new, Some(50));
        // Inside the log: as asked.
        let r = one(Target::Offset(25), pos(0, Some(40), 10, 50));
        assert_eq!((r.new, r.reread, r.note), (Some(25), Some(15), None));
    }

    #[test]
    fn shift_needs_a_commit_and_moves_from_it() {
        let r = one(Target::ShiftBy(5), pos(0, Some(20), 0, 50));
        assert_eq!((r.new, r.skipped, r.reread), (Some(25), Some(5), Some(0)));
        let r = one(Target::ShiftBy(5), pos(0, None, 0, 50));
        assert_eq!(r.new, None);
        assert!(!r.changes());
        assert!(r.note.unwrap().contains("left alone"));
    }

    #[test]
    fn uncommitted_partitions_get_a_target_but_no_delta() {
        let r = one(Target::Earliest, pos(0, None, 5, 9));
        assert_eq!((r.new, r.skipped, r.reread), (Some(5), None, None));
        assert_eq!(r.note.as_deref(), Some("no committed offset before"));
        assert!(r.changes());
        // Sentinel commits (-1) count as none.
        assert_eq!(one(Target::Earliest, pos(0, Some(-1), 5, 9)).current, None);
    }

    #[test]
    fn datetimes_use_the_offset_found_or_the_log_end() {
        let mut p = pos(0, Some(0), 0, 50);
        p.by_time = Some(30);
        let r = one(Target::Datetime(1), p.clone());
        assert_eq!((r.new, r.skipped), (Some(30), Some(30)));
        p.by_time = None;
        let r = one(Target::Datetime(1), p);
        assert_eq!(r.new, Some(50));
        assert!(r.note.unwrap().contains("no record at or after"));
    }

    #[test]
    fn plan_file_targets_only_the_partitions_it_names() {
        let m: BTreeMap<(String, i32), i64> = [(("t".to_string(), 1), 7)].into_iter().collect();
        let p = plan("g", &Target::File(m), &[pos(1, Some(9), 0, 20), pos(0, Some(9), 0, 20)]);
        assert_eq!(p.partitions[0].partition, 0, "sorted");
        assert_eq!(p.partitions[0].new, None);
        assert_eq!(p.partitions[1].new, Some(7));
        assert_eq!(p.offsets(), vec![("t".to_string(), 1, 7)]);
        assert_eq!((p.total_skipped(), p.total_reread()), (0, 2));
    }

    #[test]
    fn unchanged_rows_are_not_committed() {
        let p = plan("g", &Target::Latest, &[pos(0, Some(50), 0, 50), pos(1, Some(10), 0, 50)]);
        assert!(!p.partitions[0].changes());
        assert_eq!(p.offsets(), vec![("t".to_string(), 1, 50)]);
        assert_eq!(p.total_skipped(), 40);
    }

    #[test]
    fn inverted_watermarks_do_not_invert_the_clamp() {
        let r = one(Target::Offset(7), pos(0, Some(1), 10, 4));
        assert_eq!((r.log_start, r.log_end, r.new), (10, 10, Some(10)));
    }

    #[test]
    fn the_json_plan_reads_back_as_a_plan_file() {
        let p = plan("g", &Target::Earliest, &[pos(0, Some(40), 10, 50), pos(1, None, 0, 0)]);
        let text = serde_json::to_string(&p).unwrap();
        let (group, offsets) = parse_plan_file(&text).unwrap();
        assert_eq!(group.as_deref(), Some("g"));
        assert_eq!(offsets, [(("t".to_string(), 0), 10), (("t".to_string(), 1), 0)].into_iter().collect());
        let again = plan("g", &Target::File(offsets), &[pos(0, Some(40), 10, 50), pos(1, None, 0, 0)]);
        assert_eq!(again.offsets(), p.offsets());
    }

    #[test]
    fn plan_files_are_checked() {
        assert!(parse_plan_file("[]").is_err());
        assert!(parse_plan_file(r#"{"partitions":[{"topic":"t","partition":0,"new":-1}]}"#).is_err());
        let dup = r#"{"partitions":[{"topic":"t","partition":0,"new":1},{"topic":"t","partition":0,"new":2}]}"#;
        assert!(parse_plan_file(dup).unwrap_err().contains("twice"));
        let (g, m) = parse_plan_file(
            r#"{"partitions":[{"topic":"t","partition":2,"offset":4},{"topic":"t","partition":3,"new":null}]}"#,
        )
        .unwrap();
        assert_eq!(g, None);
        assert_eq!(m.len(), 1);
        assert_eq!(m[&("t".to_string(), 2)], 4);
    }

    #[test]
    fn topic_specs() {
        assert_eq!(parse_topic_spec("orders"), Ok(("orders".into(), None)));
        assert_eq!(parse_topic_spec("orders:0,2,2"), Ok(("orders".into(), Some(vec![0, 2]))));
        assert_eq!(parse_topic_spec("a.b-c:1"), Ok(("a.b-c".into(), Some(vec![1]))));
        for bad in [":1", "orders:", "orders:x", "orders:-1", "orders:1,,2"] {
            assert!(parse_topic_spec(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_describe_themselves() {
        assert_eq!(Target::Datetime(1000).describe(), "1970-01-01T00:00:01.000Z");
        assert_eq!(Target::ShiftBy(-3).describe(), "shift by -3");
        assert_eq!(Target::ShiftBy(3).describe(), "shift by +3");
    }
}
