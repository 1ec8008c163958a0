//! `evbus topics describe`: one topic's partitions and every config with its value and where the
//! value comes from (topic override, dynamic broker or cluster default, static broker config,
//! Kafka's default), as `kafka-configs --describe --all` shows it: an operator asking "what
//! retention does this topic have?" needs the effective value, not only the overrides.
//! `--overrides-only` shows the topic's own overrides alone. Per partition it shows replicas,
//! ISR, and, where the broker has DescribeTopicPartitions (Kafka 3.8+), the eligible leader
//! replicas (KIP-966) and Kafka's offline replicas, which librdkafka's Metadata does not carry.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Result, bail};
use serde_json::json;

use crate::app::App;
use crate::cli::DescribeArgs;
use crate::exit::Outcome;
use crate::kafka::topics::watermarks;
use crate::kafka::wire::partitions::{self, PartitionState};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;
use crate::topics::plan::{self};

pub(super) async fn describe(app: &App, a: DescribeArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let admin = Arc::new(app.settings.admin()?);
    let md = admin.metadata(Some(&a.topic)).await?;
    let Some(topic) = md.topics.iter().find(|t| t.name == a.topic && t.error.is_none() && !t.partitions.is_empty())
    else {
        bail!("topic '{}' does not exist on {}", for_terminal(&a.topic), app.settings.brokers);
    };
    let wm = watermarks(&app.settings, topic.partitions.iter().map(|p| (topic.name.clone(), p.id)).collect()).await?;
    let configs = admin.topic_configs(std::slice::from_ref(&topic.name)).await?;
    // ELR and offline replicas: shown where the broker can say, a note where it cannot (an older
    // broker, a setting the raw path cannot honour, e.g. a keystore): the partitions and configs
    // librdkafka read are worth showing either way.
    let (elr_state, elr_note, states) =
        match partitions::describe(&app.settings, std::slice::from_ref(&topic.name)).await {
            Ok(d) => {
                let states: BTreeMap<i32, PartitionState> = d
                    .topics
                    .into_iter()
                    .filter(|t| t.name == topic.name && t.error.is_none())
                    .flat_map(|t| t.partitions)
                    .map(|p| (p.partition, p))
                    .collect();
                (d.elr.name(), d.elr.words(), states)
            }
            Err(e) => ("unavailable", format!("ELR and offline replicas not shown: {}", e.message()), BTreeMap::new()),
        };
    let all = configs.get(&topic.name).cloned().unwrap_or_default();
    let dynamic: BTreeMap<String, Option<String>> = all
        .iter()
        .filter(|(_, c)| c.source == plan::Source::DynamicTopic)
        .map(|(k, c)| (k.clone(), c.value.clone()))
        .collect();
    // Replicas on a broker the metadata no longer lists (killed, fenced). Kafka's own "offline
    // replicas" (`offline`) count those too once the broker is fenced, and replicas on a failed
    // log dir of a broker that is up.
    let live: std::collections::BTreeSet<i32> = md.brokers.iter().map(|b| b.id).collect();
    let partitions: Vec<serde_json::Value> = topic
        .partitions
        .iter()
        .map(|p| {
            let (lo, hi) = wm.get(&(topic.name.clone(), p.id)).copied().unwrap_or((0, 0));
            let absent: Vec<i32> = p.replicas.iter().copied().filter(|r| !live.contains(r)).collect();
            let st = states.get(&p.id);
            json!({"partition": p.id, "leader": p.leader, "replicas": p.replicas, "isr": p.isr,
                   "elr": st.map(|s| s.elr.clone().unwrap_or_default()),
                   "last_known_elr": st.map(|s| s.last_known_elr.clone().unwrap_or_default()),
                   "offline": st.map(|s| s.offline.clone()),
                   "absent": absent, "low": lo, "high": hi, "offsets": hi - lo})
        })
        .collect();
    if mode == Mode::Json {
        let mut doc = json!({"topic": topic.name, "partitions": partitions, "configs": dynamic,
                             "elr": elr_state, "elr_note": elr_note});
        if !a.overrides_only {
            doc["all_configs"] = all
                .iter()
                .map(|(k, c)| json!({"key": k, "value": c.value, "source": c.source}))
                .collect::<Vec<_>>()
                .into();
        }
        app.ui.json(&doc)?;
        return Ok(Outcome::Ok);
    }
    let mut t = app.ui.table();
    t.set_header(vec![
        "partition",
        "leader",
        "replicas",
        "isr",
        "elr",
        "last known elr",
        "offline",
        "absent",
        "low",
        "high",
        "offsets",
    ]);
    // `-`: not known (no DescribeTopicPartitions); empty: none.
    let ids = |v: &serde_json::Value| {
        v.as_array()
            .map(|a| a.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","))
            .unwrap_or_else(|| "-".to_string())
    };
    for p in &partitions {
        t.add_row(vec![
            p["partition"].to_string(),
            p["leader"].to_string(),
            ids(&p["replicas"]),
            ids(&p["isr"]),
            ids(&p["elr"]),
            ids(&p["last_known_elr"]),
            ids(&p["offline"]),
            ids(&p["absent"]),
            p["low"].to_string(),
            p["high"].to_string(),
            p["offsets"].to_string(),
        ]);
    }
    let mut s = format!("Topic {}\n{t}\n{elr_note}\n", for_terminal(&topic.name));
    if !a.overrides_only {
        let mut c = app.ui.table();
        c.set_header(vec!["config", "value", "source"]);
        for (k, v) in &all {
            c.add_row(vec![
                k.clone(),
                for_terminal(v.value.as_deref().unwrap_or("")).into_owned(),
                v.source.words().into(),
            ]);
        }
        s.push_str(&format!("{c}\n"));
    } else if dynamic.is_empty() {
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
