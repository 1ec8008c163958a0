//! IncrementalAlterConfigs (KIP-339) through librdkafka's C API.
//!
//! rdkafka 0.39 only wraps the legacy AlterConfigs, which replaces a topic's whole dynamic config:
//! keys the manifest does not mention would be reset. Kafka recommends the incremental API, so
//! this module wraps `rd_kafka_IncrementalAlterConfigs` in one small safe function.

use std::time::Duration;

use rdkafka::bindings as sys;
use rdkafka::client::{Client, ClientContext};
use rdkafka::types::*;

use super::error::Error;
use super::ffi::{self, AdminCall, Owned, slice, text};

const OP: &str = "IncrementalAlterConfigs";

/// The config changes of one topic: keys to set and keys to delete (back to the default).
#[derive(Debug, Clone, PartialEq)]
pub struct TopicConfigChange {
    /// Topic name.
    pub topic: String,
    /// `(key, value)` pairs to set on the topic.
    pub set: Vec<(String, String)>,
    /// Keys to remove from the topic, so it falls back to the broker default.
    pub delete: Vec<String>,
}

/// The outcome for one topic: its name and the broker's error, if any.
pub type TopicResult = (String, Result<(), Error>);

/// Adds one incremental change (`value` `None`: delete the key) to a config resource.
///
/// # Safety
/// `res` must be a live config resource.
unsafe fn add(
    res: *mut sys::rd_kafka_ConfigResource_t,
    topic: &str,
    key: &str,
    op: sys::rd_kafka_AlterConfigOpType_t,
    value: Option<&str>,
) -> Result<(), Error> {
    let key = ffi::cstring("config key", key)?;
    let value = value.map(|v| ffi::cstring("config value", v)).transpose()?;
    // SAFETY: a live resource (caller's contract); librdkafka copies key and value; an error
    // object it returns is ours, read and freed by `take_error`.
    unsafe {
        let err = sys::rd_kafka_ConfigResource_add_incremental_config(
            res,
            key.as_ptr(),
            op,
            value.as_ref().map_or(std::ptr::null(), |v| v.as_ptr()),
        );
        match ffi::take_error(OP, err) {
            None => Ok(()),
            Some(e) => {
                let msg = format!("{topic}: {e}");
                Err(e.reworded(msg))
            }
        }
    }
}

/// Send one IncrementalAlterConfigs request for all `changes` and wait for the answer.
///
/// Returns the per-topic results, or an error when the request as a whole failed (timeout,
/// unsupported API, transport error). Blocks for up to `timeout` + 1 s.
pub fn alter<C: ClientContext>(
    client: &Client<C>,
    changes: &[TopicConfigChange],
    timeout: Duration,
) -> Result<Vec<TopicResult>, Error> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    use sys::rd_kafka_AlterConfigOpType_t::*;
    let mut resources = Vec::with_capacity(changes.len());
    for c in changes {
        let name = ffi::cstring("topic name", &c.topic)?;
        // SAFETY: librdkafka copies the name; the resource is owned by its guard.
        let res = unsafe {
            Owned::new(
                sys::rd_kafka_ConfigResource_new(RDKafkaResourceType::RD_KAFKA_RESOURCE_TOPIC, name.as_ptr()),
                sys::rd_kafka_ConfigResource_destroy,
            )
        };
        for (k, v) in &c.set {
            // SAFETY: a live resource.
            unsafe { add(res.ptr(), &c.topic, k, RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET, Some(v))? };
        }
        for k in &c.delete {
            // SAFETY: a live resource.
            unsafe { add(res.ptr(), &c.topic, k, RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE, None)? };
        }
        resources.push(res);
    }
    let mut call =
        AdminCall::new(client.native_client(), OP, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS, timeout);
    let mut ptrs: Vec<_> = resources.iter().map(Owned::ptr).collect();
    // SAFETY: `call` borrows the client; librdkafka copies the resources when the request is
    // enqueued; everything read below lives until `call` (and its event) drops.
    unsafe {
        sys::rd_kafka_IncrementalAlterConfigs(call.rk(), ptrs.as_mut_ptr(), ptrs.len(), call.options(), call.queue());
        let ev = match call.wait(timeout + Duration::from_secs(1)) {
            Ok(ev) => ev,
            Err(e) if e.message() != "timed out" && ffi::unsupported_feature_or_version(call.code()) => {
                let msg = format!("broker does not support IncrementalAlterConfigs ({e})");
                return Err(e.reworded(msg));
            }
            Err(e) => return Err(e),
        };
        let result = sys::rd_kafka_event_IncrementalAlterConfigs_result(ev);
        if result.is_null() {
            return Err(Error::text(OP, "unexpected reply to IncrementalAlterConfigs"));
        }
        let mut cnt = 0usize;
        let rs = slice(sys::rd_kafka_IncrementalAlterConfigs_result_resources(result, &mut cnt), cnt);
        let mut out = Vec::with_capacity(rs.len());
        for &r in rs {
            let name = text(sys::rd_kafka_ConfigResource_name(r));
            let err = sys::rd_kafka_ConfigResource_error(r);
            if ffi::ok(err) {
                out.push((name, Ok(())));
            } else {
                // Kafka's explanation says what to fix; the code's name is what to search for.
                let p = sys::rd_kafka_ConfigResource_error_string(r);
                let said = if p.is_null() { None } else { Some(text(p)) };
                let msg = super::topic_requests::named(RDKafkaErrorCode::from(err), said.as_deref());
                out.push((name, Err(ffi::code_error(OP, err, &msg))));
            }
        }
        Ok(out)
    }
}
