//! Recognises where a dead-letter record came from and why it failed, so a DLQ can be
//! summarised by error and replayed to the topic it came from.
//!
//! Frameworks disagree on how a dead letter says where it came from. [`decode`] recognises:
//!
//! | Convention | Where the origin is | Encoding |
//! |---|---|---|
//! | [`Convention::Spring`] (Spring Kafka `DeadLetterPublishingRecoverer`) | `kafka_dlt-original-*` headers | partition: 4-byte big-endian int; offset, timestamp: 8-byte big-endian long; text otherwise |
//! | [`Convention::Connect`] (Kafka Connect `errors.deadletterqueue.context.headers.enable`) | `__connect.errors.*` headers | UTF-8 text |
//! | [`Convention::Streams`] (Kafka Streams, KIP-1034) | `__streams.errors.*` headers | UTF-8 text |
//! | [`Convention::SmallRye`] (SmallRye Reactive Messaging / Quarkus) | `dead-letter-*` headers | UTF-8 text |
//! | [`Convention::JsonWrapper`] | the value: `{"originalTopic", "originalMessage", "error", "timestamp"}` | JSON |
//!
//! Header conventions are tried before the JSON wrapper, in the table's order; a record carrying
//! headers of several conventions (it went through more than one DLQ without being cleaned) is
//! read by the first. Anything else is [`Convention::Unknown`] with a human-readable
//! [`Decoded::unknown_reason`]. A record is never half-trusted: if a header the decoder reads is
//! malformed (wrong length, not UTF-8, not a number, an empty or illegal topic name) or the
//! original-topic header is missing, the whole record is `Unknown`, because replaying it would
//! send data to a place nobody can vouch for. A header whose value is null counts as absent.
//!
//! Choices callers should know:
//!
//! * **Repeated headers.** Kafka headers may repeat, and each writer repeats them differently.
//!   Spring appends a new set of `kafka_dlt-original-*` headers at every hop of a retry-topic
//!   chain, so the *first* one names the topic the record really came from; its exception
//!   headers are replaced or appended per failure, so the *last* one is the latest failure.
//!   Connect copies the source record's headers and then appends its own, so the *last* one is
//!   its own. SmallRye writes its headers and only then copies the source's, so the *first* one
//!   is its own. Kafka Streams writes each header once.
//! * **Numbers in Spring headers.** Java writes them as binary, but some non-Java producers write
//!   them as decimal text, so both are accepted. A value of exactly 4 bytes (partition) or 8 bytes
//!   (offset, timestamp) is read as binary unless every byte is an ASCII digit: the binary reading
//!   of such a value is at least `0x30303030` (808,464,432) for a partition and about 3.5 × 10¹⁸
//!   for an offset, numbers no real partition or offset reaches, while the text reading is
//!   ordinary. Negative partitions and offsets are malformed; a negative timestamp is Kafka's "no
//!   timestamp" and becomes `None`.
//! * **Error class.** For Spring, [`Decoded::error_class`] is `kafka_dlt-exception-cause-fqcn`
//!   (the root cause) when present: the top-level class is almost always Spring's own
//!   `ListenerExecutionFailedException` wrapper, which would put every failure in one group.
//!   Kafka Streams writes `Throwable.toString()` (`class: message`) into its exception header, so
//!   the class is the part before `": "`.
//! * **Timestamps.** Spring records the original timestamp in a header; Connect and Streams copy
//!   the source record's timestamp onto the dead letter, so for them it is the dead letter's own
//!   timestamp; SmallRye does not keep it.
//! * **Replay value.** For header conventions it is the dead letter's value, byte for byte. For
//!   the JSON wrapper it is `originalMessage`: a string is replayed as its raw text, `null` as no
//!   value, anything else as compact JSON. That JSON is re-serialised, so object keys come out
//!   sorted (serde_json is built without `preserve_order`). The key to replay with is the dead
//!   letter's key in every convention (all of them copy it).
//! * **Headers to strip.** [`Decoded::error_header_names`] lists every header on the record that
//!   belongs to *any* DLQ convention (see [`is_dlq_header`]), including Spring's
//!   `retry_topic-*` bookkeeping: left on a replayed record, stale attempt counts make Spring
//!   route it straight back to the DLT, and stale origin headers would be mistaken for the next
//!   failure's.

use base64::Engine as _;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// Header names written by the supported conventions.
pub mod header {
    /// Every Spring dead-letter header starts with this.
    pub const SPRING_PREFIX: &str = "kafka_dlt-";
    /// Spring's non-blocking retry bookkeeping (attempts, back-off); stripped on replay.
    pub const SPRING_RETRY_PREFIX: &str = "retry_topic-";
    pub const SPRING_ORIGINAL_TOPIC: &str = "kafka_dlt-original-topic";
    pub const SPRING_ORIGINAL_PARTITION: &str = "kafka_dlt-original-partition";
    pub const SPRING_ORIGINAL_OFFSET: &str = "kafka_dlt-original-offset";
    pub const SPRING_ORIGINAL_TIMESTAMP: &str = "kafka_dlt-original-timestamp";
    pub const SPRING_ORIGINAL_TIMESTAMP_TYPE: &str = "kafka_dlt-original-timestamp-type";
    pub const SPRING_ORIGINAL_CONSUMER_GROUP: &str = "kafka_dlt-original-consumer-group";
    pub const SPRING_EXCEPTION_FQCN: &str = "kafka_dlt-exception-fqcn";
    pub const SPRING_EXCEPTION_CAUSE_FQCN: &str = "kafka_dlt-exception-cause-fqcn";
    pub const SPRING_EXCEPTION_MESSAGE: &str = "kafka_dlt-exception-message";
    pub const SPRING_EXCEPTION_STACKTRACE: &str = "kafka_dlt-exception-stacktrace";
    pub const SPRING_KEY_EXCEPTION_FQCN: &str = "kafka_dlt-key-exception-fqcn";
    pub const SPRING_KEY_EXCEPTION_MESSAGE: &str = "kafka_dlt-key-exception-message";
    pub const SPRING_KEY_EXCEPTION_STACKTRACE: &str = "kafka_dlt-key-exception-stacktrace";

    /// Every Kafka Connect dead-letter header starts with this.
    pub const CONNECT_PREFIX: &str = "__connect.errors.";
    pub const CONNECT_TOPIC: &str = "__connect.errors.topic";
    pub const CONNECT_PARTITION: &str = "__connect.errors.partition";
    pub const CONNECT_OFFSET: &str = "__connect.errors.offset";
    pub const CONNECT_CONNECTOR_NAME: &str = "__connect.errors.connector.name";
    pub const CONNECT_TASK_ID: &str = "__connect.errors.task.id";
    pub const CONNECT_STAGE: &str = "__connect.errors.stage";
    pub const CONNECT_CLASS_NAME: &str = "__connect.errors.class.name";
    pub const CONNECT_EXCEPTION_CLASS_NAME: &str = "__connect.errors.exception.class.name";
    pub const CONNECT_EXCEPTION_MESSAGE: &str = "__connect.errors.exception.message";
    pub const CONNECT_EXCEPTION_STACKTRACE: &str = "__connect.errors.exception.stacktrace";

    /// Every Kafka Streams dead-letter header starts with this.
    pub const STREAMS_PREFIX: &str = "__streams.errors.";
    pub const STREAMS_TOPIC: &str = "__streams.errors.topic";
    pub const STREAMS_PARTITION: &str = "__streams.errors.partition";
    pub const STREAMS_OFFSET: &str = "__streams.errors.offset";
    pub const STREAMS_EXCEPTION: &str = "__streams.errors.exception";
    pub const STREAMS_MESSAGE: &str = "__streams.errors.message";
    pub const STREAMS_STACKTRACE: &str = "__streams.errors.stacktrace";

    pub const SMALLRYE_TOPIC: &str = "dead-letter-topic";
    pub const SMALLRYE_PARTITION: &str = "dead-letter-partition";
    pub const SMALLRYE_OFFSET: &str = "dead-letter-offset";
    pub const SMALLRYE_REASON: &str = "dead-letter-reason";
    pub const SMALLRYE_CAUSE: &str = "dead-letter-cause";
    pub const SMALLRYE_EXCEPTION_CLASS_NAME: &str = "dead-letter-exception-class-name";
    pub const SMALLRYE_CAUSE_CLASS_NAME: &str = "dead-letter-cause-class-name";
    /// SmallRye's names are listed rather than matched by prefix because `dead-letter-` is
    /// generic enough for an application to use for its own headers.
    pub const SMALLRYE_ALL: [&str; 7] = [
        SMALLRYE_TOPIC,
        SMALLRYE_PARTITION,
        SMALLRYE_OFFSET,
        SMALLRYE_REASON,
        SMALLRYE_CAUSE,
        SMALLRYE_EXCEPTION_CLASS_NAME,
        SMALLRYE_CAUSE_CLASS_NAME,
    ];
}

use header::*;

/// A borrowed view of one record read from a dead-letter topic: the same view `tail` renders
/// and filters, so the DLQ commands can use both without copying.
pub type DlqRecord<'a> = crate::record::view::RecordView<'a>;

/// Which dead-letter convention a record follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Convention {
    Spring,
    Connect,
    Streams,
    #[serde(rename = "smallrye")]
    SmallRye,
    JsonWrapper,
    Unknown,
}

impl Convention {
    /// The name used in tables and JSON (`spring`, `connect`, `streams`, `smallrye`,
    /// `json-wrapper`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Convention::Spring => "spring",
            Convention::Connect => "connect",
            Convention::Streams => "streams",
            Convention::SmallRye => "smallrye",
            Convention::JsonWrapper => "json-wrapper",
            Convention::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Convention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a dead letter says about its origin and its failure.
///
/// When `convention` is `Unknown`, only `unknown_reason`, `replay_value` (the record's own value)
/// and `error_header_names` are filled in. Serialises with `replay_value` as standard base64,
/// since it is arbitrary bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decoded {
    pub convention: Convention,
    pub original_topic: Option<String>,
    pub original_partition: Option<i32>,
    pub original_offset: Option<i64>,
    pub original_timestamp_ms: Option<i64>,
    pub consumer_group: Option<String>,
    pub error_class: Option<String>,
    pub error_message: Option<String>,
    pub stacktrace: Option<String>,
    /// Set exactly when `convention` is `Unknown`.
    pub unknown_reason: Option<String>,
    #[serde(serialize_with = "serialize_base64")]
    pub replay_value: Option<Vec<u8>>,
    pub error_header_names: Vec<String>,
}

impl Decoded {
    /// A label to group failures by: the error class, else the first line of the message, else
    /// `"unknown"`. Only the first line, because multi-line messages (nested causes, payload
    /// dumps) make every record its own group and break table layouts.
    pub fn error_label(&self) -> String {
        if let Some(class) = &self.error_class {
            return class.clone();
        }
        self.error_message
            .as_deref()
            .and_then(|m| m.lines().map(str::trim).find(|l| !l.is_empty()))
            .map_or_else(|| "unknown".to_owned(), str::to_owned)
    }

    /// Whether a replay knows where to send the record.
    pub fn replayable(&self) -> bool {
        self.original_topic.is_some()
    }

    fn new(convention: Convention, rec: &DlqRecord) -> Self {
        Decoded {
            convention,
            original_topic: None,
            original_partition: None,
            original_offset: None,
            original_timestamp_ms: None,
            consumer_group: None,
            error_class: None,
            error_message: None,
            stacktrace: None,
            unknown_reason: None,
            replay_value: rec.value.map(<[u8]>::to_vec),
            error_header_names: Vec::new(),
        }
    }
}

fn serialize_base64<S: Serializer>(value: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(bytes) => s.serialize_some(&base64::engine::general_purpose::STANDARD.encode(bytes)),
        None => s.serialize_none(),
    }
}

/// Whether a header belongs to a dead-letter convention and should be dropped on replay.
pub fn is_dlq_header(name: &str) -> bool {
    name.starts_with(SPRING_PREFIX)
        || name.starts_with(SPRING_RETRY_PREFIX)
        || name.starts_with(CONNECT_PREFIX)
        || name.starts_with(STREAMS_PREFIX)
        || SMALLRYE_ALL.contains(&name)
}

/// Works out the convention, origin and failure of one dead letter. Never panics.
pub fn decode(rec: &DlqRecord) -> Decoded {
    let mut strip: Vec<String> = Vec::new();
    for (name, _) in rec.headers {
        if is_dlq_header(name) && !strip.contains(name) {
            strip.push(name.clone());
        }
    }

    let decoded = match detect(rec.headers) {
        Some(convention) => decode_headers(convention, rec),
        None => decode_json_wrapper(rec),
    };
    let mut decoded = decoded.unwrap_or_else(|reason| {
        let mut d = Decoded::new(Convention::Unknown, rec);
        d.unknown_reason = Some(reason);
        d
    });
    decoded.error_header_names = strip;
    decoded
}

fn detect(headers: &[(String, Option<Vec<u8>>)]) -> Option<Convention> {
    let has = |pred: fn(&str) -> bool| headers.iter().any(|(n, _)| pred(n));
    if has(|n| n.starts_with(SPRING_PREFIX)) {
        Some(Convention::Spring)
    } else if has(|n| n.starts_with(CONNECT_PREFIX)) {
        Some(Convention::Connect)
    } else if has(|n| n.starts_with(STREAMS_PREFIX)) {
        Some(Convention::Streams)
    } else if has(|n| SMALLRYE_ALL.contains(&n)) {
        Some(Convention::SmallRye)
    } else {
        None
    }
}

#[derive(Clone, Copy)]
enum Pick {
    First,
    Last,
}

struct Headers<'h>(&'h [(String, Option<Vec<u8>>)]);

impl<'h> Headers<'h> {
    fn get(&self, name: &str, pick: Pick) -> Option<&'h [u8]> {
        let mut values = self.0.iter().filter(|(n, _)| n == name).filter_map(|(_, v)| v.as_deref());
        match pick {
            Pick::First => values.next(),
            Pick::Last => values.next_back(),
        }
    }

    fn text(&self, name: &str, pick: Pick) -> Result<Option<String>, String> {
        self.get(name, pick).map(|raw| utf8(name, raw)).transpose().map(|t| t.filter(|t| !t.trim().is_empty()))
    }

    fn topic(&self, convention: Convention, name: &str, pick: Pick) -> Result<String, String> {
        let raw = self.get(name, pick).ok_or_else(|| format!("{convention} headers present but {name} is missing"))?;
        let topic = utf8(name, raw)?;
        check_topic(&format!("header {name}"), &topic)?;
        Ok(topic)
    }

    /// `binary_width` is `Some(4 | 8)` where Java writes the number as big-endian binary.
    fn partition(&self, name: &str, pick: Pick, binary_width: Option<usize>) -> Result<Option<i32>, String> {
        let Some(raw) = self.get(name, pick) else {
            return Ok(None);
        };
        let n = number(name, raw, binary_width)?;
        if n < 0 {
            return Err(format!("header {name} has negative value {n}"));
        }
        i32::try_from(n).map(Some).map_err(|_| format!("header {name} value {n} is out of range"))
    }

    fn offset(&self, name: &str, pick: Pick, binary: bool) -> Result<Option<i64>, String> {
        let Some(raw) = self.get(name, pick) else {
            return Ok(None);
        };
        let n = number(name, raw, binary.then_some(8))?;
        if n < 0 {
            return Err(format!("header {name} has negative value {n}"));
        }
        Ok(Some(n))
    }

    fn timestamp(&self, name: &str, pick: Pick) -> Result<Option<i64>, String> {
        let Some(raw) = self.get(name, pick) else {
            return Ok(None);
        };
        Ok(Some(number(name, raw, Some(8))?).filter(|t| *t >= 0))
    }
}

fn utf8(name: &str, raw: &[u8]) -> Result<String, String> {
    std::str::from_utf8(raw).map(str::to_owned).map_err(|_| format!("header {name} is not valid UTF-8"))
}

/// Kafka's own topic-name rule; anything else could not have been the source of a record.
fn check_topic(what: &str, topic: &str) -> Result<(), String> {
    if topic.is_empty() {
        return Err(format!("{what} is empty"));
    }
    let legal = topic.len() <= 249
        && topic != "."
        && topic != ".."
        && topic.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if legal { Ok(()) } else { Err(format!("{what} is not a legal topic name: {topic:?}")) }
}

/// Reads a header number as binary (when `binary_width` says Java writes it that way and the value
/// is not all ASCII digits; see the module docs) or else as decimal text.
fn number(name: &str, raw: &[u8], binary_width: Option<usize>) -> Result<i64, String> {
    let all_digits = !raw.is_empty() && raw.iter().all(u8::is_ascii_digit);
    if let Some(width) = binary_width
        && raw.len() == width
        && !all_digits
    {
        if let Ok(b) = <[u8; 4]>::try_from(raw) {
            return Ok(i64::from(i32::from_be_bytes(b)));
        }
        if let Ok(b) = <[u8; 8]>::try_from(raw) {
            return Ok(i64::from_be_bytes(b));
        }
    }
    let decimal = std::str::from_utf8(raw).ok().map(str::trim).filter(|t| {
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    match (decimal, binary_width) {
        (Some(text), _) => text.parse::<i64>().map_err(|_| format!("header {name} value {text} is out of range")),
        (None, Some(width)) => Err(format!("header {name} has {} bytes, expected {width}", raw.len())),
        (None, None) => Err(format!("header {name} is not a decimal number")),
    }
}

fn decode_headers(convention: Convention, rec: &DlqRecord) -> Result<Decoded, String> {
    let h = Headers(rec.headers);
    let mut d = Decoded::new(convention, rec);
    match convention {
        Convention::Spring => {
            use Pick::{First, Last};
            d.original_topic = Some(h.topic(convention, SPRING_ORIGINAL_TOPIC, First)?);
            d.original_partition = h.partition(SPRING_ORIGINAL_PARTITION, First, Some(4))?;
            d.original_offset = h.offset(SPRING_ORIGINAL_OFFSET, First, true)?;
            d.original_timestamp_ms = h.timestamp(SPRING_ORIGINAL_TIMESTAMP, First)?;
            d.consumer_group = h.text(SPRING_ORIGINAL_CONSUMER_GROUP, First)?;
            let cause = h.text(SPRING_EXCEPTION_CAUSE_FQCN, Last)?;
            let class = h.text(SPRING_EXCEPTION_FQCN, Last)?;
            let key_class = h.text(SPRING_KEY_EXCEPTION_FQCN, Last)?;
            d.error_class = cause.or(class).or(key_class);
            let message = h.text(SPRING_EXCEPTION_MESSAGE, Last)?;
            let key_message = h.text(SPRING_KEY_EXCEPTION_MESSAGE, Last)?;
            d.error_message = message.or(key_message);
            let trace = h.text(SPRING_EXCEPTION_STACKTRACE, Last)?;
            let key_trace = h.text(SPRING_KEY_EXCEPTION_STACKTRACE, Last)?;
            d.stacktrace = trace.or(key_trace);
        }
        Convention::Connect => {
            let last = Pick::Last;
            d.original_topic = Some(h.topic(convention, CONNECT_TOPIC, last)?);
            d.original_partition = h.partition(CONNECT_PARTITION, last, None)?;
            d.original_offset = h.offset(CONNECT_OFFSET, last, false)?;
            d.original_timestamp_ms = rec.timestamp_ms.filter(|t| *t >= 0);
            d.error_class = h.text(CONNECT_EXCEPTION_CLASS_NAME, last)?;
            d.error_message = h.text(CONNECT_EXCEPTION_MESSAGE, last)?;
            d.stacktrace = h.text(CONNECT_EXCEPTION_STACKTRACE, last)?;
        }
        Convention::Streams => {
            let last = Pick::Last;
            d.original_topic = Some(h.topic(convention, STREAMS_TOPIC, last)?);
            d.original_partition = h.partition(STREAMS_PARTITION, last, None)?;
            d.original_offset = h.offset(STREAMS_OFFSET, last, false)?;
            d.original_timestamp_ms = rec.timestamp_ms.filter(|t| *t >= 0);
            let (class, embedded) = match h.text(STREAMS_EXCEPTION, last)? {
                Some(s) => split_throwable(&s),
                None => (None, None),
            };
            d.error_class = class;
            d.error_message = h.text(STREAMS_MESSAGE, last)?.or(embedded);
            d.stacktrace = h.text(STREAMS_STACKTRACE, last)?;
        }
        Convention::SmallRye => {
            let first = Pick::First;
            d.original_topic = Some(h.topic(convention, SMALLRYE_TOPIC, first)?);
            d.original_partition = h.partition(SMALLRYE_PARTITION, first, None)?;
            d.original_offset = h.offset(SMALLRYE_OFFSET, first, false)?;
            d.error_class = h.text(SMALLRYE_EXCEPTION_CLASS_NAME, first)?;
            let reason = h.text(SMALLRYE_REASON, first)?;
            d.error_message = reason.or(h.text(SMALLRYE_CAUSE, first)?);
        }
        Convention::JsonWrapper | Convention::Unknown => {
            return Err(format!("{convention} is not a header convention"));
        }
    }
    Ok(d)
}

/// Splits Java's `Throwable.toString()` (`class` or `class: message`) into its parts.
fn split_throwable(s: &str) -> (Option<String>, Option<String>) {
    let s = s.trim();
    match s.split_once(": ") {
        Some((class, message)) if !class.is_empty() && !class.contains(char::is_whitespace) => {
            let message = message.trim();
            (Some(class.to_owned()), (!message.is_empty()).then(|| message.to_owned()))
        }
        _ => (Some(s.to_owned()), None),
    }
}

fn decode_json_wrapper(rec: &DlqRecord) -> Result<Decoded, String> {
    let Some(value) = rec.value else {
        return Err("no known DLQ headers and the record has no value".to_owned());
    };
    let not_wrapper = || "no known DLQ headers and the value is not a JSON wrapper".to_owned();
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(value) else {
        return Err(not_wrapper());
    };
    let topic = match obj.get("originalTopic") {
        None => return Err(not_wrapper()),
        Some(Value::String(t)) => t,
        Some(_) => return Err("JSON wrapper field originalTopic is not a string".to_owned()),
    };
    check_topic("JSON wrapper field originalTopic", topic)?;
    let Some(message) = obj.get("originalMessage") else {
        return Err("JSON wrapper has no originalMessage".to_owned());
    };

    let mut d = Decoded::new(Convention::JsonWrapper, rec);
    d.original_topic = Some(topic.clone());
    d.replay_value = match message {
        Value::Null => None,
        Value::String(s) => Some(s.clone().into_bytes()),
        other => serde_json::to_vec(other).ok(),
    };
    match obj.get("error") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => d.error_message = non_empty(s),
        // Tolerated because Node code often serialises the Error object itself.
        Some(Value::Object(e)) => {
            let field = |k: &str| e.get(k).and_then(Value::as_str).and_then(non_empty);
            d.error_class = field("name");
            d.error_message = field("message");
            d.stacktrace = field("stack");
        }
        Some(other) => d.error_message = Some(other.to_string()),
    }
    if let Some(ts) = obj.get("timestamp").filter(|ts| !ts.is_null()) {
        let ms =
            json_timestamp(ts).ok_or_else(|| "JSON wrapper field timestamp is not epoch milliseconds".to_owned())?;
        d.original_timestamp_ms = Some(ms).filter(|t| *t >= 0);
    }
    Ok(d)
}

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

/// Epoch milliseconds as a number, as decimal text, or (since `Date.toISOString()` is the other
/// thing JavaScript code writes) as RFC 3339. `None` when it is none of those.
fn json_timestamp(v: &Value) -> Option<i64> {
    match v {
        // The bound keeps the float-to-int cast exact; real epoch millis are far below it.
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 9.0e15).map(|f| f.trunc() as i64))
        }
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| chrono::DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp_millis()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Hdrs = Vec<(String, Option<Vec<u8>>)>;

    fn hdr(name: &str, value: impl AsRef<[u8]>) -> (String, Option<Vec<u8>>) {
        (name.to_owned(), Some(value.as_ref().to_vec()))
    }

    fn null_hdr(name: &str) -> (String, Option<Vec<u8>>) {
        (name.to_owned(), None)
    }

    fn rec<'a>(headers: &'a Hdrs, value: Option<&'a [u8]>) -> DlqRecord<'a> {
        DlqRecord {
            topic: "orders.DLT",
            partition: 0,
            offset: 7,
            timestamp_ms: Some(1_700_000_000_000),
            key: Some(b"k1"),
            value,
            headers,
        }
    }

    fn decode_h(headers: &Hdrs) -> Decoded {
        decode(&rec(headers, Some(b"payload")))
    }

    fn assert_unknown(d: &Decoded, reason: &str) {
        assert_eq!(d.convention, Convention::Unknown, "{d:?}");
        assert_eq!(d.unknown_reason.as_deref(), Some(reason), "{d:?}");
        assert!(!d.replayable());
        assert_eq!(d.original_topic, None);
    }

    fn spring_full() -> Hdrs {
        vec![
            hdr("traceparent", "00-abc-def-01"),
            hdr(SPRING_ORIGINAL_TOPIC, "orders"),
            hdr(SPRING_ORIGINAL_PARTITION, 3i32.to_be_bytes()),
            hdr(SPRING_ORIGINAL_OFFSET, 42i64.to_be_bytes()),
            hdr(SPRING_ORIGINAL_TIMESTAMP, 1_699_999_999_000i64.to_be_bytes()),
            hdr(SPRING_ORIGINAL_TIMESTAMP_TYPE, "CREATE_TIME"),
            hdr(SPRING_ORIGINAL_CONSUMER_GROUP, "billing"),
            hdr(SPRING_EXCEPTION_FQCN, "org.springframework.kafka.listener.ListenerExecutionFailedException"),
            hdr(SPRING_EXCEPTION_CAUSE_FQCN, "java.lang.IllegalStateException"),
            hdr(SPRING_EXCEPTION_MESSAGE, "Listener failed; bad amount"),
            hdr(SPRING_EXCEPTION_STACKTRACE, "java.lang.IllegalStateException: bad\n\tat x"),
        ]
    }

    // ---- Spring ----

    #[test]
    fn spring_binary_headers() {
        let d = decode_h(&spring_full());
        assert_eq!(d.convention, Convention::Spring);
        assert_eq!(d.original_topic.as_deref(), Some("orders"));
        assert_eq!(d.original_partition, Some(3));
        assert_eq!(d.original_offset, Some(42));
        assert_eq!(d.original_timestamp_ms, Some(1_699_999_999_000));
        assert_eq!(d.consumer_group.as_deref(), Some("billing"));
        assert_eq!(d.error_class.as_deref(), Some("java.lang.IllegalStateException"));
        assert_eq!(d.error_message.as_deref(), Some("Listener failed; bad amount"));
        assert!(d.stacktrace.as_deref().unwrap().starts_with("java.lang.IllegalStateException"));
        assert_eq!(d.unknown_reason, None);
        assert_eq!(d.replay_value.as_deref(), Some(&b"payload"[..]));
        assert!(d.replayable());
        assert_eq!(d.error_label(), "java.lang.IllegalStateException");
    }

    #[test]
    fn spring_strip_list_has_only_dlq_headers_in_order() {
        let d = decode_h(&spring_full());
        assert_eq!(
            d.error_header_names,
            vec![
                SPRING_ORIGINAL_TOPIC,
                SPRING_ORIGINAL_PARTITION,
                SPRING_ORIGINAL_OFFSET,
                SPRING_ORIGINAL_TIMESTAMP,
                SPRING_ORIGINAL_TIMESTAMP_TYPE,
                SPRING_ORIGINAL_CONSUMER_GROUP,
                SPRING_EXCEPTION_FQCN,
                SPRING_EXCEPTION_CAUSE_FQCN,
                SPRING_EXCEPTION_MESSAGE,
                SPRING_EXCEPTION_STACKTRACE,
            ]
        );
    }

    #[test]
    fn spring_without_cause_uses_top_level_class() {
        let h = vec![hdr(SPRING_ORIGINAL_TOPIC, "orders"), hdr(SPRING_EXCEPTION_FQCN, "com.acme.BadOrder")];
        let d = decode_h(&h);
        assert_eq!(d.error_class.as_deref(), Some("com.acme.BadOrder"));
        assert_eq!(d.original_partition, None);
        assert_eq!(d.original_offset, None);
        assert_eq!(d.original_timestamp_ms, None);
        assert_eq!(d.consumer_group, None);
    }

    #[test]
    fn spring_key_exception_headers_are_a_fallback() {
        let h = vec![
            hdr(SPRING_ORIGINAL_TOPIC, "orders"),
            hdr(SPRING_KEY_EXCEPTION_FQCN, "org.apache.kafka.common.errors.SerializationException"),
            hdr(SPRING_KEY_EXCEPTION_MESSAGE, "bad key"),
            hdr(SPRING_KEY_EXCEPTION_STACKTRACE, "trace"),
        ];
        let d = decode_h(&h);
        assert_eq!(d.convention, Convention::Spring);
        assert_eq!(d.error_class.as_deref(), Some("org.apache.kafka.common.errors.SerializationException"));
        assert_eq!(d.error_message.as_deref(), Some("bad key"));
        assert_eq!(d.stacktrace.as_deref(), Some("trace"));
        assert_eq!(d.error_header_names.len(), 4);
    }

    #[test]
    fn spring_text_numbers_are_accepted() {
        let h = vec![
            hdr(SPRING_ORIGINAL_TOPIC, "orders"),
            hdr(SPRING_ORIGINAL_PARTITION, "3"),
            hdr(SPRING_ORIGINAL_OFFSET, "42"),
            hdr(SPRING_ORIGINAL_TIMESTAMP, "1699999999000"),
        ];
        let d = decode_h(&h);
        assert_eq!(d.original_partition, Some(3));
        assert_eq!(d.original_offset, Some(42));
        assert_eq!(d.original_timestamp_ms, Some(1_699_999_999_000));
    }

    #[test]
    fn spring_all_digit_values_of_binary_width_are_text() {
        let h = vec![
            hdr(SPRING_ORIGINAL_TOPIC, "orders"),
            hdr(SPRING_ORIGINAL_PARTITION, "1234"),
            hdr(SPRING_ORIGINAL_OFFSET, "12345678"),
        ];
        let d = decode_h(&h);
        assert_eq!(d.original_partition, Some(1234));
        assert_eq!(d.original_offset, Some(12_345_678));
    }

    #[test]
    fn spring_binary_values_that_contain_some_digit_bytes_stay_binary() {
        // 0x00_00_00_31 has one ASCII digit byte ('1') but is not all digits.
        let h = vec![
            hdr(SPRING_ORIGINAL_TOPIC, "orders"),
            hdr(SPRING_ORIGINAL_PARTITION, [0, 0, 0, b'1']),
            hdr(SPRING_ORIGINAL_OFFSET, [0, 0, 0, 0, 0, 0, b'0', b'9']),
        ];
        let d = decode_h(&h);
        assert_eq!(d.original_partition, Some(0x31));
        assert_eq!(d.original_offset, Some(0x3039));
    }

    #[test]
    fn spring_partition_of_wrong_length_is_unknown() {
        let mut h = spring_full();
        h[2] = hdr(SPRING_ORIGINAL_PARTITION, [0, 0, 3]);
        let d = decode_h(&h);
        assert_unknown(&d, "header kafka_dlt-original-partition has 3 bytes, expected 4");
        // Still told what to strip, so a manual replay stays clean.
        assert!(d.error_header_names.contains(&SPRING_ORIGINAL_PARTITION.to_owned()));
        assert_eq!(d.replay_value.as_deref(), Some(&b"payload"[..]));
    }

    #[test]
    fn spring_offset_of_wrong_length_is_unknown() {
        let mut h = spring_full();
        h[3] = hdr(SPRING_ORIGINAL_OFFSET, [0, 0, 0, 42]);
        assert_unknown(&decode_h(&h), "header kafka_dlt-original-offset has 4 bytes, expected 8");
    }

    #[test]
    fn spring_empty_number_is_unknown() {
        let mut h = spring_full();
        h[4] = hdr(SPRING_ORIGINAL_TIMESTAMP, b"");
        assert_unknown(&decode_h(&h), "header kafka_dlt-original-timestamp has 0 bytes, expected 8");
    }

    #[test]
    fn spring_negative_partition_is_unknown() {
        let mut h = spring_full();
        h[2] = hdr(SPRING_ORIGINAL_PARTITION, (-1i32).to_be_bytes());
        assert_unknown(&decode_h(&h), "header kafka_dlt-original-partition has negative value -1");
    }

    #[test]
    fn spring_text_partition_out_of_range_is_unknown() {
        let mut h = spring_full();
        h[2] = hdr(SPRING_ORIGINAL_PARTITION, "99999999999");
        assert_unknown(&decode_h(&h), "header kafka_dlt-original-partition value 99999999999 is out of range");
    }

    #[test]
    fn spring_no_timestamp_is_none() {
        let mut h = spring_full();
        h[4] = hdr(SPRING_ORIGINAL_TIMESTAMP, (-1i64).to_be_bytes());
        let d = decode_h(&h);
        assert_eq!(d.convention, Convention::Spring);
        assert_eq!(d.original_timestamp_ms, None);
    }

    #[test]
    fn spring_bad_utf8_topic_is_unknown() {
        let mut h = spring_full();
        h[1] = hdr(SPRING_ORIGINAL_TOPIC, [0xff, 0xfe]);
        assert_unknown(&decode_h(&h), "header kafka_dlt-original-topic is not valid UTF-8");
    }

    #[test]
    fn spring_bad_utf8_error_text_is_unknown() {
        let mut h = spring_full();
        h[9] = hdr(SPRING_EXCEPTION_MESSAGE, [b'o', 0xc3]);
        assert_unknown(&decode_h(&h), "header kafka_dlt-exception-message is not valid UTF-8");
    }

    #[test]
    fn spring_empty_topic_is_unknown() {
        let mut h = spring_full();
        h[1] = hdr(SPRING_ORIGINAL_TOPIC, "");
        assert_unknown(&decode_h(&h), "header kafka_dlt-original-topic is empty");
    }

    #[test]
    fn spring_illegal_topic_is_unknown() {
        let mut h = spring_full();
        h[1] = hdr(SPRING_ORIGINAL_TOPIC, "orders topic");
        assert_unknown(&decode_h(&h), "header kafka_dlt-original-topic is not a legal topic name: \"orders topic\"");
    }

    #[test]
    fn spring_without_original_topic_is_unknown() {
        let h = vec![hdr(SPRING_EXCEPTION_FQCN, "com.acme.Boom"), hdr(SPRING_ORIGINAL_PARTITION, 1i32.to_be_bytes())];
        let d = decode_h(&h);
        assert_unknown(&d, "spring headers present but kafka_dlt-original-topic is missing");
        assert_eq!(d.error_header_names.len(), 2);
    }

    #[test]
    fn null_topic_header_counts_as_missing() {
        let h = vec![null_hdr(SPRING_ORIGINAL_TOPIC), hdr(SPRING_EXCEPTION_FQCN, "X")];
        assert_unknown(&decode_h(&h), "spring headers present but kafka_dlt-original-topic is missing");
    }

    #[test]
    fn spring_retry_chain_uses_first_origin_and_last_error() {
        // main -> retry-0 -> DLT, appendOriginalHeaders=true, previous exception headers kept.
        let h = vec![
            hdr(SPRING_ORIGINAL_TOPIC, "orders"),
            hdr(SPRING_ORIGINAL_PARTITION, 1i32.to_be_bytes()),
            hdr(SPRING_ORIGINAL_OFFSET, 10i64.to_be_bytes()),
            hdr(SPRING_EXCEPTION_FQCN, "com.acme.First"),
            hdr("retry_topic-attempts", 2i32.to_be_bytes()),
            hdr(SPRING_ORIGINAL_TOPIC, "orders-retry-0"),
            hdr(SPRING_ORIGINAL_PARTITION, 0i32.to_be_bytes()),
            hdr(SPRING_ORIGINAL_OFFSET, 99i64.to_be_bytes()),
            hdr(SPRING_EXCEPTION_FQCN, "com.acme.Second"),
        ];
        let d = decode_h(&h);
        assert_eq!(d.original_topic.as_deref(), Some("orders"));
        assert_eq!(d.original_partition, Some(1));
        assert_eq!(d.original_offset, Some(10));
        assert_eq!(d.error_class.as_deref(), Some("com.acme.Second"));
        // Deduplicated, first-seen order, and the retry bookkeeping is included.
        assert_eq!(
            d.error_header_names,
            vec![
                SPRING_ORIGINAL_TOPIC,
                SPRING_ORIGINAL_PARTITION,
                SPRING_ORIGINAL_OFFSET,
                SPRING_EXCEPTION_FQCN,
                "retry_topic-attempts",
            ]
        );
    }

    #[test]
    fn retry_headers_alone_are_not_a_convention() {
        let h = vec![hdr("retry_topic-attempts", 1i32.to_be_bytes())];
        let d = decode_h(&h);
        assert_unknown(&d, "no known DLQ headers and the value is not a JSON wrapper");
        assert_eq!(d.error_header_names, vec!["retry_topic-attempts"]);
    }

    // ---- Connect ----

    fn connect_full() -> Hdrs {
        vec![
            hdr("app-header", "kept"),
            hdr(CONNECT_TOPIC, "payments"),
            hdr(CONNECT_PARTITION, "7"),
            hdr(CONNECT_OFFSET, "1000"),
            hdr(CONNECT_CONNECTOR_NAME, "jdbc-sink"),
            hdr(CONNECT_TASK_ID, "0"),
            hdr(CONNECT_STAGE, "VALUE_CONVERTER"),
            hdr(CONNECT_CLASS_NAME, "io.confluent.connect.avro.AvroConverter"),
            hdr(CONNECT_EXCEPTION_CLASS_NAME, "org.apache.kafka.connect.errors.DataException"),
            hdr(CONNECT_EXCEPTION_MESSAGE, "Failed to deserialize data"),
            hdr(CONNECT_EXCEPTION_STACKTRACE, "org.apache.kafka.connect.errors.DataException"),
        ]
    }

    #[test]
    fn connect_headers() {
        let d = decode_h(&connect_full());
        assert_eq!(d.convention, Convention::Connect);
        assert_eq!(d.original_topic.as_deref(), Some("payments"));
        assert_eq!(d.original_partition, Some(7));
        assert_eq!(d.original_offset, Some(1000));
        assert_eq!(d.original_timestamp_ms, Some(1_700_000_000_000));
        assert_eq!(d.consumer_group, None);
        assert_eq!(d.error_class.as_deref(), Some("org.apache.kafka.connect.errors.DataException"));
        assert_eq!(d.error_message.as_deref(), Some("Failed to deserialize data"));
        assert!(d.stacktrace.is_some());
        assert_eq!(d.error_header_names.len(), 10);
        assert!(!d.error_header_names.contains(&"app-header".to_owned()));
    }

    #[test]
    fn connect_uses_the_last_copy_of_a_header() {
        // The source record already carried Connect headers from an earlier DLQ.
        let mut h = vec![hdr(CONNECT_TOPIC, "older"), hdr(CONNECT_PARTITION, "1")];
        h.extend(connect_full());
        let d = decode_h(&h);
        assert_eq!(d.original_topic.as_deref(), Some("payments"));
        assert_eq!(d.original_partition, Some(7));
    }

    #[test]
    fn connect_binary_partition_is_unknown() {
        let mut h = connect_full();
        h[2] = hdr(CONNECT_PARTITION, 7i32.to_be_bytes());
        assert_unknown(&decode_h(&h), "header __connect.errors.partition is not a decimal number");
    }

    #[test]
    fn connect_without_topic_is_unknown() {
        let h: Hdrs = connect_full().into_iter().filter(|(n, _)| n != CONNECT_TOPIC).collect();
        assert_unknown(&decode_h(&h), "connect headers present but __connect.errors.topic is missing");
    }

    #[test]
    fn connect_negative_offset_is_unknown() {
        let mut h = connect_full();
        h[3] = hdr(CONNECT_OFFSET, "-5");
        assert_unknown(&decode_h(&h), "header __connect.errors.offset has negative value -5");
    }

    // ---- Streams ----

    fn streams_full() -> Hdrs {
        vec![
            hdr(STREAMS_EXCEPTION, "org.apache.kafka.common.errors.SerializationException: Size of data is not 4"),
            hdr(STREAMS_MESSAGE, "Size of data is not 4"),
            hdr(STREAMS_STACKTRACE, "org.apache.kafka.common.errors.SerializationException"),
            hdr(STREAMS_TOPIC, "clicks"),
            hdr(STREAMS_PARTITION, "2"),
            hdr(STREAMS_OFFSET, "31337"),
        ]
    }

    #[test]
    fn streams_headers() {
        let d = decode_h(&streams_full());
        assert_eq!(d.convention, Convention::Streams);
        assert_eq!(d.original_topic.as_deref(), Some("clicks"));
        assert_eq!(d.original_partition, Some(2));
        assert_eq!(d.original_offset, Some(31_337));
        assert_eq!(d.original_timestamp_ms, Some(1_700_000_000_000));
        assert_eq!(d.error_class.as_deref(), Some("org.apache.kafka.common.errors.SerializationException"));
        assert_eq!(d.error_message.as_deref(), Some("Size of data is not 4"));
        assert_eq!(d.error_header_names.len(), 6);
    }

    #[test]
    fn streams_null_message_falls_back_to_the_exception_text() {
        let mut h = streams_full();
        h[1] = null_hdr(STREAMS_MESSAGE);
        h[0] = hdr(STREAMS_EXCEPTION, "java.lang.RuntimeException: boom: nested");
        let d = decode_h(&h);
        assert_eq!(d.error_class.as_deref(), Some("java.lang.RuntimeException"));
        assert_eq!(d.error_message.as_deref(), Some("boom: nested"));
    }

    #[test]
    fn streams_exception_without_message_is_the_class() {
        let mut h = streams_full();
        h[0] = hdr(STREAMS_EXCEPTION, "java.lang.NullPointerException");
        h[1] = null_hdr(STREAMS_MESSAGE);
        let d = decode_h(&h);
        assert_eq!(d.error_class.as_deref(), Some("java.lang.NullPointerException"));
        assert_eq!(d.error_message, None);
        assert_eq!(d.error_label(), "java.lang.NullPointerException");
    }

    #[test]
    fn streams_with_null_topic_is_unknown() {
        // Streams writes a null topic for errors raised outside record processing (punctuators).
        let mut h = streams_full();
        h[3] = null_hdr(STREAMS_TOPIC);
        assert_unknown(&decode_h(&h), "streams headers present but __streams.errors.topic is missing");
    }

    #[test]
    fn streams_bad_offset_text_is_unknown() {
        let mut h = streams_full();
        h[5] = hdr(STREAMS_OFFSET, "12a");
        assert_unknown(&decode_h(&h), "header __streams.errors.offset is not a decimal number");
    }

    // ---- SmallRye ----

    fn smallrye_full() -> Hdrs {
        vec![
            hdr(SMALLRYE_EXCEPTION_CLASS_NAME, "java.lang.IllegalArgumentException"),
            hdr(SMALLRYE_REASON, "price must be positive"),
            hdr(SMALLRYE_CAUSE_CLASS_NAME, "java.lang.NumberFormatException"),
            hdr(SMALLRYE_CAUSE, "For input string: \"x\""),
            hdr(SMALLRYE_TOPIC, "prices"),
            hdr(SMALLRYE_PARTITION, "0"),
            hdr(SMALLRYE_OFFSET, "5"),
            hdr("dead-letter-custom", "app's own header"),
        ]
    }

    #[test]
    fn smallrye_headers() {
        let d = decode_h(&smallrye_full());
        assert_eq!(d.convention, Convention::SmallRye);
        assert_eq!(d.original_topic.as_deref(), Some("prices"));
        assert_eq!(d.original_partition, Some(0));
        assert_eq!(d.original_offset, Some(5));
        assert_eq!(d.original_timestamp_ms, None);
        assert_eq!(d.error_class.as_deref(), Some("java.lang.IllegalArgumentException"));
        assert_eq!(d.error_message.as_deref(), Some("price must be positive"));
        assert_eq!(d.stacktrace, None);
        assert_eq!(d.error_header_names.len(), 7);
        assert!(!d.error_header_names.contains(&"dead-letter-custom".to_owned()));
    }

    #[test]
    fn smallrye_uses_its_own_first_copy() {
        let mut h = smallrye_full();
        h.push(hdr(SMALLRYE_TOPIC, "copied-from-an-older-dlq"));
        assert_eq!(decode_h(&h).original_topic.as_deref(), Some("prices"));
    }

    #[test]
    fn smallrye_cause_is_the_message_without_a_reason() {
        let h = vec![hdr(SMALLRYE_TOPIC, "prices"), hdr(SMALLRYE_CAUSE, "root cause")];
        let d = decode_h(&h);
        assert_eq!(d.error_message.as_deref(), Some("root cause"));
        assert_eq!(d.error_label(), "root cause");
    }

    #[test]
    fn smallrye_without_topic_is_unknown() {
        let h = vec![hdr(SMALLRYE_REASON, "boom")];
        assert_unknown(&decode_h(&h), "smallrye headers present but dead-letter-topic is missing");
    }

    // ---- precedence between conventions ----

    #[test]
    fn spring_wins_over_connect() {
        let mut h = connect_full();
        h.extend(spring_full());
        let d = decode_h(&h);
        assert_eq!(d.convention, Convention::Spring);
        assert_eq!(d.original_topic.as_deref(), Some("orders"));
        // Both conventions' headers are stripped.
        assert!(d.error_header_names.contains(&CONNECT_TOPIC.to_owned()));
        assert!(d.error_header_names.contains(&SPRING_ORIGINAL_TOPIC.to_owned()));
    }

    #[test]
    fn malformed_headers_do_not_fall_through_to_the_json_wrapper() {
        let h = vec![hdr(SPRING_ORIGINAL_TOPIC, "")];
        let value = br#"{"originalTopic":"orders","originalMessage":"x"}"#;
        let d = decode(&rec(&h, Some(value)));
        assert_unknown(&d, "header kafka_dlt-original-topic is empty");
    }

    // ---- JSON wrapper ----

    fn decode_v(value: &[u8]) -> Decoded {
        decode(&rec(&Vec::new(), Some(value)))
    }

    #[test]
    fn json_wrapper_with_object_message() {
        let v = br#"{"originalTopic":"orders","originalMessage":{"id": 1, "items": [1, 2]},
                    "error":"ValidationError: amount < 0","timestamp":1700000000123}"#;
        let d = decode_v(v);
        assert_eq!(d.convention, Convention::JsonWrapper);
        assert_eq!(d.original_topic.as_deref(), Some("orders"));
        assert_eq!(d.original_partition, None);
        assert_eq!(d.original_offset, None);
        assert_eq!(d.original_timestamp_ms, Some(1_700_000_000_123));
        assert_eq!(d.error_class, None);
        assert_eq!(d.error_message.as_deref(), Some("ValidationError: amount < 0"));
        assert_eq!(d.replay_value.as_deref(), Some(&br#"{"id":1,"items":[1,2]}"#[..]));
        assert!(d.error_header_names.is_empty());
        assert!(d.replayable());
        assert_eq!(d.error_label(), "ValidationError: amount < 0");
    }

    #[test]
    fn json_wrapper_string_message_is_raw_text() {
        let v = br#"{"originalTopic":"orders","originalMessage":"{\"id\":1}\nline2","error":"x"}"#;
        assert_eq!(decode_v(v).replay_value.as_deref(), Some(&b"{\"id\":1}\nline2"[..]));
    }

    #[test]
    fn json_wrapper_array_and_scalar_messages_are_compact_json() {
        let v = br#"{"originalTopic":"t","originalMessage":[ 1, "a" ,null ]}"#;
        assert_eq!(decode_v(v).replay_value.as_deref(), Some(&br#"[1,"a",null]"#[..]));
        let v = br#"{"originalTopic":"t","originalMessage":42}"#;
        assert_eq!(decode_v(v).replay_value.as_deref(), Some(&b"42"[..]));
        let v = br#"{"originalTopic":"t","originalMessage":true}"#;
        assert_eq!(decode_v(v).replay_value.as_deref(), Some(&b"true"[..]));
    }

    #[test]
    fn json_wrapper_null_message_replays_no_value() {
        let d = decode_v(br#"{"originalTopic":"t","originalMessage":null}"#);
        assert_eq!(d.convention, Convention::JsonWrapper);
        assert_eq!(d.replay_value, None);
        assert!(d.replayable());
    }

    #[test]
    fn json_wrapper_error_object_is_understood() {
        let v = br#"{"originalTopic":"t","originalMessage":"m",
                     "error":{"name":"TypeError","message":"x is undefined","stack":"TypeError: x\n at f"}}"#;
        let d = decode_v(v);
        assert_eq!(d.error_class.as_deref(), Some("TypeError"));
        assert_eq!(d.error_message.as_deref(), Some("x is undefined"));
        assert_eq!(d.stacktrace.as_deref(), Some("TypeError: x\n at f"));
    }

    #[test]
    fn json_wrapper_timestamps() {
        let ts = |t: &str| {
            let v = format!(r#"{{"originalTopic":"t","originalMessage":"m","timestamp":{t}}}"#);
            decode_v(v.as_bytes())
        };
        assert_eq!(ts("1700000000123").original_timestamp_ms, Some(1_700_000_000_123));
        assert_eq!(ts("1700000000123.9").original_timestamp_ms, Some(1_700_000_000_123));
        assert_eq!(ts(r#""1700000000123""#).original_timestamp_ms, Some(1_700_000_000_123));
        assert_eq!(ts(r#""2023-11-14T22:13:20.123Z""#).original_timestamp_ms, Some(1_700_000_000_123));
        assert_eq!(ts("null").original_timestamp_ms, None);
        assert_eq!(ts("-1").original_timestamp_ms, None);
        assert_unknown(&ts("true"), "JSON wrapper field timestamp is not epoch milliseconds");
        assert_unknown(&ts(r#""yesterday""#), "JSON wrapper field timestamp is not epoch milliseconds");
    }

    #[test]
    fn json_wrapper_without_error_labels_unknown() {
        let d = decode_v(br#"{"originalTopic":"t","originalMessage":"m"}"#);
        assert_eq!(d.error_label(), "unknown");
    }

    #[test]
    fn json_wrapper_missing_message_is_unknown() {
        assert_unknown(&decode_v(br#"{"originalTopic":"t","error":"x"}"#), "JSON wrapper has no originalMessage");
    }

    #[test]
    fn json_wrapper_bad_topic_is_unknown() {
        assert_unknown(
            &decode_v(br#"{"originalTopic":42,"originalMessage":"m"}"#),
            "JSON wrapper field originalTopic is not a string",
        );
        assert_unknown(
            &decode_v(br#"{"originalTopic":"","originalMessage":"m"}"#),
            "JSON wrapper field originalTopic is empty",
        );
        assert_unknown(
            &decode_v(br#"{"originalTopic":"a/b","originalMessage":"m"}"#),
            "JSON wrapper field originalTopic is not a legal topic name: \"a/b\"",
        );
    }

    // ---- Unknown ----

    #[test]
    fn plain_record_is_unknown() {
        let d = decode_v(b"just text");
        assert_unknown(&d, "no known DLQ headers and the value is not a JSON wrapper");
        assert_eq!(d.replay_value.as_deref(), Some(&b"just text"[..]));
        assert!(d.error_header_names.is_empty());
        assert_eq!(d.error_label(), "unknown");
    }

    #[test]
    fn other_json_is_unknown() {
        for v in [&br#"{"id":1}"#[..], b"[1,2]", b"\"s\"", b"{", b""] {
            assert_unknown(&decode_v(v), "no known DLQ headers and the value is not a JSON wrapper");
        }
    }

    #[test]
    fn record_without_value_or_headers_is_unknown() {
        let h = Vec::new();
        let d = decode(&rec(&h, None));
        assert_unknown(&d, "no known DLQ headers and the record has no value");
        assert_eq!(d.replay_value, None);
    }

    #[test]
    fn unknown_reason_is_only_set_for_unknown() {
        for d in [decode_h(&spring_full()), decode_h(&connect_full()), decode_h(&streams_full())] {
            assert_ne!(d.convention, Convention::Unknown);
            assert_eq!(d.unknown_reason, None);
        }
    }

    // ---- helpers and presentation ----

    #[test]
    fn error_label_prefers_class_then_first_message_line() {
        let mut d = decode_h(&spring_full());
        assert_eq!(d.error_label(), "java.lang.IllegalStateException");
        d.error_class = None;
        d.error_message = Some("\n  first line  \nsecond".to_owned());
        assert_eq!(d.error_label(), "first line");
        d.error_message = Some("   ".to_owned());
        assert_eq!(d.error_label(), "unknown");
        d.error_message = None;
        assert_eq!(d.error_label(), "unknown");
    }

    #[test]
    fn empty_error_texts_are_none() {
        let h = vec![
            hdr(SPRING_ORIGINAL_TOPIC, "orders"),
            hdr(SPRING_EXCEPTION_FQCN, ""),
            hdr(SPRING_EXCEPTION_MESSAGE, " "),
        ];
        let d = decode_h(&h);
        assert_eq!(d.error_class, None);
        assert_eq!(d.error_message, None);
    }

    #[test]
    fn is_dlq_header_matches_each_convention() {
        for name in [
            SPRING_ORIGINAL_TOPIC,
            "kafka_dlt-something-new",
            "retry_topic-backoff-timestamp",
            CONNECT_STAGE,
            STREAMS_STACKTRACE,
            SMALLRYE_CAUSE_CLASS_NAME,
        ] {
            assert!(is_dlq_header(name), "{name}");
        }
        for name in ["traceparent", "dead-letter-custom", "kafka_receivedTopic", "__connect"] {
            assert!(!is_dlq_header(name), "{name}");
        }
    }

    #[test]
    fn convention_names() {
        let all = [
            Convention::Spring,
            Convention::Connect,
            Convention::Streams,
            Convention::SmallRye,
            Convention::JsonWrapper,
            Convention::Unknown,
        ];
        let json = serde_json::to_string(&all).unwrap();
        assert_eq!(json, r#"["spring","connect","streams","smallrye","json-wrapper","unknown"]"#);
        let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["spring", "connect", "streams", "smallrye", "json-wrapper", "unknown"]);
    }

    #[test]
    fn decoded_serialises_replay_value_as_base64() {
        let d = decode_h(&spring_full());
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["replay_value"], "cGF5bG9hZA==");
        assert_eq!(json["convention"], "spring");
        assert_eq!(json["original_partition"], 3);
        let d = decode_v(br#"{"originalTopic":"t","originalMessage":null}"#);
        assert_eq!(serde_json::to_value(&d).unwrap()["replay_value"], Value::Null);
    }

    // ---- robustness ----

    fn any_header() -> impl Strategy<Value = (String, Option<Vec<u8>>)> {
        let names = prop_oneof![
            Just(SPRING_ORIGINAL_TOPIC.to_owned()),
            Just(SPRING_ORIGINAL_PARTITION.to_owned()),
            Just(SPRING_ORIGINAL_OFFSET.to_owned()),
            Just(SPRING_ORIGINAL_TIMESTAMP.to_owned()),
            Just(SPRING_EXCEPTION_MESSAGE.to_owned()),
            Just(CONNECT_TOPIC.to_owned()),
            Just(CONNECT_PARTITION.to_owned()),
            Just(STREAMS_EXCEPTION.to_owned()),
            Just(STREAMS_TOPIC.to_owned()),
            Just(SMALLRYE_TOPIC.to_owned()),
            Just(SMALLRYE_OFFSET.to_owned()),
            "[a-z_.-]{0,12}",
        ];
        let values = prop_oneof![
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..12)),
            proptest::option::of("[0-9a-z.-]{0,10}".prop_map(String::into_bytes)),
        ];
        (names, values)
    }

    fn any_value() -> impl Strategy<Value = Option<Vec<u8>>> {
        proptest::option::of(prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..40),
            (
                "[a-z.]{0,8}",
                prop_oneof![Just("null"), Just("\"m\""), Just("{\"a\":[1]}"), Just("1.5e3")],
                prop_oneof![Just("1"), Just("\"x\""), Just("-5"), Just("{}"), Just("1e400")],
            )
                .prop_map(|(t, m, ts)| {
                    format!(r#"{{"originalTopic":"{t}","originalMessage":{m},"timestamp":{ts}}}"#).into_bytes()
                }),
        ])
    }

    proptest! {
        #[test]
        fn decode_never_panics_and_is_self_consistent(
            headers in proptest::collection::vec(any_header(), 0..8),
            value in any_value(),
        ) {
            let d = decode(&rec(&headers, value.as_deref()));
            prop_assert_eq!(d.convention == Convention::Unknown, d.unknown_reason.is_some());
            prop_assert_eq!(d.convention == Convention::Unknown, !d.replayable());
            prop_assert!(d.error_header_names.iter().all(|n| is_dlq_header(n)));
            prop_assert!(!d.error_label().is_empty());
            if let Some(t) = &d.original_topic {
                prop_assert!(check_topic("t", t).is_ok());
            }
            prop_assert!(d.original_partition.is_none_or(|p| p >= 0));
            prop_assert!(d.original_offset.is_none_or(|o| o >= 0));
        }
    }
}
