//! Lag as text for people: table cells, the per-partition table and the notes printed under a
//! table. Shared by `lag` and `groups describe`. Nothing here knows the terminal: the caller
//! passes the empty table to fill (styled by its `Ui`) and how to colour a status.

use comfy_table::Table;

use super::cells::{age, num};
use super::report::GroupLag;
use super::watch::Verdicts;
use crate::term::sanitize::for_terminal;

/// The ANSI colour of a status word: green when fine, yellow when worth a look, red otherwise.
pub fn status_color(s: &str) -> &'static str {
    match s {
        "OK" => "32",
        "WARN" | "OVER" => "33",
        _ => "31",
    }
}

/// The topics a group reads, for a table cell: two named, the rest counted.
pub fn topics_cell(g: &GroupLag) -> String {
    let t: Vec<String> = g.topics().into_iter().map(|t| for_terminal(t).into_owned()).collect();
    match t.len() {
        0 => "-".into(),
        1..=2 => t.join(", "),
        n => format!("{}, {} (+{} more)", t[0], t[1], n - 2),
    }
}

/// A row per partition: offsets, lag in offsets and in time, owner, and the `--watch` verdict
/// (coloured by `paint`), filled into `t`.
pub fn partition_table(
    mut t: Table,
    g: &GroupLag,
    verdicts: Option<&Verdicts>,
    paint: &dyn Fn(&str) -> String,
) -> Table {
    // A share group's progress is its share-partition start offset, not a commit.
    let progress = if g.kind == "share" { "start offset" } else { "committed" };
    let mut header = vec!["topic", "partition", progress, "end", "lag", "time lag", "owner"];
    if verdicts.is_some() {
        header.push("status");
    }
    t.set_header(header);
    let v = verdicts.and_then(|v| v.get(&g.name));
    for p in &g.partitions {
        let mut row = vec![
            for_terminal(&p.topic).into_owned(),
            p.partition.to_string(),
            p.committed.map_or_else(|| "no offset".to_string(), |c| c.to_string()),
            num(p.end),
            num(p.lag),
            age(p.time_lag_ms),
            p.owner.as_deref().map_or_else(|| "-".to_string(), |o| for_terminal(o).into_owned()),
        ];
        if let Some(gv) = v {
            row.push(gv.partitions.get(&(p.topic.clone(), p.partition)).map_or("-".into(), |s| paint(s.as_str())));
        }
        t.add_row(row);
    }
    t
}

/// Errors, records lost to retention, retention risks and committed offsets past the log end
/// under a table, one line each.
pub fn group_notes(groups: &[GroupLag]) -> String {
    let mut s = String::new();
    for g in groups {
        if let Some(e) = &g.error {
            s.push_str(&format!("\nerror: {}: {}", for_terminal(&g.name), e));
        }
        for n in g.loss_notes() {
            s.push_str(&format!("\nlost: {n}"));
        }
        for n in g.risk_notes() {
            s.push_str(&format!("\nretention risk: {n}"));
        }
        for n in g.past_end_notes() {
            s.push_str(&format!("\npast the end: {n}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lag::report::fixtures::{group, part};

    #[test]
    fn cells() {
        assert_eq!((status_color("OK"), status_color("OVER"), status_color("ERR")), ("32", "33", "31"));
        let g = group("g", ["a", "b", "c", "d"].iter().map(|t| part(t, 0, Some(0), 0)).collect(), None);
        assert_eq!(topics_cell(&g), "a, b (+2 more)");
        assert_eq!(topics_cell(&group("g", vec![], None)), "-");
    }

    #[test]
    fn partition_rows_and_notes() {
        let mut g = group("g", vec![part("t", 0, None, 10)], None);
        let text = partition_table(Table::new(), &g, None, &|s| s.to_string()).to_string();
        assert!(text.contains("no offset"), "{text}");
        assert!(!text.contains("status"), "{text}");
        assert_eq!(group_notes(std::slice::from_ref(&g)), "");
        g.error = Some("boom".into());
        g.partitions[0].committed = Some(2);
        g.partitions[0].log_start = Some(4);
        g.partitions[0].lost = Some(2);
        assert_eq!(
            group_notes(&[g]),
            "\nerror: g: boom\nlost: 2 records removed by retention or DeleteRecords before group g read them (t[0]: committed 2, log start 4)"
        );
    }
}
