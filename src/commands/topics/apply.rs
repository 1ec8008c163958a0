//! `evbus topics apply`: the plan shown, confirmed, then carried out change by change, waiting
//! until altered configs are visible.

use std::sync::Arc;

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::json;

use super::plan::{changes, impossible, make_plan, print_plan, render_plan};
use crate::app::App;
use crate::cli::ApplyArgs;
use crate::exit::Outcome;
use crate::kafka::admin::Admin;
use crate::kafka::incremental::TopicConfigChange;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;
use crate::topics::plan::{self, Change, Plan};

#[derive(Serialize)]
struct Applied {
    action: &'static str,
    topic: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub(super) async fn apply(app: &App, a: ApplyArgs) -> Result<Outcome> {
    let (manifest, admin, plan) = make_plan(app, &a.manifest, a.prune).await?;
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
    let question = if deletes > 0 {
        format!("Apply {}, including deleting {deletes} topic(s) and their data?", changes(plan.changes.len()))
    } else {
        format!("Apply {}?", changes(plan.changes.len()))
    };
    if !app.ui.confirm(&question, a.yes)? {
        app.ui.info("Nothing changed.");
        return Ok(Outcome::Ok);
    }

    let outcomes = execute(app, &admin, &plan).await?;
    let failed = outcomes.iter().filter(|o| !o.ok).count();
    let written = if json {
        app.ui.json(&json!({"applied": outcomes, "failed": failed}))
    } else {
        let mut s = String::new();
        for o in &outcomes {
            match &o.error {
                None => s.push_str(&format!("{} {} {}\n", app.ui.paint("✓", "32"), o.action, for_terminal(&o.topic))),
                Some(e) => {
                    s.push_str(&format!("{} {} {}: {}\n", app.ui.paint("✗", "31"), o.action, for_terminal(&o.topic), e))
                }
            }
        }
        let written = app.ui.out(s.trim_end());
        app.ui.info(format!("Applied {} of {} changes.", outcomes.len() - failed, outcomes.len()));
        written
    };
    let written = match outcomes.len() - failed {
        0 => written,
        done => app.ui.applied_output(written, || format!("{done} of {} changes applied", outcomes.len())),
    };
    if failed > 0 {
        if let Err(e) = written {
            app.ui.warn(e.to_string());
        }
        let first: Vec<String> = outcomes
            .iter()
            .filter_map(|o| o.error.as_ref().map(|e| format!("{} {}: {e}", o.action, for_terminal(&o.topic))))
            .take(3)
            .collect();
        let what = if failed == outcomes.len() { "none was applied" } else { "the others were applied" };
        bail!(
            "{failed} of {} changes failed ({}{}); {what} (run `evbus topics plan` to see what remains)",
            outcomes.len(),
            first.join("; "),
            if failed > first.len() { "; …" } else { "" }
        );
    }
    written?;
    Ok(Outcome::Ok)
}

async fn execute(app: &App, admin: &Arc<Admin>, plan: &Plan) -> Result<Vec<Applied>> {
    let pb = app.ui.progress(plan.changes.len() as u64, "applying");
    let mut out = Vec::new();
    let mut record = |action: &'static str, results: Vec<(String, Result<(), String>)>| {
        for (topic, r) in results {
            pb.inc(1);
            out.push(Applied { action, topic, ok: r.is_ok(), error: r.err() });
        }
    };

    let creates: Vec<_> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Create { topic, partitions, replication_factor, config } => {
                Some((topic.clone(), *partitions, *replication_factor, config.clone()))
            }
            _ => None,
        })
        .collect();
    if !creates.is_empty() {
        let r = admin.create_topics(&creates).await;
        record("create", batch_result(r, creates.iter().map(|c| c.0.clone())));
    }

    let parts: Vec<(String, i32)> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::AddPartitions { topic, to, .. } => Some((topic.clone(), *to)),
            _ => None,
        })
        .collect();
    if !parts.is_empty() {
        let r = admin.create_partitions(&parts).await;
        record("add_partitions", batch_result(r, parts.iter().map(|p| p.0.clone())));
    }

    let alters: Vec<TopicConfigChange> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::AlterConfig { topic, set, delete } => Some(TopicConfigChange {
                topic: topic.clone(),
                set: set.iter().map(|s| (s.key.clone(), s.to.clone())).collect(),
                delete: delete.clone(),
            }),
            _ => None,
        })
        .collect();
    if !alters.is_empty() {
        let r = admin.incremental_alter(alters.clone()).await;
        record("alter_config", batch_result(r, alters.iter().map(|a| a.topic.clone())));
    }

    let deletes: Vec<String> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DeleteTopic { topic } => Some(topic.clone()),
            _ => None,
        })
        .collect();
    if !deletes.is_empty() {
        let r = admin.delete_topics(&deletes).await;
        record("delete_topic", batch_result(r, deletes.iter().cloned()));
    }
    pb.finish_and_clear();
    // Done means usable: wait until the brokers know a leader for every new partition, so the
    // next command (a describe, a produce) does not meet "not leader for partition".
    let grown: Vec<(String, i32)> = creates
        .iter()
        .map(|c| (c.0.clone(), c.1))
        .chain(parts.iter().cloned())
        .filter(|(t, _)| out.iter().any(|o| o.ok && &o.topic == t))
        .collect();
    let altered: Vec<&TopicConfigChange> = alters
        .iter()
        .filter(|a| out.iter().any(|o| o.ok && o.action == "alter_config" && o.topic == a.topic))
        .collect();
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
    Ok(out)
}

/// Wait, within `--timeout`, until DescribeConfigs shows what IncrementalAlterConfigs set (the
/// controller has it at once, a broker a moment later): `apply` then `plan` must say "no
/// changes". Returns the topics whose configs still differ.
async fn wait_for_configs(admin: &Arc<Admin>, altered: &[&TopicConfigChange]) -> Vec<String> {
    let deadline = std::time::Instant::now() + admin.settings.timeout;
    let topics: Vec<String> = altered.iter().map(|a| a.topic.clone()).collect();
    let topics = &topics;
    let pending = |_| async move {
        match admin.topic_configs(topics).await {
            Ok(have) => altered
                .iter()
                .filter(|a| {
                    let cfg = have.get(&a.topic);
                    let shows = |k: &str| cfg.and_then(|c| c.get(k));
                    !(a.set.iter().all(|(k, v)| {
                        shows(k)
                            .is_some_and(|c| c.source == plan::Source::DynamicTopic && c.value.as_deref() == Some(v))
                    }) && a.delete.iter().all(|k| shows(k).is_none_or(|c| c.source != plan::Source::DynamicTopic)))
                })
                .map(|a| a.topic.clone())
                .collect(),
            Err(_) => topics.clone(),
        }
    };
    crate::kafka::retry::within_async(deadline, crate::kafka::retry::LEADER_PAUSE, pending, |p: &Vec<String>| {
        !p.is_empty()
    })
    .await
}

/// A failed batch request fails each of its operations, so the report stays per operation.
fn batch_result(
    r: Result<Vec<(String, Result<(), String>)>>,
    topics: impl Iterator<Item = String>,
) -> Vec<(String, Result<(), String>)> {
    match r {
        Ok(v) => v,
        Err(e) => {
            let msg = format!("{e:#}");
            topics.map(|t| (t, Err(msg.clone()))).collect()
        }
    }
}
