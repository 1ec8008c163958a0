//! The `reassignments` check of `evbus health`: replica moves running (a warning: the cluster is
//! busy copying data and its partitions are not where they will end), and replication throttles
//! left behind by a move that ended or was interrupted (a warning: they slow every later
//! catch-up of those replicas and brokers until removed). Read on the raw protocol path.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::health::report::{Status, plural, some_of};
use crate::kafka::admin::Admin;
use crate::kafka::{ClusterMeta, Kind, Settings, replication};
use crate::topics::plan::Source;
use crate::topics::reassign::{is_throttle_key, leftovers};

/// Running moves and leftover throttles, as a status and a sentence.
pub(super) async fn reassignments_check(settings: &Settings, admin: &Arc<Admin>, md: &ClusterMeta) -> (Status, String) {
    let state = match replication::read(settings).await {
        Ok(s) => s,
        // A setting the raw path refuses by name: a note, as for `quorum`.
        Err(e) if e.kind() == Kind::InvalidConfig => return (Status::Ok, format!("not checked: {e}")),
        Err(e) if e.kind() == Kind::Unsupported => return (Status::Ok, format!("not checked: {e}")),
        Err(e) => return (Status::Warn, format!("not checked: {e}")),
    };
    let names: Vec<String> = md.topics.iter().filter(|t| t.error.is_none()).map(|t| t.name.clone()).collect();
    let topic_keys: BTreeMap<String, Vec<String>> = match admin.topic_configs(&names).await {
        Ok(c) => c
            .into_iter()
            .map(|(t, cfg)| {
                let keys = cfg
                    .into_iter()
                    .filter(|(k, c)| is_throttle_key(k) && c.source == Source::DynamicTopic)
                    .map(|(k, _)| k)
                    .collect();
                (t, keys)
            })
            .collect(),
        Err(e) => return (Status::Warn, format!("cannot read the topics' throttles: {e:#}")),
    };
    let ongoing = &state.replication.ongoing;
    let moving: BTreeSet<String> = ongoing.iter().filter(|(_, p)| !p.is_empty()).map(|(t, _)| t.clone()).collect();
    let left = leftovers(&topic_keys, &state.replication.broker_throttles, &moving);
    let mut parts = Vec::new();
    if !moving.is_empty() {
        let list: Vec<String> =
            moving.iter().map(|t| format!("{t} ({})", plural(ongoing[t].len(), "partition", "partitions"))).collect();
        parts.push(format!("reassignment in progress: {}", some_of(&list, 5)));
    }
    if !left.is_empty() {
        let mut what = Vec::new();
        if !left.brokers.is_empty() {
            let ids: Vec<String> = left.brokers.keys().map(i32::to_string).collect();
            what.push(format!("rates on broker(s) {}", ids.join(",")));
        }
        if !left.topics.is_empty() {
            let ts: Vec<String> = left.topics.keys().cloned().collect();
            what.push(format!("throttled replicas on {}", some_of(&ts, 5)));
        }
        parts.push(format!(
            "leftover throttles with no move running: {} (`evbus topics apply` removes those of the manifest's topics and brokers)",
            what.join("; ")
        ));
    }
    if parts.is_empty() {
        (Status::Ok, "none running, no replication throttles left".into())
    } else {
        (Status::Warn, parts.join("; "))
    }
}
