//! Consumer-group offset resets (`evbus groups reset`): the target of each partition, clamping to
//! the log, which partitions a scope covers, and the plan files `--from-file` reads (evbus's JSON
//! plan and the CSV of `kafka-consumer-groups --reset-offsets --export`).
//!
//! Pure: the command reads the group's committed offsets, each partition's log start and end and,
//! for a time, the offset ListOffsets finds for it; [`plan`] turns them into one row per
//! partition. A target before the log start or past the log end is clamped to it, with a note:
//! Kafka would accept an offset out of range, and the group's consumers would then fall back to
//! their `auto.offset.reset`, which is rarely what someone resetting by hand meant.
//!
//! A partition where the group has no committed offset is different: its consumers follow their
//! `auto.offset.reset` there, and a reset would end that. So, as `kafka-consumer-groups
//! --all-topics` does, a reset leaves such partitions alone unless the user named the partition
//! (`--topic T:P`, a plan file) or asked for them (`--include-uncommitted`), and the plan marks
//! each one it does commit as a "new commit".

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
    /// Relative to the committed offset (`--shift-by`, negative = re-read); a partition without
    /// one (only with `--include-uncommitted`) shifts from its log end, where `--to current`
    /// puts it.
    ShiftBy(i64),
    /// `--to current`: the committed offset as it is (Kafka's `--to-current`); a partition without
    /// one gets its log end, which pins where a consumer with the default
    /// `auto.offset.reset=latest` would start.
    Current,
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
            Target::Current => "current".into(),
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
    /// The user named this very partition (`--topic T:P`, a plan file): it is reset even without
    /// a committed offset, as Kafka's tool does.
    pub named: bool,
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
    /// The group had no committed offset here and the reset commits one: its consumers stop
    /// following their `auto.offset.reset` on this partition.
    pub new_commit: bool,
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

/// The plan's totals, as the text summary and `-o json` give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    /// Rows in the plan.
    pub partitions: usize,
    /// Rows whose committed offset changes (new commits included).
    pub changing: usize,
    /// Rows that commit an offset where the group had none.
    pub new_commits: usize,
    /// Rows left alone because the group has no committed offset there (see
    /// `--include-uncommitted`).
    pub uncommitted_left_alone: usize,
    /// Records skipped over all committed partitions (saturating).
    pub skipped: i64,
    /// Records read again over all committed partitions (saturating).
    pub reread: i64,
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
    /// Counts over the rows.
    pub totals: Totals,
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
        self.totals.skipped
    }

    /// Records read again over all partitions (saturating).
    pub fn total_reread(&self) -> i64 {
        self.totals.reread
    }
}

/// The note of a row left alone because the group has no committed offset there.
pub const LEFT_ALONE: &str = "no committed offset: left alone (--include-uncommitted commits one)";

/// Compute the plan: one row per position, in topic/partition order. `include_uncommitted` makes
/// partitions without a committed offset part of it even where the user did not name them.
///
/// `Err` names the partitions `--shift-by` cannot shift: named, but without a committed offset to
/// shift from (Kafka's tool refuses these too), unless `include_uncommitted` says to shift them
/// from the log end.
pub fn plan(group: &str, target: &Target, positions: &[Position], include_uncommitted: bool) -> Result<Plan, String> {
    if let Target::ShiftBy(_) = target
        && !include_uncommitted
    {
        let stuck: Vec<String> = positions
            .iter()
            .filter(|p| p.named && p.current.is_none_or(|c| c < 0))
            .map(|p| format!("{}[{}]", p.topic, p.partition))
            .collect();
        if !stuck.is_empty() {
            return Err(format!(
                "cannot shift {}: the group has no committed offset there to shift from (kafka-consumer-groups \
                 refuses too); leave them out, or add --include-uncommitted to shift them from the log end",
                stuck.join(", ")
            ));
        }
    }
    let mut rows: Vec<Row> = positions.iter().map(|p| row(target, p, include_uncommitted)).collect();
    rows.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
    let totals = Totals {
        partitions: rows.len(),
        changing: rows.iter().filter(|r| r.changes()).count(),
        new_commits: rows.iter().filter(|r| r.new_commit).count(),
        uncommitted_left_alone: rows.iter().filter(|r| r.current.is_none() && r.new.is_none()).count(),
        skipped: rows.iter().filter_map(|r| r.skipped).fold(0, i64::saturating_add),
        reread: rows.iter().filter_map(|r| r.reread).fold(0, i64::saturating_add),
    };
    Ok(Plan { group: group.to_string(), target: target.describe(), partitions: rows, totals })
}

fn row(target: &Target, p: &Position, include_uncommitted: bool) -> Row {
    let current = p.current.filter(|c| *c >= 0);
    // An empty or inconsistent pair of watermarks (read at slightly different instants) must not
    // make the clamp range inverted.
    let (start, end) = (p.log_start.max(0), p.log_end.max(p.log_start).max(0));
    let mut note = None;
    let in_scope = current.is_some() || p.named || include_uncommitted;
    let wanted = match target {
        _ if !in_scope => {
            note = Some(LEFT_ALONE.to_string());
            None
        }
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
                note = Some(format!("no committed offset: shifted from the log end {end}"));
                Some(end.saturating_add(*n))
            }
        },
        Target::Current => match current {
            // Kept as it is, even outside the log: Kafka's --to-current does not move it either.
            Some(c) => Some(c),
            None => Some(end),
        },
        Target::File(m) => m.get(&(p.topic.clone(), p.partition)).copied(),
    };
    let keep = matches!(target, Target::Current) && current.is_some();
    let new = wanted.map(|w| {
        if keep {
            w
        } else if w < start {
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
    let new_commit = current.is_none() && new.is_some();
    if new_commit && note.is_none() {
        note = Some("new commit: its consumers stop following auto.offset.reset here".to_string());
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
        new_commit,
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

/// Absolute offsets by topic and partition, as a plan file gives them.
pub type Offsets = BTreeMap<(String, i32), i64>;

/// Read a plan file into absolute offsets: evbus's JSON plan (what `groups reset -o json
/// --dry-run` writes) or the CSV `kafka-consumer-groups --reset-offsets --export` writes, one
/// `topic,partition,offset` line per partition (`group,topic,partition,offset` when exported for
/// several groups: only `group`'s lines are used). Duplicates and negative numbers are refused,
/// with the line they are on.
///
/// Returns the group the file names (JSON `group`; `None` for a CSV) and the offsets.
pub fn parse_plan_file(text: &str, group: &str) -> Result<(Option<String>, Offsets), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with(['{', '[']) {
        parse_json_plan(text)
    } else {
        parse_csv_plan(text, group).map(|m| (None, m))
    }
}

fn parse_json_plan(text: &str) -> Result<(Option<String>, Offsets), String> {
    let f: PlanFile = serde_json::from_str(text).map_err(|e| format!("not a reset plan ({e})"))?;
    let mut out = BTreeMap::new();
    for (i, r) in f.partitions.into_iter().enumerate() {
        let Some(n) = r.new else { continue };
        let at = format!("partitions[{i}] ({}[{}])", r.topic, r.partition);
        if r.partition < 0 {
            return Err(format!("{at}: partition {} is negative", r.partition));
        }
        if n < 0 {
            return Err(format!("{at}: offset {n} is negative"));
        }
        if out.insert((r.topic.clone(), r.partition), n).is_some() {
            return Err(format!("{at}: {}[{}] appears twice", r.topic, r.partition));
        }
    }
    Ok((f.group, out))
}

/// Kafka's reset CSV. Jackson writes it without a header and without quotes (topic and group names
/// need none), one record per line.
fn parse_csv_plan(text: &str, group: &str) -> Result<Offsets, String> {
    let mut out = BTreeMap::new();
    let mut other_groups = std::collections::BTreeSet::new();
    let mut lines = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        lines += 1;
        let at = format!("line {}", i + 1);
        let fields: Vec<&str> = line.split(',').map(|f| f.trim().trim_matches('"')).collect();
        let (g, topic, partition, offset) = match fields[..] {
            [t, p, o] => (None, t, p, o),
            [g, t, p, o] => (Some(g), t, p, o),
            _ => {
                return Err(format!(
                    "{at}: expected topic,partition,offset (or group,topic,partition,offset), got {} field(s): {:?}",
                    fields.len(),
                    line
                ));
            }
        };
        if let Some(g) = g
            && g != group
        {
            other_groups.insert(g.to_string());
            continue;
        }
        if topic.is_empty() {
            return Err(format!("{at}: no topic name"));
        }
        let partition: i32 = partition
            .parse()
            .ok()
            .filter(|p| *p >= 0)
            .ok_or_else(|| format!("{at}: {partition:?} is not a partition number"))?;
        let offset: i64 =
            offset.parse().ok().filter(|o| *o >= 0).ok_or_else(|| format!("{at}: {offset:?} is not an offset ≥ 0"))?;
        if out.insert((topic.to_string(), partition), offset).is_some() {
            return Err(format!("{at}: {topic}[{partition}] appears twice"));
        }
    }
    if lines == 0 {
        return Err("empty: not a reset plan (evbus JSON, or topic,partition,offset lines)".into());
    }
    if out.is_empty() && !other_groups.is_empty() {
        let names: Vec<&str> = other_groups.iter().map(String::as_str).collect();
        return Err(format!("no lines for group {group} (the file has lines for {})", names.join(", ")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(partition: i32, current: Option<i64>, start: i64, end: i64) -> Position {
        Position { topic: "t".into(), partition, current, log_start: start, log_end: end, by_time: None, named: false }
    }

    fn named(p: Position) -> Position {
        Position { named: true, ..p }
    }

    fn one(target: Target, p: Position) -> Row {
        plan("g", &target, &[p], false).unwrap().partitions.remove(0)
    }

    fn with_uncommitted(target: Target, p: Position) -> Row {
        plan("g", &target, &[p], true).unwrap().partitions.remove(0)
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
    fn uncommitted_partitions_are_left_alone_unless_named_or_included() {
        for target in [Target::Earliest, Target::Latest, Target::Offset(3), Target::Datetime(1), Target::Current] {
            let r = one(target.clone(), pos(0, None, 5, 9));
            assert_eq!((r.new, r.new_commit, r.note.as_deref()), (None, false, Some(LEFT_ALONE)), "{target:?}");
            assert!(!r.changes());
            let r = with_uncommitted(target.clone(), pos(0, None, 5, 9));
            assert!(r.new_commit && r.changes(), "{target:?}");
            let r = one(target.clone(), named(pos(0, None, 5, 9)));
            assert!(r.new_commit && r.changes(), "{target:?}");
        }
        let r = with_uncommitted(Target::Earliest, pos(0, None, 5, 9));
        assert_eq!((r.new, r.skipped, r.reread), (Some(5), None, None));
        assert!(r.note.unwrap().starts_with("new commit"));
        // Sentinel commits (-1) count as none.
        assert_eq!(one(Target::Earliest, pos(0, Some(-1), 5, 9)).current, None);
        // The totals count both kinds.
        let p = plan(
            "g",
            &Target::Earliest,
            &[pos(0, None, 0, 4), named(pos(1, None, 0, 4)), pos(2, Some(3), 0, 4)],
            false,
        )
        .unwrap();
        let t = p.totals;
        assert_eq!((t.partitions, t.changing, t.new_commits, t.uncommitted_left_alone, t.reread), (3, 2, 1, 1, 3));
        assert_eq!(p.offsets(), vec![("t".to_string(), 1, 0), ("t".to_string(), 2, 0)]);
    }

    #[test]
    fn shift_refuses_named_uncommitted_partitions_unless_included() {
        let r = one(Target::ShiftBy(5), pos(0, Some(20), 0, 50));
        assert_eq!((r.new, r.skipped, r.reread), (Some(25), Some(5), Some(0)));
        // Not named: out of scope, left alone like for every target.
        let r = one(Target::ShiftBy(5), pos(0, None, 0, 50));
        assert_eq!(r.new, None);
        let err = plan("g", &Target::ShiftBy(-5), &[named(pos(2, None, 0, 50)), named(pos(3, Some(1), 0, 50))], false)
            .unwrap_err();
        assert!(err.starts_with("cannot shift t[2]: the group has no committed offset"), "{err}");
        assert!(err.contains("--include-uncommitted"), "{err}");
        // Included: from the log end, as --to current would put it.
        let r = with_uncommitted(Target::ShiftBy(-5), named(pos(2, None, 0, 50)));
        assert_eq!((r.new, r.new_commit), (Some(45), true));
        assert_eq!(r.note.as_deref(), Some("no committed offset: shifted from the log end 50"));
        let r = with_uncommitted(Target::ShiftBy(-80), pos(2, None, 10, 50));
        assert_eq!(r.new, Some(10));
    }

    #[test]
    fn current_keeps_commits_and_pins_the_log_end_elsewhere() {
        let r = one(Target::Current, pos(0, Some(3), 5, 9));
        assert_eq!((r.new, r.note.as_deref()), (Some(3), None), "kept, even below the log start, as Kafka does");
        assert!(!r.changes());
        assert_eq!(with_uncommitted(Target::Current, pos(0, None, 5, 9)).new, Some(9));
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
        let p = plan("g", &Target::File(m), &[named(pos(1, Some(9), 0, 20)), named(pos(0, Some(9), 0, 20))], false)
            .unwrap();
        assert_eq!(p.partitions[0].partition, 0, "sorted");
        assert_eq!(p.partitions[0].new, None);
        assert_eq!(p.partitions[1].new, Some(7));
        assert_eq!(p.offsets(), vec![("t".to_string(), 1, 7)]);
        assert_eq!((p.total_skipped(), p.total_reread()), (0, 2));
    }

    #[test]
    fn unchanged_rows_are_not_committed() {
        let p = plan("g", &Target::Latest, &[pos(0, Some(50), 0, 50), pos(1, Some(10), 0, 50)], false).unwrap();
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
        let ps = [pos(0, Some(40), 10, 50), pos(1, None, 0, 0)];
        let p = plan("g", &Target::Earliest, &ps, true).unwrap();
        let text = serde_json::to_string(&p).unwrap();
        let (group, offsets) = parse_plan_file(&text, "g").unwrap();
        assert_eq!(group.as_deref(), Some("g"));
        assert_eq!(offsets, [(("t".to_string(), 0), 10), (("t".to_string(), 1), 0)].into_iter().collect());
        let again = plan("g", &Target::File(offsets), &ps.map(named), false).unwrap();
        assert_eq!(again.offsets(), p.offsets());
    }

    #[test]
    fn plan_files_are_checked() {
        assert!(parse_plan_file("[]", "g").is_err());
        let neg = parse_plan_file(r#"{"partitions":[{"topic":"t","partition":0,"new":-1}]}"#, "g").unwrap_err();
        assert_eq!(neg, "partitions[0] (t[0]): offset -1 is negative");
        let dup = r#"{"partitions":[{"topic":"t","partition":0,"new":1},{"topic":"t","partition":0,"new":2}]}"#;
        assert!(parse_plan_file(dup, "g").unwrap_err().contains("partitions[1] (t[0]): t[0] appears twice"));
        let (g, m) = parse_plan_file(
            r#"{"partitions":[{"topic":"t","partition":2,"offset":4},{"topic":"t","partition":3,"new":null}]}"#,
            "g",
        )
        .unwrap();
        assert_eq!(g, None);
        assert_eq!(m.len(), 1);
        assert_eq!(m[&("t".to_string(), 2)], 4);
        // A syntax error says where.
        let bad = parse_plan_file("{\"partitions\":\n[{\"topic\":}]}", "g").unwrap_err();
        assert!(bad.contains("line 2"), "{bad}");
    }

    #[test]
    fn kafkas_export_csv_is_a_plan_file() {
        // As `kafka-consumer-groups --reset-offsets --export` prints it (a blank line at the end).
        let (g, m) = parse_plan_file("orders,1,7\norders,0,3\r\nclicks.v2,0,0\n\n", "g").unwrap();
        assert_eq!(g, None);
        let want: BTreeMap<(String, i32), i64> =
            [(("orders".into(), 0), 3), (("orders".into(), 1), 7), (("clicks.v2".into(), 0), 0)].into_iter().collect();
        assert_eq!(m, want);
        // Exported for several groups: this group's lines only.
        let (_, m) = parse_plan_file("a,orders,0,3\nb,orders,0,9\n", "b").unwrap();
        assert_eq!(m, [(("orders".into(), 0), 9)].into_iter().collect());
        assert_eq!(
            parse_plan_file("a,orders,0,3\n", "z").unwrap_err(),
            "no lines for group z (the file has lines for a)"
        );
        for (text, err) in [
            ("orders,0,3\norders,x,4\n", "line 2: \"x\" is not a partition number"),
            ("orders,0,3\n\norders,1,-4\n", "line 3: \"-4\" is not an offset ≥ 0"),
            ("orders,0,3\norders,0,4\n", "line 2: orders[0] appears twice"),
            ("orders 0 3\n", "line 1: expected topic,partition,offset"),
            ("GROUP TOPIC PARTITION NEW-OFFSET\n", "line 1: expected"),
            ("\n \n", "empty: not a reset plan"),
        ] {
            let got = parse_plan_file(text, "g").unwrap_err();
            assert!(got.starts_with(err), "{text:?}: {got}");
        }
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
