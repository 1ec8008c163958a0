//! What `groups reset` and `groups delete` do differently for a share group (KIP-932): its
//! progress is a share-partition start offset per partition, read with
//! DescribeShareGroupOffsets and moved with AlterShareGroupOffsets, and its members come from
//! ShareGroupDescribe (librdkafka lists share groups but cannot describe or change them). The
//! rules are the consumer groups' ones: a plan first, `--dry-run`, `--yes`, and a refusal naming
//! the members while the group has any (Kafka refuses too).

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Serialize;

use super::guard::refuse_members;
use crate::app::App;
use crate::cli::GroupsDeleteArgs;
use crate::exit::Outcome;
use crate::kafka::groups::{Group, PartitionOutcome};
use crate::kafka::wire::share::{self, ShareGroup};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

/// A share group as `reset` needs it: as a listed group (members, for refusals) and its start
/// offsets in place of committed offsets.
pub(super) struct Share {
    pub group: Group,
    pub starts: BTreeMap<(String, i32), i64>,
}

/// The share group `name` when the listing says it is one, described on its own API; `None`
/// for any other group.
pub(super) async fn lookup(app: &App, name: &str, listed: Option<&Group>) -> Result<Option<Share>> {
    if listed.is_none_or(|g| g.kind != "share") {
        return Ok(None);
    }
    let g = described(app, name).await?;
    let starts = g.partitions.iter().filter_map(|p| Some(((p.topic.clone(), p.partition), p.start_offset?))).collect();
    Ok(Some(Share { group: g.as_group(), starts }))
}

async fn described(app: &App, name: &str) -> Result<ShareGroup> {
    match share::describe(&app.settings, name).await? {
        Some(g) => Ok(g),
        None => bail!("no share group {} on the cluster", for_terminal(name)),
    }
}

/// Moves the start offsets (the plan's rows that change).
pub(super) async fn alter(app: &App, group: &str, offsets: &[(String, i32, i64)]) -> Result<Vec<PartitionOutcome>> {
    Ok(share::alter_offsets(&app.settings, group, offsets).await?)
}

#[derive(Serialize)]
struct StartJson<'a> {
    topic: &'a str,
    partition: i32,
    start_offset: Option<i64>,
}

/// A share group deletion's plan and result, in the shape of a consumer group's.
#[derive(Serialize, Default)]
struct DeleteJson<'a> {
    group: &'a str,
    action: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    topics: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    partitions: Option<&'a [StartJson<'a>]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deleted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed: Option<&'a [String]>,
}

/// `groups delete G` (DeleteGroups) or `groups delete G --topic T` (DeleteShareGroupOffsets)
/// for a share group.
pub(super) async fn delete(app: &App, mode: Mode, a: &GroupsDeleteArgs) -> Result<Outcome> {
    let g = described(app, &a.group).await?;
    let listed = g.as_group();
    let whole = a.topics.is_empty();
    for t in &a.topics {
        if !g.partitions.iter().any(|p| &p.topic == t) {
            bail!("share group {} has no start offsets on topic {}", for_terminal(&a.group), for_terminal(t));
        }
    }
    let parts: Vec<StartJson> = g
        .partitions
        .iter()
        .filter(|p| whole || a.topics.contains(&p.topic))
        .map(|p| StartJson { topic: &p.topic, partition: p.partition, start_offset: p.start_offset })
        .collect();
    let action = if whole { "delete_group" } else { "delete_offsets" };
    let mut t = app.ui.table();
    t.set_header(vec!["topic", "partition", "start offset"]);
    for p in &parts {
        t.add_row(vec![
            for_terminal(p.topic).into_owned(),
            p.partition.to_string(),
            p.start_offset.map_or_else(|| "-".to_string(), |o| o.to_string()),
        ]);
    }
    let text = if whole {
        format!(
            "Delete share group {} ({}) with its state on {} partition(s):\n{t}",
            for_terminal(&a.group),
            for_terminal(&g.state),
            parts.len()
        )
    } else {
        format!(
            "Delete the share-partition state of group {} on {} partition(s):\n{t}",
            for_terminal(&a.group),
            parts.len()
        )
    };
    let plan = DeleteJson {
        group: &a.group,
        action,
        kind: "share",
        topics: (!whole).then_some(a.topics.as_slice()),
        partitions: Some(&parts),
        ..Default::default()
    };
    match (mode, a.dry_run) {
        (Mode::Json, true) => app.ui.json(&plan)?,
        (Mode::Json, false) => app.ui.info(text),
        (Mode::Table, _) => app.ui.out(&text)?,
    }
    // Kafka refuses both while the group has members; say who, before asking.
    if !listed.members.is_empty() {
        let doing = if whole { "deleting it" } else { "deleting its offsets" };
        if a.dry_run {
            app.ui.warn(refuse_members(&listed, doing).to_string());
        } else {
            return Err(refuse_members(&listed, doing));
        }
    }
    if a.dry_run {
        return Ok(Outcome::Ok);
    }
    let question = if whole {
        format!("Delete share group {}?", for_terminal(&a.group))
    } else {
        format!("Delete the start offsets of share group {} on {} topic(s)?", for_terminal(&a.group), a.topics.len())
    };
    if !app.ui.confirm(&question, a.yes)? {
        app.ui.info("aborted: nothing changed");
        return Ok(Outcome::Ok);
    }
    let failed: Vec<String> = if whole {
        match share::delete_group(&app.settings, &a.group).await? {
            Ok(()) => Vec::new(),
            Err(e) => vec![e.message().to_string()],
        }
    } else {
        share::delete_offsets(&app.settings, &a.group, &a.topics)
            .await?
            .into_iter()
            .filter_map(|(t, e)| Some(format!("{}: {}", for_terminal(&t), e?)))
            .collect()
    };
    let written = if mode == Mode::Json {
        app.ui.json(&DeleteJson { deleted: Some(failed.is_empty()), failed: Some(&failed), ..plan })
    } else if failed.is_empty() && whole {
        app.ui.out(&format!("Deleted share group {}.", for_terminal(&a.group)))
    } else if failed.is_empty() {
        app.ui.out(&format!(
            "Deleted the start offsets of share group {} on {}.",
            for_terminal(&a.group),
            a.topics.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", ")
        ))
    } else {
        Ok(())
    };
    if !failed.is_empty() {
        written?;
        bail!("share group {} not deleted: {}", for_terminal(&a.group), failed.join("; "));
    }
    app.ui.applied_output(written, || format!("share group {} deleted ({action})", for_terminal(&a.group)))?;
    Ok(Outcome::Ok)
}
