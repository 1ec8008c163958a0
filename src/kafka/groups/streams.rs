//! Streams groups in a group listing: librdkafka lists them without state or members, so each
//! one is described with StreamsGroupDescribe on the raw protocol path, and its members get the
//! input partitions their active tasks read as their assignment. With that, `lag` has owners,
//! `groups list` member counts, and `groups reset`/`delete` see who is still running.

use std::sync::Arc;

use super::model::{Group, Member};
use crate::kafka::admin::Admin;
use crate::kafka::error::Kind;
use crate::kafka::wire::streams;

/// Fills in the state and members of the streams groups of `groups` (all described at once,
/// each within `--timeout`). A group that cannot be described keeps `described: false`, with
/// the reason as its error (unless the raw path cannot connect as configured).
pub(super) async fn describe_listed(admin: &Arc<Admin>, groups: &mut [Group]) {
    let mut asks = tokio::task::JoinSet::new();
    for (i, g) in groups.iter().enumerate().filter(|(_, g)| g.kind == "streams") {
        let settings = admin.settings.clone();
        let name = g.name.clone();
        asks.spawn(async move { (i, streams::describe(&settings, &name).await) });
    }
    while let Some(Ok((i, answer))) = asks.join_next().await {
        let g = &mut groups[i];
        match answer {
            Ok(Some(sg)) => {
                g.state = sg.state.clone();
                g.members = sg
                    .members
                    .iter()
                    .map(|m| Member {
                        member_id: m.member_id.clone(),
                        client_id: m.client_id.clone(),
                        client_host: m.host.clone(),
                        assignment: sg.input_partitions(m),
                    })
                    .collect();
                g.described = true;
                g.error = None;
            }
            // Gone between the listing and now.
            Ok(None) => g.state = "Dead".into(),
            // The raw path refuses settings it cannot honour (a keystore, OAUTHBEARER...): the group is then
            // listed as before, members unknown, and its offsets still read through librdkafka.
            Err(e) if e.kind() == Kind::InvalidConfig => {}
            Err(e) => g.error = Some(e.message().to_string()),
        }
    }
}
