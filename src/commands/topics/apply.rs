//! `evbus topics apply`: carries out a plan in requests the broker accepts (see
//! [`crate::topics::chunk`]) and reports every change as applied, failed or not tried.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Result, bail};
use serde_json::json;

use super::applied::{Applied, wait_for_configs};
use super::moves;
use super::plan::{Planned, changes, impossible, make_plan, print_plan, render_plan};
use crate::app::App;
use crate::cli::ApplyArgs;
use crate::exit::Outcome;
use crate::kafka::admin::{Admin, OpResult};
use crate::kafka::incremental::TopicConfigChange;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;
use crate::topics::chunk;
use crate::topics::plan::{self, Change, Plan};

/// How many changes were applied, failed and not tried.
struct Counts {
    applied: usize,
    failed: usize,
    not_tried: usize,
}

impl Counts {
    fn of(outcomes: &[Applied]) -> Counts {
        let not_tried = outcomes.iter().filter(|o| o.not_tried).count();
        let applied = outcomes.iter().filter(|o| o.ok).count();
        Counts { applied, failed: outcomes.len() - applied - not_tried, not_tried }
    }

    /// What became of the changes that did not fail, for the final error.
    fn rest(&self) -> String {
        match (self.applied, self.not_tried) {
            (0, 0) => "none was applied".into(),
            (_, 0) => "the others were applied".into(),
            (a, n) => format!("{a} applied, {n} not tried (the apply stopped at the request that failed)"),
        }
    }
}

pub(super) async fn apply(app: &App, a: ApplyArgs) -> Result<Outcome> {
    let Planned { manifest, admin, plan, state } = make_plan(app, &a.manifest, a.prune).await?;
    let json = app.ui.mode()? == Mode::Json;
    if !json || a.dry_run {
        print_plan(app, &manifest, &plan, a.prune)?;
    }
    if !plan.errors.is_empty() {
        return Err(impossible(&plan));
    }
    if plan.is_empty() || a.dry_run {
        if json && !a.dry_run {
            app.ui.json(&json!({"applied": [], "failed": 0}))?;
        }
        return Ok(Outcome::Ok);
    }
    // JSON on stdout (piped): the plan was not shown, and a person is about to be asked, or
    // refused for want of a terminal. Either way they see what would change, on stderr.
    if json && !a.yes {
        eprintln!("{}", render_plan(app, &manifest, &plan, a.prune));
    }
    let deletes = plan.changes.iter().filter(|c| matches!(c, Change::DeleteTopic { .. })).count();
    let moving = plan.changes.iter().filter(|c| matches!(c, Change::Reassign { .. })).count();
    let mut including = Vec::new();
    if deletes > 0 {
        including.push(format!("deleting {deletes} topic(s) and their data"));
    }
    if moving > 0 {
        including.push(format!("moving the replicas of {moving} topic(s)"));
    }
    let question = if including.is_empty() {
        format!("Apply {}?", changes(plan.changes.len()))
    } else {
        format!("Apply {}, including {}?", changes(plan.changes.len()), including.join(" and "))
    };
    if !app.ui.confirm(&question, a.yes)? {
        app.ui.info("Nothing changed.");
        return Ok(Outcome::Ok);
    }

    let mut outcomes = moves::clear_leftovers(&admin, state.as_ref(), &plan).await;
    outcomes.extend(execute(app, &admin, &plan).await);
    let opts = moves::Opts { throttle: a.throttle, no_wait: a.no_wait };
    let (moved, interrupted) = moves::run(app, &admin, state.as_ref(), &plan, &opts).await;
    outcomes.extend(moved);
    let n = Counts::of(&outcomes);
    let written = if json {
        let mut doc = json!({"applied": outcomes, "failed": n.failed});
        if n.not_tried > 0 {
            doc["not_tried"] = n.not_tried.into();
        }
        app.ui.json(&doc)
    } else {
        let mut s = String::new();
        for o in &outcomes {
            let topic = for_terminal(&o.topic);
            match &o.error {
                None => s.push_str(&format!("{} {} {topic}\n", app.ui.paint("✓", "32"), o.action)),
                Some(_) if o.not_tried => s.push_str(&format!("· {} {topic}: not tried\n", o.action)),
                Some(e) => s.push_str(&format!("{} {} {topic}: {e}\n", app.ui.paint("✗", "31"), o.action)),
            }
        }
        let written = app.ui.out(s.trim_end());
        let mut summary = format!("Applied {} of {} changes", n.applied, outcomes.len());
        if n.not_tried > 0 {
            summary.push_str(&format!("; {} failed, {} not tried", n.failed, n.not_tried));
        }
        app.ui.info(format!("{summary}."));
        written
    };
    // Changes made but not reported must not look like changes not made (exit 1 invites a rerun).
    let written = match n.applied {
        0 => written,
        done => app.ui.applied_output(written, || format!("{done} of {} changes applied", outcomes.len())),
    };
    if interrupted {
        written?;
        return Ok(Outcome::Interrupted);
    }
    if n.failed > 0 {
        if let Err(e) = written {
            app.ui.warn(e.to_string());
        }
        let first: Vec<String> = outcomes
            .iter()
            .filter(|o| !o.not_tried)
            .filter_map(|o| o.error.as_ref().map(|e| format!("{} {}: {e}", o.action, for_terminal(&o.topic))))
            .take(3)
            .collect();
        bail!(
            "{} of {} changes failed ({}{}); {} (run `evbus topics plan` to see what remains)",
            n.failed,
            outcomes.len(),
            first.join("; "),
            if n.failed > first.len() { "; …" } else { "" },
            n.rest()
        );
    }
    written?;
    Ok(Outcome::Ok)
}

/// Sends the plan: creates first (a topic exists before it grows or is reconfigured), then new
/// partitions, configs and deletes, each kind in as many requests as [`chunk::requests`] makes.
/// Every change gets one outcome. A refused operation does not stop the others; a request that
/// fails as a whole stops the apply, and what was not sent is reported as not tried.
async fn execute(app: &App, admin: &Arc<Admin>, plan: &Plan) -> Vec<Applied> {
    let n = plan.changes.iter().filter(|c| KINDS.contains(&c.action())).count();
    let pb = app.ui.progress(n as u64, "applying");
    let mut out = Vec::with_capacity(n);
    let mut stopped = false;
    for action in KINDS {
        let of_kind: Vec<Change> = plan.changes.iter().filter(|c| c.action() == action).cloned().collect();
        for request in chunk::requests(&of_kind) {
            if stopped {
                out.extend(request.iter().map(Applied::not_tried));
            } else {
                match send(admin, request).await {
                    Ok(results) => out.extend(match_results(request, results)),
                    Err(e) => {
                        let msg = format!("{e:#}");
                        out.extend(request.iter().map(|c| Applied::of(c, Err(msg.clone()))));
                        stopped = true;
                    }
                }
            }
            pb.inc(request.len() as u64);
        }
    }
    pb.finish_and_clear();
    wait_until_visible(app, admin, plan, &out).await;
    out
}

/// The changes [`execute`] sends, in this order (replica moves and throttles are `moves`').
const KINDS: [&str; 4] = ["create", "add_partitions", "alter_config", "delete_topic"];

/// One request for changes of one kind.
async fn send(admin: &Arc<Admin>, request: &[Change]) -> Result<Vec<OpResult>> {
    let mut creates = Vec::new();
    let mut parts = Vec::new();
    let mut alters = Vec::new();
    let mut deletes = Vec::new();
    for c in request {
        match c {
            Change::Create { topic, partitions, replication_factor, config } => {
                creates.push((topic.clone(), *partitions, *replication_factor, config.clone()))
            }
            Change::AddPartitions { topic, to, replicas, .. } => parts.push((topic.clone(), *to, replicas.clone())),
            Change::AlterConfig { topic, set, delete } => alters.push(config_change(topic, set, delete)),
            Change::DeleteTopic { topic } => deletes.push(topic.clone()),
            // Sent by `moves`, never in these requests.
            Change::Reassign { .. } | Change::Reassigning { .. } | Change::ClearThrottle { .. } => {}
        }
    }
    let mut out = Vec::with_capacity(request.len());
    if !creates.is_empty() {
        out.extend(admin.create_topics(&creates).await?);
    }
    if !parts.is_empty() {
        out.extend(admin.create_partitions(&parts).await?);
    }
    if !alters.is_empty() {
        out.extend(admin.incremental_alter(alters).await?);
    }
    if !deletes.is_empty() {
        out.extend(admin.delete_topics(&deletes).await?);
    }
    Ok(out)
}

fn config_change(topic: &str, set: &[plan::ConfigSet], delete: &[String]) -> TopicConfigChange {
    TopicConfigChange {
        topic: topic.to_string(),
        set: set.iter().map(|s| (s.key.clone(), s.to.clone())).collect(),
        delete: delete.to_vec(),
    }
}

/// One outcome per change of the request, in its order, whatever the answer listed: a topic
/// the answer left out is a failure, never a silent gap in the accounting.
fn match_results<E: std::fmt::Display>(request: &[Change], results: Vec<(String, Result<(), E>)>) -> Vec<Applied> {
    let mut by_topic: HashMap<String, Result<(), String>> =
        results.into_iter().map(|(t, r)| (t, r.map_err(|e| e.to_string()))).collect();
    request
        .iter()
        .map(|c| {
            let r = by_topic
                .remove(c.topic())
                .unwrap_or_else(|| Err("the broker's answer did not mention this topic".into()));
            Applied::of(c, r)
        })
        .collect()
}

/// Done means usable: wait until the brokers know a leader for every new partition, so the next
/// command (a describe, a produce) does not meet "not leader for partition", and until they show
/// the new configs, so `apply` then `plan` says "no changes".
async fn wait_until_visible(app: &App, admin: &Arc<Admin>, plan: &Plan, out: &[Applied]) {
    let applied = |c: &Change| out.iter().any(|o| o.ok && o.action == c.action() && o.topic == c.topic());
    let mut grown = Vec::new();
    let mut altered = Vec::new();
    for c in plan.changes.iter().filter(|c| applied(c)) {
        match c {
            Change::Create { topic, partitions, .. } => grown.push((topic.clone(), *partitions)),
            Change::AddPartitions { topic, to, .. } => grown.push((topic.clone(), *to)),
            Change::AlterConfig { topic, set, delete } => altered.push(config_change(topic, set, delete)),
            Change::DeleteTopic { .. }
            | Change::Reassign { .. }
            | Change::Reassigning { .. }
            | Change::ClearThrottle { .. } => {}
        }
    }
    if !altered.is_empty() {
        let waiting = wait_for_configs(admin, &altered).await;
        if !waiting.is_empty() {
            app.ui.warn(format!(
                "changed, but the brokers do not show the new config yet for: {}",
                waiting.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    if !grown.is_empty() {
        let waiting = admin.wait_for_leaders(&grown).await;
        if !waiting.is_empty() {
            app.ui.warn(format!(
                "created, but no leader known yet for every partition of: {} (the brokers may still be catching up)",
                waiting.iter().map(|t| for_terminal(t).into_owned()).collect::<Vec<_>>().join(", ")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delete(t: &str) -> Change {
        Change::DeleteTopic { topic: t.into() }
    }

    #[test]
    fn every_change_gets_one_outcome_whatever_the_answer_lists() {
        let request = [delete("a"), delete("b"), delete("c")];
        // The answer in another order, with one refusal, one topic missing and one never asked.
        let answer = vec![
            ("c".to_string(), Ok(())),
            ("a".to_string(), Err("POLICY_VIOLATION".to_string())),
            ("zzz".to_string(), Ok(())),
        ];
        let out = match_results(&request, answer);
        let got: Vec<(&str, bool)> = out.iter().map(|o| (o.topic.as_str(), o.ok)).collect();
        assert_eq!(got, vec![("a", false), ("b", false), ("c", true)]);
        assert!(out[1].error.as_deref().unwrap().contains("did not mention"));
    }

    #[test]
    fn counts_tell_applied_failed_and_not_tried_apart() {
        let mut out =
            match_results(&[delete("a"), delete("b")], vec![("a".into(), Ok(())), ("b".into(), Err("x".to_string()))]);
        out.push(Applied::not_tried(&delete("c")));
        let n = Counts::of(&out);
        assert_eq!((n.applied, n.failed, n.not_tried), (1, 1, 1));
        assert!(n.rest().contains("1 applied, 1 not tried"), "{}", n.rest());
        let json = serde_json::to_value(&out).unwrap();
        assert_eq!(json[2]["not_tried"], true);
        assert!(json[0].get("not_tried").is_none(), "{json}");
    }
}
