//! A group's committed offsets read from outside it (OffsetFetch through
//! `rd_kafka_ListConsumerGroupOffsets`), for many groups at once.

use std::collections::BTreeMap;
use std::ffi::{CString, c_char, c_void};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use rdkafka::bindings as sys;
use rdkafka::client::NativeClient;
use rdkafka::consumer::Consumer as _;
use rdkafka::types::*;

use super::ffi::{text, unsupported};
use super::{Admin, Committed, GROUP_NOT_FOUND, GroupOffsets, GroupRequest, bounded_join};

/// Owns every librdkafka object of one batch of ListConsumerGroupOffsets requests, and borrows the
/// client they were made on (which therefore outlives them).
struct OffsetsRequest<'c> {
    client: &'c NativeClient,
    queue: *mut RDKafkaQueue,
    options: Vec<*mut RDKafkaAdminOptions>,
    requests: Vec<*mut sys::rd_kafka_ListConsumerGroupOffsets_t>,
    lists: Vec<*mut RDKafkaTopicPartitionList>,
    events: Vec<*mut RDKafkaEvent>,
}

impl Drop for OffsetsRequest<'_> {
    fn drop(&mut self) {
        // SAFETY: each pointer was returned by the matching librdkafka constructor and is freed once.
        unsafe {
            for e in self.events.drain(..) {
                sys::rd_kafka_event_destroy(e);
            }
            for r in self.requests.drain(..) {
                sys::rd_kafka_ListConsumerGroupOffsets_destroy(r);
            }
            for l in self.lists.drain(..) {
                sys::rd_kafka_topic_partition_list_destroy(l);
            }
            for o in self.options.drain(..) {
                sys::rd_kafka_AdminOptions_destroy(o);
            }
            if !self.queue.is_null() {
                sys::rd_kafka_queue_destroy(self.queue);
            }
        }
    }
}

/// Committed offsets of many groups (OffsetFetch through `rd_kafka_ListConsumerGroupOffsets`),
/// all requests in flight at once on one queue: librdkafka accepts one group per request, so this
/// is one request per group, not one per partition.
///
/// For each group, `partitions` = `None` asks for every partition the group has committed;
/// `Some(list)` asks for exactly those (an uncommitted one comes back with `offset: None`).
/// Groups whose answer did not arrive within `timeout` get an error of their own.
fn committed_many_raw(
    client: &NativeClient,
    groups: &[GroupRequest],
    timeout: Duration,
) -> Result<Vec<GroupOffsets>, String> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    let deadline = Instant::now() + timeout + Duration::from_secs(1);
    let mut results: Vec<Option<Result<Vec<Committed>, String>>> = vec![None; groups.len()];
    // SAFETY: all calls follow librdkafka's documented ownership rules; `OffsetsRequest` borrows
    // the client and frees everything (request objects and options are copied by librdkafka when
    // enqueued).
    unsafe {
        let mut req = OffsetsRequest {
            client,
            queue: sys::rd_kafka_queue_new(client.ptr()),
            options: Vec::with_capacity(groups.len()),
            requests: Vec::with_capacity(groups.len()),
            lists: Vec::new(),
            events: Vec::new(),
        };
        let mut in_flight = 0usize;
        for (i, (group, parts)) in groups.iter().enumerate() {
            let Ok(name) = CString::new(group.as_str()) else {
                results[i] = Some(Err(format!("group name {group:?} contains a NUL byte")));
                continue;
            };
            let list = match parts {
                None => std::ptr::null_mut(),
                Some(parts) if parts.is_empty() => {
                    // librdkafka refuses an empty list; nothing asked means nothing committed.
                    results[i] = Some(Ok(Vec::new()));
                    continue;
                }
                Some(parts) => {
                    let l = sys::rd_kafka_topic_partition_list_new(parts.len() as i32);
                    req.lists.push(l);
                    let mut ok = true;
                    for (t, p) in parts {
                        match CString::new(t.as_str()) {
                            Ok(t) => {
                                sys::rd_kafka_topic_partition_list_add(l, t.as_ptr(), *p);
                            }
                            Err(_) => ok = false,
                        }
                    }
                    if !ok {
                        results[i] = Some(Err("a topic name contains a NUL byte".into()));
                        continue;
                    }
                    l
                }
            };
            let r = sys::rd_kafka_ListConsumerGroupOffsets_new(name.as_ptr(), list);
            req.requests.push(r);
            let o = sys::rd_kafka_AdminOptions_new(
                req.client.ptr(),
                RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
            );
            req.options.push(o);
            let mut errstr: [c_char; 512] = [0; 512];
            sys::rd_kafka_AdminOptions_set_request_timeout(o, ms, errstr.as_mut_ptr(), errstr.len());
            // The index comes back with the event, so a whole-request failure (timeout, no
            // coordinator) is charged to the right group.
            sys::rd_kafka_AdminOptions_set_opaque(o, (i + 1) as *mut c_void);
            let mut one = [r];
            sys::rd_kafka_ListConsumerGroupOffsets(req.client.ptr(), one.as_mut_ptr(), 1, o, req.queue);
            in_flight += 1;
        }

        while in_flight > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let ev = sys::rd_kafka_queue_poll(req.queue, left.as_millis().min(i32::MAX as u128) as i32);
            if ev.is_null() {
                continue;
            }
            req.events.push(ev);
            let idx = (sys::rd_kafka_event_opaque(ev) as usize).wrapping_sub(1);
            if idx >= groups.len() || results[idx].is_some() {
                continue;
            }
            in_flight -= 1;
            results[idx] = Some(read_event(ev));
        }
    }
    Ok(groups
        .iter()
        .zip(results)
        .map(|((g, _), r)| (g.clone(), r.unwrap_or_else(|| Err("timed out".into()))))
        .collect())
}

/// One ListConsumerGroupOffsets result event, read into owned data.
unsafe fn read_event(ev: *mut RDKafkaEvent) -> Result<Vec<Committed>, String> {
    // SAFETY: ev is a live event owned by the caller's guard.
    unsafe {
        let code = sys::rd_kafka_event_error(ev);
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            let msg = text(sys::rd_kafka_event_error_string(ev));
            return Err(if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND {
                GROUP_NOT_FOUND.to_string()
            } else if unsupported(code) {
                format!("broker does not support OffsetFetch for all partitions of a group ({msg})")
            } else if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT {
                "timed out".into()
            } else {
                msg
            });
        }
        let result = sys::rd_kafka_event_ListConsumerGroupOffsets_result(ev);
        if result.is_null() {
            return Err("unexpected reply to OffsetFetch".into());
        }
        let mut cnt = 0usize;
        let gs = sys::rd_kafka_ListConsumerGroupOffsets_result_groups(result, &mut cnt);
        if gs.is_null() || cnt == 0 {
            return Ok(Vec::new());
        }
        let g = *gs;
        let err = sys::rd_kafka_group_result_error(g);
        if !err.is_null() {
            let code = sys::rd_kafka_error_code(err);
            let msg = text(sys::rd_kafka_error_string(err));
            return Err(if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND {
                GROUP_NOT_FOUND.to_string()
            } else if unsupported(code) {
                format!("broker does not support OffsetFetch ({msg})")
            } else {
                msg
            });
        }
        let parts = sys::rd_kafka_group_result_partitions(g);
        if parts.is_null() {
            return Ok(Vec::new());
        }
        let l = &*parts;
        let elems: &[sys::rd_kafka_topic_partition_t] =
            if l.elems.is_null() || l.cnt <= 0 { &[] } else { std::slice::from_raw_parts(l.elems, l.cnt as usize) };
        let mut out = Vec::with_capacity(elems.len());
        for e in elems {
            if e.err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
                // A partition error (unknown topic, not authorised) is "no commit we can read".
                out.push(Committed { topic: text(e.topic), partition: e.partition, offset: None });
                continue;
            }
            out.push(Committed {
                topic: text(e.topic),
                partition: e.partition,
                // Negative offsets are Kafka's "no commit" sentinels (-1, -1001).
                offset: (e.offset >= 0).then_some(e.offset),
            });
        }
        Ok(out)
    }
}

///
/// The requests go through a consumer handle (with a `group.id`, never joined), not the admin
/// client: librdkafka 2.12 dereferences a null consumer group when an OffsetFetch answer says
/// NOT_COORDINATOR on a client without one (librdkafka issue 5040), which Apache Kafka answers
/// while a group's coordinator loads. Those answers, and "coordinator loading/not available",
/// are asked again until the timeout.
pub async fn committed_many(admin: &Arc<Admin>, groups: Vec<GroupRequest>) -> Result<Vec<GroupOffsets>> {
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
        let mut done: BTreeMap<String, Result<Vec<Committed>, String>> = BTreeMap::new();
        let mut pending = groups;
        // Only the groups answered "not coordinator/loading" are asked again; the last answer
        // of each group is its result.
        crate::kafka::retry::within(
            deadline,
            crate::kafka::retry::COORDINATOR_PAUSE,
            |left| -> Result<bool, String> {
                let answers =
                    committed_many_raw(c.client().native_client(), &pending, left.max(Duration::from_millis(200)))?;
                let mut again = Vec::new();
                for ((name, r), req) in answers.into_iter().zip(std::mem::take(&mut pending)) {
                    if r.as_ref().is_err_and(|e| crate::kafka::retry::transient_text(e)) {
                        again.push(req);
                    }
                    done.insert(name, r);
                }
                pending = again;
                Ok(pending.is_empty())
            },
            |r| matches!(r, Ok(false)),
        )?;
        Ok(done.into_iter().collect())
    });
    let r = bounded_join(admin, "OffsetFetch (ListConsumerGroupOffsets)", fut).await;
    drop((consumer, ctx));
    r
}
