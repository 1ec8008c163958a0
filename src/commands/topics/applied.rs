//! What `topics apply` reports of each change ([`Applied`]), and the wait until the brokers show
//! the configs it set: shared by the apply and the replica moves it runs ([`super::moves`]), so
//! neither imports the other.

use std::sync::Arc;

use serde::Serialize;

use crate::kafka::admin::Admin;
use crate::kafka::incremental::TopicConfigChange;
use crate::topics::plan::{self, Change};

/// What became of one change of the plan.
#[derive(Serialize)]
pub(super) struct Applied {
    pub(super) action: &'static str,
    pub(super) topic: String,
    pub(super) ok: bool,
    /// Never sent: an earlier request failed as a whole (timed out, unreachable), so the apply
    /// stopped rather than pay the same failure once per remaining request.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(super) not_tried: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
}

impl Applied {
    pub(super) fn of(c: &Change, r: Result<(), String>) -> Applied {
        Applied { action: c.action(), topic: c.topic().to_string(), ok: r.is_ok(), not_tried: false, error: r.err() }
    }

    pub(super) fn not_tried(c: &Change) -> Applied {
        Applied {
            action: c.action(),
            topic: c.topic().to_string(),
            ok: false,
            not_tried: true,
            error: Some("not tried: an earlier request failed".into()),
        }
    }
}

/// Wait, within `--timeout`, until DescribeConfigs shows what IncrementalAlterConfigs set (the
/// controller has it at once, a broker a moment later): `apply` then `plan` must say "no
/// changes". Returns the topics whose configs still differ.
pub(super) async fn wait_for_configs(admin: &Arc<Admin>, altered: &[TopicConfigChange]) -> Vec<String> {
    let deadline = std::time::Instant::now() + admin.settings.timeout;
    let topics: Vec<String> = altered.iter().map(|a| a.topic.clone()).collect();
    let topics = &topics;
    let pending = |_| async move {
        match admin.topic_configs(topics).await {
            Ok(have) => altered
                .iter()
                .filter(|a| {
                    let cfg = have.get(&a.topic);
                    let shows = |k: &str| cfg.and_then(|c| c.get(k));
                    !(a.set.iter().all(|(k, v)| {
                        shows(k)
                            .is_some_and(|c| c.source == plan::Source::DynamicTopic && c.value.as_deref() == Some(v))
                    }) && a.delete.iter().all(|k| shows(k).is_none_or(|c| c.source != plan::Source::DynamicTopic)))
                })
                .map(|a| a.topic.clone())
                .collect(),
            Err(_) => topics.clone(),
        }
    };
    crate::kafka::retry::within_async(deadline, crate::kafka::retry::LEADER_PAUSE, pending, |p: &Vec<String>| {
        !p.is_empty()
    })
    .await
}
