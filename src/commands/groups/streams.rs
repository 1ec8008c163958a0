//! `evbus groups describe` of a streams group (KIP-1071): its members (stream threads) with the
//! process each belongs to and its active, standby and warm-up tasks, the topology's
//! subtopologies with the topics they read and write, the internal topics the broker created
//! for the application, and the lag of every input partition (the `lag` snapshot of the group).

use anyhow::{Result, bail};
use serde::Serialize;

use crate::app::App;
use crate::exit::Outcome;
use crate::groups::streams::{Member, StreamsGroup, Subtopology, tasks_text};
use crate::kafka::wire::streams;
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
            if v.is_empty() { "-".to_string() } else { v.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", ") }
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
