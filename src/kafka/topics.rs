//! Reading topics from the brokers: the cluster's topics with their configs as the plan compares
//! them to a manifest, and the watermarks of partitions. Shared by `topics`, `health` and `dlq`.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Result, bail};
use rdkafka::Offset;

use super::admin::Admin;
use super::cluster::TopicMeta;
use super::offsets::PartitionOffsets;
use super::settings::Settings;
use crate::topics::manifest::Manifest;
use crate::topics::plan::{self, ClusterConfig, ClusterTopic};
use crate::topics::reassign::Placement;

/// Read every topic on the cluster with its partitions and (for managed topics) configs.
pub async fn read_cluster(admin: &Arc<Admin>, manifest: &Manifest) -> Result<Vec<ClusterTopic>> {
    Ok(read_cluster_and_brokers(admin, manifest).await?.0)
}

/// The cluster's topics (see [`read_cluster`]) and how many brokers it has.
pub async fn read_cluster_and_brokers(admin: &Arc<Admin>, manifest: &Manifest) -> Result<(Vec<ClusterTopic>, usize)> {
    let md = admin.metadata(None).await?;
    let managed: Vec<String> = md
        .topics
        .iter()
        .filter(|t| t.error.is_none() && manifest.topic(&t.name).is_some())
        .map(|t| t.name.clone())
        .collect();
    // One batched DescribeConfigs for all managed topics, not one request per topic.
    let mut configs = admin.topic_configs(&managed).await?;
    let topics = md.topics.iter().filter(|t| t.error.is_none()).map(|t| cluster_topic(t, &mut configs)).collect();
    Ok((topics, md.brokers.len()))
}

/// The cluster's topics that `pick` accepts (asked once per topic), each with every config
/// DescribeConfigs reports for it (one batched request); for `topics export`, which has no
/// manifest to say which topics are managed.
pub async fn read_topics(admin: &Arc<Admin>, mut pick: impl FnMut(&str) -> bool) -> Result<Vec<ClusterTopic>> {
    let md = admin.metadata(None).await?;
    let chosen: Vec<_> = md.topics.iter().filter(|t| t.error.is_none() && pick(&t.name)).collect();
    let names: Vec<String> = chosen.iter().map(|t| t.name.clone()).collect();
    let mut configs = admin.topic_configs(&names).await?;
    Ok(chosen.into_iter().map(|t| cluster_topic(t, &mut configs)).collect())
}

/// One topic as the plan compares it, taking its configs out of `configs`.
fn cluster_topic(t: &TopicMeta, configs: &mut BTreeMap<String, BTreeMap<String, ClusterConfig>>) -> ClusterTopic {
    ClusterTopic {
        name: t.name.clone(),
        partitions: t.partitions.len() as i32,
        replication_factor: t.replication_factor(),
        partition_replicas: t.partitions.iter().map(|p| (p.id, p.replicas.len() as i16)).collect(),
        placements: t
            .partitions
            .iter()
            .map(|p| (p.id, Placement { leader: p.leader, replicas: p.replicas.clone(), isr: p.isr.clone() }))
            .collect(),
        internal: plan::is_internal(&t.name),
        configs: configs.remove(&t.name).unwrap_or_default(),
    }
}

/// Low and high watermarks of every partition of the given topics (two batched ListOffsets
/// requests); an error for any partition fails the lookup.
pub async fn watermarks(settings: &Settings, parts: Vec<(String, i32)>) -> Result<BTreeMap<(String, i32), (i64, i64)>> {
    let mut maps =
        settings.list_offsets("watermark lookup", parts.clone(), vec![Offset::Beginning, Offset::End], &[]).await?;
    let (high, low) = (maps.pop().unwrap_or_default(), maps.pop().unwrap_or_default());
    parts
        .into_iter()
        .map(|tp| {
            let found = |m: &PartitionOffsets| match m.get(&tp) {
                Some(Ok(o)) => Ok(*o),
                Some(Err(e)) => bail!("watermark lookup for {}/{} failed: {e}", tp.0, tp.1),
                None => bail!("watermark lookup: no answer for {}/{}", tp.0, tp.1),
            };
            let w = (found(&low)?, found(&high)?);
            Ok((tp, w))
        })
        .collect()
}
