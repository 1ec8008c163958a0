//! `evbus groups list`: every group on the cluster, filtered by name, type and state, with the
//! topics and total lag of the consumer groups shown.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;

use super::notes::notes;
use crate::app::App;
use crate::cli::{GroupType, GroupsListArgs};
use crate::exit::{Exit, Outcome};
use crate::kafka::groups::{self, Group};
use crate::kafka::lag::snapshot_from;
use crate::lag::cells::num;
use crate::lag::report::{GroupLag, Selection, has_committed_offsets};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

/// Types a group list row can be filtered on (the names `--type` takes).
fn type_matches(kind: &str, wanted: &[GroupType]) -> bool {
    wanted.is_empty()
        || wanted.iter().any(|t| match t {
            GroupType::Classic => kind == "classic",
            GroupType::Consumer => kind == "consumer",
            // `share/streams` is what a broker without ListGroups v5 leaves evbus able to say.
            GroupType::Share => kind == "share" || kind == groups::SHARE_OR_STREAMS,
            GroupType::Streams => kind == "streams" || kind == groups::SHARE_OR_STREAMS,
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

pub(super) async fn list(app: &App, a: GroupsListArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let re = match &a.pattern {
        Some(p) => Some(regex::Regex::new(p).map_err(|e| Exit::usage(format!("invalid group regex: {e}")))?),
        None => None,
    };
    let states: Vec<String> = a.states.iter().map(|s| state_key(s)).collect();
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let (all, partial) = groups::list(&admin).await?;
    let mut wanted: Vec<Group> = all
        .into_iter()
        .filter(|g| re.as_ref().is_none_or(|re| re.is_match(&g.name)))
        .filter(|g| type_matches(&g.kind, &a.types))
        .filter(|g| states.is_empty() || states.contains(&state_key(&g.state)))
        .collect();
    // Topics and lag need the consumer and streams groups' committed offsets (share groups': their
    // start offsets, and their members from their own API): only for the groups shown.
    let consumer: Vec<String> =
        wanted.iter().filter(|g| has_committed_offsets(&g.kind) || g.kind == "share").map(|g| g.name.clone()).collect();
    let lags: BTreeMap<String, GroupLag> = if consumer.is_empty() {
        BTreeMap::new()
    } else {
        let sel = Selection { named: consumer, time_lag: false, ..Selection::default() };
        let snap = notes(app, snapshot_from(&app.settings, &admin, None, &sel, Some((wanted.clone(), partial))).await?);
        for g in wanted.iter_mut().filter(|g| g.kind == "share") {
            if let Some(d) = snap.listed.iter().find(|d| d.name == g.name && d.described) {
                *g = d.clone();
            }
        }
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
                num(r.total_lag),
            ]);
        }
        let mut s = if rows.is_empty() { "No groups.".to_string() } else { t.to_string() };
        if rows.is_empty()
            && a.types.contains(&GroupType::Streams)
            && let Some(why) = super::streams::absent_reason(app).await
        {
            s.push_str(&format!("\n{why}."));
        }
        if rows.iter().any(|r| r.members.is_none()) {
            s.push_str(&format!(
                "\nShare and streams groups: state and members unknown ({}).",
                groups::CANNOT_DESCRIBE
            ));
        }
        app.ui.out(&s)?;
    }
    for r in rows.iter().filter(|r| r.error.is_some()) {
        app.ui.warn(format!("{}: {}", for_terminal(&r.group), r.error.as_deref().unwrap_or_default()));
    }
    Ok(Outcome::Ok)
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
        assert!(type_matches("share", &[GroupType::Share]));
        assert!(!type_matches("share", &[GroupType::Streams]));
        assert!(type_matches("streams", &[GroupType::Streams]));
        assert!(!type_matches("share/streams", &[GroupType::Connect]));
    }
}
