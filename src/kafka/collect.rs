//! One collection for `evbus serve`: the cluster's metadata, the log-start and log-end offsets of
//! every partition of every topic (two batched ListOffsets per leader), the topics'
//! `min.insync.replicas` (one batched DescribeConfigs) and the lag snapshot `evbus lag` reads,
//! as a [`crate::metrics::model::Cluster`] and the snapshot's groups. Every call is bounded by
//! `--timeout`; a broker that does not answer fails the collection (the caller counts it and
//! tries again at the next interval) rather than hanging it.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;

use super::admin::Admin;
use super::lag::{Snapshot, log_offsets, snapshot};
use super::{ClusterMeta, Settings};
use crate::lag::report::Selection;
use crate::metrics::model::{Cluster, PartitionView, TopicView};
use crate::topics::manifest::Manifest;
use crate::topics::plan::is_internal;

/// What one collection read.
pub struct Collected {
    /// Brokers, topics and partitions with their offsets.
    pub cluster: Cluster,
    /// The consumer groups' lag, with its notes.
    pub snapshot: Snapshot,
    /// What could not be read without failing the collection (configs).
    pub warnings: Vec<String>,
}

/// Read one collection (see the module docs for the requests).
pub async fn collect(
    settings: &Settings,
    admin: &Arc<Admin>,
    manifest: Option<&Manifest>,
    sel: &Selection,
) -> Result<Collected> {
    // Fails at once when every broker is down, rather than waiting out --timeout.
    let md = admin.metadata_or_down(settings.timeout).await?;
    let names: Vec<String> = md.topics.iter().filter(|t| t.error.is_none()).map(|t| t.name.clone()).collect();
    let parts: Vec<(String, i32)> = md
        .topics
        .iter()
        .filter(|t| t.error.is_none() && !is_internal(&t.name))
        .flat_map(|t| t.partitions.iter().map(move |p| (t.name.clone(), p.id)))
        .collect();
    let (offsets, configs, snap) = tokio::join!(
        log_offsets(settings, parts),
        admin.topic_configs(&names),
        snapshot(settings, admin, manifest, sel)
    );
    let (ends, starts) = offsets?;
    let snap = snap?;
    let mut warnings = Vec::new();
    let min_isr: HashMap<String, usize> = match configs {
        Ok(c) => c
            .into_iter()
            .filter_map(|(t, cfg)| {
                let v = cfg.get("min.insync.replicas")?.value.as_deref()?.trim().parse().ok()?;
                Some((t, v))
            })
            .collect(),
        Err(e) => {
            warnings.push(format!("under-min-ISR partitions not counted (cannot read topic configs): {e:#}"));
            HashMap::new()
        }
    };
    Ok(Collected { cluster: cluster(&md, &ends, &starts, &min_isr, manifest), snapshot: snap, warnings })
}

/// The metadata and offsets as a [`Cluster`], topics sorted by name.
fn cluster(
    md: &ClusterMeta,
    ends: &HashMap<(String, i32), i64>,
    starts: &HashMap<(String, i32), i64>,
    min_isr: &HashMap<String, usize>,
    manifest: Option<&Manifest>,
) -> Cluster {
    let mut topics: Vec<TopicView> = md
        .topics
        .iter()
        .filter(|t| t.error.is_none())
        .map(|t| {
            let mut partitions: Vec<PartitionView> = t
                .partitions
                .iter()
                .map(|p| {
                    let key = (t.name.clone(), p.id);
                    PartitionView {
                        id: p.id,
                        end: ends.get(&key).copied(),
                        start: starts.get(&key).copied(),
                        leaderless: p.leaderless(),
                        replicas: p.replicas.len(),
                        isr: p.isr.len(),
                    }
                })
                .collect();
            partitions.sort_by_key(|p| p.id);
            TopicView {
                name: t.name.clone(),
                internal: is_internal(&t.name),
                partitions,
                min_isr: min_isr.get(&t.name).copied(),
                dlq: manifest.and_then(|m| m.topic(&t.name)).is_some_and(|s| s.dlq),
            }
        })
        .collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    Cluster { brokers: md.brokers.len(), topics }
}
