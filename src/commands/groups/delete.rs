//! `evbus groups delete`: delete a group with its committed offsets, or only its offsets on some
//! topics.

use std::collections::BTreeSet;
use std::sync::Arc;

use anyhow::{Result, bail};
use serde::Serialize;

use super::guard::{find_group, refuse_members, require_consumer_group};
use crate::app::App;
use crate::cli::GroupsDeleteArgs;
use crate::exit::Outcome;
use crate::kafka::Kind;
use crate::kafka::admin::Admin;
use crate::kafka::error::side_by_side;
use crate::kafka::groups::{self, Group};
use crate::kafka::lag::partition_ids;
use crate::lag::report::has_committed_offsets;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

pub(super) async fn delete(app: &App, a: GroupsDeleteArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let (md, listed) = tokio::join!(admin.metadata(None), find_group(&admin, &a.group));
    let (md, listed) = side_by_side(md, listed)?;
    if listed.as_ref().is_some_and(|g| g.kind == "share") {
        return super::share::delete(app, mode, &a).await;
    }
    let consumer = listed.as_ref().is_none_or(|g| has_committed_offsets(&g.kind));
    let mut committed: Vec<(String, i32, i64)> = if consumer {
        match groups::committed_many(&admin, vec![(a.group.clone(), None)]).await?.into_iter().next() {
            Some((_, Ok(list))) => list.into_iter().filter_map(|c| Some((c.topic, c.partition, c.offset?))).collect(),
            Some((_, Err(e))) if e.kind() == Kind::GroupNotFound => Vec::new(),
            Some((_, Err(e))) => bail!("cannot read the committed offsets of group {}: {e}", for_terminal(&a.group)),
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    // The broker answers in hash order; plans list partitions in order, like `reset`'s.
    committed.sort();
    if listed.is_none() && committed.is_empty() {
        bail!("no group {} on the cluster", for_terminal(&a.group));
    }

    if a.topics.is_empty() {
        let internal =
            super::streams::internal_topics_to_show(app, &md, listed.as_ref(), a.delete_internal_topics).await?;
        delete_group(app, &admin, mode, &a, listed.as_ref(), &committed, &internal).await
    } else {
        require_consumer_group(listed.as_ref(), "delete")?;
        let named: Vec<(String, Option<Vec<i32>>)> = a.topics.iter().map(|t| (t.clone(), None)).collect();
        super::streams::reset_scope(app, listed.as_ref(), &named, "delete the offsets of").await?;
        for t in &a.topics {
            // A deleted topic's offsets can still be deleted: only refuse names never seen.
            if partition_ids(&md, t).is_empty() && !committed.iter().any(|(ct, _, _)| ct == t) {
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

/// A deletion's plan and result as JSON, keys in the order of `reset`'s plans (group first, then
/// what happens, then the partitions, then the outcome) rather than alphabetical.
#[derive(Serialize, Default)]
struct DeleteJson<'a> {
    group: &'a str,
    action: &'static str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offsets: Option<&'a [OffsetJson<'a>]>,
    /// A streams group's internal topics, and whether they are deleted too.
    #[serde(skip_serializing_if = "Option::is_none")]
    internal_topics: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delete_internal_topics: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deleted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

async fn delete_group(
    app: &App,
    admin: &Arc<Admin>,
    mode: Mode,
    a: &GroupsDeleteArgs,
    listed: Option<&Group>,
    committed: &[(String, i32, i64)],
    internal: &[String],
) -> Result<Outcome> {
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
    let text = text + &super::streams::internal_topics_line(internal, a.delete_internal_topics);
    let plan = DeleteJson {
        group: &a.group,
        action: "delete_group",
        kind: Some(kind),
        offsets: Some(&offsets),
        internal_topics: (!internal.is_empty()).then_some(internal),
        delete_internal_topics: a.delete_internal_topics.then_some(true),
        ..Default::default()
    };
    show_plan(app, mode, a.dry_run, &plan, &text)?;
    if a.dry_run {
        if let Some(g) = listed.filter(|g| !g.members.is_empty()) {
            app.ui.warn(refuse_members(g, "deleting it").to_string());
        }
        return Ok(Outcome::Ok);
    }
    if !app.ui.confirm(&format!("Delete group {}?", for_terminal(&a.group)), a.yes)? {
        app.ui.info("aborted: nothing changed");
        return Ok(Outcome::Ok);
    }
    match groups::delete_group(admin, &a.group).await? {
        Ok(()) => {
            let written = if mode == Mode::Json {
                app.ui.json(&DeleteJson {
                    group: &a.group,
                    action: "delete_group",
                    deleted: Some(true),
                    ..Default::default()
                })
            } else {
                app.ui.out(&format!("Deleted group {}.", for_terminal(&a.group)))
            };
            app.ui.applied_output(written, || format!("group {} deleted", for_terminal(&a.group)))?;
            if a.delete_internal_topics && !internal.is_empty() {
                super::streams::delete_internal(app, admin, internal).await?;
            }
            Ok(Outcome::Ok)
        }
        Err(e) => {
            if mode == Mode::Json {
                app.ui.json(&DeleteJson {
                    group: &a.group,
                    action: "delete_group",
                    deleted: Some(false),
                    error: Some(e.message()),
                    ..Default::default()
                })?;
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
) -> Result<Outcome> {
    // Kafka refuses while members consume the topic (GROUP_SUBSCRIBED_TO_TOPIC); say who.
    if let Some(g) = listed
        && !a.dry_run
    {
        let busy: Vec<String> =
            g.members.iter().filter(|m| m.assignment.keys().any(|t| a.topics.contains(t))).map(|m| m.owner()).collect();
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
    let plan = DeleteJson { group: &a.group, action: "delete_offsets", offsets: Some(&offsets), ..Default::default() };
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
        return Ok(Outcome::Ok);
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
        return Ok(Outcome::Ok);
    }
    let question = format!("Delete {} committed offset(s) of group {}?", mine.len(), for_terminal(&a.group));
    if !app.ui.confirm(&question, a.yes)? {
        app.ui.info("aborted: nothing changed");
        return Ok(Outcome::Ok);
    }
    let parts: Vec<(String, i32)> = mine.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
    let outcomes = groups::delete_offsets(admin, &a.group, parts).await?;
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|o| Some(format!("{}[{}]: {}", for_terminal(&o.topic), o.partition, o.error.as_ref()?)))
        .collect();
    let deleted = outcomes.len() - failed.len();
    let written = if mode == Mode::Json {
        app.ui.json(&DeleteJson {
            group: &a.group,
            action: "delete_offsets",
            offsets: Some(&offsets),
            deleted: Some(failed.is_empty()),
            failed: Some(&failed),
            ..Default::default()
        })
    } else {
        app.ui.out(&format!("Deleted {deleted} committed offset(s) of group {}.", for_terminal(&a.group)))
    };
    if deleted > 0 {
        app.ui.applied_output(written, || {
            format!("{deleted} of {} committed offset(s) of group {} deleted", outcomes.len(), for_terminal(&a.group))
        })?;
    } else {
        written?;
    }
    if !failed.is_empty() {
        bail!("{} offset(s) not deleted:\n  {}", failed.len(), failed.join("\n  "));
    }
    Ok(Outcome::Ok)
}

/// The plan of a deletion: JSON on stdout for `--dry-run -o json`, else text (on stderr when
/// stdout will carry the JSON result).
fn show_plan(app: &App, mode: Mode, dry_run: bool, plan: &DeleteJson, text: &str) -> Result<()> {
    match (mode, dry_run) {
        (Mode::Json, true) => app.ui.json(plan),
        (Mode::Json, false) => {
            app.ui.info(text);
            Ok(())
        }
        (Mode::Table, _) => app.ui.out(text),
    }
}
