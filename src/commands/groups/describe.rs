//! `evbus groups describe`: one group in depth: its members and what they are assigned, and for
//! a consumer or share group its lag per partition (the `lag` snapshot of that one group).

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Result, bail};
use serde::Serialize;

use super::notes::notes;
use crate::app::App;
use crate::cli::GroupsDescribeArgs;
use crate::exit::Outcome;
use crate::kafka::lag::snapshot;
use crate::lag::cells::{age, num};
use crate::lag::json::{GroupJson, group_doc};
use crate::lag::report::{NO_OFFSETS, Selection, is_consumer_group, time_options};
use crate::lag::text::{group_notes, partition_table, status_color};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

/// `groups describe -o json` of a consumer group: `lag -o json`'s group, with its members.
#[derive(Serialize)]
struct DescribeJson<'a> {
    #[serde(flatten)]
    group: GroupJson<'a>,
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

pub(super) async fn describe(app: &App, a: GroupsDescribeArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let (_, retention_warn) = time_options(None, &a.retention_warn)?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let sel = Selection { named: vec![a.group.clone()], retention_warn, ..Selection::default() };
    let snap = notes(app, snapshot(&app.settings, &admin, None, &sel).await?);
    let listed = snap.listed.iter().find(|g| g.name == a.group);
    let Some(g) = snap.groups.into_iter().next() else { bail!("no answer for group {}", for_terminal(&a.group)) };
    if listed.is_none() && g.state == NO_OFFSETS {
        let why = super::streams::absent_reason(app).await.map(|r| format!(" ({r})")).unwrap_or_default();
        bail!("no group {} on the cluster{why}", for_terminal(&a.group));
    }
    let kind = listed.map_or("classic", |l| l.kind.as_str());
    if kind == "streams" {
        return super::streams::describe(app, mode, &g).await;
    }
    let described = listed.is_none_or(|l| l.described);
    // Share groups have lag too (start offsets and Kafka's own lag: see `kafka::lag`).
    let consumer = is_consumer_group(kind) || kind == "share";
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
            app.ui.json(&DescribeJson { group: group_doc(&g), members, error: g.error.as_deref() })?;
        } else {
            let state = listed.map_or(g.state.as_str(), |l| l.state.as_str());
            app.ui.json(&OtherJson { group: &g.name, kind, state, members })?;
        }
        for w in g.retention_warnings() {
            app.ui.warn(w);
        }
    } else {
        let state = listed.map_or(g.state.as_str(), |l| l.state.as_str());
        let mut s = format!("Group {} ({kind}, {})", for_terminal(&g.name), for_terminal(state));
        if consumer {
            s.push_str(&format!(": total lag {}, time lag {}", num(g.total_lag()), age(g.max_time_lag_ms())));
        }
        if !described {
            s.push_str(&format!(
                "\nMembers, assignments and progress: not available ({}).",
                crate::kafka::groups::NO_ADMIN_API
            ));
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
            s.push_str(&format!(
                "\n{}",
                partition_table(app.ui.table(), &g, None, &|s| app.ui.paint(s, status_color(s)))
            ));
        }
        if consumer {
            s.push_str(&group_notes(std::slice::from_ref(&g)));
        }
        app.ui.out(&s)?;
    }
    if consumer && let Some(e) = &g.error {
        bail!("could not read the committed offsets of {}: {e}", for_terminal(&g.name));
    }
    Ok(Outcome::Ok)
}
