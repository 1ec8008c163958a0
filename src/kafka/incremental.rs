//! IncrementalAlterConfigs (KIP-339) through librdkafka's C API.
//!
//! rdkafka 0.39 only wraps the legacy AlterConfigs, which replaces a topic's whole dynamic config:
//! keys the manifest does not mention would be reset. Kafka recommends the incremental API, so
//! this module wraps `rd_kafka_IncrementalAlterConfigs` in one small safe function.

use std::ffi::{CStr, CString};
use std::time::Duration;

use rdkafka::bindings as sys;
use rdkafka::client::{Client, ClientContext};
use rdkafka::types::*;

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
pub type TopicResult = (String, Result<(), String>);

/// Owns every librdkafka object created for one request, so all are freed on every path.
struct Request {
    queue: *mut RDKafkaQueue,
    options: *mut RDKafkaAdminOptions,
    resources: Vec<*mut sys::rd_kafka_ConfigResource_t>,
    event: *mut RDKafkaEvent,
}

impl Drop for Request {
    fn drop(&mut self) {
        // SAFETY: each pointer was returned by the matching librdkafka constructor and is freed once.
        unsafe {
            if !self.event.is_null() {
                sys::rd_kafka_event_destroy(self.event);
            }
            for r in self.resources.drain(..) {
                sys::rd_kafka_ConfigResource_destroy(r);
            }
            if !self.options.is_null() {
                sys::rd_kafka_AdminOptions_destroy(self.options);
            }
            if !self.queue.is_null() {
                sys::rd_kafka_queue_destroy(self.queue);
            }
        }
    }
}

fn cstring(s: &str) -> Result<CString, String> {
    CString::new(s).map_err(|_| format!("{s:?} contains a NUL byte"))
}

unsafe fn error_message(err: *mut sys::rd_kafka_error_t) -> String {
    // SAFETY: err is a valid error object returned by librdkafka; we destroy it after reading.
    unsafe {
        let msg = CStr::from_ptr(sys::rd_kafka_error_string(err)).to_string_lossy().into_owned();
        sys::rd_kafka_error_destroy(err);
        msg
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
) -> Result<Vec<TopicResult>, String> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    let rk = client.native_ptr();
    // SAFETY: `rk` is live for the whole call (`client` is borrowed); all calls follow
    // librdkafka's documented ownership rules and `Request` frees everything on every path.
    unsafe {
        let mut req = Request {
            queue: sys::rd_kafka_queue_new(rk),
            options: std::ptr::null_mut(),
            resources: Vec::with_capacity(changes.len()),
            event: std::ptr::null_mut(),
        };
        for c in changes {
            let name = cstring(&c.topic)?;
            let res = sys::rd_kafka_ConfigResource_new(RDKafkaResourceType::RD_KAFKA_RESOURCE_TOPIC, name.as_ptr());
            req.resources.push(res);
            for (k, v) in &c.set {
                let (k, v) = (cstring(k)?, cstring(v)?);
                let err = sys::rd_kafka_ConfigResource_add_incremental_config(
                    res,
                    k.as_ptr(),
                    sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET,
                    v.as_ptr(),
                );
                if !err.is_null() {
                    return Err(format!("{}: {}", c.topic, error_message(err)));
                }
            }
            for k in &c.delete {
                let k = cstring(k)?;
                let err = sys::rd_kafka_ConfigResource_add_incremental_config(
                    res,
                    k.as_ptr(),
                    sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE,
                    std::ptr::null(),
                );
                if !err.is_null() {
                    return Err(format!("{}: {}", c.topic, error_message(err)));
                }
            }
        }
        req.options = sys::rd_kafka_AdminOptions_new(rk, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS);
        let mut errstr: [std::ffi::c_char; 512] = [0; 512];
        sys::rd_kafka_AdminOptions_set_request_timeout(req.options, ms, errstr.as_mut_ptr(), errstr.len());

        sys::rd_kafka_IncrementalAlterConfigs(
            rk,
            req.resources.as_mut_ptr(),
            req.resources.len(),
            req.options,
            req.queue,
        );
        req.event = sys::rd_kafka_queue_poll(req.queue, ms.saturating_add(1000));
        if req.event.is_null() {
            return Err("timed out".into());
        }
        let code = sys::rd_kafka_event_error(req.event);
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            let msg = CStr::from_ptr(sys::rd_kafka_event_error_string(req.event)).to_string_lossy().into_owned();
            let unsupported = matches!(
                code,
                RDKafkaRespErr::RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE
                    | RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION
            );
            return Err(if unsupported {
                format!("broker does not support IncrementalAlterConfigs ({msg})")
            } else {
                msg
            });
        }
        let result = sys::rd_kafka_event_IncrementalAlterConfigs_result(req.event);
        if result.is_null() {
            return Err("unexpected reply to IncrementalAlterConfigs".into());
        }
        let mut cnt = 0usize;
        let rs = sys::rd_kafka_IncrementalAlterConfigs_result_resources(result, &mut cnt);
        let mut out = Vec::with_capacity(cnt);
        for i in 0..cnt {
            let r = *rs.add(i);
            let name = CStr::from_ptr(sys::rd_kafka_ConfigResource_name(r)).to_string_lossy().into_owned();
            let err = sys::rd_kafka_ConfigResource_error(r);
            if err == RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
                out.push((name, Ok(())));
            } else {
                // Kafka's explanation says what to fix; the code's name is what to search for.
                let p = sys::rd_kafka_ConfigResource_error_string(r);
                let text = if p.is_null() { None } else { Some(CStr::from_ptr(p).to_string_lossy().into_owned()) };
                out.push((name, Err(super::topic_requests::named(RDKafkaErrorCode::from(err), text.as_deref()))));
            }
        }
        Ok(out)
    }
}
