//! Setting a replay up: the command line checked before any connection ([`Plan`]), the lock on
//! the group ([`lock`]), where each partition starts and what an earlier run left noted beside
//! its position ([`start`]), and the `--to` topic ([`destination`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use anyhow::{Result, anyhow};
use regex::Regex;

use super::super::common::manifest_dlq_topics;
use super::Dest;
use crate::app::App;
use crate::cli::DlqReplayArgs;
use crate::dlq::ahead;
use crate::dlq::ranges::Ranges;
use crate::dlq::select::{Selection, Targets};
use crate::exit::Exit;
use crate::kafka::dlq_reader::{self, PartInfo};
use crate::kafka::replay_group::{ReplayGroup, SESSION, Saved};
use crate::record::filter::JqFilter;

/// What the command line asks for, checked.
pub(super) struct Plan {
    pub dlq: String,
    pub sel: Selection,
    pub targets: Targets,
}

impl Plan {
    /// Everything the command line can get wrong, as a usage error before any connection;
    /// also refuses (exit 2) when nobody could answer the confirmation.
    pub(super) fn check(app: &App, a: &DlqReplayArgs) -> Result<Plan> {
        let sel = selection(a)?;
        for (flag, v) in [("--from-offset", a.from_offset), ("--to-offset", a.to_offset)] {
            if v.is_some_and(|o| o < 0) {
                return Err(Exit::usage(format!("{flag} must be 0 or more")));
            }
        }
        if let (Some(f), Some(t)) = (a.from_offset, a.to_offset)
            && f > t
        {
            return Err(Exit::usage(format!("--from-offset {f} is after --to-offset {t}")));
        }
        let manifest = app.manifest_opt(&a.manifest)?;
        let targets = Targets {
            allow_internal: a.allow_internal.iter().cloned().collect(),
            manifest: manifest
                .as_ref()
                .map(|m| (m.path.display().to_string(), m.topics.iter().map(|t| t.name.clone()).collect())),
            allow_undeclared: a.allow_undeclared,
        };
        // An explicit --to is checked like any destination, and refused before connecting.
        if let Some(to) = &a.to {
            targets.check(to).map_err(|e| Exit::usage(format!("--to {e}")))?;
        }
        let dlq = match &a.dlq_topic {
            Some(t) => t.clone(),
            None => {
                let topics = manifest_dlq_topics(app, &a.manifest)?;
                if topics.len() > 1 {
                    return Err(Exit::usage(format!(
                        "the manifest declares several dead-letter topics ({}); name the one to replay",
                        topics.join(", ")
                    )));
                }
                topics.into_iter().next().unwrap_or_default()
            }
        };
        // Refuse early (exit 2) when nobody could answer the prompt, before touching the broker.
        let can_ask = app.ui.stdin_tty && app.ui.stderr_tty;
        if !(a.dry_run || a.yes || can_ask) {
            app.ui.confirm(&format!("Replay records from {dlq}?"), false)?;
        }
        Ok(Plan { dlq, sel, targets })
    }
}

fn selection(a: &DlqReplayArgs) -> Result<Selection> {
    let now = chrono::Utc::now().timestamp_millis();

    Ok(Selection {
        topics: a.original_topics.clone(),
        error: a.error.as_deref().map(Regex::new).transpose().map_err(|e| Exit::usage(format!("--error: {e}")))?,
        since_ms: a.window.since.map(|t| t.at(now)),
        until_ms: a.window.until.map(|t| t.at(now)),
        filter: a
            .filter
            .as_deref()
            .map(JqFilter::compile)
            .transpose()
            .map_err(|e| Exit::usage(format!("--filter: {e}")))?
            .map(|f| Arc::new(f.with_memory_limit(a.filter_memory.bytes))),
    })
}

/// Makes this run the one replay of `dlq` with `group`, or refuses naming the one running.
pub(super) async fn lock(app: &App, g: &ReplayGroup, group: &str, dlq: &str) -> Result<()> {
    let waiting = |others: &[_]| {
        let names: Vec<String> = others.iter().map(ToString::to_string).collect();
        app.ui.info(format!(
            "Group {group} already has a replay of {dlq} ({}); waiting up to {}s in case it was stopped without \
             leaving the group",
            names.join(", "),
            (SESSION.as_secs() + 3)
        ));
    };
    match g.lock(waiting).await? {
        Ok(()) => Ok(()),
        Err(others) => {
            let names: Vec<String> = others.iter().map(ToString::to_string).collect();
            Err(anyhow!(
                "another replay of {dlq} with group {group} is running ({}): two at once would send every record \
                 twice, so this one stops before sending anything; run it again once that one has ended",
                names.join(", ")
            ))
        }
    }
}

/// Where a run starts.
pub(super) struct Start {
    /// `(partition, start, end)`, `end` exclusive.
    pub ranges: Vec<(i32, i64, i64)>,
    /// Offsets an earlier run acknowledged past its saved position (its note).
    pub replayed_before: BTreeMap<i32, BTreeSet<i64>>,
    /// Partitions whose saved position was held by a record last time: that record goes first, alone.
    pub probe: BTreeMap<i32, i64>,
    /// Records retention or DeleteRecords removed before they were replayed.
    pub deleted: u64,
    /// Offsets earlier runs passed over before the saved position (the note): still waiting.
    pub passed_before: BTreeMap<i32, Ranges>,
    /// `--pending`: per partition, the offsets earlier runs passed over; only those are replayed.
    pub only: Option<BTreeMap<i32, Ranges>>,
}

/// The read range per partition: from the saved position (or the start), narrowed by
/// --from-offset/--to-offset, up to the high watermark of now; and what the saved notes say.
pub(super) fn start(
    app: &App,
    a: &DlqReplayArgs,
    dlq: &str,
    parts: &[PartInfo],
    saved: &BTreeMap<i32, Saved>,
) -> Start {
    let mut s = Start {
        ranges: Vec::new(),
        replayed_before: BTreeMap::new(),
        probe: BTreeMap::new(),
        deleted: 0,
        only: None,
        passed_before: BTreeMap::new(),
    };
    if a.pending {
        // What the notes list as passed over, and nothing else: the position stays.
        let mut only = BTreeMap::new();
        for p in parts {
            let Some(saved) = saved.get(&p.partition) else { continue };
            // Those retention has deleted since are gone (not waiting any more).
            let passed = ahead::decode(saved.offset, &saved.metadata).passed.from(p.low);
            if let (Some(first), Some(last)) = (passed.first(), passed.last()) {
                s.ranges.push((p.partition, first, last + 1));
                only.insert(p.partition, passed);
            }
        }
        s.only = Some(only);
        return s;
    }
    for p in parts {
        let position = saved.get(&p.partition);
        let mut start = if a.from_start { p.low } else { position.map_or(p.low, |s| s.offset) };
        if start < p.low {
            app.ui.warn(format!(
                "{}/{}: the saved position {start} is before the oldest record still there ({}); \
                 records {start}..{} were removed by retention or DeleteRecords before they were replayed",
                dlq,
                p.partition,
                p.low,
                p.low - 1
            ));
            s.deleted += (p.low - start) as u64;
            start = p.low;
        }
        if let Some(f) = a.from_offset {
            start = start.max(f);
        }
        let end = a.to_offset.map_or(p.high, |t| p.high.min(t.saturating_add(1)));
        s.ranges.push((p.partition, start, end));
        // --from-start asks for everything again, notes included.
        if let Some(saved) = position.filter(|_| !a.from_start) {
            let note = ahead::decode(saved.offset, &saved.metadata);
            if note.held && start == saved.offset {
                s.probe.insert(p.partition, start);
            }
            if !note.acked.is_empty() {
                s.replayed_before.insert(p.partition, note.acked);
            }
            if !note.passed.is_empty() {
                s.passed_before.insert(p.partition, note.passed);
            }
        }
    }
    s
}

/// `--to`'s topic, looked up once (it must exist).
pub(super) async fn destination(app: &App, a: &DlqReplayArgs) -> Result<HashMap<String, Dest>> {
    let mut dests = HashMap::new();
    if let Some(to) = &a.to {
        match dlq_reader::topic_partitions(&app.settings, to).await? {
            Some(ps) => dests.insert(to.clone(), Dest::Exists { partitions: ps.len() }),
            None => return Err(anyhow!("--to topic {to} does not exist")),
        };
    }
    Ok(dests)
}
