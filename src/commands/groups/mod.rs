//! `evbus groups list|describe|reset|delete`: every group on the cluster, one group in depth, and
//! the two destructive actions on a group: moving its committed offsets and deleting it (or its
//! offsets on some topics).
//!
//! The destructive actions follow the rules of `topics apply`: the plan is printed before anything
//! changes, a terminal is asked, `--yes` is needed otherwise, and `--dry-run` stops after the plan.
//! A group with active members is refused, naming them: Kafka would refuse too (it takes offsets
//! from outside a group only while it is empty), but only after the plan was confirmed.
//!
//! The plan itself (targets, clamping, the JSON plan file) is computed by [`crate::groups::reset`], which
//! has no terminal and no broker.
//!
//! One file per subcommand; this one dispatches and holds what they share: finding a group,
//! refusing groups evbus cannot change, naming active members, printing a snapshot's warnings.

mod delete;
mod describe;
mod list;
mod reset;

use std::sync::Arc;

use anyhow::{Result, bail};

use crate::app::App;
use crate::cli::GroupsCommand;
use crate::exit::Outcome;
use crate::kafka::admin::Admin;
use crate::kafka::groups::{self, Group};
use crate::kafka::lag::{Snapshot, owner};
use crate::lag::report::is_consumer_group;
use crate::term::sanitize::for_terminal;

/// `evbus groups`: lists, describes, resets and deletes consumer groups.
pub async fn run(app: &App, cmd: GroupsCommand) -> Result<Outcome> {
    match cmd {
        GroupsCommand::List(a) => list::list(app, a).await,
        GroupsCommand::Describe(a) => describe::describe(app, a).await,
        GroupsCommand::Reset(a) => reset::reset_cmd(app, *a).await,
        GroupsCommand::Delete(a) => delete::delete(app, a).await,
    }
}

/// What a snapshot had to say on the way, printed; then the snapshot.
pub(super) fn notes(app: &App, snap: Snapshot) -> Snapshot {
    app.ui.notes(&snap.debug, &snap.warnings);
    snap
}

/// Members as `client-id@host`, for refusals.
fn active_members(g: &Group) -> Vec<String> {
    g.members.iter().map(owner).collect()
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

/// Refuse groups whose offsets evbus cannot manage: share and streams groups have their own
/// offset APIs that librdkafka does not offer, and Connect groups commit none.
pub(super) fn require_consumer_group(g: Option<&Group>, doing: &str) -> Result<()> {
    match g {
        Some(g) if !is_consumer_group(&g.kind) => bail!(
            "group {} is a {} group: only consumer groups (classic, consumer) have committed offsets evbus can {doing}",
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
