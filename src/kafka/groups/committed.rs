//! A group's committed offsets read from outside it (OffsetFetch through
//! `rd_kafka_ListConsumerGroupOffsets`), for many groups at once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::bindings as sys;
use rdkafka::client::NativeClient;
use rdkafka::consumer::Consumer as _;
use rdkafka::types::*;

use super::bounded::bounded_join_at_coordinator;
use super::model::{Committed, GROUP_NOT_FOUND, GroupOffsets, GroupRequest};
use crate::kafka::admin::Admin;
use crate::kafka::error::{Error, Kind};
use crate::kafka::ffi::{self, AdminQueue, Owned, partitions, text, unsupported};

const OP: &str = "OffsetFetch (ListConsumerGroupOffsets)";

/// Committed offsets of many groups (OffsetFetch through `rd_kafka_ListConsumerGroupOffsets`),
/// all requests in flight at once on one queue: librdkafka accepts one group per request, so this
/// is one request per group, not one per partition.
///
/// For each group, `partitions` = `None` asks for every partition the group has committed;
/// `Some(list)` asks for exactly those (an uncommitted one comes back with `offset: None`).
/// Groups whose answer did not arrive within `timeout` get an error of their own.
fn committed_many_raw(client: &NativeClient, groups: &[GroupRequest], timeout: Duration) -> Vec<GroupOffsets> {
    if groups.is_empty() {
        return Vec::new();
    }
    let deadline = Instant::now() + timeout + Duration::from_secs(1);
    let mut results: Vec<Option<Result<Vec<Committed>, Error>>> = vec![None; groups.len()];
    // Declared before what is made on it, so it is freed after all of it.
    let queue = AdminQueue::new(client);
    let mut requests = Vec::with_capacity(groups.len());
    let mut options = Vec::with_capacity(groups.len());
    let mut events = Vec::new();
    let mut in_flight = 0usize;
    for (i, (group, parts)) in groups.iter().enumerate() {
        let name = match ffi::cstring("group name", group) {
            Ok(n) => n,
            Err(e) => {
                results[i] = Some(Err(e));
                continue;
            }
        };
        let list = match parts {
            None => None,
            Some(parts) if parts.is_empty() => {
                // librdkafka refuses an empty list; nothing asked means nothing committed.
                results[i] = Some(Ok(Vec::new()));
                continue;
            }
            Some(parts) => {
                let parts: Vec<_> = parts.iter().map(|(t, p)| (t.clone(), *p, None)).collect();
                match ffi::partition_list(&parts) {
                    Ok(l) => Some(l),
                    Err(_) => {
                        results[i] = Some(Err(Error::text(OP, "a topic name contains a NUL byte")));
                        continue;
                    }
                }
            }
        };
        // The index comes back with the event, so a whole-request failure (timeout, no
        // coordinator) is charged to the right group.
        let o = queue.options(RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout, i + 1);
        // SAFETY: the name and list outlive the call, which copies them into the request; the
        // request is owned by its guard (librdkafka copies it again when it is enqueued); the
        // queue and options were made on this client, which is borrowed.
        unsafe {
            let r = Owned::new(
                sys::rd_kafka_ListConsumerGroupOffsets_new(
                    name.as_ptr(),
                    list.as_ref().map_or(std::ptr::null(), |l| l.ptr().cast_const()),
                ),
                sys::rd_kafka_ListConsumerGroupOffsets_destroy,
            );
            let mut one = [r.ptr()];
            sys::rd_kafka_ListConsumerGroupOffsets(queue.rk(), one.as_mut_ptr(), 1, o.ptr(), queue.queue());
            requests.push(r);
        }
        options.push(o);
        in_flight += 1;
    }

    while in_flight > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let Some(ev) = queue.poll(left) else { continue };
        // SAFETY: a live event, owned by `ev` and kept in `events` until the end.
        let idx = unsafe { sys::rd_kafka_event_opaque(ev.ptr()) as usize }.wrapping_sub(1);
        let ptr = ev.ptr();
        events.push(ev);
        if idx >= groups.len() || results[idx].is_some() {
            continue;
        }
        in_flight -= 1;
        // SAFETY: the event is live (in `events`).
        results[idx] = Some(unsafe { read_event(ptr) });
    }
    groups
        .iter()
        .zip(results)
        .map(|((g, _), r)| (g.clone(), r.unwrap_or_else(|| Err(Error::new(OP, Kind::TimedOut, "timed out")))))
        .collect()
}

/// A group-level error of OffsetFetch, worded for the user.
fn group_error(code: RDKafkaRespErr, msg: &str, unsupported_text: impl FnOnce() -> String) -> Error {
    if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND {
        ffi::code_error(OP, code, GROUP_NOT_FOUND)
    } else if unsupported(code) {
        ffi::code_error(OP, code, &unsupported_text())
    } else if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT {
        ffi::code_error(OP, code, "timed out")
    } else {
        ffi::code_error(OP, code, msg)
    }
}

/// One ListConsumerGroupOffsets result event, read into owned data.
///
/// # Safety
/// `ev` must be a live event.
unsafe fn read_event(ev: *mut RDKafkaEvent) -> Result<Vec<Committed>, Error> {
    // SAFETY: ev is a live event (caller's contract); everything read lives as long as it.
    unsafe {
        let code = sys::rd_kafka_event_error(ev);
        if !ffi::ok(code) {
            let msg = text(sys::rd_kafka_event_error_string(ev));
            return Err(group_error(code, &msg, || {
                format!("broker does not support OffsetFetch for all partitions of a group ({msg})")
            }));
        }
        let result = sys::rd_kafka_event_ListConsumerGroupOffsets_result(ev);
        if result.is_null() {
            return Err(Error::text(OP, "unexpected reply to OffsetFetch"));
        }
        let mut cnt = 0usize;
        let gs = ffi::slice(sys::rd_kafka_ListConsumerGroupOffsets_result_groups(result, &mut cnt), cnt);
        let Some(&g) = gs.first() else {
            return Ok(Vec::new());
        };
        if let Some((code, msg)) = ffi::read_error(sys::rd_kafka_group_result_error(g)) {
            // A group-level error that is not a timeout keeps librdkafka's wording.
            return Err(if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT {
                ffi::code_error(OP, code, &msg)
            } else {
                group_error(code, &msg, || format!("broker does not support OffsetFetch ({msg})"))
            });
        }
        let mut out = Vec::new();
        for e in partitions(sys::rd_kafka_group_result_partitions(g)) {
            if !ffi::ok(e.err) {
                // A partition error (unknown topic, not authorised) is "no commit we can read".
                out.push(Committed {
                    topic: text(e.topic),
                    partition: e.partition,
                    offset: None,
                    metadata: String::new(),
                });
                continue;
            }
            out.push(Committed {
                topic: text(e.topic),
                partition: e.partition,
                // Negative offsets are Kafka's "no commit" sentinels (-1, -1001).
                offset: (e.offset >= 0).then_some(e.offset),
                metadata: if e.metadata.is_null() || e.metadata_size == 0 {
                    String::new()
                } else {
                    // SAFETY: librdkafka owns `metadata_size` bytes at `metadata` for as long as the
                    // result event this list belongs to, which outlives this loop.
                    let bytes = std::slice::from_raw_parts(e.metadata as *const u8, e.metadata_size);
                    String::from_utf8(bytes.to_vec()).unwrap_or_default()
                },
            });
        }
        Ok(out)
    }
}

/// Committed offsets of many groups, read from outside them (see [`committed_many_raw`]).
///
/// The requests go through a consumer handle (with a `group.id`, never joined), not the admin
/// client: librdkafka 2.12 dereferences a null consumer group when an OffsetFetch answer says
/// NOT_COORDINATOR on a client without one (librdkafka issue 5040), which Apache Kafka answers
/// while a group's coordinator loads. Those answers, and "coordinator loading/not available",
/// are asked again until the timeout.
pub async fn committed_many(admin: &Arc<Admin>, groups: Vec<GroupRequest>) -> Result<Vec<GroupOffsets>, Error> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let settings = &admin.settings;
    let (consumer, ctx) = settings.consumer(Some(&groups[0].0), &[])?;
    let consumer = Arc::new(consumer);
    let timeout = settings.timeout;
    let c = Arc::clone(&consumer);
    let fut = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + timeout;
        let mut done: BTreeMap<String, Result<Vec<Committed>, Error>> = BTreeMap::new();
        let mut pending = groups;
        // Only the groups answered "not coordinator/loading" are asked again; the last answer
        // of each group is its result.
        crate::kafka::retry::within(
            deadline,
            crate::kafka::retry::COORDINATOR_PAUSE,
            |left| {
                let answers =
                    committed_many_raw(c.client().native_client(), &pending, left.max(Duration::from_millis(200)));
                let mut again = Vec::new();
                for ((name, r), req) in answers.into_iter().zip(std::mem::take(&mut pending)) {
                    if r.as_ref().is_err_and(|e| crate::kafka::retry::transient_text(e.message())) {
                        again.push(req);
                    }
                    done.insert(name, r);
                }
                pending = again;
                pending.is_empty()
            },
            |done| !done,
        );
        Ok(done.into_iter().collect())
    });
    let r = bounded_join_at_coordinator(
        admin,
        &ctx,
        "the group coordinator",
        "OffsetFetch (ListConsumerGroupOffsets)",
        fut,
    )
    .await;
    drop((consumer, ctx));
    r
}
