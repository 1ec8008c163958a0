//! The values the group calls hand up: groups with their members, committed offsets, and the
//! outcome of a change to one partition, all owned (no librdkafka pointers).

use std::collections::BTreeMap;

use crate::kafka::error::Error;

/// One member of a group as DescribeGroups reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Member {
    /// The id the coordinator gave the member (changes when it rejoins).
    pub member_id: String,
    /// The `client.id` the member's client was configured with.
    pub client_id: String,
    /// The host the member connects from, as the broker sees it.
    pub client_host: String,
    /// Decoded consumer-protocol assignment: topic → partitions. Empty when the member has no
    /// assignment yet or the group uses another protocol (Connect, a custom one).
    pub assignment: BTreeMap<String, Vec<i32>>,
}

impl Member {
    /// Who the member is for a person: `client-id@host`, else the client id, else the member id.
    pub fn owner(&self) -> String {
        let host = self.client_host.trim_start_matches('/');
        match (self.client_id.is_empty(), host.is_empty()) {
            (false, false) => format!("{}@{host}", self.client_id),
            (false, true) => self.client_id.clone(),
            (true, _) => self.member_id.clone(),
        }
    }
}

/// One group: ListGroups, then DescribeConsumerGroups for consumer groups of either protocol.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    /// Group id.
    pub name: String,
    /// Stable, Empty, PreparingRebalance, CompletingRebalance, Assigning, Reconciling, Dead, or
    /// what the broker says.
    pub state: String,
    /// The group's protocol type as the broker reports it (`consumer`, `connect`, ...; empty when unknown).
    pub protocol_type: String,
    /// The group's type: `classic` or `consumer` (KIP-848) for consumer groups, else `connect`,
    /// `share`, `streams` or the protocol type the broker reports. Only `classic` and
    /// `consumer` groups are consumer groups (with committed offsets and lag).
    pub kind: String,
    /// The DescribeGroups error for this group, when there was one.
    pub error: Option<String>,
    /// The members; empty when the group is empty or could not be described.
    pub members: Vec<Member>,
    /// False for share and streams groups: librdkafka 2.12 cannot describe them, so their state
    /// and members are unknown (not "Dead, no members", which is what the classic DescribeGroups
    /// answers for them).
    pub described: bool,
}

/// The type of the groups ListGroups returns that neither the classic DescribeGroups nor
/// ListConsumerGroups describes: share groups (KIP-932) and streams groups (KIP-1071).
///
/// librdkafka 2.12 reads ListGroups' protocol type and group type but keeps them only for
/// consumer groups, and every other API it offers answers the same for both types (Kafka's
/// OffsetFetch, for one, answers a share group as if it were a group without commits), so the
/// two cannot be told apart.
pub const SHARE_OR_STREAMS: &str = "share/streams";

/// Why share and streams groups have no state or members in a listing.
pub const CANNOT_DESCRIBE: &str = "librdkafka 2.12 cannot describe them";

/// Why a share or streams group has no members, assignments or progress.
pub const NO_ADMIN_API: &str = "librdkafka 2.12 has no admin API for share or streams groups";

/// What OffsetFetch answers for a group the coordinator does not hold as a consumer group.
pub const GROUP_NOT_FOUND: &str = "no such consumer group (GROUP_ID_NOT_FOUND)";

/// A committed offset as OffsetFetch returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// Topic of the committed partition.
    pub topic: String,
    /// Partition number.
    pub partition: i32,
    /// `None` when the group has no commit for this partition.
    pub offset: Option<i64>,
    /// The metadata string committed with the offset (empty when none, or not UTF-8); `dlq
    /// replay` keeps its note there (see [`crate::dlq::ahead`]).
    pub metadata: String,
}

/// One group of [`committed_many`] and the partitions to ask for (`None` = every committed one).
pub type GroupRequest = (String, Option<Vec<(String, i32)>>);

/// The answer for one group of [`committed_many`].
pub type GroupOffsets = (String, Result<Vec<Committed>, Error>);

/// The outcome of a change to one partition of a group (AlterConsumerGroupOffsets,
/// DeleteConsumerGroupOffsets): `error` is `None` when the broker applied it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionOutcome {
    /// Topic of the partition.
    pub topic: String,
    /// Partition number.
    pub partition: i32,
    /// The broker's error for this partition; `None` when the change was applied.
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_name_the_client_then_the_member() {
        let m = |id: &str, client: &str, host: &str| Member {
            member_id: id.into(),
            client_id: client.into(),
            client_host: host.into(),
            ..Default::default()
        };
        assert_eq!(m("m-1", "app", "/10.0.0.1").owner(), "app@10.0.0.1");
        assert_eq!(m("m-1", "app", "").owner(), "app");
        assert_eq!(m("m-1", "", "/10.0.0.1").owner(), "m-1");
    }
}
