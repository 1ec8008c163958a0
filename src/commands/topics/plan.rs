//! `evbus topics plan`, and the plan every `topics` change starts from: read the cluster, compare
//! it with the manifest, print the difference.

use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;

use crate::app::App;
use crate::cli::{ManifestArg, PlanArgs};
use crate::exit::Outcome;
use crate::kafka::Kind;
use crate::kafka::admin::Admin;
use crate::kafka::replication::{self, State};
use crate::kafka::topics::read_cluster_and_brokers;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;
use crate::topics::manifest::Manifest;
use crate::topics::plan::{self, Change, Plan, Unmanaged};

/// A plan and what it was made from.
pub(super) struct Planned {
    pub manifest: Manifest,
    pub admin: Arc<Admin>,
    pub plan: Plan,
    /// The brokers, running moves and throttles (raw protocol path); `None` when unreadable.
    pub state: Option<State>,
}

pub(super) async fn make_plan(app: &App, m: &ManifestArg, prune: bool) -> Result<Planned> {
    // Validate the manifest before touching the broker: a bad file must change nothing.
    let manifest = app.manifest(m)?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let (cluster, brokers) = read_cluster_and_brokers(&admin, &manifest).await?;
    let (state, unread) = match replication::read(&app.settings).await {
        Ok(s) => (Some(s), None),
        Err(e) => {
            // A setting the raw path refuses by name: only a replica move needs that path.
            if e.kind() == Kind::InvalidConfig {
                app.ui.debug(format!("running reassignments and throttles not checked: {e}"));
            } else {
                app.ui.warn(format!("running reassignments and throttles not checked: {e}"));
            }
            (None, Some(e))
        }
    };
    let repl = state.as_ref().map(|s| s.replication.clone()).unwrap_or_default();
    let mut plan = plan::plan_with(&manifest, &cluster, &repl, prune);
    plan::check_replication(&mut plan, brokers);
    if let Some(e) = unread {
        for c in &plan.changes {
            if let Change::Reassign { topic, .. } = c {
                plan.errors.push(format!("{topic}: the replication-factor change cannot be planned: {e}"));
            }
        }
    }
    Ok(Planned { manifest, admin, plan, state })
}

#[derive(Serialize)]
struct PlanJson<'a> {
    changes: &'a [Change],
    unmanaged: &'a [Unmanaged],
    errors: &'a [String],
}

pub(super) fn print_plan(app: &App, manifest: &Manifest, plan: &Plan, prune: bool) -> Result<()> {
    if app.ui.mode()? == Mode::Json {
        return app.ui.json(&PlanJson { changes: &plan.changes, unmanaged: &plan.unmanaged, errors: &plan.errors });
    }
    app.ui.out(&render_plan(app, manifest, plan, prune))
}

/// The plan as a person reads it (a table, what is left alone, what cannot be done).
pub(super) fn render_plan(app: &App, manifest: &Manifest, plan: &Plan, prune: bool) -> String {
    let mut s = String::new();
    if plan.changes.is_empty() {
        s.push_str(&format!("No changes: the cluster matches {}.\n", manifest.path.display()));
    } else {
        let mut t = app.ui.table();
        t.set_header(vec!["", "action", "topic", "details"]);
        for c in &plan.changes {
            let (sign, color) = match c {
                Change::Create { .. } | Change::AddPartitions { .. } => ("+", "32"),
                Change::AlterConfig { .. } | Change::Reassign { .. } | Change::Reassigning { .. } => ("~", "33"),
                Change::ClearThrottle { .. } => ("-", "33"),
                Change::DeleteTopic { .. } => ("-", "31"),
            };
            t.add_row(vec![
                app.ui.paint(sign, color),
                c.action().to_string(),
                for_terminal(c.topic()).into_owned(),
                c.describe(),
            ]);
        }
        s.push_str(&format!("{t}\n"));
    }
    if !plan.unmanaged.is_empty() {
        s.push_str(if prune {
            "Not in the manifest (removed by this plan because of --prune):\n"
        } else {
            "Not in the manifest (left alone; --prune removes them):\n"
        });
        for u in &plan.unmanaged {
            match u {
                Unmanaged::Topic { topic, kept: None } => s.push_str(&format!("  topic  {}\n", for_terminal(topic))),
                Unmanaged::Topic { topic, kept: Some(why) } => {
                    s.push_str(&format!("  topic  {} (kept: {why})\n", for_terminal(topic)))
                }
                Unmanaged::Config { topic, key, value } => s.push_str(&format!(
                    "  config {}: {}={}\n",
                    for_terminal(topic),
                    key,
                    value.as_deref().unwrap_or("")
                )),
            }
        }
    }
    for e in &plan.errors {
        s.push_str(&format!("error: {e}\n"));
    }
    let count = |a: &str| plan.changes.iter().filter(|c| c.action() == a).count();
    if !plan.changes.is_empty() {
        let mut more = String::new();
        for (action, words) in [
            ("reassign", "to reassign"),
            ("reassigning", "reassigning (in progress)"),
            ("clear_throttle", "leftover throttle(s) to remove"),
        ] {
            if count(action) > 0 {
                more.push_str(&format!(", {} {words}", count(action)));
            }
        }
        s.push_str(&format!(
            "Plan: {} to create, {} to add partitions, {} to reconfigure, {} to delete{more}.\n",
            count("create"),
            count("add_partitions"),
            count("alter_config"),
            count("delete_topic")
        ));
    }
    s.trim_end().to_string()
}

pub(super) fn changes(n: usize) -> String {
    if n == 1 { "1 change".into() } else { format!("{n} changes") }
}

pub(super) fn impossible(plan: &Plan) -> anyhow::Error {
    anyhow::anyhow!("evbus cannot make these changes:\n  {}", plan.errors.join("\n  "))
}

pub(super) async fn plan_cmd(app: &App, a: PlanArgs) -> Result<Outcome> {
    let Planned { manifest, plan, .. } = make_plan(app, &a.manifest, a.prune).await?;
    print_plan(app, &manifest, &plan, a.prune)?;
    if !plan.errors.is_empty() {
        return Err(impossible(&plan));
    }
    if a.detailed_exitcode && !plan.is_empty() {
        return Ok(Outcome::ChangesPending);
    }
    Ok(Outcome::Ok)
}
