//! CreateTopics, CreatePartitions and DeleteTopics through librdkafka's C API, keeping the
//! broker's explanation of each refusal.
//!
//! rdkafka 0.39 returns only the error code of each topic's result and drops the text the broker
//! sent with it, which is the part that says what to fix: "Unable to perform excessively large
//! batch operation", "Topic already has 3 partitions", "Replication factor: 3 larger than
//! available brokers: 1". This module sends the same requests and keeps that text.

use std::ffi::{CString, c_char};
use std::time::Duration;

use rdkafka::bindings as sys;
use rdkafka::client::{Client, ClientContext};
use rdkafka::types::{RDKafkaAdminOp, RDKafkaErrorCode, RDKafkaRespErr};

use super::ffi::{AdminQueue, Owned, text};

/// A topic to create: name, partitions, replication factor and its configs.
pub type NewTopicSpec = (String, i32, i16, Vec<(String, String)>);

/// A topic to grow: name, total partition count, and the replicas of each new partition in
/// order (empty: the brokers place them at the topic's current replication factor).
pub type NewPartitionsSpec = (String, i32, Vec<Vec<i32>>);

/// One topic request: what to send.
pub enum TopicRequest {
    /// CreateTopics.
    Create(Vec<NewTopicSpec>),
    /// CreatePartitions: each topic grown to the given total partition count.
    Partitions(Vec<NewPartitionsSpec>),
    /// DeleteTopics.
    Delete(Vec<String>),
}

/// The broker's answer for one topic: its error code and its explanation (Kafka's text, or
/// librdkafka's description of the code when the broker sent none).
#[derive(Debug, Clone, PartialEq)]
pub struct TopicError {
    /// The error code.
    pub code: RDKafkaErrorCode,
    /// Kafka's explanation, when it sent one that says more than the code's description.
    pub message: Option<String>,
}

/// One topic's outcome.
pub type TopicOutcome = (String, Result<(), TopicError>);

/// A request that failed as a whole (timed out, not supported, not sent).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestError {
    /// The error code of the whole request.
    pub code: RDKafkaErrorCode,
    /// librdkafka's or the broker's explanation.
    pub message: String,
}

fn cstring(s: &str) -> Result<CString, RequestError> {
    CString::new(s).map_err(|_| RequestError {
        code: RDKafkaErrorCode::InvalidArgument,
        message: format!("{s:?} contains a NUL byte"),
    })
}

fn invalid(errstr: &[c_char]) -> RequestError {
    // SAFETY: librdkafka writes a NUL-terminated string into the zeroed buffer.
    let message = unsafe { text(errstr.as_ptr()) };
    RequestError { code: RDKafkaErrorCode::InvalidArgument, message }
}

/// Kafka's name of an error code, as its documentation and logs spell it (`POLICY_VIOLATION`,
/// `NOT_ENOUGH_REPLICAS`): what a person searches for.
pub fn error_name(code: RDKafkaErrorCode) -> String {
    match RDKafkaRespErr::try_from(code as i32) {
        // SAFETY: rd_kafka_err2name returns a static string for any code.
        Ok(err) => unsafe { text(sys::rd_kafka_err2name(err)) },
        Err(_) => format!("{code:?}"),
    }
}

/// An error as a person can look it up: Kafka's name of the code, librdkafka's description and
/// the broker's own explanation, e.g. `POLICY_VIOLATION (Broker: Policy violation): Unable to
/// perform excessively large batch operation.`
pub fn named(code: RDKafkaErrorCode, message: Option<&str>) -> String {
    let description = match RDKafkaRespErr::try_from(code as i32) {
        // SAFETY: rd_kafka_err2str returns a static string for any code.
        Ok(err) => unsafe { text(sys::rd_kafka_err2str(err)) },
        Err(_) => code.to_string(),
    };
    let mut s = format!("{} ({description})", error_name(code));
    // librdkafka repeats the code's description when the broker sent no text.
    if let Some(m) = message.map(str::trim).filter(|m| !m.is_empty() && *m != description) {
        s.push_str(": ");
        s.push_str(&crate::term::sanitize::for_terminal(m));
    }
    s
}

/// Send one request and wait, up to `timeout` + 1 s, for the answer: one outcome per topic, or
/// the error of the request as a whole.
pub fn send<C: ClientContext>(
    client: &Client<C>,
    request: &TopicRequest,
    timeout: Duration,
) -> Result<Vec<TopicOutcome>, RequestError> {
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    let queue = AdminQueue::new(client.native_client());
    let mut errstr: [c_char; 512] = [0; 512];
    // The request's objects, each freed by its guard on every path (librdkafka copies what it
    // needs when the request is sent).
    let mut new_topics: Vec<Owned<sys::rd_kafka_NewTopic_t>> = Vec::new();
    let mut new_parts: Vec<Owned<sys::rd_kafka_NewPartitions_t>> = Vec::new();
    let mut deletes: Vec<Owned<sys::rd_kafka_DeleteTopic_t>> = Vec::new();
    // SAFETY: the client is live for the whole call (`queue` borrows it); every object made here
    // is held by an `Owned`, and the raw pointers handed to librdkafka are theirs, live until the
    // guards drop at the end of the call.
    unsafe {
        let op = match request {
            TopicRequest::Create(topics) => {
                for (name, partitions, rf, configs) in topics {
                    let n = cstring(name)?;
                    let t = Owned::new(
                        sys::rd_kafka_NewTopic_new(
                            n.as_ptr(),
                            *partitions,
                            i32::from(*rf),
                            errstr.as_mut_ptr(),
                            errstr.len(),
                        ),
                        sys::rd_kafka_NewTopic_destroy,
                    );
                    if t.is_null() {
                        return Err(invalid(&errstr));
                    }
                    for (k, v) in configs {
                        let (k, v) = (cstring(k)?, cstring(v)?);
                        let err = sys::rd_kafka_NewTopic_set_config(t.ptr(), k.as_ptr(), v.as_ptr());
                        if err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
                            return Err(RequestError {
                                code: err.into(),
                                message: format!("{name}: cannot set {}", k.to_string_lossy()),
                            });
                        }
                    }
                    new_topics.push(t);
                }
                RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_CREATETOPICS
            }
            TopicRequest::Partitions(changes) => {
                for (name, total, replicas) in changes {
                    let n = cstring(name)?;
                    let p = Owned::new(
                        sys::rd_kafka_NewPartitions_new(
                            n.as_ptr(),
                            (*total).max(0) as usize,
                            errstr.as_mut_ptr(),
                            errstr.len(),
                        ),
                        sys::rd_kafka_NewPartitions_destroy,
                    );
                    if p.is_null() {
                        return Err(invalid(&errstr));
                    }
                    // librdkafka copies the ids; index i is the i-th new partition.
                    for (i, ids) in replicas.iter().enumerate() {
                        let mut ids = ids.clone();
                        let err = sys::rd_kafka_NewPartitions_set_replica_assignment(
                            p.ptr(),
                            i as i32,
                            ids.as_mut_ptr(),
                            ids.len(),
                            errstr.as_mut_ptr(),
                            errstr.len(),
                        );
                        if err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
                            return Err(invalid(&errstr));
                        }
                    }
                    new_parts.push(p);
                }
                RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_CREATEPARTITIONS
            }
            TopicRequest::Delete(names) => {
                for name in names {
                    let n = cstring(name)?;
                    deletes
                        .push(Owned::new(sys::rd_kafka_DeleteTopic_new(n.as_ptr()), sys::rd_kafka_DeleteTopic_destroy));
                }
                RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_DELETETOPICS
            }
        };
        let options = queue.options(op, timeout, 0);
        sys::rd_kafka_AdminOptions_set_operation_timeout(options.ptr(), ms, errstr.as_mut_ptr(), errstr.len());
        let (rk, o, q) = (queue.rk(), options.ptr(), queue.queue());
        match request {
            TopicRequest::Create(_) => {
                let mut list: Vec<_> = new_topics.iter().map(Owned::ptr).collect();
                sys::rd_kafka_CreateTopics(rk, list.as_mut_ptr(), list.len(), o, q)
            }
            TopicRequest::Partitions(_) => {
                let mut list: Vec<_> = new_parts.iter().map(Owned::ptr).collect();
                sys::rd_kafka_CreatePartitions(rk, list.as_mut_ptr(), list.len(), o, q)
            }
            TopicRequest::Delete(_) => {
                let mut list: Vec<_> = deletes.iter().map(Owned::ptr).collect();
                sys::rd_kafka_DeleteTopics(rk, list.as_mut_ptr(), list.len(), o, q)
            }
        }
        let Some(event) = queue.poll(Duration::from_millis(u64::try_from(ms).unwrap_or(0)) + Duration::from_secs(1))
        else {
            return Err(RequestError { code: RDKafkaErrorCode::OperationTimedOut, message: "timed out".into() });
        };
        let ev = event.ptr();
        let code = sys::rd_kafka_event_error(ev);
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            let message = text(sys::rd_kafka_event_error_string(ev));
            return Err(RequestError { code: code.into(), message });
        }
        outcomes(request, ev)
    }
}

/// Each topic's outcome in an answer to `request`: done, or refused with Kafka's code and its
/// explanation when the broker sent one.
///
/// # Safety
/// `ev` must be the live answer event to `request`.
unsafe fn outcomes(request: &TopicRequest, ev: *mut sys::rd_kafka_event_t) -> Result<Vec<TopicOutcome>, RequestError> {
    // SAFETY: a live event (caller's contract); the results and their strings belong to it.
    unsafe {
        let mut cnt = 0usize;
        let results = match request {
            TopicRequest::Create(_) => {
                let r = sys::rd_kafka_event_CreateTopics_result(ev);
                if r.is_null() { None } else { Some(sys::rd_kafka_CreateTopics_result_topics(r, &mut cnt)) }
            }
            TopicRequest::Partitions(_) => {
                let r = sys::rd_kafka_event_CreatePartitions_result(ev);
                if r.is_null() { None } else { Some(sys::rd_kafka_CreatePartitions_result_topics(r, &mut cnt)) }
            }
            TopicRequest::Delete(_) => {
                let r = sys::rd_kafka_event_DeleteTopics_result(ev);
                if r.is_null() { None } else { Some(sys::rd_kafka_DeleteTopics_result_topics(r, &mut cnt)) }
            }
        };
        let Some(results) = results.filter(|r| !r.is_null() || cnt == 0) else {
            return Err(RequestError {
                code: RDKafkaErrorCode::Fail,
                message: "unexpected reply from librdkafka".into(),
            });
        };
        let mut out = Vec::with_capacity(cnt);
        for &t in super::ffi::slice(results, cnt) {
            let name = text(sys::rd_kafka_topic_result_name(t));
            let err = sys::rd_kafka_topic_result_error(t);
            if err == RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
                out.push((name, Ok(())));
                continue;
            }
            let code = RDKafkaErrorCode::from(err);
            let text_of_broker = text(sys::rd_kafka_topic_result_error_string(t));
            // librdkafka fills in the code's own description when the broker sent no text.
            let generic = text(sys::rd_kafka_err2str(err));
            let message = (!text_of_broker.trim().is_empty() && text_of_broker != generic).then_some(text_of_broker);
            out.push((name, Err(TopicError { code, message })));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_errors_keep_the_brokers_text_once() {
        assert_eq!(
            named(RDKafkaErrorCode::PolicyViolation, Some("Unable to perform excessively large batch operation.")),
            "POLICY_VIOLATION (Broker: Policy violation): Unable to perform excessively large batch operation."
        );
        assert_eq!(
            named(RDKafkaErrorCode::NotEnoughReplicas, Some("Broker: Not enough in-sync replicas")),
            "NOT_ENOUGH_REPLICAS (Broker: Not enough in-sync replicas)"
        );
    }

    #[test]
    fn error_names_are_kafkas() {
        assert_eq!(error_name(RDKafkaErrorCode::PolicyViolation), "POLICY_VIOLATION");
        assert_eq!(error_name(RDKafkaErrorCode::NotEnoughReplicas), "NOT_ENOUGH_REPLICAS");
        assert_eq!(error_name(RDKafkaErrorCode::InvalidPartitions), "INVALID_PARTITIONS");
    }
}
