//! Share groups (KIP-932, "queues for Kafka") on the raw protocol path: librdkafka has no admin
//! API for them. ShareGroupDescribe gives the state and the members with their assignments,
//! DescribeShareGroupOffsets each share partition's start offset (SPSO) and, from v1 (Kafka 4.2,
//! KIP-1226), its lag; AlterShareGroupOffsets, DeleteShareGroupOffsets and DeleteGroups change
//! the group from outside. Every call goes to the group's coordinator and is bounded by
//! `--timeout`.
//!
//! Kafka reports no in-flight or acquired record counts through these APIs (they exist only as
//! broker metrics), so neither does evbus.
//!
//! A broker without share groups is told apart from a group that does not exist: Kafka before 4.0
//! lacks the APIs, and 4.x has them only with the `share.version` feature finalized (on by
//! default for clusters formatted by 4.2+, off for older ones upgraded in place).

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use kafka_protocol::messages::{
    AlterShareGroupOffsetsRequest, ApiKey, ApiVersionsResponse, DeleteGroupsRequest, DeleteShareGroupOffsetsRequest,
    GroupId, ShareGroupDescribeRequest, TopicName, alter_share_group_offsets_request as alter,
    delete_share_group_offsets_request as del,
};
use kafka_protocol::protocol::StrBytes;

use super::route::{KeyType, coordinator};
use super::share_offsets;
use super::transport::{Conn, bounded};
use crate::kafka::error::{Error, Kind};
use crate::kafka::groups::{Group, Member, PartitionOutcome};
use crate::kafka::settings::Settings;

/// Kafka's GROUP_ID_NOT_FOUND: the coordinator has no (share) group of that name.
const GROUP_ID_NOT_FOUND: i16 = 69;

/// The feature that turns share groups on.
pub const FEATURE: &str = "share.version";

/// Why lag is unknown on a broker that answers DescribeShareGroupOffsets v0 only.
pub const LAG_UNKNOWN: &str = "lag unknown: broker older than 4.2 (DescribeShareGroupOffsets v1, KIP-1226)";

/// One member of a share group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShareMember {
    /// The member id (chosen by the client).
    pub member_id: String,
    /// The `client.id` of its client.
    pub client_id: String,
    /// The host it connects from, as the broker sees it.
    pub client_host: String,
    /// Its rack, when configured.
    pub rack_id: Option<String>,
    /// Its epoch.
    pub member_epoch: i32,
    /// The topics it subscribed to.
    pub subscribed: Vec<String>,
    /// The partitions assigned to it: topic → partitions (shared with other members).
    pub assignment: BTreeMap<String, Vec<i32>>,
}

/// One share partition's state: where the group's window starts, and how far behind it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SharePartition {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The share-partition start offset; `None` when it is not initialised yet.
    pub start_offset: Option<i64>,
    /// The lag Kafka computes (records not yet delivered and acknowledged); `None` when the
    /// broker is older than 4.2 or has not computed it.
    pub lag: Option<i64>,
    /// The partition's error, in words.
    pub error: Option<String>,
}

/// A share group as its coordinator describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShareGroup {
    /// The group id.
    pub name: String,
    /// `Empty`, `Stable`, `Dead` (as Kafka names it).
    pub state: String,
    /// The group's epoch.
    pub group_epoch: i32,
    /// The epoch of its current assignment.
    pub assignment_epoch: i32,
    /// The server-side assignor.
    pub assignor: String,
    /// The members.
    pub members: Vec<ShareMember>,
    /// Every share partition the group has state for, in topic/partition order.
    pub partitions: Vec<SharePartition>,
    /// The DescribeShareGroupOffsets version spoken: 1 carries the lag, 0 does not.
    pub offsets_version: i16,
}

impl ShareGroup {
    /// The group as a listing holds it (type `share`, state, members and their assignments), so
    /// what reads listings (owners in `lag`, refusals naming members) works for share groups too.
    pub fn as_group(&self) -> Group {
        Group {
            name: self.name.clone(),
            state: self.state.clone(),
            protocol_type: String::new(),
            kind: "share".into(),
            error: None,
            members: self
                .members
                .iter()
                .map(|m| Member {
                    member_id: m.member_id.clone(),
                    client_id: m.client_id.clone(),
                    client_host: m.client_host.clone(),
                    assignment: m.assignment.clone(),
                })
                .collect(),
            described: true,
        }
    }
}

/// Whether the broker `conn` is connected to has share groups; the error says what is missing
/// (the Kafka release or the `share.version` feature) and how to get it.
pub fn check_support(conn: &Conn) -> Result<(), Error> {
    let has_api = conn.versions().0.contains_key(&(ApiKey::ShareGroupDescribe as i16));
    match missing(conn.addr(), &conn.api_versions, has_api) {
        None => Ok(()),
        Some(message) => Err(Error::new("share groups", Kind::Unsupported, message)),
    }
}

/// Why the broker at `addr` (its ApiVersions answer `v`; `has_api`: it lists ShareGroupDescribe)
/// has no share groups, or `None` when it has them.
fn missing(addr: &str, v: &ApiVersionsResponse, has_api: bool) -> Option<String> {
    let finalized = v.finalized_features.iter().find(|f| f.name.as_str() == FEATURE).map(|f| f.max_version_level);
    let supported = v.supported_features.iter().find(|f| f.name.as_str() == FEATURE).map(|f| f.max_version);
    if has_api && finalized.is_some_and(|l| l >= 1) {
        return None;
    }
    Some(match supported.filter(|m| *m >= 1) {
        Some(_) => format!(
            "the cluster at {addr} has share groups switched off: its {FEATURE} feature is {} (Kafka 4.x supports \
             share groups once it is 1 or more; enable it with `kafka-features.sh --bootstrap-server {addr} upgrade \
             --feature {FEATURE}=1`, or run `evbus dev up` for a local broker)",
            finalized.map_or_else(|| "not enabled".to_string(), |l| format!("at level {l}")),
        ),
        None => format!(
            "the broker at {addr} does not support share groups: it has neither the ShareGroupDescribe API (key 77) \
             nor the {FEATURE} feature, so it is older than Apache Kafka 4.0 (share groups came as early access in \
             4.0, preview in 4.1 and production-ready in 4.2, with {FEATURE} enabled)"
        ),
    })
}

/// Wait between asking again while the coordinator is loading or moving.
const RETRY_PAUSE: Duration = Duration::from_millis(200);

/// `ask` on a connection to the coordinator of `group`, after checking the cluster has share
/// groups at all; asked again (the coordinator found again) while the answer is retriable
/// (loading, not the coordinator any more): the caller bounds it all by `--timeout`.
async fn at_coordinator<T, F, Fut>(s: &Settings, group: &str, ask: F) -> Result<T, Error>
where
    F: FnMut(Conn) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    check_cluster(s).await?;
    retrying(s, group, ask).await
}

/// Whether the cluster has share groups (see [`check_support`]), asked of a bootstrap broker.
async fn check_cluster(s: &Settings) -> Result<(), Error> {
    check_support(&Conn::bootstrap(s).await?)
}

/// [`at_coordinator`] without the check (done once for many groups).
async fn retrying<T, F, Fut>(s: &Settings, group: &str, mut ask: F) -> Result<T, Error>
where
    F: FnMut(Conn) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    loop {
        match ask(coordinator(s, group, KeyType::Group).await?).await {
            Err(e) if e.retriable() => tokio::time::sleep(RETRY_PAUSE).await,
            r => return r,
        }
    }
}

fn gid(s: &str) -> GroupId {
    GroupId(StrBytes::from_string(s.to_string()))
}

fn tname(s: &str) -> TopicName {
    TopicName(StrBytes::from_string(s.to_string()))
}

/// The share group `group`, or `None` when the coordinator has no share group of that name
/// (a consumer group of that name included: Kafka answers GROUP_ID_NOT_FOUND then too).
pub async fn describe(s: &Settings, group: &str) -> Result<Option<ShareGroup>, Error> {
    let ask = |mut conn: Conn| async move { describe_on(&mut conn, group).await };
    bounded(s, "ShareGroupDescribe", at_coordinator(s, group, ask)).await
}

/// Several share groups, each from its coordinator, within one `--timeout`; one that cannot be
/// read is an error of its own, a cluster without share groups the error of all.
pub async fn describe_many(
    s: &Settings,
    groups: &[String],
) -> Result<BTreeMap<String, Result<Option<ShareGroup>, Error>>, Error> {
    bounded(s, "ShareGroupDescribe", async {
        check_cluster(s).await?;
        let mut out = BTreeMap::new();
        for g in groups {
            let ask = |mut conn: Conn| async move { describe_on(&mut conn, g).await };
            out.insert(g.clone(), retrying(s, g, ask).await);
        }
        Ok(out)
    })
    .await
}

async fn describe_on(conn: &mut Conn, group: &str) -> Result<Option<ShareGroup>, Error> {
    let req = ShareGroupDescribeRequest::default().with_group_ids(vec![gid(group)]);
    let (resp, _) = conn.call(&req).await?;
    let Some(d) = resp.groups.into_iter().next() else {
        return Err(Error::text("ShareGroupDescribe", format!("ShareGroupDescribe: no answer for group {group}")));
    };
    if d.error_code == GROUP_ID_NOT_FOUND {
        return Ok(None);
    }
    if d.error_code != 0 {
        return Err(Error::from_protocol(
            format!("ShareGroupDescribe of {group}"),
            d.error_code,
            d.error_message.as_deref(),
        ));
    }
    let members = d
        .members
        .into_iter()
        .map(|m| {
            let mut assignment: BTreeMap<String, Vec<i32>> = BTreeMap::new();
            for tp in m.assignment.topic_partitions {
                let mut ps = tp.partitions;
                ps.sort_unstable();
                assignment.entry(tp.topic_name.to_string()).or_default().extend(ps);
            }
            ShareMember {
                member_id: m.member_id.to_string(),
                client_id: m.client_id.to_string(),
                client_host: m.client_host.to_string(),
                rack_id: m.rack_id.map(|r| r.to_string()),
                member_epoch: m.member_epoch,
                subscribed: m.subscribed_topic_names.iter().map(|t| t.to_string()).collect(),
                assignment,
            }
        })
        .collect();
    let (partitions, offsets_version) = offsets_on(conn, group).await?;
    Ok(Some(ShareGroup {
        name: group.to_string(),
        state: d.group_state.to_string(),
        group_epoch: d.group_epoch,
        assignment_epoch: d.assignment_epoch,
        assignor: d.assignor_name.to_string(),
        members,
        partitions,
        offsets_version,
    }))
}

/// Every share partition of `group` with its start offset and (v1) lag.
async fn offsets_on(conn: &mut Conn, group: &str) -> Result<(Vec<SharePartition>, i16), Error> {
    let req = share_offsets::Request { groups: vec![(group.to_string(), None)] };
    let (resp, version) = conn.call_within(&req, share_offsets::VERSIONS).await?;
    let mut out = Vec::new();
    for g in resp.groups {
        if g.error_code == GROUP_ID_NOT_FOUND {
            continue;
        }
        if g.error_code != 0 {
            return Err(Error::from_protocol(
                format!("DescribeShareGroupOffsets of {group}"),
                g.error_code,
                g.error_message.as_deref(),
            ));
        }
        for t in g.topics {
            for p in t.partitions {
                let error = (p.error_code != 0).then(|| {
                    Error::from_protocol("DescribeShareGroupOffsets", p.error_code, p.error_message.as_deref())
                        .message()
                        .to_string()
                });
                out.push(SharePartition {
                    topic: t.topic_name.clone(),
                    partition: p.partition_index,
                    start_offset: (p.start_offset >= 0).then_some(p.start_offset),
                    lag: (version >= 1 && p.lag >= 0).then_some(p.lag),
                    error,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
    Ok((out, version))
}

/// Sets the start offsets of `group` (AlterShareGroupOffsets; Kafka refuses while the group has
/// members). The outer error is the whole call's; each partition's outcome is in the list.
pub async fn alter_offsets(
    s: &Settings,
    group: &str,
    offsets: &[(String, i32, i64)],
) -> Result<Vec<PartitionOutcome>, Error> {
    let mut by_topic: BTreeMap<&str, Vec<alter::AlterShareGroupOffsetsRequestPartition>> = BTreeMap::new();
    for (t, p, o) in offsets {
        by_topic.entry(t).or_default().push(
            alter::AlterShareGroupOffsetsRequestPartition::default().with_partition_index(*p).with_start_offset(*o),
        );
    }
    let topics = by_topic
        .into_iter()
        .map(|(t, ps)| {
            alter::AlterShareGroupOffsetsRequestTopic::default().with_topic_name(tname(t)).with_partitions(ps)
        })
        .collect();
    let req = &AlterShareGroupOffsetsRequest::default().with_group_id(gid(group)).with_topics(topics);
    let op = &format!("AlterShareGroupOffsets of {group}");
    let ask = |mut conn: Conn| async move {
        let (resp, _) = conn.call(req).await?;
        if resp.error_code != 0 {
            return Err(Error::from_protocol(op, resp.error_code, resp.error_message.as_deref()));
        }
        let mut out = Vec::new();
        for t in resp.responses {
            for p in t.partitions {
                let error = (p.error_code != 0)
                    .then(|| Error::from_protocol(op, p.error_code, p.error_message.as_deref()).message().to_string());
                out.push(PartitionOutcome { topic: t.topic_name.to_string(), partition: p.partition_index, error });
            }
        }
        Ok(out)
    };
    bounded(s, "AlterShareGroupOffsets", at_coordinator(s, group, ask)).await
}

/// Deletes the share-partition state of `group` on `topics` (DeleteShareGroupOffsets): topic →
/// its error, `None` when deleted.
pub async fn delete_offsets(
    s: &Settings,
    group: &str,
    topics: &[String],
) -> Result<Vec<(String, Option<String>)>, Error> {
    let req = &DeleteShareGroupOffsetsRequest::default().with_group_id(gid(group)).with_topics(
        topics.iter().map(|t| del::DeleteShareGroupOffsetsRequestTopic::default().with_topic_name(tname(t))).collect(),
    );
    let op = &format!("DeleteShareGroupOffsets of {group}");
    let ask = |mut conn: Conn| async move {
        let (resp, _) = conn.call(req).await?;
        if resp.error_code != 0 {
            return Err(Error::from_protocol(op, resp.error_code, resp.error_message.as_deref()));
        }
        Ok(resp
            .responses
            .into_iter()
            .map(|t| {
                let e = (t.error_code != 0)
                    .then(|| Error::from_protocol(op, t.error_code, t.error_message.as_deref()).message().to_string());
                (t.topic_name.to_string(), e)
            })
            .collect())
    };
    bounded(s, "DeleteShareGroupOffsets", at_coordinator(s, group, ask)).await
}

/// Deletes the group (DeleteGroups, which Kafka answers for every group type). The inner error
/// is the group's own (not empty, not found), the outer one the call's.
pub async fn delete_group(s: &Settings, group: &str) -> Result<Result<(), Error>, Error> {
    let ask = |mut conn: Conn| async move {
        let (resp, _) = conn.call(&DeleteGroupsRequest::default().with_groups_names(vec![gid(group)])).await?;
        let code = resp.results.iter().find(|r| r.group_id.as_str() == group).map_or(0, |r| r.error_code);
        let e = Error::from_protocol(format!("DeleteGroups of {group}"), code, None);
        // A coordinator loading or moved is asked again; any other answer is the group's own.
        match code {
            0 => Ok(Ok(())),
            _ if e.retriable() => Err(e),
            _ => Ok(Err(e)),
        }
    };
    bounded(s, "DeleteGroups", at_coordinator(s, group, ask)).await
}

#[cfg(test)]
mod tests {
    use kafka_protocol::messages::api_versions_response::{FinalizedFeatureKey, SupportedFeatureKey};

    use super::*;

    fn versions(supported: Option<i16>, finalized: Option<i16>) -> ApiVersionsResponse {
        let name = || StrBytes::from_static_str(FEATURE);
        ApiVersionsResponse::default()
            .with_supported_features(
                supported
                    .into_iter()
                    .map(|m| SupportedFeatureKey::default().with_name(name()).with_max_version(m))
                    .collect(),
            )
            .with_finalized_features(
                finalized
                    .into_iter()
                    .map(|l| FinalizedFeatureKey::default().with_name(name()).with_max_version_level(l))
                    .collect(),
            )
    }

    #[test]
    fn a_broker_without_share_groups_is_told_from_one_with_them_switched_off() {
        assert_eq!(missing("k:9092", &versions(Some(2), Some(2)), true), None);
        // Kafka 3.9: no API, no feature.
        let e = missing("k:9092", &versions(None, None), false).unwrap();
        assert!(e.starts_with("the broker at k:9092 does not support share groups"), "{e}");
        assert!(e.contains("older than Apache Kafka 4.0") && e.contains("production-ready in 4.2"), "{e}");
        // Kafka 4.x with the feature at 0 (a cluster upgraded in place).
        let e = missing("k:9092", &versions(Some(1), None), false).unwrap();
        assert!(e.contains("has share groups switched off: its share.version feature is not enabled"), "{e}");
        assert!(e.contains("upgrade --feature share.version=1"), "{e}");
        let e = missing("k:9092", &versions(Some(2), Some(0)), true).unwrap();
        assert!(e.contains("share.version feature is at level 0"), "{e}");
    }
}
