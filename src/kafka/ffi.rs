//! The one toolkit for librdkafka's C API, for the requests rdkafka does not wrap (group
//! offsets, IncrementalAlterConfigs, the event pump, bulk sends): reading librdkafka's strings,
//! buffers and lists, making C strings, owning its objects so each is freed exactly once on every
//! path, setting up an admin request with its timeout, and decoding its errors into
//! [`Error`]s.
//!
//! Every C object made here is held by an [`Owned`] (or an [`AdminQueue`] / [`AdminCall`]
//! built from them), and every request borrows the client it runs on, so the compiler sees that
//! the client outlives the objects made on it. No other file under `kafka/` pairs a constructor
//! with its destructor by hand.

use std::ffi::{CStr, CString, c_char, c_void};
use std::time::Duration;

use rdkafka::bindings as sys;
use rdkafka::client::NativeClient;
use rdkafka::types::*;

use super::error::Error;

/// A C string from librdkafka, lossily decoded; null reads as "".
///
/// # Safety
/// `p` must be null or a NUL-terminated string that stays alive for the call.
pub(crate) unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        // SAFETY: non-null pointers handed out by librdkafka are NUL-terminated and live as long
        // as the object that owns them, which the caller keeps alive.
        unsafe { CStr::from_ptr(p).to_string_lossy().into_owned() }
    }
}

/// A byte buffer from librdkafka; null or a non-positive size reads as empty.
///
/// # Safety
/// `p` must be null or point to `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn bytes<'a>(p: *const c_void, len: i32) -> &'a [u8] {
    if p.is_null() || len <= 0 {
        &[]
    } else {
        // SAFETY: the caller guarantees `len` readable bytes at `p` for `'a`.
        unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len as usize) }
    }
}

/// An array librdkafka hands out as pointer and count; null or zero reads as empty.
///
/// # Safety
/// `p` must be null or point to `len` initialised elements that outlive `'a`.
pub(crate) unsafe fn slice<'a, T>(p: *const T, len: usize) -> &'a [T] {
    if p.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: the caller guarantees `len` elements at `p` for `'a`.
        unsafe { std::slice::from_raw_parts(p, len) }
    }
}

/// The entries of a topic-partition list librdkafka hands out (null reads as empty).
///
/// # Safety
/// `l` must be null or a live list that outlives `'a`.
pub(crate) unsafe fn partitions<'a>(l: *const RDKafkaTopicPartitionList) -> &'a [sys::rd_kafka_topic_partition_t] {
    if l.is_null() {
        return &[];
    }
    // SAFETY: a live list (caller's contract); its `cnt` elements are initialised.
    unsafe {
        let l = &*l;
        slice(l.elems, usize::try_from(l.cnt).unwrap_or(0))
    }
}

/// A C string for librdkafka; `what` names the value in the error (`topic name`, `group name`).
pub(crate) fn cstring(what: &str, s: &str) -> Result<CString, Error> {
    CString::new(s).map_err(|_| Error::new("", super::error::Kind::Other, format!("{what} {s:?} contains a NUL byte")))
}

/// A duration as librdkafka's milliseconds: at least 1, at most `i32::MAX`.
pub(crate) fn ms(d: Duration) -> i32 {
    d.as_millis().clamp(1, i32::MAX as u128) as i32
}

/// A code as librdkafka describes it: `GroupAuthorizationFailed (Broker: Group authorization failed)`.
pub(crate) fn err_name(code: RDKafkaRespErr) -> String {
    RDKafkaErrorCode::from(code).to_string()
}

/// The broker (or librdkafka) does not know the request at this version.
pub(crate) fn unsupported(code: RDKafkaRespErr) -> bool {
    matches!(
        code,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE
            | RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION
            | RDKafkaRespErr::RD_KAFKA_RESP_ERR_INVALID_REQUEST
    )
}

/// The broker does not know the API at this version (not counting a refused request).
pub(crate) fn unsupported_feature_or_version(code: RDKafkaRespErr) -> bool {
    matches!(
        code,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE | RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION
    )
}

/// `code` is librdkafka's "no error".
pub(crate) fn ok(code: RDKafkaRespErr) -> bool {
    code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR
}

/// An [`Error`] for `op` from a librdkafka code and its text (`code`'s description when empty).
pub(crate) fn code_error(op: &str, code: RDKafkaRespErr, message: &str) -> Error {
    let text = if message.is_empty() { err_name(code) } else { message.to_string() };
    Error::with_code(op, RDKafkaErrorCode::from(code), text)
}

/// A librdkafka object freed by its destructor when dropped (null is never freed).
pub(crate) struct Owned<T>(*mut T, unsafe extern "C" fn(*mut T));

impl<T> Owned<T> {
    /// Takes ownership of `p` (which may be null), to be freed by `destroy`.
    ///
    /// # Safety
    /// `p` must be null or an object `destroy` frees, owned by nobody else.
    pub(crate) unsafe fn new(p: *mut T, destroy: unsafe extern "C" fn(*mut T)) -> Owned<T> {
        Owned(p, destroy)
    }

    /// The object, live while `self` is.
    pub(crate) fn ptr(&self) -> *mut T {
        self.0
    }

    pub(crate) fn is_null(&self) -> bool {
        self.0.is_null()
    }

    /// Gives the object up to whoever takes it over (librdkafka, when a call takes ownership);
    /// it is no longer freed here.
    pub(crate) fn release(self) -> *mut T {
        let p = self.0;
        std::mem::forget(self);
        p
    }
}

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from the constructor matching this destructor and is
            // freed exactly once, here.
            unsafe { (self.1)(self.0) }
        }
    }
}

/// `rd_kafka_metadata_destroy` for an [`Owned`]: it takes a const pointer, [`Owned`] holds a
/// mutable one.
///
/// # Safety
/// `md` must come from `rd_kafka_metadata` and be freed only here.
pub(crate) unsafe extern "C" fn destroy_metadata(md: *mut RDKafkaMetadata) {
    // SAFETY: the caller's contract.
    unsafe { sys::rd_kafka_metadata_destroy(md) }
}

/// `rd_kafka_group_list_destroy` for an [`Owned`]: it takes a const pointer, [`Owned`] holds a
/// mutable one.
///
/// # Safety
/// `l` must come from `rd_kafka_list_groups` and be freed only here.
pub(crate) unsafe extern "C" fn destroy_group_list(l: *mut sys::rd_kafka_group_list) {
    // SAFETY: the caller's contract.
    unsafe { sys::rd_kafka_group_list_destroy(l) }
}

/// A librdkafka error object (`rd_kafka_error_t`) read into an [`Error`] and freed.
///
/// # Safety
/// `err` must be null or an error object the caller owns; it is destroyed here.
pub(crate) unsafe fn take_error(op: &str, err: *mut sys::rd_kafka_error_t) -> Option<Error> {
    if err.is_null() {
        return None;
    }
    // SAFETY: an owned error object (caller's contract), read and then freed once by the guard.
    unsafe {
        let guard = Owned::new(err, sys::rd_kafka_error_destroy);
        Some(code_error(op, sys::rd_kafka_error_code(guard.ptr()), &text(sys::rd_kafka_error_string(guard.ptr()))))
    }
}

/// A librdkafka error object that belongs to a result (not to be freed) as code and text.
///
/// # Safety
/// `err` must be null or a live error object.
pub(crate) unsafe fn read_error(err: *const sys::rd_kafka_error_t) -> Option<(RDKafkaRespErr, String)> {
    if err.is_null() {
        return None;
    }
    // SAFETY: a live error object (caller's contract).
    unsafe { Some((sys::rd_kafka_error_code(err), text(sys::rd_kafka_error_string(err)))) }
}

/// A topic-partition list of `(topic, partition, offset)`; `None` offsets are left unset.
pub(crate) fn partition_list(parts: &[(String, i32, Option<i64>)]) -> Result<Owned<RDKafkaTopicPartitionList>, Error> {
    let names = parts.iter().map(|(t, _, _)| cstring("topic name", t)).collect::<Result<Vec<_>, _>>()?;
    // SAFETY: a fresh list owned by the guard, filled with copies of the names (librdkafka copies
    // the strings); each entry returned by `add` belongs to the list.
    unsafe {
        let l = Owned::new(
            sys::rd_kafka_topic_partition_list_new(i32::try_from(parts.len()).unwrap_or(i32::MAX)),
            sys::rd_kafka_topic_partition_list_destroy,
        );
        for ((_, p, o), name) in parts.iter().zip(&names) {
            let e = sys::rd_kafka_topic_partition_list_add(l.ptr(), name.as_ptr(), *p);
            if let (Some(o), false) = (o, e.is_null()) {
                (*e).offset = *o;
            }
        }
        Ok(l)
    }
}

/// A queue that admin requests answer on, with the options each request needs; it borrows the
/// client, which therefore outlives the queue and every options object made on it.
pub(crate) struct AdminQueue<'c> {
    client: &'c NativeClient,
    queue: Owned<RDKafkaQueue>,
}

impl<'c> AdminQueue<'c> {
    pub(crate) fn new(client: &'c NativeClient) -> AdminQueue<'c> {
        // SAFETY: the client is borrowed for as long as the queue lives; the queue is owned.
        let queue = unsafe { Owned::new(sys::rd_kafka_queue_new(client.ptr()), sys::rd_kafka_queue_destroy) };
        AdminQueue { client, queue }
    }

    /// The client's handle, for the request calls.
    pub(crate) fn rk(&self) -> *mut RDKafka {
        self.client.ptr()
    }

    /// The queue, for the request calls.
    pub(crate) fn queue(&self) -> *mut RDKafkaQueue {
        self.queue.ptr()
    }

    /// Options for `op` with librdkafka's request timeout set to `timeout`, and `opaque` given
    /// back with the answer (to tell apart the requests of one queue).
    pub(crate) fn options(&self, op: RDKafkaAdminOp, timeout: Duration, opaque: usize) -> Owned<RDKafkaAdminOptions> {
        // SAFETY: the client is live (borrowed); the options are owned by the returned guard.
        unsafe {
            let o = Owned::new(sys::rd_kafka_AdminOptions_new(self.rk(), op), sys::rd_kafka_AdminOptions_destroy);
            let mut errstr: [c_char; 512] = [0; 512];
            sys::rd_kafka_AdminOptions_set_request_timeout(o.ptr(), ms(timeout), errstr.as_mut_ptr(), errstr.len());
            if opaque != 0 {
                sys::rd_kafka_AdminOptions_set_opaque(o.ptr(), opaque as *mut c_void);
            }
            o
        }
    }

    /// The next answer, waiting at most `wait`; `None` when none came.
    pub(crate) fn poll(&self, wait: Duration) -> Option<Owned<RDKafkaEvent>> {
        // SAFETY: the queue is live; the event is owned by the returned guard.
        unsafe {
            let ev = sys::rd_kafka_queue_poll(self.queue.ptr(), ms(wait));
            (!ev.is_null()).then(|| Owned::new(ev, sys::rd_kafka_event_destroy))
        }
    }
}

/// The request-level error of an admin answer: `None` when the request as a whole succeeded.
/// A timeout reads "timed out", as every other timeout of this layer does.
///
/// # Safety
/// `ev` must be a live event.
pub(crate) unsafe fn event_error(op: &str, ev: *mut RDKafkaEvent) -> Option<Error> {
    // SAFETY: a live event (caller's contract), only read.
    unsafe {
        let code = sys::rd_kafka_event_error(ev);
        if ok(code) {
            return None;
        }
        let msg = if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT {
            "timed out".to_string()
        } else {
            text(sys::rd_kafka_event_error_string(ev))
        };
        Some(code_error(op, code, &msg))
    }
}

/// One admin request answered on its own queue: its queue, its options, and (once it came)
/// its answer, all freed when it drops; it borrows the client it was made on.
pub(crate) struct AdminCall<'c> {
    op: &'static str,
    queue: AdminQueue<'c>,
    options: Owned<RDKafkaAdminOptions>,
    event: Option<Owned<RDKafkaEvent>>,
}

impl<'c> AdminCall<'c> {
    /// A queue and options for `op` (named `name` in errors) on `client`, with librdkafka's
    /// request timeout set to `timeout`.
    pub(crate) fn new(client: &'c NativeClient, name: &'static str, op: RDKafkaAdminOp, timeout: Duration) -> Self {
        let queue = AdminQueue::new(client);
        let options = queue.options(op, timeout, 0);
        AdminCall { op: name, queue, options, event: None }
    }

    /// The client's handle, for the request call.
    pub(crate) fn rk(&self) -> *mut RDKafka {
        self.queue.rk()
    }

    /// The options, for the request call.
    pub(crate) fn options(&self) -> *mut RDKafkaAdminOptions {
        self.options.ptr()
    }

    /// The queue, for the request call.
    pub(crate) fn queue(&self) -> *mut RDKafkaQueue {
        self.queue.queue()
    }

    /// The code of the answer: its request-level error, or a timeout while none came.
    pub(crate) fn code(&self) -> RDKafkaRespErr {
        match &self.event {
            // SAFETY: the event is live, owned by `self`.
            Some(ev) => unsafe { sys::rd_kafka_event_error(ev.ptr()) },
            None => RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT,
        }
    }

    /// Wait for the answer (at most `wait`); `Err` carries the request-level error (a timeout
    /// when no answer came). The event lives as long as `self`.
    pub(crate) fn wait(&mut self, wait: Duration) -> Result<*mut RDKafkaEvent, Error> {
        let Some(ev) = self.queue.poll(wait) else {
            return Err(Error::with_code(self.op, RDKafkaErrorCode::OperationTimedOut, "timed out"));
        };
        let ptr = ev.ptr();
        self.event = Some(ev);
        // SAFETY: the event is live, owned by `self`.
        match unsafe { event_error(self.op, ptr) } {
            Some(e) => Err(e),
            None => Ok(ptr),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    static FREED: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "C" fn count_free(p: *mut u8) {
        FREED.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the pointer came from Box::into_raw in the test below.
        drop(unsafe { Box::from_raw(p) });
    }

    #[test]
    fn owned_objects_are_freed_once_and_released_ones_never() {
        let before = FREED.load(Ordering::SeqCst);
        {
            // SAFETY: a fresh allocation that `count_free` frees.
            let _a = unsafe { Owned::new(Box::into_raw(Box::new(1u8)), count_free) };
            // SAFETY: null is never freed.
            let _null = unsafe { Owned::new(std::ptr::null_mut(), count_free) };
        }
        assert_eq!(FREED.load(Ordering::SeqCst), before + 1);
        // SAFETY: as above.
        let b = unsafe { Owned::new(Box::into_raw(Box::new(2u8)), count_free) };
        let raw = b.release();
        assert_eq!(FREED.load(Ordering::SeqCst), before + 1, "a released object is the taker's to free");
        // SAFETY: taken back from `release`, freed once here.
        unsafe { count_free(raw) };
    }

    #[test]
    fn c_strings_and_lists() {
        let e = cstring("topic name", "a\0b").unwrap_err();
        assert_eq!(e.to_string(), "topic name \"a\\0b\" contains a NUL byte");
        // SAFETY: null reads as empty.
        assert_eq!(unsafe { text(std::ptr::null()) }, "");
        // SAFETY: null reads as empty.
        assert!(unsafe { bytes(std::ptr::null(), 5) }.is_empty());
        let l = partition_list(&[("orders".into(), 2, Some(7)), ("pay".into(), 0, None)]).unwrap();
        // SAFETY: the list is live while `l` is.
        let entries = unsafe { partitions(l.ptr()) };
        // SAFETY: the names belong to the live list.
        let got: Vec<_> = entries.iter().map(|e| (unsafe { text(e.topic) }, e.partition, e.offset)).collect();
        assert_eq!(got[0], ("orders".to_string(), 2, 7));
        assert_eq!((got[1].0.as_str(), got[1].1), ("pay", 0));
        assert!(partition_list(&[("a\0".into(), 0, None)]).is_err());
    }

    #[test]
    fn codes_decode_into_kinds() {
        let e = code_error("DeleteGroups", RDKafkaRespErr::RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED, "");
        assert!(e.is_not_authorized());
        assert_eq!(e.code(), Some(30));
        assert_eq!(e.to_string(), "GroupAuthorizationFailed (Broker: Group authorization failed)");
        assert!(code_error("x", RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT, "timed out").is_timed_out());
        assert!(unsupported(RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION));
        assert_eq!(ms(Duration::ZERO), 1);
        assert_eq!(ms(Duration::from_secs(u64::MAX / 4)), i32::MAX);
    }
}
