//! What `reset` and `delete` check before they change a group: that the cluster knows it, that
//! it is a consumer group evbus can change, and that it has no active members (named if it has).

use std::sync::Arc;

use anyhow::{Result, bail};

use crate::kafka::admin::Admin;
use crate::kafka::groups::{self, Group};
use crate::lag::report::has_committed_offsets;
use crate::term::sanitize::for_terminal;

/// Members as `client-id@host`, for refusals.
fn active_members(g: &Group) -> Vec<String> {
    g.members.iter().map(|m| m.owner()).collect()
}

pub(super) fn refuse_members(g: &Group, doing: &str) -> anyhow::Error {
    let who = active_members(g);
    anyhow::anyhow!(
        "group {} has {} active member(s): {}; stop its consumers before {doing} (Kafka changes a group from outside only while it is empty)",
        for_terminal(&g.name),
        who.len(),
        who.iter().map(|w| for_terminal(w).into_owned()).collect::<Vec<_>>().join(", ")
    )
}

/// The group as listed (type, state, members), or `None` when the cluster does not know it.
pub(super) async fn find_group(admin: &Arc<Admin>, name: &str) -> Result<Option<Group>> {
    let (all, _) = groups::list(admin).await?;
    Ok(all.into_iter().find(|g| g.name == name))
}

/// Refuse groups whose offsets evbus cannot manage: share groups have their own offset APIs
/// that the Kafka client does not offer, and Connect groups commit none. Streams groups commit
/// their input offsets as consumer groups do.
pub(super) fn require_consumer_group(g: Option<&Group>, doing: &str) -> Result<()> {
    match g {
        Some(g) if !has_committed_offsets(&g.kind) => bail!(
            "group {} is a {} group: only consumer groups (classic, consumer) and streams groups have committed \
             offsets evbus can {doing}",
            for_terminal(&g.name),
            g.kind
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn members_are_named_in_refusals() {
        let g = Group {
            name: "g".into(),
            members: vec![groups::Member {
                member_id: "m-1".into(),
                client_id: "billing-1".into(),
                client_host: "/10.0.0.7".into(),
                assignment: BTreeMap::new(),
            }],
            ..Default::default()
        };
        let e = refuse_members(&g, "resetting its offsets").to_string();
        assert!(e.starts_with("group g has 1 active member(s): billing-1@10.0.0.7; stop its consumers"), "{e}");
    }
}
