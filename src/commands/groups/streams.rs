//! `evbus groups describe` of a streams group (KIP-1071): its members (stream threads) with the
//! process each belongs to and its active, standby and warm-up tasks, the topology's
//! subtopologies with the topics they read and write, the internal topics the broker created
//! for the application, and the lag of every input partition (the `lag` snapshot of the group).

use std::sync::Arc;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::app::App;
use crate::exit::{Exit, Outcome};
use crate::groups::streams::{Member, StreamsGroup, Subtopology, looks_internal, tasks_text};
use crate::kafka::admin::Admin;
use crate::kafka::groups::Group;
use crate::kafka::wire::streams;
use crate::kafka::{ClusterMeta, Kind};
use crate::lag::cells::{age, num};
use crate::lag::json::group_doc;
use crate::lag::report::GroupLag;
use crate::lag::text::{group_notes, partition_table, status_color};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

/// `groups describe -o json` of a streams group.
#[derive(Serialize)]
struct StreamsJson<'a> {
    group: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    state: &'a str,
    group_epoch: i32,
    assignment_epoch: i32,
    topology_epoch: Option<i32>,
    members: &'a [Member],
    subtopologies: &'a [Subtopology],
    input_topics: Vec<String>,
    internal_topics: Vec<String>,
    /// `lag -o json`'s numbers of the group: totals, status and partitions.
    #[serde(flatten)]
    lag: serde_json::Map<String, serde_json::Value>,
}

/// Describes streams group `name`, whose committed offsets `lag` already read.
pub(super) async fn describe(app: &App, mode: Mode, lag: &GroupLag) -> Result<Outcome> {
    let name = &lag.name;
    let Some(g) = streams::describe(&app.settings, name).await? else {
        bail!("no streams group {} on the cluster", for_terminal(name));
    };
    if mode == Mode::Json {
        let mut numbers = match serde_json::to_value(group_doc(lag))? {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        // Said once, from StreamsGroupDescribe.
        for k in ["group", "type", "state", "members"] {
            numbers.remove(k);
        }
        app.ui.json(&StreamsJson {
            group: &g.group,
            kind: "streams",
            state: &g.state,
            group_epoch: g.group_epoch,
            assignment_epoch: g.assignment_epoch,
            topology_epoch: g.topology_epoch,
            members: &g.members,
            subtopologies: &g.subtopologies,
            input_topics: g.input_topics(),
            internal_topics: g.internal_topics(),
            lag: numbers,
        })?;
        for w in lag.retention_warnings() {
            app.ui.warn(w);
        }
    } else {
        app.ui.out(&text(app, &g, lag))?;
    }
    if let Some(e) = &lag.error {
        bail!("could not read the committed offsets of {}: {e}", for_terminal(name));
    }
    Ok(Outcome::Ok)
}

fn text(app: &App, g: &StreamsGroup, lag: &GroupLag) -> String {
    let topology_epoch = g.topology_epoch.map_or_else(|| "none".to_string(), |e| e.to_string());
    let mut s = format!(
        "Group {} (streams, {}): group epoch {}, assignment epoch {}, topology epoch {topology_epoch}, total lag {}, \
         time lag {}",
        for_terminal(&g.group),
        for_terminal(&g.state),
        g.group_epoch,
        g.assignment_epoch,
        num(lag.total_lag()),
        age(lag.max_time_lag_ms())
    );
    if g.members.is_empty() {
        s.push_str("\nNo active members.");
    } else {
        let mut t = app.ui.table();
        t.set_header(vec!["member id", "client id", "host", "process", "active", "standby", "warmup"]);
        for m in &g.members {
            t.add_row(vec![
                for_terminal(&m.member_id).into_owned(),
                for_terminal(&m.client_id).into_owned(),
                for_terminal(&m.host).into_owned(),
                for_terminal(&m.process_id).into_owned(),
                tasks_text(&m.active),
                tasks_text(&m.standby),
                tasks_text(&m.warmup),
            ]);
        }
        s.push_str(&format!("\n{t}"));
    }
    if g.subtopologies.is_empty() {
        s.push_str("\nNo topology yet (no member has joined, or its input topics are missing).");
    } else {
        let list = |v: &[String]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", ")
            }
        };
        let mut t = app.ui.table();
        t.set_header(vec!["subtopology", "source topics", "repartition in", "repartition out", "changelogs"]);
        for sub in &g.subtopologies {
            t.add_row(vec![
                for_terminal(&sub.id).into_owned(),
                list(&sub.source_topics),
                list(&sub.repartition_source_topics),
                list(&sub.repartition_sink_topics),
                list(&sub.changelog_topics),
            ]);
        }
        s.push_str(&format!("\n{t}"));
        let internal = g.internal_topics();
        if !internal.is_empty() {
            s.push_str(&format!("\nInternal topics of the group: {}", list(&internal)));
        }
    }
    if !lag.partitions.is_empty() {
        s.push_str(&format!("\n{}", partition_table(app.ui.table(), lag, None, &|s| app.ui.paint(s, status_color(s)))));
    }
    s.push_str(&group_notes(std::slice::from_ref(lag)));
    s
}

/// What `groups reset` of a streams group covers: its input topics (`--all-topics`), and the
/// internal topics it leaves alone.
pub(super) struct ResetScope {
    group: String,
    /// The user's topics the application reads (empty while the group has no topology).
    inputs: Vec<String>,
    /// Its repartition and changelog topics.
    internal: Vec<String>,
}

impl ResetScope {
    /// Whether `topic` is one of the group's internal topics (by the topology, or by its name
    /// when the group has no topology now).
    fn is_internal(&self, topic: &str) -> bool {
        self.internal.iter().any(|t| t == topic) || looks_internal(&self.group, topic)
    }

    /// What `--all-topics` covers: the topology's input topics; without a topology, the topics
    /// the group committed to (`committed`) that are not internal.
    pub(super) fn all_topics<'a>(&'a self, committed: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        if self.inputs.is_empty() {
            committed.filter(|t| !self.is_internal(t)).collect()
        } else {
            self.inputs.iter().map(String::as_str).collect()
        }
    }
}

/// For `groups reset` (and `delete --topic`) of a streams group: its topology's input and internal
/// topics, refusing an internal topic named with `--topic` (as `kafka-streams-groups` takes only
/// input topics: a repartition topic's offsets follow the application's own progress) and a group
/// whose members could not be read (a reset is only safe while it has none). `None` for other
/// types.
pub(super) async fn reset_scope(
    app: &App,
    listed: Option<&Group>,
    named: &[(String, Option<Vec<i32>>)],
    doing: &str,
) -> Result<Option<ResetScope>> {
    let Some(listed) = listed.filter(|g| g.kind == "streams") else { return Ok(None) };
    if !listed.described {
        bail!(
            "cannot tell whether streams group {} has active members: {}",
            for_terminal(&listed.name),
            listed.error.as_deref().unwrap_or("it could not be described")
        );
    }
    let g = streams::describe(&app.settings, &listed.name).await?.unwrap_or_default();
    let scope = ResetScope { group: listed.name.clone(), inputs: g.input_topics(), internal: g.internal_topics() };
    let inputs = &scope.inputs;
    for (t, _) in named {
        if scope.is_internal(t) {
            bail!(
                "{} is an internal topic of streams group {}: {doing} its input topics ({}) instead",
                for_terminal(t),
                for_terminal(&listed.name),
                if inputs.is_empty() { "unknown: no topology yet".to_string() } else { inputs.join(", ") }
            );
        }
    }
    Ok(Some(scope))
}

/// What a streams reset does to the internal topics, said under its plan.
pub(super) fn reset_note(scope: &ResetScope, delete: bool) -> String {
    let list = scope.internal.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", ");
    match (scope.internal.is_empty(), delete) {
        (true, _) => "Streams group: only its input topics' offsets change.".into(),
        (false, true) => format!(
            "Streams group: its input topics' offsets change, then its internal topics ({list}) are deleted, so its \
             state starts over."
        ),
        (false, false) => format!(
            "Streams group: only its input topics' offsets change; its internal topics ({list}) keep their data, so \
             state stores restored from the changelogs still hold what the old offsets built \
             (--delete-internal-topics deletes them, as kafka-streams-groups --reset-offsets --execute does)."
        ),
    }
}

/// After a reset: deletes the internal topics of the streams group when asked (`None` or no
/// topics: nothing to do); a non-streams group with the flag is refused before anything changes
/// (see [`refuse_internal_flag`]).
pub(super) async fn after_reset(app: &App, admin: &Arc<Admin>, scope: Option<&ResetScope>, delete: bool) -> Result<()> {
    match scope {
        Some(s) if delete && !s.internal.is_empty() => delete_internal(app, admin, &s.internal).await,
        _ => Ok(()),
    }
}

/// `--delete-internal-topics` on a group that is not a streams group: a usage error.
pub(super) fn refuse_internal_flag(scope: Option<&ResetScope>, delete: bool) -> Result<()> {
    if delete && scope.is_none() {
        bail!(Exit::usage("--delete-internal-topics is for streams groups (their repartition and changelog topics)"));
    }
    Ok(())
}

/// `groups delete` of a streams group: its internal topics that exist on the cluster, to list in
/// the plan and, with `--delete-internal-topics`, to delete after the group. The flag is refused
/// for other types of group, which have no internal topics.
pub(super) async fn internal_topics_to_show(
    app: &App,
    md: &ClusterMeta,
    listed: Option<&Group>,
    delete: bool,
) -> Result<Vec<String>> {
    let Some(listed) = listed.filter(|g| g.kind == "streams") else {
        if delete {
            bail!(Exit::usage(
                "--delete-internal-topics is for streams groups (their repartition and changelog topics)"
            ));
        }
        return Ok(Vec::new());
    };
    let g = streams::describe(&app.settings, &listed.name).await?.unwrap_or_default();
    // The topology names them; after a restart without one, their names still tell.
    let mut topics: Vec<String> = g.internal_topics();
    topics.extend(md.topics.iter().map(|t| t.name.clone()).filter(|t| looks_internal(&listed.name, t)));
    topics.sort();
    topics.dedup();
    topics.retain(|t| md.topics.iter().any(|m| &m.name == t));
    Ok(topics)
}

/// The plan's line on a streams group's internal topics.
pub(super) fn internal_topics_line(topics: &[String], delete: bool) -> String {
    let list = topics.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", ");
    match (topics.is_empty(), delete) {
        (true, _) => String::new(),
        (false, true) => format!("\nThen delete its internal topics: {list}."),
        (false, false) => format!("\nIts internal topics stay ({list}); --delete-internal-topics deletes them too."),
    }
}

/// Deletes the internal topics of a deleted streams group; fails naming those not deleted.
pub(super) async fn delete_internal(app: &App, admin: &Arc<Admin>, topics: &[String]) -> Result<()> {
    let outcomes = admin.delete_topics(topics).await?;
    let failed: Vec<String> =
        outcomes.iter().filter_map(|(t, r)| r.as_ref().err().map(|e| format!("{}: {e}", for_terminal(t)))).collect();
    let deleted = outcomes.len() - failed.len();
    if deleted > 0 {
        app.ui.info(format!("Deleted {deleted} internal topic(s)."));
    }
    if !failed.is_empty() {
        bail!("{} internal topic(s) not deleted:\n  {}", failed.len(), failed.join("\n  "));
    }
    Ok(())
}

/// Why the cluster cannot hold streams groups at all (the missing API or feature), said after
/// "no such group" (`groups describe`) or an empty `groups list --type streams`; `None` when it can
/// (or cannot be asked).
pub(super) async fn absent_reason(app: &App) -> Option<String> {
    match streams::support(&app.settings).await {
        Err(e) if e.kind() == Kind::Unsupported => Some(format!("this cluster has no streams groups: {}", e.message())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_topics_of_a_streams_group_are_its_inputs_never_its_internal_topics() {
        let scope = |inputs: &[&str]| ResetScope {
            group: "app".into(),
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            internal: vec!["app-counts-repartition".into()],
        };
        let committed = ["app-counts-repartition", "app-x-changelog", "orders"];
        assert_eq!(scope(&["orders", "refunds"]).all_topics(committed.into_iter()), ["orders", "refunds"]);
        // No topology (the application has not run since a restart): named like internal = internal.
        assert_eq!(scope(&[]).all_topics(committed.into_iter()), ["orders"]);
        assert!(scope(&[]).is_internal("app-KSTREAM-AGGREGATE-0000000003-repartition"));
        assert!(!scope(&[]).is_internal("orders"));
    }

    #[test]
    fn the_plan_says_whether_internal_topics_go() {
        let t = vec!["app-a-changelog".to_string()];
        assert_eq!(internal_topics_line(&t, true), "\nThen delete its internal topics: app-a-changelog.");
        assert!(internal_topics_line(&t, false).contains("--delete-internal-topics deletes them too"));
        assert_eq!(internal_topics_line(&[], true), "");
    }
}
