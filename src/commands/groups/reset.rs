//! `evbus groups reset`: move a group's committed offsets. The plan (targets, clamping, the JSON
//! plan file) comes from [`crate::groups::reset`]; this reads what it needs from the cluster,
//! prints the plan, asks, and applies it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use serde::Serialize;

use super::guard::{find_group, refuse_members, require_consumer_group};
use super::share;
use crate::app::App;
use crate::cli::{GroupsResetArgs, ResetEdge};
use crate::exit::{Exit, Outcome};
use crate::groups::reset::{self, Plan, Position, Target};
use crate::kafka::ClusterMeta;
use crate::kafka::Kind;
use crate::kafka::error::side_by_side;
use crate::kafka::groups::{self, PartitionOutcome};
use crate::kafka::lag::{log_offsets, partition_ids};
use crate::lag::cells::num;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

/// The partitions of a topic, or an error naming what is missing.
fn topic_partitions(md: &ClusterMeta, topic: &str, wanted: Option<&[i32]>) -> Result<Vec<(String, i32)>> {
    let all = partition_ids(md, topic);
    if all.is_empty() {
        bail!("no topic {} on the cluster", for_terminal(topic));
    }
    Ok(match wanted {
        None => all.into_iter().map(|p| (topic.to_string(), p)).collect(),
        Some(ps) => {
            let mut out = Vec::new();
            for p in ps {
                if !all.contains(p) {
                    bail!("topic {} has no partition {p} (it has {})", for_terminal(topic), all.len());
                }
                out.push((topic.to_string(), *p));
            }
            out
        }
    })
}

/// The target of `groups reset`, with what it needs read from disk or the clock.
fn target_of(a: &GroupsResetArgs) -> Result<(Target, Option<String>)> {
    let t = &a.target;
    if let Some(edge) = t.to {
        let target = match edge {
            ResetEdge::Earliest => Target::Earliest,
            ResetEdge::Latest => Target::Latest,
            ResetEdge::Current => Target::Current,
        };
        return Ok((target, None));
    }
    if let Some(n) = t.to_offset {
        if n < 0 {
            bail!(Exit::usage("--to-offset must be ≥ 0"));
        }
        return Ok((Target::Offset(n), None));
    }
    // Both take the one TIME grammar; clap checked it and they are mutually exclusive.
    if let Some(time) = t.to_datetime.or(t.by_duration) {
        return Ok((Target::Datetime(time.at(chrono::Utc::now().timestamp_millis())), None));
    }
    if let Some(n) = t.shift_by {
        return Ok((Target::ShiftBy(n), None));
    }
    if let Some(path) = &t.from_file {
        let text = crate::limits::read_to_string(path, crate::limits::FILES)
            .with_context(|| format!("cannot read the plan file {}", path.display()))?;
        let (group, offsets) = reset::parse_plan_file(&text, &a.group)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), for_terminal(&e)))?;
        return Ok((Target::File(offsets), group));
    }
    bail!(Exit::usage("one of --to, --to-offset, --to-datetime, --by-duration, --shift-by, --from-file is required"))
}

/// A reset plan's result: the plan with each partition's outcome.
#[derive(Serialize)]
struct ResetResult<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    applied: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    failed: Vec<FailedJson>,
}

#[derive(Serialize)]
struct FailedJson {
    topic: String,
    partition: i32,
    error: String,
}

fn plan_table(app: &App, plan: &Plan, kind: &str) -> String {
    let mut t = app.ui.table();
    t.set_header(vec!["topic", "partition", "current", "new", "change", "note"]);
    for r in &plan.partitions {
        let change = match (r.changes(), r.skipped, r.reread) {
            (false, _, _) => "none".to_string(),
            _ if r.new_commit => "new commit".to_string(),
            (true, Some(s), _) if s > 0 => format!("skip {s}"),
            (true, _, Some(n)) if n > 0 => format!("re-read {n}"),
            (true, _, _) => "set".to_string(),
        };
        t.add_row(vec![
            for_terminal(&r.topic).into_owned(),
            r.partition.to_string(),
            r.current.map_or_else(|| "no offset".to_string(), |c| c.to_string()),
            num(r.new),
            change,
            r.note.clone().unwrap_or_default(),
        ]);
    }
    let totals = &plan.totals;
    let new_commits = match totals.new_commits {
        0 => String::new(),
        n => format!(" ({n} new commit(s) where the group had no offset)"),
    };
    let left_alone = match totals.uncommitted_left_alone {
        0 => String::new(),
        n => format!(
            "\n{n} partition(s) without a committed offset left alone (their consumers follow auto.offset.reset; \
             --include-uncommitted commits them too)."
        ),
    };
    format!(
        "Reset plan for group {} ({kind}): {}\n{t}\n{} of {} partition(s) change{new_commits}: {} record(s) skipped, {} \
         re-read.{left_alone}",
        for_terminal(&plan.group),
        plan.target,
        totals.changing,
        totals.partitions,
        totals.skipped,
        totals.reread
    )
}

pub(super) async fn reset_cmd(app: &App, a: GroupsResetArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let (target, file_group) = target_of(&a)?;
    let from_file = matches!(target, Target::File(_));
    if !from_file && a.topics.is_empty() && !a.all_topics {
        bail!(Exit::usage("name the partitions to reset: --topic TOPIC[:P,...] (repeatable) or --all-topics"));
    }
    let mut specs = Vec::new();
    for s in &a.topics {
        specs.push(reset::parse_topic_spec(s).map_err(|e| Exit::usage(format!("--topic {e}")))?);
    }
    if let Some(fg) = file_group.as_deref().filter(|fg| *fg != a.group) {
        app.ui.warn(format!(
            "the plan file was made for group {}; applying its offsets to group {}",
            for_terminal(fg),
            for_terminal(&a.group)
        ));
    }
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let (md, listed) = tokio::join!(admin.metadata(None), find_group(&admin, &a.group));
    let (md, listed) = side_by_side(md, listed)?;
    // A share group: its start offsets and members from its own API (see `share`).
    let share = share::lookup(app, &a.group, listed.as_ref()).await?;
    let listed = match &share {
        Some(s) => Some(s.group.clone()),
        None => {
            require_consumer_group(listed.as_ref(), "reset")?;
            listed
        }
    };
    let streams = super::streams::reset_scope(app, listed.as_ref(), &specs, "reset").await?;
    super::streams::refuse_internal_flag(streams.as_ref(), a.delete_internal_topics)?;
    if let Some(g) = listed.as_ref().filter(|g| !g.members.is_empty())
        && !a.dry_run
    {
        return Err(refuse_members(g, "resetting its offsets"));
    }

    let committed = match &share {
        Some(s) => vec![(a.group.clone(), Ok(s.starts.iter().map(|((t, p), o)| committed_at(t, *p, *o)).collect()))],
        None => groups::committed_many(&admin, vec![(a.group.clone(), None)]).await?,
    };
    let committed: BTreeMap<(String, i32), i64> = match committed.into_iter().next() {
        Some((_, Ok(list))) => list.into_iter().filter_map(|c| Some(((c.topic, c.partition), c.offset?))).collect(),
        Some((_, Err(e))) if e.kind() == Kind::GroupNotFound => BTreeMap::new(),
        Some((_, Err(e))) => bail!("cannot read the committed offsets of group {}: {e}", for_terminal(&a.group)),
        None => BTreeMap::new(),
    };

    // The partitions the plan covers, and those the user named (reset even without a commit).
    let mut parts: BTreeSet<(String, i32)> = BTreeSet::new();
    let mut named: BTreeSet<(String, i32)> = BTreeSet::new();
    if let Target::File(offsets) = &target {
        let only: BTreeSet<&str> = specs.iter().map(|(t, _)| t.as_str()).collect();
        for (t, p) in offsets.keys() {
            if !only.is_empty() && !only.contains(t.as_str()) {
                continue;
            }
            let ps = topic_partitions(&md, t, Some(&[*p]))?;
            named.extend(ps.iter().cloned());
            parts.extend(ps);
        }
    } else if a.all_topics {
        let mut topics: BTreeSet<&str> = committed.keys().map(|(t, _)| t.as_str()).collect();
        // A streams group: its input topics, not the repartition topics it commits too.
        if let Some(s) = &streams {
            topics = s.all_topics(topics.into_iter()).into_iter().collect();
        }
        if topics.is_empty() {
            bail!("group {} has no committed offsets; name the topics to reset with --topic", for_terminal(&a.group));
        }
        for t in topics {
            match topic_partitions(&md, t, None) {
                Ok(ps) => parts.extend(ps),
                // A deleted topic's offsets linger until they expire: nothing to reset there.
                Err(_) => {
                    app.ui.warn(format!("topic {} no longer exists; its offsets are left alone", for_terminal(t)))
                }
            }
        }
    } else {
        for (t, ps) in &specs {
            let found = topic_partitions(&md, t, ps.as_deref())?;
            if ps.is_some() {
                named.extend(found.iter().cloned());
            }
            parts.extend(found);
        }
    }
    if parts.is_empty() {
        bail!("no partitions to reset");
    }

    let parts: Vec<(String, i32)> = parts.into_iter().collect();
    let (ends, starts) = log_offsets(&app.settings, parts.clone()).await?;
    let by_time = match &target {
        Target::Datetime(ms) => app.settings.offsets_for_time(parts.clone(), *ms).await?,
        _ => Default::default(),
    };
    let mut positions = Vec::with_capacity(parts.len());
    for (t, p) in &parts {
        let key = (t.clone(), *p);
        let (Some(start), Some(end)) = (starts.get(&key), ends.get(&key)) else {
            bail!("cannot read the log start and end offsets of {}[{p}]", for_terminal(t));
        };
        let time = match by_time.get(&key) {
            Some(Err(e)) => bail!("ListOffsets by time for {}[{p}] failed: {e}", for_terminal(t)),
            Some(Ok(o)) => *o,
            None => None,
        };
        positions.push(Position {
            topic: t.clone(),
            partition: *p,
            current: committed.get(&key).copied(),
            log_start: *start,
            log_end: *end,
            by_time: time,
            named: named.contains(&key),
        });
    }
    let plan = reset::plan(&a.group, &target, &positions, a.include_uncommitted)
        .map_err(|e| anyhow::anyhow!("{}", for_terminal(&e)))?;
    let kind = listed.as_ref().map_or("no such group yet", |g| g.kind.as_str()).to_string();

    // The plan: on stdout as JSON for --dry-run -o json (the shape --from-file reads back), else
    // as a table (on stderr when stdout will carry the JSON result).
    if mode == Mode::Json && a.dry_run {
        app.ui.json(&plan)?;
    } else if mode == Mode::Json {
        app.ui.info(plan_table(app, &plan, &kind));
    } else {
        app.ui.out(&plan_table(app, &plan, &kind))?;
    }
    if let Some(s) = &streams {
        app.ui.info(super::streams::reset_note(s, a.delete_internal_topics));
    }
    if listed.is_none() && plan.totals.changing == 0 && plan.totals.uncommitted_left_alone > 0 {
        app.ui.info(format!(
            "group {} does not exist yet, so it has no committed offsets: add --include-uncommitted (or name the \
             partitions, TOPIC:P) to create them",
            for_terminal(&a.group)
        ));
    } else if listed.is_none() {
        app.ui.info(format!("group {} does not exist yet: the reset creates its offsets", for_terminal(&a.group)));
    }
    if a.dry_run {
        if let Some(g) = listed.as_ref().filter(|g| !g.members.is_empty()) {
            app.ui.warn(refuse_members(g, "resetting its offsets").to_string());
        }
        return Ok(Outcome::Ok);
    }
    let offsets = plan.offsets();
    if offsets.is_empty() {
        app.ui.info("nothing to change");
        if mode == Mode::Json {
            app.ui.json(&ResetResult { plan: &plan, applied: true, failed: Vec::new() })?;
        }
        return Ok(Outcome::Ok);
    }
    let question = format!(
        "Reset {} partition offset(s) of group {} ({} skipped, {} re-read)?",
        offsets.len(),
        for_terminal(&a.group),
        plan.total_skipped(),
        plan.total_reread()
    );
    if !app.ui.confirm(&question, a.yes)? {
        app.ui.info("aborted: nothing changed");
        return Ok(Outcome::Ok);
    }
    let outcomes = match share {
        Some(_) => share::alter(app, &a.group, &offsets).await?,
        None => groups::alter_offsets(&admin, &a.group, offsets).await?,
    };
    let outcome = report(app, mode, &plan, outcomes, &a.group)?;
    super::streams::after_reset(app, &admin, streams.as_ref(), a.delete_internal_topics).await?;
    Ok(outcome)
}

/// A share-partition start offset in the shape OffsetFetch answers.
fn committed_at(topic: &str, partition: i32, offset: i64) -> groups::Committed {
    groups::Committed { topic: topic.to_string(), partition, offset: Some(offset), metadata: String::new() }
}

/// Print the outcome of a reset; any failed partition makes the run fail (exit 1).
fn report(app: &App, mode: Mode, plan: &Plan, outcomes: Vec<PartitionOutcome>, group: &str) -> Result<Outcome> {
    let failed: Vec<FailedJson> = outcomes
        .iter()
        .filter_map(|o| Some(FailedJson { topic: o.topic.clone(), partition: o.partition, error: o.error.clone()? }))
        .collect();
    let ok = outcomes.len() - failed.len();
    let written = if mode == Mode::Json {
        app.ui.json(&ResetResult {
            plan,
            applied: failed.is_empty(),
            failed: failed
                .iter()
                .map(|f| FailedJson { topic: f.topic.clone(), partition: f.partition, error: f.error.clone() })
                .collect(),
        })
    } else {
        app.ui.out(&format!("Reset {ok} partition offset(s) of group {}.", for_terminal(group)))
    };
    let written = match ok {
        0 => written,
        ok => app.ui.applied_output(written, || {
            format!("{ok} of {} partition offset(s) of group {} reset", outcomes.len(), for_terminal(group))
        }),
    };
    if !failed.is_empty() {
        if let Err(e) = written {
            app.ui.warn(e.to_string());
        }
        let list: Vec<String> =
            failed.iter().map(|f| format!("{}[{}]: {}", for_terminal(&f.topic), f.partition, f.error)).collect();
        bail!("{} of {} partition(s) not reset:\n  {}", failed.len(), outcomes.len(), list.join("\n  "));
    }
    written?;
    Ok(Outcome::Ok)
}
