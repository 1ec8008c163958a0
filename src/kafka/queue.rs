//! A private librdkafka queue that assigned partitions forward their records to, drained in
//! batches (`rd_kafka_consume_batch_queue`), with borrowed, safe views of the messages.
//!
//! This is tail's fast path: rdkafka's `poll` allocates an event per message and does not say
//! which topic a partition EOF belongs to; a batch from one queue does neither. Nothing here
//! allocates per message: a [`Batch`] reuses one vector of handles, and a [`NativeMessage`] reads
//! librdkafka's own buffers.
//!
//! Lifetimes do the bookkeeping the C API leaves to its caller: the queue owns a clone of its
//! consumer (the client outlives the queue), a batch borrows its queue (messages are released
//! before the queue and the client go), and a message view borrows its batch (no view survives
//! the release of its message).

use std::borrow::Cow;
use std::ffi::{CStr, CString};
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use rdkafka::bindings as sys;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::{Offset, TopicPartitionList};

use super::ffi::Owned;
use super::headers::HeaderPool;
use super::problem::Problem;
use crate::record::view::{RecordView, TimestampType};

/// A queue of its own that partitions forward their fetched records to.
pub struct BatchQueue<C: ConsumerContext + 'static> {
    /// Freed before `consumer` goes (fields drop in order), after the unassign of [`Drop`].
    queue: Owned<sys::rd_kafka_queue_t>,
    /// Keeps the client alive for as long as the queue.
    consumer: Arc<BaseConsumer<C>>,
    /// Partitions restarted by [`BatchQueue::restart_at`] that delivered nothing since: their
    /// forwarding is set again on every take (see there).
    restarted: Restarted,
}

/// Restarted partitions (topic, partition) whose forwarding is not known to hold yet.
type Restarted = Mutex<Vec<(CString, i32)>>;

// SAFETY: librdkafka queues are thread-safe; the handle is only a pointer to one, and the
// consumer it keeps alive is itself Send.
unsafe impl<C: ConsumerContext + 'static> Send for BatchQueue<C> where Arc<BaseConsumer<C>>: Send {}

impl<C: ConsumerContext + 'static> BatchQueue<C> {
    /// A new queue that each of `partitions` (topic, partition) forwards its fetched records to.
    /// The forwarding is marked as the application's, so librdkafka's fetch start keeps it; it
    /// must be in place before `assign()`, as a started fetch already feeds the consumer's queue.
    pub fn forwarding<'a>(
        consumer: &Arc<BaseConsumer<C>>,
        partitions: impl IntoIterator<Item = (&'a str, i32)>,
    ) -> Result<BatchQueue<C>> {
        let rk = consumer.client().native_ptr();
        // SAFETY: `rk` is the live client owned by `consumer`, which the queue keeps alive.
        let raw = unsafe { Owned::new(sys::rd_kafka_queue_new(rk), sys::rd_kafka_queue_destroy) };
        if raw.is_null() {
            bail!("librdkafka could not create a queue");
        }
        let queue = BatchQueue { queue: raw, consumer: Arc::clone(consumer), restarted: Mutex::new(Vec::new()) };
        queue.forward(partitions)?;
        Ok(queue)
    }

    /// Makes more partitions forward their fetched records to this queue (before they are
    /// assigned, for the same reason as in [`BatchQueue::forwarding`]).
    pub fn forward<'a>(&self, partitions: impl IntoIterator<Item = (&'a str, i32)>) -> Result<()> {
        let rk = self.consumer.client().native_ptr();
        for (topic, p) in partitions {
            let name = CString::new(topic).map_err(|_| anyhow!("topic name contains a NUL byte"))?;
            if !forward_one(rk, &name, p, self.queue.ptr()) {
                bail!("librdkafka has no queue for {topic}[{p}]");
            }
        }
        Ok(())
    }

    /// Starts fetching one assigned partition again at `offset`, after librdkafka stopped it
    /// (`auto.offset.reset=error` and a position that left the log). A seek is refused on a
    /// stopped partition; an unassign and assign of it is not.
    ///
    /// Stopping a fetcher clears its queue's forwarding and starting one does not set it again
    /// (the application set it), so it is set anew on each take until the partition delivers
    /// something here: by then the stop, which comes before the start, is surely done. Records
    /// fetched meanwhile wait in the partition's queue and move here, in order, with the forwarding.
    pub fn restart_at(&self, topic: &str, partition: i32, offset: i64) -> Result<()> {
        let name = CString::new(topic).map_err(|_| anyhow!("topic name contains a NUL byte"))?;
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition(topic, partition);
        self.consumer.incremental_unassign(&tpl).map_err(|e| anyhow!("cannot restart {topic}[{partition}]: {e}"))?;
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset(topic, partition, Offset::Offset(offset))?;
        self.consumer.incremental_assign(&tpl).map_err(|e| anyhow!("cannot restart {topic}[{partition}]: {e}"))?;
        if let Ok(mut r) = self.restarted.lock() {
            r.push((name, partition));
        }
        Ok(())
    }

    /// The consumer whose partitions feed this queue.
    pub fn consumer(&self) -> &Arc<BaseConsumer<C>> {
        &self.consumer
    }

    /// Room for `capacity` messages at a time, taken from this queue.
    pub fn batch(&self, capacity: usize) -> Batch<'_> {
        Batch {
            queue: self.queue.ptr(),
            rk: self.consumer.client().native_ptr(),
            restarted: &self.restarted,
            msgs: vec![std::ptr::null_mut(); capacity.max(1)],
            len: 0,
        }
    }
}

impl<C: ConsumerContext + 'static> Drop for BatchQueue<C> {
    fn drop(&mut self) {
        // Unassigning stops the fetchers before the queue the partitions forward to goes away
        // (it is freed right after this, with the fields, while `consumer` still keeps the
        // client alive).
        let _ = self.consumer.unassign();
    }
}

/// Makes partition `p` of topic `name` forward its fetched records to `queue`, marked as the
/// application's. False when librdkafka has no such partition.
fn forward_one(rk: *mut sys::rd_kafka_t, name: &CStr, p: i32, queue: *mut sys::rd_kafka_queue_t) -> bool {
    // SAFETY: `rk` is a live client (its owner outlives every caller's borrow), `name` is
    // NUL-terminated and `queue` live; the partition queue handle is released by its guard right
    // away, the forwarding it set up lives in librdkafka.
    unsafe {
        let pq = Owned::new(sys::rd_kafka_queue_get_partition(rk, name.as_ptr(), p), sys::rd_kafka_queue_destroy);
        if pq.is_null() {
            return false;
        }
        sys::rd_kafka_queue_forward(pq.ptr(), queue);
    }
    true
}

/// Messages taken from a [`BatchQueue`] and not yet released. Taking more releases the previous
/// ones, and so does a drop, so an early return (a stop condition, a write error) cannot leak them.
pub struct Batch<'q> {
    queue: *mut sys::rd_kafka_queue_t,
    /// The client (kept alive by the queue, borrowed for 'q), for forwarding anew.
    rk: *mut sys::rd_kafka_t,
    restarted: &'q Restarted,
    msgs: Vec<*mut sys::rd_kafka_message_t>,
    len: usize,
}

// SAFETY: the messages are owned by the batch (librdkafka messages may be released from any
// thread), the queue and the client (only used to set up forwarding) are thread-safe; views of the messages are not Send (see NativeMessage).
unsafe impl Send for Batch<'_> {}

impl<'q> Batch<'q> {
    /// Takes what is queued, up to the capacity, without waiting. Returns how many were taken.
    pub fn take_queued(&mut self) -> usize {
        self.release();
        self.forward_restarted();
        // SAFETY: a live queue (borrowed for 'q) and room for `msgs.len()` pointers.
        let n = unsafe { sys::rd_kafka_consume_batch_queue(self.queue, 0, self.msgs.as_mut_ptr(), self.msgs.len()) };
        self.len = usize::try_from(n).unwrap_or(0).min(self.msgs.len());
        self.settle_restarted();
        self.len
    }

    /// Sets the forwarding of restarted partitions again (see [`BatchQueue::restart_at`]).
    fn forward_restarted(&self) {
        let Ok(r) = self.restarted.lock() else { return };
        for (name, p) in r.iter() {
            forward_one(self.rk, name, *p, self.queue);
        }
    }

    /// Restarted partitions that delivered something in this take keep their forwarding.
    fn settle_restarted(&self) {
        if self.len == 0 {
            return;
        }
        let Ok(mut r) = self.restarted.lock() else { return };
        if r.is_empty() {
            return;
        }
        r.retain(|(name, p)| {
            !(0..self.len).any(|i| {
                let m = self.get(i);
                m.partition() == *p && m.topic_name() == Some(name.to_bytes())
            })
        });
    }

    /// Waits up to `timeout` for one message. Returns how many were taken (0 or 1).
    pub fn wait_one(&mut self, timeout: Duration) -> usize {
        self.release();
        self.forward_restarted();
        let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: a live queue; the message, if any, is stored in the batch and released there.
        let m = unsafe { sys::rd_kafka_consume_queue(self.queue, ms) };
        if !m.is_null() {
            self.msgs[0] = m;
            self.len = 1;
        }
        self.settle_restarted();
        self.len
    }

    /// How many messages the last take left in the batch.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the last take got nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The capacity the batch was made with.
    pub fn capacity(&self) -> usize {
        self.msgs.len()
    }

    /// The `i`th message taken (panics past `len()`).
    pub fn get(&self, i: usize) -> NativeMessage<'_> {
        NativeMessage::new(self.msgs[..self.len][i])
    }

    /// Splits the messages into runs of `size` that can be read on different threads at once:
    /// each message is in exactly one run, and the batch is borrowed exclusively meanwhile.
    pub fn runs(&mut self, size: usize) -> impl Iterator<Item = Run<'_>> {
        self.msgs[..self.len].chunks(size.max(1)).map(|msgs| Run { msgs })
    }

    /// Releases the messages taken (also done by the next take and by a drop).
    pub fn release(&mut self) {
        for m in &self.msgs[..self.len] {
            // SAFETY: each pointer was returned by librdkafka and is destroyed once (len is reset).
            unsafe { sys::rd_kafka_message_destroy(*m) }
        }
        self.len = 0;
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.release();
    }
}

/// Some messages of a batch, for one thread (see [`Batch::runs`]).
pub struct Run<'b> {
    msgs: &'b [*mut sys::rd_kafka_message_t],
}

// SAFETY: a run's messages are in no other run, and the batch is exclusively borrowed while
// runs exist, so sending a run gives its thread the only access to those messages; the views it
// hands out are not Send and borrow the run, so they cannot follow it elsewhere.
unsafe impl Send for Run<'_> {}

impl Run<'_> {
    /// How many messages the run holds.
    pub fn len(&self) -> usize {
        self.msgs.len()
    }

    /// True for a run without messages.
    pub fn is_empty(&self) -> bool {
        self.msgs.is_empty()
    }

    /// The `i`th message of the run (panics past `len()`).
    pub fn get(&self, i: usize) -> NativeMessage<'_> {
        NativeMessage::new(self.msgs[i])
    }
}

/// A view of one message of a batch, valid while the batch holds it.
///
/// Not `Send` nor `Sync`: reading the headers makes librdkafka parse them into the message.
#[derive(Clone, Copy)]
pub struct NativeMessage<'b> {
    ptr: NonNull<sys::rd_kafka_message_t>,
    _batch: PhantomData<&'b sys::rd_kafka_message_t>,
}

impl<'b> NativeMessage<'b> {
    fn new(m: *mut sys::rd_kafka_message_t) -> NativeMessage<'b> {
        // librdkafka never returns null among the messages it counted.
        NativeMessage { ptr: NonNull::new(m).expect("librdkafka returned a null message"), _batch: PhantomData }
    }

    fn raw(&self) -> &'b sys::rd_kafka_message_t {
        // SAFETY: the message is alive while its batch holds it ('b); its public fields are only
        // read, and librdkafka's lazy header parse writes to the private part of its envelope.
        unsafe { self.ptr.as_ref() }
    }

    /// The partition the message was read from.
    pub fn partition(&self) -> i32 {
        self.raw().partition
    }

    /// The message's offset in its partition.
    pub fn offset(&self) -> i64 {
        self.raw().offset
    }

    /// The value; `None` for a null value (distinct from an empty one).
    pub fn payload(&self) -> Option<&'b [u8]> {
        let m = self.raw();
        // SAFETY: librdkafka guarantees `len` bytes at `payload` while the message lives.
        (!m.payload.is_null()).then(|| unsafe { std::slice::from_raw_parts(m.payload as *const u8, m.len) })
    }

    /// The key; `None` for a null key.
    pub fn key(&self) -> Option<&'b [u8]> {
        let m = self.raw();
        // SAFETY: librdkafka guarantees `key_len` bytes at `key` while the message lives.
        (!m.key.is_null()).then(|| unsafe { std::slice::from_raw_parts(m.key as *const u8, m.key_len) })
    }

    /// The timestamp in ms since the epoch and who set it, when the record has one.
    pub fn timestamp(&self) -> Option<(i64, TimestampType)> {
        use sys::rd_kafka_timestamp_type_t as T;
        let mut tstype = T::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        // SAFETY: a live message and a valid out-pointer.
        let ts = unsafe { sys::rd_kafka_message_timestamp(self.ptr.as_ptr(), &mut tstype) };
        let kind = match tstype {
            T::RD_KAFKA_TIMESTAMP_CREATE_TIME => TimestampType::CreateTime,
            T::RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME => TimestampType::LogAppendTime,
            T::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE => return None,
        };
        (ts >= 0).then_some((ts, kind))
    }

    /// An identity for the message's topic handle, for caching the topic lookup (`None` when the
    /// message has no topic, e.g. a client-level error). Only compared, never dereferenced.
    pub fn topic_id(&self) -> Option<usize> {
        let rkt = self.raw().rkt;
        (!rkt.is_null()).then_some(rkt as usize)
    }

    /// The topic's name as librdkafka has it (`None` when the message has no topic).
    pub fn topic_name(&self) -> Option<&'b [u8]> {
        let rkt = self.raw().rkt;
        if rkt.is_null() {
            return None;
        }
        // SAFETY: the message holds a reference on its topic handle, whose name is
        // NUL-terminated and lives as long as the handle.
        Some(unsafe { CStr::from_ptr(sys::rd_kafka_topic_name(rkt)) }.to_bytes())
    }

    /// True when the message carries an error (or an EOF event) instead of a record.
    pub fn is_error(&self) -> bool {
        self.raw().err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// True for "the partition reached its end" (with `enable.partition.eof`).
    pub fn is_partition_eof(&self) -> bool {
        self.raw().err == sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__PARTITION_EOF
    }

    /// librdkafka's text for the message's error.
    pub fn error_text(&self) -> Cow<'b, str> {
        // SAFETY: a live message; librdkafka returns a NUL-terminated string that lives as long
        // as the message (its payload or a static text).
        unsafe { CStr::from_ptr(sys::rd_kafka_message_errstr(self.ptr.as_ptr())) }.to_string_lossy()
    }

    /// What the message's error means for a reader (`None` for a record or a partition EOF).
    pub fn problem(&self) -> Option<Problem> {
        use sys::rd_kafka_resp_err_t as E;
        match self.raw().err {
            E::RD_KAFKA_RESP_ERR_NO_ERROR | E::RD_KAFKA_RESP_ERR__PARTITION_EOF => None,
            // auto.offset.reset=error: the fetch position left the log and the fetcher stopped;
            // the message's offset is that position.
            E::RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET | E::RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE => {
                Some(Problem::OutOfRange {
                    topic: String::from_utf8_lossy(self.topic_name().unwrap_or_default()).into_owned(),
                    partition: self.partition(),
                    offset: self.offset(),
                })
            }
            E::RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN => Some(Problem::AllBrokersDown),
            E::RD_KAFKA_RESP_ERR__TRANSPORT => Some(Problem::Transport),
            _ => Some(Problem::Other(self.error_text().into_owned())),
        }
    }

    /// The record, as every layer sees one: `topic` is its name as the caller has it (looked up
    /// once per topic handle), its headers are copied into `headers`.
    pub fn view<'a>(&self, topic: &'a str, headers: &'a mut HeaderPool) -> RecordView<'a>
    where
        'b: 'a,
    {
        self.headers_into(headers);
        let ts = self.timestamp();
        RecordView {
            topic,
            partition: self.partition(),
            offset: self.offset(),
            timestamp_ms: ts.map(|t| t.0),
            timestamp_type: ts.map(|t| t.1),
            key: self.key(),
            value: self.payload(),
            headers: headers.as_slice(),
        }
    }

    /// Replaces the pool's content with the message's headers.
    pub fn headers_into(&self, pool: &mut HeaderPool) {
        pool.clear();
        // SAFETY: a live message, and views are neither Send nor Sync, so this thread is the only
        // one reading its headers (see `Batch::runs`).
        unsafe { super::headers::each_raw(self.ptr.as_ptr(), |name, value| pool.push(&name, value)) }
    }
}
