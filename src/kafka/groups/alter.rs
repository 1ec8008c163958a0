//! Changing a group from outside it: AlterConsumerGroupOffsets, DeleteConsumerGroupOffsets and
//! DeleteGroups, each asked again while the group's coordinator moves or loads, with the
//! broker's refusals explained for someone who is not a member.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::bindings as sys;
use rdkafka::client::NativeClient;
use rdkafka::consumer::Consumer as _;
use rdkafka::types::*;

use super::bounded::bounded_join_at_coordinator;
use super::model::PartitionOutcome;
use crate::kafka::admin::Admin;
use crate::kafka::error::Error;
use crate::kafka::ffi::{self, AdminCall, Owned, err_name, partitions, slice, text, unsupported};

/// The changes a coordinator is asked to make to one group.
#[derive(Debug, Clone)]
enum GroupChange {
    /// AlterConsumerGroupOffsets (OffsetCommit from outside the group).
    Alter(Vec<(String, i32, i64)>),
    /// DeleteConsumerGroupOffsets (OffsetDelete).
    DeleteOffsets(Vec<(String, i32)>),
    /// DeleteGroups.
    Delete,
}

impl GroupChange {
    fn api(&self) -> &'static str {
        match self {
            GroupChange::Alter(_) => "AlterConsumerGroupOffsets",
            GroupChange::DeleteOffsets(_) => "DeleteConsumerGroupOffsets",
            GroupChange::Delete => "DeleteGroups",
        }
    }
}

/// A coordinator's answer for one group: its own error, and each partition's error code.
#[derive(Debug, Default)]
struct GroupAnswer {
    error: Option<(RDKafkaRespErr, String)>,
    partitions: Vec<(String, i32, RDKafkaRespErr)>,
}

impl GroupAnswer {
    /// An answer a coordinator gives while it moves or loads: the request is worth sending again
    /// (every change here is idempotent: the same offsets, the same deletion).
    fn transient(&self) -> bool {
        let t = |c: RDKafkaRespErr| {
            matches!(
                c,
                RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_COORDINATOR
                    | RDKafkaRespErr::RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS
                    | RDKafkaRespErr::RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE
            )
        };
        self.error.as_ref().is_some_and(|(c, m)| t(*c) || crate::kafka::retry::transient_text(m))
            || self.partitions.iter().any(|(_, _, c)| t(*c))
    }
}

/// One group result (`rd_kafka_group_result_t`) read into owned data.
///
/// # Safety
/// `g` must be a live group result owned by a live event.
unsafe fn read_group_answer(g: *const sys::rd_kafka_group_result_t) -> GroupAnswer {
    // SAFETY: everything read lives as long as the event (caller's contract).
    unsafe {
        GroupAnswer {
            error: ffi::read_error(sys::rd_kafka_group_result_error(g)),
            partitions: partitions(sys::rd_kafka_group_result_partitions(g))
                .iter()
                .map(|e| (text(e.topic), e.partition, e.err))
                .collect(),
        }
    }
}

/// Send one change for `group` to its coordinator and wait (at most `timeout`) for the answer.
fn group_change_raw(
    client: &NativeClient,
    group: &str,
    change: &GroupChange,
    timeout: Duration,
) -> Result<GroupAnswer, Error> {
    let api = change.api();
    let name = ffi::cstring("group name", group)?;
    // SAFETY: `call` borrows the client for as long as it lives. librdkafka copies the request objects when they are
    // enqueued, so the guards may free them when this function returns; the result objects read
    // below live until `call` (which owns the event) drops.
    unsafe {
        let wait = timeout + Duration::from_millis(500);
        let unexpected = || Error::text(api, format!("unexpected reply to {api}"));
        let groups_of = |ev: *mut RDKafkaEvent| -> Result<Vec<GroupAnswer>, Error> {
            let mut cnt = 0usize;
            let gs = match change {
                GroupChange::Alter(_) => {
                    let r = sys::rd_kafka_event_AlterConsumerGroupOffsets_result(ev);
                    if r.is_null() {
                        return Err(unexpected());
                    }
                    sys::rd_kafka_AlterConsumerGroupOffsets_result_groups(r, &mut cnt)
                }
                GroupChange::DeleteOffsets(_) => {
                    let r = sys::rd_kafka_event_DeleteConsumerGroupOffsets_result(ev);
                    if r.is_null() {
                        return Err(unexpected());
                    }
                    sys::rd_kafka_DeleteConsumerGroupOffsets_result_groups(r, &mut cnt)
                }
                GroupChange::Delete => {
                    let r = sys::rd_kafka_event_DeleteGroups_result(ev);
                    if r.is_null() {
                        return Err(unexpected());
                    }
                    sys::rd_kafka_DeleteGroups_result_groups(r, &mut cnt)
                }
            };
            Ok(slice(gs, cnt).iter().map(|&g| read_group_answer(g)).collect())
        };
        let mut call;
        match change {
            GroupChange::Alter(offsets) => {
                let parts: Vec<_> = offsets.iter().map(|(t, p, o)| (t.clone(), *p, Some(*o))).collect();
                let list = ffi::partition_list(&parts)?;
                let req = Owned::new(
                    sys::rd_kafka_AlterConsumerGroupOffsets_new(name.as_ptr(), list.ptr()),
                    sys::rd_kafka_AlterConsumerGroupOffsets_destroy,
                );
                call =
                    AdminCall::new(client, api, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout);
                let mut one = [req.ptr()];
                sys::rd_kafka_AlterConsumerGroupOffsets(call.rk(), one.as_mut_ptr(), 1, call.options(), call.queue());
            }
            GroupChange::DeleteOffsets(ps) => {
                let parts: Vec<_> = ps.iter().map(|(t, p)| (t.clone(), *p, None)).collect();
                let list = ffi::partition_list(&parts)?;
                let req = Owned::new(
                    sys::rd_kafka_DeleteConsumerGroupOffsets_new(name.as_ptr(), list.ptr()),
                    sys::rd_kafka_DeleteConsumerGroupOffsets_destroy,
                );
                call =
                    AdminCall::new(client, api, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, timeout);
                let mut one = [req.ptr()];
                sys::rd_kafka_DeleteConsumerGroupOffsets(call.rk(), one.as_mut_ptr(), 1, call.options(), call.queue());
            }
            GroupChange::Delete => {
                let req = Owned::new(sys::rd_kafka_DeleteGroup_new(name.as_ptr()), sys::rd_kafka_DeleteGroup_destroy);
                call = AdminCall::new(client, api, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_DELETEGROUPS, timeout);
                let mut one = [req.ptr()];
                sys::rd_kafka_DeleteGroups(call.rk(), one.as_mut_ptr(), 1, call.options(), call.queue());
            }
        }
        // A request-level failure (no coordinator, timeout) is an answer too: it may be transient.
        let ev = match call.wait(wait) {
            Ok(ev) => ev,
            Err(e) => {
                return Ok(GroupAnswer { error: Some((call.code(), e.message().to_string())), partitions: Vec::new() });
            }
        };
        Ok(groups_of(ev)?.into_iter().next().unwrap_or_default())
    }
}

/// Run one change on `group`'s coordinator, asking again while the coordinator moves or loads,
/// all within `--timeout`.
///
/// Like [`committed_many`], the request goes through a consumer handle with the group's id
/// (never joined): librdkafka's coordinator requests on a client without a consumer group have
/// crashed on NOT_COORDINATOR answers (librdkafka issue 5040), which Apache Kafka gives while a
/// group's coordinator loads.
async fn change_group(admin: &Arc<Admin>, group: &str, change: GroupChange) -> Result<GroupAnswer, Error> {
    let (consumer, ctx) = admin.settings.consumer(Some(group), &[])?;
    let consumer = Arc::new(consumer);
    let timeout = admin.settings.timeout;
    let c = Arc::clone(&consumer);
    let (name, api) = (group.to_string(), change.api());
    let fut = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + timeout;
        crate::kafka::retry::within(
            deadline,
            crate::kafka::retry::COORDINATOR_PAUSE,
            |left| group_change_raw(c.client().native_client(), &name, &change, left.max(Duration::from_millis(200))),
            |r| r.as_ref().is_ok_and(GroupAnswer::transient),
        )
    });
    let r = bounded_join_at_coordinator(admin, &ctx, "the group coordinator", api, fut).await;
    drop((consumer, ctx));
    r
}

/// What a group-level or partition-level error means for someone changing a group from outside.
fn explain_change_error(code: RDKafkaRespErr, message: &str, api: &str, group: &str, topic: Option<&str>) -> String {
    use RDKafkaRespErr::*;
    let g = crate::term::sanitize::for_terminal(group);
    match code {
        RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID
        | RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION
        | RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS
        | RD_KAFKA_RESP_ERR_STALE_MEMBER_EPOCH
        | RD_KAFKA_RESP_ERR_FENCED_MEMBER_EPOCH
        | RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP => {
            format!(
                "group '{g}' has active members; Kafka changes a group from outside only while it is empty ({})",
                err_name(code)
            )
        }
        RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC => format!(
            "group '{g}' is subscribed to {}; its offsets there cannot be deleted while members consume it",
            topic.map_or_else(|| "the topic".to_string(), |t| format!("'{}'", crate::term::sanitize::for_terminal(t)))
        ),
        RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND => format!("no group '{g}'"),
        RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED => {
            let op = if api == "AlterConsumerGroupOffsets" { "Read" } else { "Delete" };
            format!("not authorized: {op} on group '{g}' ({api})")
        }
        RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED => format!(
            "not authorized: Read on topic '{}' ({api})",
            topic.map(crate::term::sanitize::for_terminal).unwrap_or_default()
        ),
        RD_KAFKA_RESP_ERR__TIMED_OUT => "timed out".into(),
        _ if unsupported(code) => format!("broker does not support {api} ({})", err_name(code)),
        _ if message.is_empty() => err_name(code),
        _ => message.to_string(),
    }
}

/// Turn an answer into one outcome per partition asked for (a group-level error applies to all).
fn outcomes(
    answer: GroupAnswer,
    api: &str,
    group: &str,
    asked: &[(String, i32)],
) -> Result<Vec<PartitionOutcome>, Error> {
    if let Some((code, msg)) = &answer.error {
        return Err(ffi::code_error(api, *code, &explain_change_error(*code, msg, api, group, None)));
    }
    Ok(asked
        .iter()
        .map(|(t, p)| {
            let code = answer.partitions.iter().find(|(at, ap, _)| at == t && ap == p).map(|x| x.2);
            let error = match code {
                Some(c) if ffi::ok(c) => None,
                Some(c) => Some(explain_change_error(c, "", api, group, Some(t))),
                None => Some(format!("no answer for this partition from {api}")),
            };
            PartitionOutcome { topic: t.clone(), partition: *p, error }
        })
        .collect())
}

/// Commit `offsets` for `group` from outside it (AlterConsumerGroupOffsets), for classic and
/// KIP-848 groups alike. Kafka takes them only while the group has no active members.
/// `Err` for a failure of the whole request; per-partition failures are in the outcomes.
///
/// One request is one append to `__consumer_offsets`, all or nothing, and that append must fit
/// the topic's `max.message.bytes` (1 MiB by default: some 80 to 150 bytes per partition, so
/// about 7,000 to 12,000 partitions, by the length of the names). Kafka refuses a larger one with
/// the same error on every partition (UNKNOWN_SERVER_ERROR from Kafka 4's coordinator,
/// INVALID_COMMIT_OFFSET_SIZE from older ones) and commits none. Such a refusal is split in halves,
/// each sent on its own (down to [`MIN_SPLIT`] partitions): the commit goes through, no longer
/// all or nothing. When a later part then fails, the outcomes say exactly which partitions were
/// committed (no error) and which were not (their error, or "not tried").
pub async fn alter_offsets(
    admin: &Arc<Admin>,
    group: &str,
    offsets: Vec<(String, i32, i64)>,
) -> Result<Vec<PartitionOutcome>, Error> {
    const API: &str = "AlterConsumerGroupOffsets";
    let mut parts = std::collections::VecDeque::from([offsets]);
    let mut done: Vec<PartitionOutcome> = Vec::new();
    while let Some(chunk) = parts.pop_front() {
        if chunk.is_empty() {
            continue;
        }
        let asked: Vec<(String, i32)> = chunk.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
        let answer = match change_group(admin, group, GroupChange::Alter(chunk.clone())).await {
            Ok(a) => a,
            Err(e) if done.iter().all(|o| o.error.is_some()) => return Err(e),
            Err(e) => {
                // Earlier parts are committed: say so, partition by partition, not a plain error.
                not_applied(&mut done, &asked, &e.to_string());
                for rest in parts.drain(..) {
                    let rest: Vec<(String, i32)> = rest.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
                    not_applied(&mut done, &rest, &format!("not tried: an earlier part of the commit failed ({e})"));
                }
                break;
            }
        };
        if chunk.len() >= 2 * MIN_SPLIT && too_large(&answer) {
            let mut first = chunk;
            let second = first.split_off(first.len() / 2);
            parts.push_front(second);
            parts.push_front(first);
            continue;
        }
        let mut outs = match outcomes(answer, API, group, &asked) {
            Ok(o) => o,
            Err(e) if done.iter().all(|o| o.error.is_some()) => {
                return Err(admin.settings.fail(API, &admin.ctx, Some(e)));
            }
            Err(e) => {
                let mut failed = Vec::new();
                not_applied(&mut failed, &asked, &e.to_string());
                failed
            }
        };
        done.append(&mut outs);
    }
    Ok(done)
}

/// The smallest part [`alter_offsets`] splits a refused commit into: a few hundred partitions
/// never come near 1 MiB, so a refusal of that many has another cause, and it is not asked again
/// and again in ever smaller parts.
const MIN_SPLIT: usize = 256;

/// True when the coordinator refused every partition with one of the errors a too-large append
/// to `__consumer_offsets` gives.
fn too_large(answer: &GroupAnswer) -> bool {
    use RDKafkaRespErr::*;
    answer.error.is_none()
        && !answer.partitions.is_empty()
        && answer.partitions.iter().all(|(_, _, c)| {
            matches!(
                c,
                RD_KAFKA_RESP_ERR_UNKNOWN
                    | RD_KAFKA_RESP_ERR_INVALID_COMMIT_OFFSET_SIZE
                    | RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE
                    | RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE
            )
        })
}

/// Outcomes for partitions that were not committed, with why.
fn not_applied(into: &mut Vec<PartitionOutcome>, asked: &[(String, i32)], why: &str) {
    into.extend(asked.iter().map(|(t, p)| PartitionOutcome {
        topic: t.clone(),
        partition: *p,
        error: Some(why.into()),
    }));
}

/// Delete `group`'s committed offsets on these partitions (DeleteConsumerGroupOffsets).
pub async fn delete_offsets(
    admin: &Arc<Admin>,
    group: &str,
    parts: Vec<(String, i32)>,
) -> Result<Vec<PartitionOutcome>, Error> {
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let answer = change_group(admin, group, GroupChange::DeleteOffsets(parts.clone())).await?;
    outcomes(answer, "DeleteConsumerGroupOffsets", group, &parts)
        .map_err(|e| admin.settings.fail("DeleteConsumerGroupOffsets", &admin.ctx, Some(e)))
}

/// Delete a whole group with its committed offsets (DeleteGroups). `Ok(Err(reason))` when the
/// broker refused (members present, no such group, not authorized).
pub async fn delete_group(admin: &Arc<Admin>, group: &str) -> Result<Result<(), Error>, Error> {
    let answer = change_group(admin, group, GroupChange::Delete).await?;
    Ok(match answer.error {
        None => Ok(()),
        Some((code, msg)) => {
            Err(ffi::code_error("DeleteGroups", code, &explain_change_error(code, &msg, "DeleteGroups", group, None)))
        }
    })
}
