//! What every group request shares at the C boundary: reading librdkafka's strings and buffers,
//! its error names, and owning the objects of one admin request (options, queue, result event)
//! for no longer than the client it was made on.

use std::ffi::{CStr, c_char, c_void};
use std::time::Duration;

use rdkafka::bindings as sys;
use rdkafka::client::NativeClient;
use rdkafka::types::*;

/// A C string from librdkafka, lossily decoded; null reads as "".
pub(super) unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        // SAFETY: non-null pointers handed out by librdkafka are NUL-terminated and live as long
        // as the object that owns them, which the caller keeps alive.
        unsafe { CStr::from_ptr(p).to_string_lossy().into_owned() }
    }
}

/// A byte buffer from librdkafka; null or a non-positive size reads as empty.
pub(super) unsafe fn bytes<'a>(p: *const c_void, len: i32) -> &'a [u8] {
    if p.is_null() || len <= 0 {
        &[]
    } else {
        // SAFETY: librdkafka guarantees `len` readable bytes at `p` while the list is alive.
        unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len as usize) }
    }
}

pub(super) fn err_name(code: RDKafkaRespErr) -> String {
    RDKafkaErrorCode::from(code).to_string()
}

/// Owns the librdkafka objects of one admin request answered on its own queue.
/// It borrows the client, which therefore outlives the queue and options made on it.
pub(super) struct AdminCall<'c> {
    _client: &'c NativeClient,
    pub(super) queue: *mut RDKafkaQueue,
    pub(super) options: *mut RDKafkaAdminOptions,
    pub(super) event: *mut RDKafkaEvent,
}

impl<'c> AdminCall<'c> {
    /// A queue and options for `op` on `client`, with librdkafka's request timeout set to
    /// `timeout`.
    pub(super) fn new(client: &'c NativeClient, op: RDKafkaAdminOp, timeout: Duration) -> AdminCall<'c> {
        let ms = timeout.as_millis().clamp(1, i32::MAX as u128) as i32;
        let rk = client.ptr();
        // SAFETY: the client is borrowed for as long as the returned value lives; both objects
        // are owned by the returned value.
        unsafe {
            let options = sys::rd_kafka_AdminOptions_new(rk, op);
            let mut errstr: [c_char; 512] = [0; 512];
            sys::rd_kafka_AdminOptions_set_request_timeout(options, ms, errstr.as_mut_ptr(), errstr.len());
            AdminCall { _client: client, queue: sys::rd_kafka_queue_new(rk), options, event: std::ptr::null_mut() }
        }
    }

    /// Wait for the answer (at most `wait`); `Err` carries the request-level error.
    pub(super) fn wait(&mut self, wait: Duration) -> Result<*mut RDKafkaEvent, String> {
        // SAFETY: the queue is live; the event is owned by `self` and destroyed once in Drop.
        unsafe {
            let ev = sys::rd_kafka_queue_poll(self.queue, wait.as_millis().clamp(1, i32::MAX as u128) as i32);
            if ev.is_null() {
                return Err("timed out".into());
            }
            self.event = ev;
            let code = sys::rd_kafka_event_error(ev);
            if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
                return Err(if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT {
                    "timed out".into()
                } else {
                    text(sys::rd_kafka_event_error_string(ev))
                });
            }
            Ok(ev)
        }
    }
}

impl Drop for AdminCall<'_> {
    fn drop(&mut self) {
        // SAFETY: each pointer came from its librdkafka constructor and is freed exactly once.
        unsafe {
            if !self.event.is_null() {
                sys::rd_kafka_event_destroy(self.event);
            }
            sys::rd_kafka_AdminOptions_destroy(self.options);
            sys::rd_kafka_queue_destroy(self.queue);
        }
    }
}

/// The broker (or librdkafka) does not know the request at this version.
pub(super) fn unsupported(code: RDKafkaRespErr) -> bool {
    matches!(
        code,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE
            | RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION
            | RDKafkaRespErr::RD_KAFKA_RESP_ERR_INVALID_REQUEST
    )
}

/// A librdkafka object freed by its destructor when dropped (null is never freed).
pub(super) struct Owned<T>(pub(super) *mut T, pub(super) unsafe extern "C" fn(*mut T));

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from the constructor matching this destructor and is
            // freed exactly once, here.
            unsafe { (self.1)(self.0) }
        }
    }
}
