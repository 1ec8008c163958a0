//! `evbus topics validate|plan|apply|list|describe`: declarative topics from topics.yaml.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::json;

use crate::app::App;
use crate::cli::{ApplyArgs, DescribeArgs, ListArgs, ManifestArg, PlanArgs, TopicsCommand};
use crate::exit::Outcome;
use crate::kafka::admin::Admin;
use crate::kafka::incremental::TopicConfigChange;
use crate::kafka::topics::{read_cluster_and_brokers, watermarks};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;
use crate::topics::manifest::Manifest;
use crate::topics::plan::{self, Change, Plan, Unmanaged};

mod partition_for;

/// `evbus topics`: validates, plans and applies the topics manifest; lists and describes topics.
pub async fn run(app: &App, cmd: TopicsCommand) -> Result<Outcome> {
    match cmd {
        TopicsCommand::Validate(m) => validate(app, &m),
        TopicsCommand::Plan(a) => plan_cmd(app, a).await,
        TopicsCommand::Apply(a) => apply(app, a).await,
        TopicsCommand::List(a) => list(app, a).await,
        TopicsCommand::Describe(a) => describe(app, a).await,
        TopicsCommand::PartitionFor(a) => partition_for::partition_for(app, a).await,
    }
}

fn validate(app: &App, m: &ManifestArg) -> Result<Outcome> {
    let manifest = app.manifest(m)?;
    match app.ui.mode()? {
        Mode::Json => app.ui.json(&json!({
            "file": manifest.path, "valid": true,
            "topics": manifest.topics.len(), "groups": manifest.groups.len(),
        }))?,
        Mode::Table => app.ui.out(&format!(
            "{}: valid ({} topics, {} groups)",
            manifest.path.display(),
            manifest.topics.len(),
            manifest.groups.len()
        ))?,
    }
    Ok(Outcome::Ok)
}

async fn make_plan(app: &App, m: &ManifestArg, prune: bool) -> Result<(Manifest, Arc<Admin>, Plan)> {
    // Validate the manifest before touching the broker: a bad file must change nothing.
    let manifest = app.manifest(m)?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let (cluster, brokers) = read_cluster_and_brokers(&admin, &manifest).await?;
    let mut plan = plan::plan(&manifest, &cluster, prune);
    plan::check_replication(&mut plan, brokers);
    Ok((manifest, admin, plan))
}

#[derive(Serialize)]
struct PlanJson<'a> {
    changes: &'a [Change],
    unmanaged: &'a [Unmanaged],
    errors: &'a [String],
}

fn print_plan(app: &App, manifest: &Manifest, plan: &Plan, prune: bool) -> Result<()> {
    if app.ui.mode()? == Mode::Json {
        return app.ui.json(&PlanJson { changes: &plan.changes, unmanaged: &plan.unmanaged, errors: &plan.errors });
    }
    app.ui.out(&render_plan(app, manifest, plan, prune))
}

/// The plan as a person reads it (a table, what is left alone, what cannot be done).
fn render_plan(app: &App, manifest: &Manifest, plan: &Plan, prune: bool) -> String {
    let mut s = String::new();
    if plan.changes.is_empty() {
        s.push_str(&format!("No changes: the cluster matches {}.\n", manifest.path.display()));
    } else {
        let mut t = app.ui.table();
        t.set_header(vec!["", "action", "topic", "details"]);
        for c in &plan.changes {
            let (sign, color) = match c {
                Change::Create { .. } | Change::AddPartitions { .. } => ("+", "32"),
                Change::AlterConfig { .. } => ("~", "33"),
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
                Unmanaged::Topic { topic } => s.push_str(&format!("  topic  {}\n", for_terminal(topic))),
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
        s.push_str(&format!(
            "Plan: {} to create, {} to add partitions, {} to reconfigure, {} to delete.\n",
            count("create"),
            count("add_partitions"),
            count("alter_config"),
            count("delete_topic")
        ));
    }
    s.trim_end().to_string()
}

fn changes(n: usize) -> String {
    if n == 1 { "1 change".into() } else { format!("{n} changes") }
}

fn impossible(plan: &Plan) -> anyhow::Error {
    anyhow::anyhow!("the manifest asks for changes Kafka cannot make:\n  {}", plan.errors.join("\n  "))
}

async fn plan_cmd(app: &App, a: PlanArgs) -> Result<Outcome> {
    let (manifest, _admin, plan) = make_plan(app, &a.manifest, a.prune).await?;
    print_plan(app, &manifest, &plan, a.prune)?;
    if !plan.errors.is_empty() {
        return Err(impossible(&plan));
    }
    if a.detailed_exitcode && !plan.is_empty() {
        return Ok(Outcome::ChangesPending);
    }
    Ok(Outcome::Ok)
}

#[derive(Serialize)]
struct Applied {
    action: &'static str,
    topic: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

async fn apply(app: &App, a: ApplyArgs) -> Result<Outcome> {
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

#[derive(Serialize)]
struct ListRow {
    topic: String,
    partitions: usize,
    replication_factor: i16,
    messages: Option<i64>,
    managed: bool,
    internal: bool,
}

async fn list(app: &App, a: ListArgs) -> Result<Outcome> {
    let manifest = app.manifest_opt(&a.manifest)?;
    let mode = app.ui.mode()?;
    let admin = Arc::new(app.settings.admin()?);
    let md = admin.metadata(None).await?;
    let topics: Vec<_> = md.topics.iter().filter(|t| a.all || !plan::is_internal(&t.name)).collect();
    let parts = topics.iter().flat_map(|t| t.partitions.iter().map(|p| (t.name.clone(), p.id))).collect();
    let wm = watermarks(&app.settings, parts).await?;
    let mut rows: Vec<ListRow> = topics
        .iter()
        .map(|t| ListRow {
            topic: t.name.clone(),
            partitions: t.partitions.len(),
            replication_factor: t.replication_factor(),
            messages: Some(
                t.partitions.iter().filter_map(|p| wm.get(&(t.name.clone(), p.id))).map(|(lo, hi)| hi - lo).sum(),
            ),
            managed: manifest.as_ref().is_some_and(|m| m.topic(&t.name).is_some()),
            internal: plan::is_internal(&t.name),
        })
        .collect();
    rows.sort_by(|a, b| a.topic.cmp(&b.topic));
    if mode == Mode::Json {
        app.ui.json(&json!({ "topics": rows }))?;
    } else {
        let mut t = app.ui.table();
        t.set_header(vec!["topic", "partitions", "replication", "messages", "managed"]);
        for r in &rows {
            t.add_row(vec![
                for_terminal(&r.topic).into_owned(),
                r.partitions.to_string(),
                r.replication_factor.to_string(),
                r.messages.map(|m| m.to_string()).unwrap_or_default(),
                if r.internal {
                    "internal".into()
                } else if r.managed {
                    "yes".into()
                } else {
                    "no".into()
                },
            ]);
        }
        app.ui.out(&t.to_string())?;
    }
    Ok(Outcome::Ok)
}

async fn describe(app: &App, a: DescribeArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let admin = Arc::new(app.settings.admin()?);
    let md = admin.metadata(Some(&a.topic)).await?;
    let Some(topic) = md.topics.iter().find(|t| t.name == a.topic && t.error.is_none() && !t.partitions.is_empty())
    else {
        bail!("topic '{}' does not exist on {}", for_terminal(&a.topic), app.settings.brokers);
    };
    let wm = watermarks(&app.settings, topic.partitions.iter().map(|p| (topic.name.clone(), p.id)).collect()).await?;
    let configs = admin.topic_configs(std::slice::from_ref(&topic.name)).await?;
    let dynamic: BTreeMap<String, Option<String>> = configs
        .get(&topic.name)
        .map(|m| {
            m.iter()
                .filter(|(_, c)| c.source == plan::Source::DynamicTopic)
                .map(|(k, c)| (k.clone(), c.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    let partitions: Vec<serde_json::Value> = topic
        .partitions
        .iter()
        .map(|p| {
            let (lo, hi) = wm.get(&(topic.name.clone(), p.id)).copied().unwrap_or((0, 0));
            json!({"partition": p.id, "leader": p.leader, "replicas": p.replicas, "isr": p.isr,
                   "low": lo, "high": hi, "messages": hi - lo})
        })
        .collect();
    if mode == Mode::Json {
        app.ui.json(&json!({"topic": topic.name, "partitions": partitions, "configs": dynamic}))?;
        return Ok(Outcome::Ok);
    }
    let mut t = app.ui.table();
    t.set_header(vec!["partition", "leader", "replicas", "isr", "low", "high", "messages"]);
    let ids = |v: &serde_json::Value| {
        v.as_array().map(|a| a.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")).unwrap_or_default()
    };
    for p in &partitions {
        t.add_row(vec![
            p["partition"].to_string(),
            p["leader"].to_string(),
            ids(&p["replicas"]),
            ids(&p["isr"]),
            p["low"].to_string(),
            p["high"].to_string(),
            p["messages"].to_string(),
        ]);
    }
    let mut s = format!("Topic {}\n{t}\n", for_terminal(&topic.name));
    if dynamic.is_empty() {
        s.push_str("Configs: broker defaults only\n");
    } else {
        s.push_str("Configs set on the topic:\n");
        for (k, v) in &dynamic {
            s.push_str(&format!("  {k}={}\n", v.as_deref().unwrap_or("")));
        }
    }
    app.ui.out(s.trim_end())?;
    Ok(Outcome::Ok)
}
