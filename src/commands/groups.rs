//! `evbus groups list|describe|reset|delete`: every group on the cluster, one group in depth, and
//! the two destructive actions on a group: moving its committed offsets and deleting it (or its
//! offsets on some topics).
//!
//! The destructive actions follow the rules of `topics apply`: the plan is printed before anything
//! changes, a terminal is asked, `--yes` is needed otherwise, and `--dry-run` stops after the plan.
//! A group with active members is refused, naming them: Kafka would refuse too (it takes offsets
//! from outside a group only while it is empty), but only after the plan was confirmed.
//!
//! The plan itself (targets, clamping, the JSON plan file) is computed by [`crate::groups::reset`], which
//! has no terminal and no broker.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use serde::Serialize;
use serde_json::json;

use super::lag::{self, GroupLag, Selection};
use crate::app::App;
use crate::cli::{
    GroupType, GroupsCommand, GroupsDeleteArgs, GroupsDescribeArgs, GroupsListArgs, GroupsResetArgs, ResetEdge,
};
use crate::exit::{self, Exit};
use crate::groups::reset::{self, Plan, Position, Target};
use crate::kafka::admin::Admin;
use crate::kafka::groups::{self, Group};
use crate::kafka::{ClusterMeta, groups::PartitionOutcome};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

pub async fn run(app: &App, cmd: GroupsCommand) -> Result<ExitCode> {
    match cmd {
        GroupsCommand::List(a) => list(app, a).await,
        GroupsCommand::Describe(a) => describe(app, a).await,
        GroupsCommand::Reset(a) => reset_cmd(app, *a).await,
        GroupsCommand::Delete(a) => delete(app, a).await,
    }
}

/// Types a group list row can be filtered on (the names `--type` takes).
fn type_matches(kind: &str, wanted: &[GroupType]) -> bool {
    wanted.is_empty()
        || wanted.iter().any(|t| match t {
            GroupType::Classic => kind == "classic",
            GroupType::Consumer => kind == "consumer",
            GroupType::Share | GroupType::Streams => kind == groups::SHARE_OR_STREAMS,
            GroupType::Connect => kind == "connect",
        })
}

/// `--state` compares without case and without separators: `Stable`, `stable`,
/// `preparing-rebalance` and `PreparingRebalance` are the same.
fn state_key(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// One row of `groups list`.
#[derive(Serialize)]
struct ListRow {
    group: String,
    #[serde(rename = "type")]
    kind: String,
    state: String,
    /// `None` when the type cannot be described (share and streams groups).
    members: Option<usize>,
    topics: Vec<String>,
    total_lag: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct ListJson<'a> {
    groups: &'a [ListRow],
}

async fn list(app: &App, a: GroupsListArgs) -> Result<ExitCode> {
    let mode = app.ui.mode()?;
    let re = match &a.pattern {
        Some(p) => Some(regex::Regex::new(p).map_err(|e| Exit::usage(format!("invalid group regex: {e}")))?),
        None => None,
    };
    let states: Vec<String> = a.states.iter().map(|s| state_key(s)).collect();
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let (all, partial) = groups::list(&admin).await?;
    let wanted: Vec<Group> = all
        .into_iter()
        .filter(|g| re.as_ref().is_none_or(|re| re.is_match(&g.name)))
        .filter(|g| type_matches(&g.kind, &a.types))
        .filter(|g| states.is_empty() || states.contains(&state_key(&g.state)))
        .collect();
    // Topics and lag need the consumer groups' committed offsets: only for the groups shown.
    let consumer: Vec<String> =
        wanted.iter().filter(|g| lag::is_consumer_group(&g.kind)).map(|g| g.name.clone()).collect();
    let lags: BTreeMap<String, GroupLag> = if consumer.is_empty() {
        BTreeMap::new()
    } else {
        let sel = Selection { named: consumer, time_lag: false, ..Selection::default() };
        let snap = lag::snapshot_from(app, &admin, None, &sel, Some((wanted.clone(), partial))).await?;
        snap.groups.into_iter().map(|g| (g.name.clone(), g)).collect()
    };
    let rows: Vec<ListRow> = wanted
        .iter()
        .map(|g| {
            let l = lags.get(&g.name);
            ListRow {
                group: g.name.clone(),
                kind: g.kind.clone(),
                state: g.state.clone(),
                members: g.described.then_some(g.members.len()),
                topics: l.map(|l| l.topics().into_iter().map(str::to_string).collect()).unwrap_or_else(|| {
                    // Connect and other described groups: the topics their members are assigned.
                    g.members
                        .iter()
                        .flat_map(|m| m.assignment.keys().cloned())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect()
                }),
                total_lag: l.and_then(GroupLag::total_lag),
                error: l.and_then(|l| l.error.clone()),
            }
        })
        .collect();
    if mode == Mode::Json {
        app.ui.json(&ListJson { groups: &rows })?;
    } else {
        let mut t = app.ui.table();
        t.set_header(vec!["group", "type", "state", "members", "topics", "total lag"]);
        for r in &rows {
            let topics: Vec<String> = r.topics.iter().map(|t| for_terminal(t).into_owned()).collect();
            t.add_row(vec![
                for_terminal(&r.group).into_owned(),
                r.kind.clone(),
                for_terminal(&r.state).into_owned(),
                r.members.map_or_else(|| "unknown".to_string(), |n| n.to_string()),
                match topics.len() {
                    0 => "-".to_string(),
                    1..=3 => topics.join(", "),
                    n => format!("{}, {}, {} (+{} more)", topics[0], topics[1], topics[2], n - 3),
                },
                lag::num(r.total_lag),
            ]);
        }
        let mut s = if rows.is_empty() { "No groups.".to_string() } else { t.to_string() };
        if rows.iter().any(|r| r.members.is_none()) {
            s.push_str("\nShare and streams groups: state and members unknown (librdkafka 2.12 cannot describe them).");
        }
        app.ui.out(&s)?;
    }
    for r in rows.iter().filter(|r| r.error.is_some()) {
        app.ui.warn(format!("{}: {}", for_terminal(&r.group), r.error.as_deref().unwrap_or_default()));
    }
    Ok(exit::code(exit::OK))
}

/// Members as `client-id@host`, for refusals.
fn active_members(g: &Group) -> Vec<String> {
    g.members.iter().map(lag::owner).collect()
}

fn refuse_members(g: &Group, doing: &str) -> anyhow::Error {
    let who = active_members(g);
    anyhow::anyhow!(
        "group {} has {} active member(s): {}; stop its consumers before {doing} (Kafka changes a group from outside only while it is empty)",
        for_terminal(&g.name),
        who.len(),
        who.iter().map(|w| for_terminal(w).into_owned()).collect::<Vec<_>>().join(", ")
    )
}

/// `groups describe -o json` of a consumer group: `lag -o json`'s group, with its members.
#[derive(Serialize)]
struct DescribeJson<'a> {
    #[serde(flatten)]
    group: lag::GroupJson<'a>,
    members: Option<&'a Vec<MemberJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// `groups describe -o json` of a group without offsets (Connect, share, streams).
#[derive(Serialize)]
struct OtherJson<'a> {
    group: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    state: &'a str,
    /// `null` when the type cannot be described.
    members: Option<&'a Vec<MemberJson<'a>>>,
}

#[derive(Serialize)]
struct MemberJson<'a> {
    member_id: &'a str,
    client_id: &'a str,
    host: &'a str,
    assignment: &'a BTreeMap<String, Vec<i32>>,
}

async fn describe(app: &App, a: GroupsDescribeArgs) -> Result<ExitCode> {
    let mode = app.ui.mode()?;
    let (_, retention_warn) = lag::time_options(None, &a.retention_warn)?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let sel = Selection { named: vec![a.group.clone()], retention_warn, ..Selection::default() };
    let snap = lag::snapshot_listed(app, &admin, None, &sel).await?;
    let listed = snap.listed.iter().find(|g| g.name == a.group);
    let Some(g) = snap.groups.into_iter().next() else { bail!("no answer for group {}", for_terminal(&a.group)) };
    if listed.is_none() && g.state == lag::NO_OFFSETS {
        bail!("no group {} on the cluster", for_terminal(&a.group));
    }
    let kind = listed.map_or("classic", |l| l.kind.as_str());
    let described = listed.is_none_or(|l| l.described);
    let consumer = lag::is_consumer_group(kind);
    let members: Vec<MemberJson> = listed
        .map(|l| {
            l.members
                .iter()
                .map(|m| MemberJson {
                    member_id: &m.member_id,
                    client_id: &m.client_id,
                    host: m.client_host.trim_start_matches('/'),
                    assignment: &m.assignment,
                })
                .collect()
        })
        .unwrap_or_default();
    if mode == Mode::Json {
        let members = described.then_some(&members);
        if consumer {
            app.ui.json(&DescribeJson { group: lag::group_doc(&g), members, error: g.error.as_deref() })?;
        } else {
            let state = listed.map_or(g.state.as_str(), |l| l.state.as_str());
            app.ui.json(&OtherJson { group: &g.name, kind, state, members })?;
        }
        for n in g.loss_notes() {
            app.ui.warn(n);
        }
        for n in g.risk_notes() {
            app.ui.warn(format!("retention risk: {n}"));
        }
    } else {
        let state = listed.map_or(g.state.as_str(), |l| l.state.as_str());
        let mut s = format!("Group {} ({kind}, {})", for_terminal(&g.name), for_terminal(state));
        if consumer {
            s.push_str(&format!(": total lag {}, time lag {}", lag::num(g.total_lag()), lag::age(g.max_time_lag_ms())));
        }
        if !described {
            s.push_str(
                "\nMembers, assignments and progress: not available (librdkafka 2.12 has no admin API for share or streams groups).",
            );
        } else if members.is_empty() {
            s.push_str("\nNo active members.");
        } else {
            let mut t = app.ui.table();
            t.set_header(vec!["client id", "host", "member id", "assignment"]);
            for m in &members {
                let assignment: Vec<String> = m
                    .assignment
                    .iter()
                    .map(|(t, ps)| {
                        let ps: Vec<String> = ps.iter().map(i32::to_string).collect();
                        format!("{}:{}", for_terminal(t), ps.join(","))
                    })
                    .collect();
                t.add_row(vec![
                    for_terminal(m.client_id).into_owned(),
                    for_terminal(m.host).into_owned(),
                    for_terminal(m.member_id).into_owned(),
                    if assignment.is_empty() { "-".to_string() } else { assignment.join(" ") },
                ]);
            }
            s.push_str(&format!("\n{t}"));
        }
        if consumer && !g.partitions.is_empty() {
            s.push_str(&format!("\n{}", lag::partition_table(app, &g, None)));
        }
        if consumer {
            s.push_str(&lag::group_notes(std::slice::from_ref(&g)));
        }
        app.ui.out(&s)?;
    }
    if consumer && let Some(e) = &g.error {
        bail!("could not read the committed offsets of {}: {e}", for_terminal(&g.name));
    }
    Ok(exit::code(exit::OK))
}

/// The group as listed (type, state, members), or `None` when the cluster does not know it.
async fn find_group(admin: &Arc<Admin>, name: &str) -> Result<Option<Group>> {
    let (all, _) = groups::list(admin).await?;
    Ok(all.into_iter().find(|g| g.name == name))
}

/// Refuse groups whose offsets evbus cannot manage: share and streams groups have their own
/// offset APIs that librdkafka does not offer, and Connect groups commit none.
fn require_consumer_group(g: Option<&Group>, doing: &str) -> Result<()> {
    match g {
        Some(g) if !lag::is_consumer_group(&g.kind) => bail!(
            "group {} is a {} group: only consumer groups (classic, consumer) have committed offsets evbus can {doing}",
            for_terminal(&g.name),
            g.kind
        ),
        _ => Ok(()),
    }
}

/// The partitions of a topic, or an error naming what is missing.
fn topic_partitions(md: &ClusterMeta, topic: &str, wanted: Option<&[i32]>) -> Result<Vec<(String, i32)>> {
    let all = lag::partition_ids(md, topic);
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
        return Ok((if edge == ResetEdge::Earliest { Target::Earliest } else { Target::Latest }, None));
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
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read the plan file {}", path.display()))?;
        let (group, offsets) = reset::parse_plan_file(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
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
            (true, Some(s), _) if s > 0 => format!("skip {s}"),
            (true, _, Some(n)) if n > 0 => format!("re-read {n}"),
            (true, _, _) => "set".to_string(),
        };
        t.add_row(vec![
            for_terminal(&r.topic).into_owned(),
            r.partition.to_string(),
            r.current.map_or_else(|| "no offset".to_string(), |c| c.to_string()),
            lag::num(r.new),
            change,
            r.note.clone().unwrap_or_default(),
        ]);
    }
    let changing = plan.partitions.iter().filter(|r| r.changes()).count();
    format!(
        "Reset plan for group {} ({kind}): {}\n{t}\n{} of {} partition(s) change: {} record(s) skipped, {} re-read.",
        for_terminal(&plan.group),
        plan.target,
        changing,
        plan.partitions.len(),
        plan.total_skipped(),
        plan.total_reread()
    )
}

async fn reset_cmd(app: &App, a: GroupsResetArgs) -> Result<ExitCode> {
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
    let (md, listed) = (md?, listed?);
    require_consumer_group(listed.as_ref(), "reset")?;
    if let Some(g) = listed.as_ref().filter(|g| !g.members.is_empty())
        && !a.dry_run
    {
        return Err(refuse_members(g, "resetting its offsets"));
    }

    let committed = groups::committed_many(&admin, vec![(a.group.clone(), None)]).await?;
    let committed: BTreeMap<(String, i32), i64> = match committed.into_iter().next() {
        Some((_, Ok(list))) => list.into_iter().filter_map(|c| Some(((c.topic, c.partition), c.offset?))).collect(),
        Some((_, Err(e))) if e == groups::GROUP_NOT_FOUND => BTreeMap::new(),
        Some((_, Err(e))) => bail!("cannot read the committed offsets of group {}: {e}", for_terminal(&a.group)),
        None => BTreeMap::new(),
    };

    // The partitions the plan covers.
    let mut parts: BTreeSet<(String, i32)> = BTreeSet::new();
    if let Target::File(offsets) = &target {
        let only: BTreeSet<&str> = specs.iter().map(|(t, _)| t.as_str()).collect();
        for ((t, p), _) in offsets {
            if !only.is_empty() && !only.contains(t.as_str()) {
                continue;
            }
            parts.extend(topic_partitions(&md, t, Some(&[*p]))?);
        }
    } else if a.all_topics {
        let topics: BTreeSet<&str> = committed.keys().map(|(t, _)| t.as_str()).collect();
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
            parts.extend(topic_partitions(&md, t, ps.as_deref())?);
        }
    }
    if parts.is_empty() {
        bail!("no partitions to reset");
    }

    let parts: Vec<(String, i32)> = parts.into_iter().collect();
    let (ends, starts) = lag::log_offsets(app, parts.clone()).await?;
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
        });
    }
    let plan = reset::plan(&a.group, &target, &positions);
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
    if listed.is_none() {
        app.ui.info(format!("group {} does not exist yet: the reset creates its offsets", for_terminal(&a.group)));
    }
    if a.dry_run {
        if let Some(g) = listed.as_ref().filter(|g| !g.members.is_empty()) {
            app.ui.warn(refuse_members(g, "resetting its offsets").to_string());
        }
        return Ok(exit::code(exit::OK));
    }
    let offsets = plan.offsets();
    if offsets.is_empty() {
        app.ui.info("nothing to change");
        if mode == Mode::Json {
            app.ui.json(&ResetResult { plan: &plan, applied: true, failed: Vec::new() })?;
        }
        return Ok(exit::code(exit::OK));
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
        return Ok(exit::code(exit::OK));
    }
    let outcomes = groups::alter_offsets(&admin, &a.group, offsets).await?;
    report(app, mode, &plan, outcomes, &a.group)
}

/// Print the outcome of a reset; any failed partition makes the run fail (exit 1).
fn report(app: &App, mode: Mode, plan: &Plan, outcomes: Vec<PartitionOutcome>, group: &str) -> Result<ExitCode> {
    let failed: Vec<FailedJson> = outcomes
        .iter()
        .filter_map(|o| Some(FailedJson { topic: o.topic.clone(), partition: o.partition, error: o.error.clone()? }))
        .collect();
    let ok = outcomes.len() - failed.len();
    if mode == Mode::Json {
        app.ui.json(&ResetResult {
            plan,
            applied: failed.is_empty(),
            failed: failed
                .iter()
                .map(|f| FailedJson { topic: f.topic.clone(), partition: f.partition, error: f.error.clone() })
                .collect(),
        })?;
    } else {
        app.ui.out(&format!("Reset {ok} partition offset(s) of group {}.", for_terminal(group)))?;
    }
    if !failed.is_empty() {
        let list: Vec<String> =
            failed.iter().map(|f| format!("{}[{}]: {}", for_terminal(&f.topic), f.partition, f.error)).collect();
        bail!("{} of {} partition(s) not reset:\n  {}", failed.len(), outcomes.len(), list.join("\n  "));
    }
    Ok(exit::code(exit::OK))
}

async fn delete(app: &App, a: GroupsDeleteArgs) -> Result<ExitCode> {
    let mode = app.ui.mode()?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let (md, listed) = tokio::join!(admin.metadata(None), find_group(&admin, &a.group));
    let (md, listed) = (md?, listed?);
    let consumer = listed.as_ref().is_none_or(|g| lag::is_consumer_group(&g.kind));
    let committed: Vec<(String, i32, i64)> = if consumer {
        match groups::committed_many(&admin, vec![(a.group.clone(), None)]).await?.into_iter().next() {
            Some((_, Ok(list))) => list.into_iter().filter_map(|c| Some((c.topic, c.partition, c.offset?))).collect(),
            Some((_, Err(e))) if e == groups::GROUP_NOT_FOUND => Vec::new(),
            Some((_, Err(e))) => bail!("cannot read the committed offsets of group {}: {e}", for_terminal(&a.group)),
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    if listed.is_none() && committed.is_empty() {
        bail!("no group {} on the cluster", for_terminal(&a.group));
    }

    if a.topics.is_empty() {
        delete_group(app, &admin, mode, &a, listed.as_ref(), &committed).await
    } else {
        require_consumer_group(listed.as_ref(), "delete")?;
        for t in &a.topics {
            // A deleted topic's offsets can still be deleted: only refuse names never seen.
            if lag::partition_ids(&md, t).is_empty() && !committed.iter().any(|(ct, _, _)| ct == t) {
                bail!(
                    "no topic {} on the cluster, and group {} has no offsets on it",
                    for_terminal(t),
                    for_terminal(&a.group)
                );
            }
        }
        delete_offsets(app, &admin, mode, &a, listed.as_ref(), &committed).await
    }
}

#[derive(Serialize)]
struct OffsetJson<'a> {
    topic: &'a str,
    partition: i32,
    committed: i64,
}

async fn delete_group(
    app: &App,
    admin: &Arc<Admin>,
    mode: Mode,
    a: &GroupsDeleteArgs,
    listed: Option<&Group>,
    committed: &[(String, i32, i64)],
) -> Result<ExitCode> {
    if let Some(g) = listed.filter(|g| !g.members.is_empty())
        && !a.dry_run
    {
        return Err(refuse_members(g, "deleting it"));
    }
    let kind = listed.map_or("classic", |g| g.kind.as_str());
    let state = listed.map_or("Empty", |g| g.state.as_str());
    let offsets: Vec<OffsetJson> =
        committed.iter().map(|(t, p, c)| OffsetJson { topic: t, partition: *p, committed: *c }).collect();
    let topics: BTreeSet<&str> = committed.iter().map(|(t, _, _)| t.as_str()).collect();
    let text = format!(
        "Delete group {} ({kind}, {state}) with its committed offsets on {} partition(s) of {}.",
        for_terminal(&a.group),
        committed.len(),
        if topics.is_empty() {
            "no topic".to_string()
        } else {
            topics.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", ")
        }
    );
    let plan = json!({"group": a.group, "action": "delete_group", "type": kind, "offsets": offsets});
    show_plan(app, mode, a.dry_run, &plan, &text)?;
    if a.dry_run {
        if let Some(g) = listed.filter(|g| !g.members.is_empty()) {
            app.ui.warn(refuse_members(g, "deleting it").to_string());
        }
        return Ok(exit::code(exit::OK));
    }
    if !app.ui.confirm(&format!("Delete group {}?", for_terminal(&a.group)), a.yes)? {
        app.ui.info("aborted: nothing changed");
        return Ok(exit::code(exit::OK));
    }
    match groups::delete_group(admin, &a.group).await? {
        Ok(()) => {
            if mode == Mode::Json {
                app.ui.json(&json!({"group": a.group, "action": "delete_group", "deleted": true}))?;
            } else {
                app.ui.out(&format!("Deleted group {}.", for_terminal(&a.group)))?;
            }
            Ok(exit::code(exit::OK))
        }
        Err(e) => {
            if mode == Mode::Json {
                app.ui.json(&json!({"group": a.group, "action": "delete_group", "deleted": false, "error": e}))?;
            }
            bail!("group {} not deleted: {e}", for_terminal(&a.group))
        }
    }
}

async fn delete_offsets(
    app: &App,
    admin: &Arc<Admin>,
    mode: Mode,
    a: &GroupsDeleteArgs,
    listed: Option<&Group>,
    committed: &[(String, i32, i64)],
) -> Result<ExitCode> {
    // Kafka refuses while members consume the topic (GROUP_SUBSCRIBED_TO_TOPIC); say who.
    if let Some(g) = listed
        && !a.dry_run
    {
        let busy: Vec<String> =
            g.members.iter().filter(|m| m.assignment.keys().any(|t| a.topics.contains(t))).map(lag::owner).collect();
        if !busy.is_empty() {
            bail!(
                "group {} has active member(s) consuming {}: {}; stop them before deleting its offsets there",
                for_terminal(&a.group),
                a.topics.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", "),
                busy.iter().map(|w| for_terminal(w).into_owned()).collect::<Vec<_>>().join(", ")
            );
        }
    }
    let mine: Vec<&(String, i32, i64)> = committed.iter().filter(|(t, _, _)| a.topics.contains(t)).collect();
    let offsets: Vec<OffsetJson> =
        mine.iter().map(|(t, p, c)| OffsetJson { topic: t, partition: *p, committed: *c }).collect();
    let plan = json!({"group": a.group, "action": "delete_offsets", "offsets": offsets});
    if mine.is_empty() {
        if mode == Mode::Json {
            app.ui.json(&plan)?;
        } else {
            app.ui.out(&format!(
                "Group {} has no committed offsets on {}: nothing to delete.",
                for_terminal(&a.group),
                a.topics.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", ")
            ))?;
        }
        return Ok(exit::code(exit::OK));
    }
    let mut t = app.ui.table();
    t.set_header(vec!["topic", "partition", "committed"]);
    for (topic, p, c) in &mine {
        t.add_row(vec![for_terminal(topic).into_owned(), p.to_string(), c.to_string()]);
    }
    let text = format!(
        "Delete the committed offsets of group {} on {} partition(s):\n{t}",
        for_terminal(&a.group),
        mine.len()
    );
    show_plan(app, mode, a.dry_run, &plan, &text)?;
    if a.dry_run {
        return Ok(exit::code(exit::OK));
    }
    let question = format!("Delete {} committed offset(s) of group {}?", mine.len(), for_terminal(&a.group));
    if !app.ui.confirm(&question, a.yes)? {
        app.ui.info("aborted: nothing changed");
        return Ok(exit::code(exit::OK));
    }
    let parts: Vec<(String, i32)> = mine.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
    let outcomes = groups::delete_offsets(admin, &a.group, parts).await?;
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|o| Some(format!("{}[{}]: {}", for_terminal(&o.topic), o.partition, o.error.as_ref()?)))
        .collect();
    if mode == Mode::Json {
        app.ui.json(&json!({"group": a.group, "action": "delete_offsets", "offsets": offsets,
            "deleted": failed.is_empty(), "failed": failed}))?;
    } else {
        app.ui.out(&format!(
            "Deleted {} committed offset(s) of group {}.",
            outcomes.len() - failed.len(),
            for_terminal(&a.group)
        ))?;
    }
    if !failed.is_empty() {
        bail!("{} offset(s) not deleted:\n  {}", failed.len(), failed.join("\n  "));
    }
    Ok(exit::code(exit::OK))
}

/// The plan of a deletion: JSON on stdout for `--dry-run -o json`, else text (on stderr when
/// stdout will carry the JSON result).
fn show_plan(app: &App, mode: Mode, dry_run: bool, plan: &serde_json::Value, text: &str) -> Result<()> {
    match (mode, dry_run) {
        (Mode::Json, true) => app.ui.json(plan),
        (Mode::Json, false) => {
            app.ui.info(text);
            Ok(())
        }
        (Mode::Table, _) => app.ui.out(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_compare_loosely() {
        assert_eq!(state_key("PreparingRebalance"), state_key("preparing-rebalance"));
        assert_eq!(state_key("Stable"), "stable");
    }

    #[test]
    fn types_filter() {
        assert!(type_matches("connect", &[]));
        assert!(type_matches("share/streams", &[GroupType::Classic, GroupType::Share]));
        assert!(!type_matches("consumer", &[GroupType::Classic]));
        assert!(type_matches("share/streams", &[GroupType::Streams]));
        assert!(!type_matches("share/streams", &[GroupType::Connect]));
    }

    #[test]
    fn members_are_named_in_refusals() {
        let g = Group {
            name: "g".into(),
            members: vec![groups::Member {
                member_id: "m-1".into(),
                client_id: "billing-1".into(),
                client_host: "/10.0.0.7".into(),
                assignment: BTreeMap::new(),
            }],
            ..Default::default()
        };
        let e = refuse_members(&g, "resetting its offsets").to_string();
        assert!(e.starts_with("group g has 1 active member(s): billing-1@10.0.0.7; stop its consumers"), "{e}");
    }
}
