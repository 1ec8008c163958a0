//! Partition reassignments on the raw protocol path, which librdkafka lacks: the brokers with
//! their racks (Metadata: rdkafka's metadata has no rack), the moves running
//! (ListPartitionReassignments), starting moves (AlterPartitionReassignments) and the preferred
//! leader election after them (ElectLeaders). Every request goes to a bootstrap broker: KRaft
//! brokers forward the reassignment and election requests to the active controller.
//!
//! The replication throttles a move runs under are broker configs, in [`super::throttle`].

use std::collections::BTreeMap;

use kafka_protocol::messages::{
    AlterPartitionReassignmentsRequest, BrokerId, DescribeLogDirsRequest, ElectLeadersRequest,
    ListPartitionReassignmentsRequest, MetadataRequest, TopicName, alter_partition_reassignments_request as alter,
    describe_log_dirs_request as logdirs, elect_leaders_request as elect,
};
use kafka_protocol::protocol::StrBytes;

use super::transport::{Conn, bounded};
use crate::kafka::error::Error;
use crate::kafka::settings::Settings;
use crate::topics::reassign::Ongoing;

/// A broker as the Metadata answer lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Node id.
    pub id: i32,
    /// Where to reach it (`host:port`).
    pub addr: String,
    /// `broker.rack`, when set.
    pub rack: Option<String>,
}

/// What became of each partition of a request: `(topic, partition)` → the broker's answer.
pub type PartitionResults = Vec<((String, i32), Result<(), Error>)>;

/// Error code ELECTION_NOT_NEEDED: the preferred leader leads already.
const ELECTION_NOT_NEEDED: i16 = 84;
/// Error code NO_REASSIGNMENT_IN_PROGRESS (a cancel of nothing).
const NO_REASSIGNMENT_IN_PROGRESS: i16 = 85;

fn topic_name(t: &str) -> TopicName {
    TopicName(StrBytes::from_string(t.to_string()))
}

fn broker_ids(v: &[i32]) -> Vec<BrokerId> {
    v.iter().map(|b| BrokerId(*b)).collect()
}

fn ids(v: &[BrokerId]) -> Vec<i32> {
    v.iter().map(|b| b.0).collect()
}

/// The cluster's live brokers with their racks, by id, within `--timeout`.
pub async fn brokers(s: &Settings) -> Result<Vec<Node>, Error> {
    bounded(s, "Metadata", async {
        let mut conn = Conn::bootstrap(s).await?;
        // An empty topic list (v1+; v0 reads it as "every topic"): the brokers only.
        let (resp, _) = conn.call_within(&MetadataRequest::default().with_topics(Some(Vec::new())), (1, 12)).await?;
        let mut out: Vec<Node> = resp
            .brokers
            .into_iter()
            .map(|b| Node {
                id: b.node_id.0,
                addr: format!("{}:{}", b.host, b.port),
                rack: b.rack.map(|r| r.to_string()).filter(|r| !r.is_empty()),
            })
            .collect();
        out.sort_by_key(|n| n.id);
        Ok(out)
    })
    .await
}

/// Every reassignment the cluster runs now, by topic, within `--timeout`.
pub async fn ongoing(s: &Settings) -> Result<BTreeMap<String, Vec<Ongoing>>, Error> {
    const OP: &str = "ListPartitionReassignments";
    bounded(s, OP, async {
        let mut conn = Conn::bootstrap(s).await?;
        let req = ListPartitionReassignmentsRequest::default().with_timeout_ms(timeout_ms(s)).with_topics(None);
        let (resp, _) = conn.call(&req).await?;
        if resp.error_code != 0 {
            return Err(Error::from_protocol(OP, resp.error_code, resp.error_message.as_deref()));
        }
        let mut out: BTreeMap<String, Vec<Ongoing>> = BTreeMap::new();
        for t in resp.topics {
            let list = out.entry(t.name.0.to_string()).or_default();
            list.extend(t.partitions.into_iter().map(|p| Ongoing {
                partition: p.partition_index,
                replicas: ids(&p.replicas),
                adding: ids(&p.adding_replicas),
                removing: ids(&p.removing_replicas),
            }));
            list.sort_by_key(|o| o.partition);
        }
        Ok(out)
    })
    .await
}

/// Starts moving each `(topic, partition)` to its replicas (the first the preferred leader),
/// within `--timeout`; the answer for each partition (the controller checks them one by one).
pub async fn submit(s: &Settings, moves: &[(String, i32, Vec<i32>)]) -> Result<PartitionResults, Error> {
    let targets = moves.iter().map(|(t, p, to)| (t.clone(), *p, Some(to.as_slice()))).collect::<Vec<_>>();
    alter(s, "AlterPartitionReassignments", &targets, false).await
}

/// Cancels the running moves of these partitions (replicas back to before), within `--timeout`.
/// Not used by `apply` itself (a move is never cancelled behind a user's back); kept beside
/// [`submit`] for tests that need a clean cluster after an interrupted move.
pub async fn cancel(s: &Settings, parts: &[(String, i32)]) -> Result<PartitionResults, Error> {
    let targets = parts.iter().map(|(t, p)| (t.clone(), *p, None)).collect::<Vec<_>>();
    alter(s, "AlterPartitionReassignments (cancel)", &targets, true).await
}

/// One AlterPartitionReassignments: each partition to its target replicas, or (`None`) its
/// running move cancelled. A cancel takes NO_REASSIGNMENT_IN_PROGRESS as done; a submit names
/// the partition in each refusal.
async fn alter(
    s: &Settings,
    op: &'static str,
    targets: &[(String, i32, Option<&[i32]>)],
    cancelling: bool,
) -> Result<PartitionResults, Error> {
    let mut by_topic: BTreeMap<&str, Vec<alter::ReassignablePartition>> = BTreeMap::new();
    for (t, p, to) in targets {
        by_topic
            .entry(t)
            .or_default()
            .push(alter::ReassignablePartition::default().with_partition_index(*p).with_replicas(to.map(broker_ids)));
    }
    let req = AlterPartitionReassignmentsRequest::default().with_timeout_ms(timeout_ms(s)).with_topics(
        by_topic
            .into_iter()
            .map(|(t, ps)| alter::ReassignableTopic::default().with_name(topic_name(t)).with_partitions(ps))
            .collect(),
    );
    bounded(s, op, async {
        let mut conn = Conn::bootstrap(s).await?;
        let (resp, _) = conn.call(&req).await?;
        if resp.error_code != 0 {
            return Err(Error::from_protocol(op, resp.error_code, resp.error_message.as_deref()));
        }
        let answered = resp.responses.into_iter().flat_map(|t| {
            let name = t.name.0.to_string();
            t.partitions.into_iter().map(move |p| {
                let r = match p.error_code {
                    0 => Ok(()),
                    NO_REASSIGNMENT_IN_PROGRESS if cancelling => Ok(()),
                    c if cancelling => Err(Error::from_protocol(op, c, p.error_message.as_deref())),
                    c => Err(Error::from_protocol(
                        format!("{op} {name}[{}]", p.partition_index),
                        c,
                        p.error_message.as_deref(),
                    )),
                };
                ((name.clone(), p.partition_index), r)
            })
        });
        Ok(every_partition(op, targets.iter().map(|(t, p, _)| (t.clone(), *p)), answered.collect()))
    })
    .await
}

/// Elects the preferred leader (the first replica) of each partition, within `--timeout`; a
/// partition it leads already counts as done.
pub async fn elect_preferred(s: &Settings, parts: &[(String, i32)]) -> Result<PartitionResults, Error> {
    const OP: &str = "ElectLeaders";
    let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for (t, p) in parts {
        by_topic.entry(t).or_default().push(*p);
    }
    let req = ElectLeadersRequest::default()
        // 0: PREFERRED (v1+; v0 knows no other).
        .with_election_type(0)
        .with_timeout_ms(timeout_ms(s))
        .with_topic_partitions(Some(
            by_topic
                .into_iter()
                .map(|(t, ps)| elect::TopicPartitions::default().with_topic(topic_name(t)).with_partitions(ps))
                .collect(),
        ));
    bounded(s, OP, async {
        let mut conn = Conn::bootstrap(s).await?;
        let (resp, _) = conn.call(&req).await?;
        if resp.error_code != 0 {
            return Err(Error::from_protocol(OP, resp.error_code, None));
        }
        let answered = resp.replica_election_results.into_iter().flat_map(|t| {
            let name = t.topic.0.to_string();
            t.partition_result.into_iter().map(move |p| {
                let r = match p.error_code {
                    0 | ELECTION_NOT_NEEDED => Ok(()),
                    c => Err(Error::from_protocol(
                        format!("{OP} {name}[{}]", p.partition_id),
                        c,
                        p.error_message.as_deref(),
                    )),
                };
                ((name.clone(), p.partition_id), r)
            })
        });
        Ok(every_partition(OP, parts.iter().cloned(), answered.collect()))
    })
    .await
}

/// The size on disk of each replica of `parts` (topic → partitions) on each of `nodes`:
/// `(topic, partition, broker)` → bytes (DescribeLogDirs, asked of every broker, within
/// `--timeout`). For the bytes a move still has to copy; a broker that cannot be asked is left
/// out, and so are intra-broker (future) copies.
pub async fn sizes(
    s: &Settings,
    nodes: &[Node],
    parts: &BTreeMap<String, Vec<i32>>,
) -> Result<BTreeMap<(String, i32, i32), i64>, Error> {
    let req = DescribeLogDirsRequest::default().with_topics(Some(
        parts
            .iter()
            .map(|(t, ps)| {
                logdirs::DescribableLogDirTopic::default().with_topic(topic_name(t)).with_partitions(ps.clone())
            })
            .collect(),
    ));
    bounded(s, "DescribeLogDirs", async {
        let mut out = BTreeMap::new();
        for n in nodes {
            let Ok(mut conn) = Conn::to(s, &n.addr).await else { continue };
            let (resp, _) = conn.call(&req).await?;
            for dir in resp.results.into_iter().filter(|d| d.error_code == 0) {
                for t in dir.topics {
                    for p in t.partitions.into_iter().filter(|p| !p.is_future_key) {
                        out.insert((t.name.0.to_string(), p.partition_index, n.id), p.partition_size);
                    }
                }
            }
        }
        Ok(out)
    })
    .await
}

/// One result per partition asked, in the order asked: one the answer left out is a failure.
fn every_partition(
    op: &str,
    asked: impl Iterator<Item = (String, i32)>,
    mut answered: BTreeMap<(String, i32), Result<(), Error>>,
) -> PartitionResults {
    asked
        .map(|tp| {
            let r = answered.remove(&tp).unwrap_or_else(|| {
                Err(Error::text(op, format!("{op}: the answer did not mention {}[{}]", tp.0, tp.1)))
            });
            (tp, r)
        })
        .collect()
}

/// The broker-side timeout of a request: `--timeout`, less a margin for the answer to travel.
pub(super) fn timeout_ms(s: &Settings) -> i32 {
    i32::try_from(s.timeout.as_millis().saturating_sub(200).max(1000)).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_partition_asked_gets_one_result() {
        let answered: BTreeMap<(String, i32), Result<(), Error>> =
            [(("a".to_string(), 1), Ok(())), (("z".to_string(), 0), Ok(()))].into();
        let out = every_partition("X", [("a".to_string(), 0), ("a".to_string(), 1)].into_iter(), answered);
        assert_eq!(out.len(), 2);
        assert!(out[0].1.as_ref().unwrap_err().message().contains("did not mention a[0]"));
        assert!(out[1].1.is_ok());
    }
}
