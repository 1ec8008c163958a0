//! Background threads that serve a client: the event pump (errors and logs of clients nobody
//! polls) and the producer-id warm-up.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rdkafka::bindings as sys;
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::KafkaError;

use super::context::Ctx;
use super::ffi::{self, Owned, destroy_metadata};
use super::handle::Handle;

/// Serves a client's main librdkafka queue (errors and logs) on a background thread.
///
/// rdkafka delivers librdkafka's errors and logs as events on the main queue, and its
/// `AdminClient` polls only its own result queue: without this, "SSL handshake failed" or "SASL
/// authentication failed" never reach [`Ctx`] and a timeout cannot say why. (Consumers do not need
/// it: their main queue is forwarded to the consumer queue that `poll` serves.)
pub struct EventPump {
    _thread: StoppableThread,
}

/// A background thread told to stop, and joined, when dropped.
pub(super) struct StoppableThread {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StoppableThread {
    /// `f` runs until it returns; it should check its flag often, as dropping waits for it.
    pub(super) fn spawn(name: &str, f: impl FnOnce(&AtomicBool) + Send + 'static) -> StoppableThread {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new().name(name.into()).spawn(move || f(&flag)).ok();
        StoppableThread { stop, thread }
    }
}

impl Drop for StoppableThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl EventPump {
    /// The thread holds `client` (an `Arc` of the client, say) until it ends, so the client
    /// outlives the queue it polls whichever of the two is dropped first.
    pub fn start(client: impl Handle, ctx: Ctx) -> EventPump {
        let thread = StoppableThread::spawn("evbus-events", move |stop| {
            // SAFETY: `client` keeps the handle live for the whole closure, and is dropped after
            // the queue reference (declared later, dropped first); each event is freed by its guard.
            let queue =
                unsafe { Owned::new(sys::rd_kafka_queue_get_main(client.native().ptr()), sys::rd_kafka_queue_destroy) };
            while !stop.load(Ordering::Relaxed) {
                // SAFETY: a live queue; the event, if any, is owned by the guard.
                let ev = unsafe { Owned::new(sys::rd_kafka_queue_poll(queue.ptr(), 100), sys::rd_kafka_event_destroy) };
                if !ev.is_null() {
                    // SAFETY: a live event, freed after use by its guard.
                    unsafe { forward_event(ev.ptr(), &ctx) };
                }
            }
        });
        EventPump { _thread: thread }
    }
}

/// Gets an idempotent producer its producer id as soon as a broker is up, instead of after
/// librdkafka's 500 ms retry timer, on a background thread.
///
/// librdkafka asks for the id when a metadata response arrives. The first response comes from the
/// bootstrap connection, before any broker learned from it is up, so the request waits for the
/// timer and every run idles 0.5–1 s before its first send (kcat does too). A metadata response
/// from a learned broker (non-negative id) proves that broker is up, and handling it makes
/// librdkafka send InitProducerId at once. The requests ask for brokers only: naming the topic
/// could auto-create it before the input has been validated. Errors are left for the sends.
pub struct ProducerIdWarmup {
    _thread: StoppableThread,
}

impl ProducerIdWarmup {
    /// The thread holds `producer` (an `Arc` of it, or a clone of a shared one) until it ends;
    /// dropping the warm-up stops it within 100 ms.
    pub fn start(producer: impl Handle, timeout: Duration) -> ProducerIdWarmup {
        let thread = StoppableThread::spawn("evbus-pid", move |stop| {
            let deadline = std::time::Instant::now() + timeout;
            while !stop.load(Ordering::Relaxed) {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    return;
                }
                // Short requests, so that a drop is not held up by a dead broker.
                let wait = left.min(Duration::from_millis(100));
                match metadata_origin(producer.native(), wait) {
                    Some(id) if id >= 0 => return,
                    Some(_) => std::thread::sleep(Duration::from_millis(2)),
                    None => {}
                }
            }
        });
        ProducerIdWarmup { _thread: thread }
    }
}

/// Asks for the brokers' metadata; returns the id of the broker that answered (-1 for a
/// bootstrap connection), or `None` on error or timeout.
fn metadata_origin(client: &rdkafka::client::NativeClient, wait: Duration) -> Option<i32> {
    let mut md: *const rdkafka::types::RDKafkaMetadata = std::ptr::null();
    // all_topics=0 without a topic handle asks for the brokers and the topics this client
    // already uses; `md` is freed right after reading one field.
    // SAFETY: the client is borrowed for the call.
    let err = unsafe { sys::rd_kafka_metadata(client.ptr(), 0, std::ptr::null_mut(), &mut md, ffi::ms(wait)) };
    // SAFETY: librdkafka returned a metadata object (or null), owned and destroyed by the guard.
    let md = unsafe { Owned::new(md.cast_mut(), destroy_metadata) };
    if !ffi::ok(err) || md.is_null() {
        return None;
    }
    // SAFETY: a valid metadata object, live until the guard drops.
    Some(unsafe { (*md.ptr()).orig_broker_id })
}

/// Hand an error or log event to the context, as rdkafka does for the clients it polls.
///
/// # Safety
/// `ev` must be a live event.
unsafe fn forward_event(ev: *mut rdkafka::types::RDKafkaEvent, ctx: &Ctx) {
    // SAFETY: a string of the live event, NUL-terminated and live as long as it.
    let text = |p: *const std::ffi::c_char| unsafe { ffi::text(p) }.trim().to_string();
    // SAFETY: `ev` is a live event (the caller's contract), only read here and below.
    let kind = unsafe { sys::rd_kafka_event_type(ev) };
    match kind {
        sys::RD_KAFKA_EVENT_ERROR => {
            // SAFETY: as above.
            let code = rdkafka::types::RDKafkaErrorCode::from(unsafe { sys::rd_kafka_event_error(ev) });
            // SAFETY: as above.
            let reason = text(unsafe { sys::rd_kafka_event_error_string(ev) });
            ctx.error(KafkaError::Global(code), &reason);
        }
        sys::RD_KAFKA_EVENT_LOG => {
            let (mut fac, mut msg, mut level) = (std::ptr::null(), std::ptr::null(), 0);
            // SAFETY: as above; the out-pointers are locals.
            if unsafe { sys::rd_kafka_event_log(ev, &mut fac, &mut msg, &mut level) } == 0 {
                let level = match level {
                    0..=3 => RDKafkaLogLevel::Error,
                    4 => RDKafkaLogLevel::Warning,
                    5 => RDKafkaLogLevel::Notice,
                    6 => RDKafkaLogLevel::Info,
                    _ => RDKafkaLogLevel::Debug,
                };
                ctx.log(level, &text(fac), &text(msg));
            }
        }
        _ => {}
    }
}
