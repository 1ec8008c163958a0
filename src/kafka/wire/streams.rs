//! Describing streams groups (KIP-1071) with StreamsGroupDescribe, which librdkafka has no API
//! for: asked of each group's coordinator, bounded by `--timeout`, and turned into the owned
//! [`StreamsGroup`] the commands show.
//!
//! A broker that cannot hold streams groups is named as such rather than with a protocol error:
//! before Kafka 4.2 (4.1 had them as early access) it lacks the API, and a 4.x cluster with the
//! `streams.version` feature off (one upgraded from an older release, or formatted without it)
//! still lists the API but answers UNSUPPORTED_VERSION for every group.

use std::collections::BTreeMap;

use super::route::{KeyType, coordinator};
use super::streams_codec::{self as codec, StreamsGroupDescribeRequest};
use super::transport::{Conn, bounded};
use super::versions::{STREAMS_GROUP_DESCRIBE, added_in_key};
use crate::groups::streams::{Member, StreamsGroup, Subtopology, Tasks};
use crate::kafka::error::{Error, Kind};
use crate::kafka::settings::Settings;

/// The feature a cluster needs for streams groups.
pub const FEATURE: &str = "streams.version";

/// Wait between asking again while the coordinator moves or loads.
const RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

/// Kafka's GROUP_ID_NOT_FOUND.
const GROUP_ID_NOT_FOUND: i16 = 69;
/// Kafka's UNSUPPORTED_VERSION, what a group API answers while its feature is off.
const UNSUPPORTED_VERSION: i16 = 35;

/// The error saying streams groups are off on a cluster that has the API.
fn feature_off(op: &str) -> Error {
    Error::new(
        op,
        Kind::Unsupported,
        format!(
            "the cluster's {FEATURE} feature is off (streams groups need it; Kafka 4.2+ turns it on in new \
             clusters; enable it with `kafka-features.sh --bootstrap-server ... upgrade --feature {FEATURE}=1`)"
        ),
    )
}

/// Whether the broker's ApiVersions answer says streams groups work there: `Err` naming what is
/// missing (the API, with the Kafka release that has it, or the feature).
pub fn check_support(conn: &Conn, op: &str) -> Result<(), Error> {
    if !conn.versions().0.contains_key(&STREAMS_GROUP_DESCRIBE) {
        return Err(Error::new(
            op,
            Kind::Unsupported,
            format!(
                "the broker does not support StreamsGroupDescribe (API {STREAMS_GROUP_DESCRIBE}; added in Kafka {})",
                added_in_key(STREAMS_GROUP_DESCRIBE, 0)
            ),
        ));
    }
    let level = conn
        .api_versions
        .finalized_features
        .iter()
        .find(|f| f.name.as_str() == FEATURE)
        .map_or(0, |f| f.max_version_level);
    if level < 1 {
        return Err(feature_off(op));
    }
    Ok(())
}

/// The group `group` as its coordinator describes it; `None` when there is no streams group of
/// that name. Bounded by `--timeout`.
pub async fn describe(s: &Settings, group: &str) -> Result<Option<StreamsGroup>, Error> {
    let op = format!("StreamsGroupDescribe of {group}");
    bounded(s, &op, async {
        loop {
            let mut conn = coordinator(s, group, KeyType::Group).await?;
            check_support(&conn, &op)?;
            let req = StreamsGroupDescribeRequest { group_ids: vec![group.to_string()], ..Default::default() };
            let (resp, _) = conn.call_within(&req, (0, 0)).await?;
            let Some(g) = resp.groups.into_iter().find(|g| g.group_id == group) else {
                return Err(Error::text(&op, format!("{op}: the coordinator did not answer for the group")));
            };
            return match g.error_code {
                0 => Ok(Some(owned(g))),
                GROUP_ID_NOT_FOUND => Ok(None),
                UNSUPPORTED_VERSION => Err(feature_off(&op)),
                code => {
                    let e = Error::from_protocol(&op, code, g.error_message.as_deref());
                    // The coordinator moved or is loading: ask again, within the same --timeout.
                    if e.retriable() {
                        tokio::time::sleep(RETRY_PAUSE).await;
                        continue;
                    }
                    Err(e)
                }
            };
        }
    })
    .await
}

fn tasks(t: Vec<codec::TaskIds>) -> Tasks {
    let mut out: Tasks = BTreeMap::new();
    for t in t {
        let mut ps = t.partitions;
        ps.sort_unstable();
        out.entry(t.subtopology_id).or_default().extend(ps);
    }
    out
}

/// The answer as evbus keeps it.
fn owned(g: codec::DescribedGroup) -> StreamsGroup {
    let (topology_epoch, subs) = match g.topology.0 {
        Some(t) => (Some(t.epoch), t.subtopologies.0.unwrap_or_default()),
        None => (None, Vec::new()),
    };
    let names = |t: Vec<codec::TopicInfo>| t.into_iter().map(|t| t.name).collect::<Vec<_>>();
    StreamsGroup {
        group: g.group_id,
        state: g.group_state,
        group_epoch: g.group_epoch,
        assignment_epoch: g.assignment_epoch,
        topology_epoch,
        subtopologies: subs
            .into_iter()
            .map(|s| Subtopology {
                id: s.subtopology_id,
                source_topics: s.source_topics,
                repartition_source_topics: names(s.repartition_source_topics),
                repartition_sink_topics: s.repartition_sink_topics,
                changelog_topics: names(s.state_changelog_topics),
            })
            .collect(),
        members: g
            .members
            .into_iter()
            .map(|m| Member {
                member_id: m.member_id,
                member_epoch: m.member_epoch,
                instance_id: m.instance_id,
                client_id: m.client_id,
                host: m.client_host.trim_start_matches('/').to_string(),
                process_id: m.process_id,
                active: tasks(m.assignment.active_tasks),
                standby: tasks(m.assignment.standby_tasks),
                warmup: tasks(m.assignment.warmup_tasks),
            })
            .collect(),
    }
}

/// Whether the cluster can hold streams groups (asked of a bootstrap broker, within
/// `--timeout`): `Err` naming the missing API (with the Kafka release that has it) or feature.
pub async fn support(s: &Settings) -> Result<(), Error> {
    let op = "streams groups";
    bounded(s, op, async {
        let conn = Conn::bootstrap(s).await?;
        check_support(&conn, op)
    })
    .await
}
