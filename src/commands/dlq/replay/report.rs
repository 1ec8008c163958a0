//! The summary a replay prints: `-o json` (shaped in [`crate::dlq::report`]) or, for people, the
//! plan of a dry run on stdout and the summary of a real run on stderr.

use std::time::Duration;

use anyhow::Result;

use super::super::common::{cell, key_cell};
use super::{Replay, SKIPPED_SHOWN};
use crate::dlq::report::{self, Halt};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

impl Replay<'_> {
    pub(super) fn report(
        &self,
        mode: Mode,
        ranges: &[(i32, i64, i64)],
        elapsed: Duration,
        unflushed: i32,
    ) -> Result<()> {
        let a = self.a;
        let s = &self.stats;
        if mode == Mode::Json {
            let o = report::Report {
                dlq: &self.dlq,
                group: &a.group,
                dry_run: a.dry_run,
                same_partition: a.same_partition,
                manifest: self.targets.manifest.as_ref().map(|(path, _)| path.as_str()),
                ranges,
                saved: &self.saved,
                halt: self.halt.as_ref(),
                stats: s,
                elapsed,
            };
            let written = self.app.ui.json(&o.json());
            if a.dry_run || s.acknowledged() == 0 {
                return written;
            }
            // Records were sent and the position saved: a retry after a plain error would send
            // them again.
            return self.app.ui.applied_output(written, || {
                format!(
                    "{} record(s) of {} replayed (group {})",
                    s.acknowledged(),
                    for_terminal(&self.dlq),
                    for_terminal(&a.group)
                )
            });
        }

        let mut text = String::new();
        let total = s.acknowledged();
        if a.dry_run {
            text.push_str(&format!(
                "Dry run: would replay {total} record(s) of {} ({}); nothing is sent or saved.\n",
                for_terminal(&self.dlq),
                if a.from_start {
                    "from the start".to_owned()
                } else {
                    format!("from the saved position of group {}", for_terminal(&a.group))
                },
            ));
        } else {
            text.push_str(&format!(
                "Replayed {total} record(s) of {} in {:.1}s (group {}).\n",
                for_terminal(&self.dlq),
                elapsed.as_secs_f64(),
                for_terminal(&a.group)
            ));
        }
        if !s.by_topic.is_empty() {
            let mut t = self.app.ui.table();
            t.set_header(vec![if a.to.is_some() { "to topic" } else { "original topic" }, "records"]);
            for (topic, n) in &s.by_topic {
                t.add_row(vec![cell(topic, 60), n.to_string()]);
            }
            text.push_str(&format!("{t}\n"));
        }
        if a.dry_run && !s.preview.is_empty() {
            text.push_str("First records:\n");
            let mut t = self.app.ui.table();
            t.set_header(vec!["partition/offset", "to", "key", "error"]);
            for r in &s.preview {
                let to = r["to"].as_str().unwrap_or_default();
                let to = match r["to_partition"].as_i64() {
                    Some(p) => format!("{}/{p}", cell(to, 60)),
                    None => cell(to, 60),
                };
                let key = r["key"].as_str().map(str::as_bytes);
                t.add_row(vec![
                    format!("{}/{}", r["partition"], r["offset"]),
                    to,
                    key_cell(key),
                    cell(r["error"].as_str().unwrap_or_default(), 60),
                ]);
            }
            text.push_str(&format!("{t}\n"));
        }
        self.notes(&mut text, ranges, unflushed);
        if a.dry_run {
            // The plan is the data the user asked for.
            self.app.ui.out(text.trim_end())
        } else {
            // A summary of what happened, next to the logs.
            self.app.ui.info(text.trim_end());
            Ok(())
        }
    }

    /// The lines after the tables: destinations checked, records passed over or lost, why the
    /// run stopped, and the saved position.
    fn notes(&self, text: &mut String, ranges: &[(i32, i64, i64)], unflushed: i32) {
        let a = self.a;
        let s = &self.stats;
        if let Some((path, _)) = &self.targets.manifest {
            let path = for_terminal(path);
            if s.undeclared.is_empty() {
                text.push_str(&format!(
                    "Destinations are checked against {path}: a topic it does not declare is refused \
                     (--allow-undeclared allows it).\n"
                ));
            } else {
                let names: Vec<String> = s.undeclared.iter().map(|t| cell(t, 60)).collect();
                text.push_str(&format!(
                    "Not declared in {path}, replayed because of --allow-undeclared: {}.\n",
                    names.join(", ")
                ));
            }
        }
        if s.not_selected > 0 {
            text.push_str(&format!(
                "Not selected by the filters: {} record(s){}.\n",
                s.not_selected,
                if a.dry_run {
                    ""
                } else {
                    " (still waiting, listed beside the saved position: `evbus dlq replay --pending` replays them)"
                }
            ));
        }
        if !s.skipped.is_empty() {
            text.push_str(&format!("Skipped {} record(s) that cannot be replayed:\n", s.skipped.len()));
            // The full list is in `-o json`; a terminal gets the first ones.
            for k in s.skipped.iter().take(SKIPPED_SHOWN) {
                text.push_str(&format!(
                    "  {}/{}/{}: {}\n",
                    for_terminal(&self.dlq),
                    k.partition,
                    k.offset,
                    cell(&k.reason, 200)
                ));
            }
            if s.skipped.len() > SKIPPED_SHOWN {
                text.push_str(&format!("  ... and {} more (-o json lists all)\n", s.skipped.len() - SKIPPED_SHOWN));
            }
        }
        if s.already_replayed > 0 {
            text.push_str(&format!(
                "Already replayed by an earlier run (noted beside the saved position), not sent again: {} record(s).\n",
                s.already_replayed
            ));
        }
        if s.deleted_by_retention > 0 {
            text.push_str(&format!(
                "Removed by retention or DeleteRecords before they were replayed: {} record(s).\n",
                s.deleted_by_retention
            ));
        }
        if s.filter_errors > 0 {
            text.push_str(&format!("--filter failed on {} record(s) (not selected).\n", s.filter_errors));
        }
        if a.same_partition && s.by_key_fallback > 0 {
            text.push_str(&format!(
                "{} record(s) went by key: their original partition was unknown or does not exist.\n",
                s.by_key_fallback
            ));
        }
        match &self.halt {
            Some(Halt::Limit) => text.push_str(&format!("Stopped at --limit {}.\n", a.limit.unwrap_or_default())),
            Some(Halt::Interrupted) => {
                text.push_str("Interrupted: stopped reading and waited for the records in flight.\n")
            }
            Some(Halt::Unreplayable(p, o, reason)) if a.dry_run => text.push_str(&format!(
                "The replay would stop at {}/{p}/{o}: {} (--skip-unknown skips such records).\n",
                for_terminal(&self.dlq),
                cell(reason, 200)
            )),
            _ => {}
        }
        if !s.failed.is_empty() {
            text.push_str(&format!(
                "{} record(s) were not accepted by the broker and stay in the DLQ.\n",
                s.failed.len()
            ));
        }
        if !s.unknown.is_empty() {
            text.push_str(&format!(
                "{} record(s) were in flight when the broker stopped answering: each may or may not be stored; \
                 they stay in the DLQ and the next run replays them.\n",
                s.unknown.len()
            ));
        }
        if unflushed != 0 {
            text.push_str("The producer did not finish flushing before --timeout; unacknowledged records are replayed again by the next run.\n");
        }
        if !a.dry_run {
            let saved: Vec<String> = ranges
                .iter()
                .filter_map(|(p, _, _)| self.saved.get(p).map(|o| format!("partition {p} at offset {o}")))
                .collect();
            if !saved.is_empty() {
                text.push_str(&format!("Saved position: {}.\n", saved.join(", ")));
            }
        }
    }
}
