//! The one reader of a consumed record's headers, for tail's batch queue and for the messages
//! rdkafka's own `poll` hands out (tail's group mode, the DLQ reader).
//!
//! Not through rdkafka's `Headers` trait: it panics on a header name that is not UTF-8, and header
//! names are whatever a producer wrote. Names are decoded lossily here; values stay bytes, and a
//! null value stays distinct from an empty one.

use std::borrow::Cow;
use std::ffi::{CStr, c_char, c_void};

use rdkafka::bindings as sys;
use rdkafka::message::BorrowedMessage;

/// A record's headers, in order: name and value (`None` for a null value).
pub type OwnedHeaders = Vec<(String, Option<Vec<u8>>)>;

/// Calls `f` for each header of a librdkafka message, in order.
///
/// # Safety
/// `m` must be a live message that no other thread reads headers of at the same time: librdkafka
/// parses a consumed message's headers lazily, into the message.
pub(super) unsafe fn each_raw(m: *const sys::rd_kafka_message_t, mut f: impl FnMut(Cow<'_, str>, Option<&[u8]>)) {
    // SAFETY: `m` is live (caller's contract); the header list belongs to the message, and every
    // pointer librdkafka hands back is checked for null and read within the size it reports,
    // before `f` returns and so while the message is still alive.
    unsafe {
        let mut hdrs: *mut sys::rd_kafka_headers_t = std::ptr::null_mut();
        if sys::rd_kafka_message_headers(m, &mut hdrs) != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
            || hdrs.is_null()
        {
            return;
        }
        let n = sys::rd_kafka_header_cnt(hdrs);
        for idx in 0..n {
            let mut name: *const c_char = std::ptr::null();
            let mut value: *const c_void = std::ptr::null();
            let mut size: usize = 0;
            if sys::rd_kafka_header_get_all(hdrs, idx, &mut name, &mut value, &mut size)
                != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
                || name.is_null()
            {
                break;
            }
            let value = (!value.is_null()).then(|| std::slice::from_raw_parts(value.cast::<u8>(), size));
            f(CStr::from_ptr(name).to_string_lossy(), value);
        }
    }
}

/// Calls `f` for each header of a message rdkafka's `poll` returned.
///
/// `&mut` although nothing changes on our side: librdkafka parses the headers into the message
/// on first use, and rdkafka's messages are `Sync`, so a shared borrow would let two threads race
/// on that parse.
pub fn each(m: &mut BorrowedMessage<'_>, f: impl FnMut(Cow<'_, str>, Option<&[u8]>)) {
    // SAFETY: `m.ptr()` is the live message owned by `m`, exclusively borrowed (so neither
    // released nor read by another thread) for the call.
    unsafe { each_raw(m.ptr(), f) }
}

/// A message's headers, copied out.
pub fn owned(m: &mut BorrowedMessage<'_>) -> OwnedHeaders {
    let mut out = Vec::new();
    each(m, |name, value| out.push((name.into_owned(), value.map(<[u8]>::to_vec))));
    out
}

/// Reusable storage for one record's headers at a time, so that steady-state reading does not
/// allocate (tail renders millions of records through one pool).
#[derive(Default)]
pub struct HeaderPool {
    slots: Vec<(String, Option<Vec<u8>>)>,
    len: usize,
}

impl HeaderPool {
    /// Empties the pool for the next record, keeping its allocations.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends a header (`None` value: a null header), reusing a slot's buffers when there is one.
    pub fn push(&mut self, name: &str, value: Option<&[u8]>) {
        if self.len == self.slots.len() {
            self.slots.push((String::new(), None));
        }
        let slot = &mut self.slots[self.len];
        slot.0.clear();
        slot.0.push_str(name);
        match (value, &mut slot.1) {
            (None, v) => *v = None,
            (Some(b), Some(v)) => {
                v.clear();
                v.extend_from_slice(b);
            }
            (Some(b), v) => *v = Some(b.to_vec()),
        }
        self.len += 1;
    }

    /// The headers pushed since the last [`HeaderPool::clear`], in order.
    pub fn as_slice(&self) -> &[(String, Option<Vec<u8>>)] {
        &self.slots[..self.len]
    }

    /// Replaces the pool's content with the headers of a message rdkafka's `poll` returned.
    pub fn fill(&mut self, m: &mut BorrowedMessage<'_>) {
        self.clear();
        each(m, |name, value| self.push(&name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_reuses_slots() {
        let mut h = HeaderPool::default();
        h.push("a", Some(b"1"));
        h.push("b", None);
        assert_eq!(h.as_slice(), &[("a".to_string(), Some(b"1".to_vec())), ("b".to_string(), None)]);
        h.clear();
        h.push("c", Some(b"22"));
        assert_eq!(h.as_slice(), &[("c".to_string(), Some(b"22".to_vec()))]);
        assert_eq!(h.slots.len(), 2);
    }
}
