//! What a dead letter decodes to ([`Decoded`], its [`Convention`]) and [`decode`] itself: the
//! header conventions tried in order, then the JSON wrapper (the rules are in [`super`]).

use base64::Engine as _;
use serde::{Serialize, Serializer};

use super::frameworks::decode_headers;
use super::header::*;
use super::wrapper::decode_json_wrapper;

/// A borrowed view of one record read from a dead-letter topic: the same view `tail` renders
/// and filters, so the DLQ commands can use both without copying.
pub type DlqRecord<'a> = crate::record::view::RecordView<'a>;

/// Which dead-letter convention a record follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Convention {
    /// Spring Kafka's `DeadLetterPublishingRecoverer` (`kafka_dlt-*` headers).
    Spring,
    /// Kafka Connect's `errors.deadletterqueue.context.headers.enable` (`__connect.errors.*` headers).
    Connect,
    /// Kafka Streams' dead-letter handler (`__streams.errors.*` headers).
    Streams,
    /// SmallRye Reactive Messaging's dead-letter-queue strategy (`dead-letter-*` headers).
    #[serde(rename = "smallrye")]
    SmallRye,
    /// No DLQ headers; the value is a JSON object wrapping the failed record (`originalTopic`, `originalMessage`, ...).
    JsonWrapper,
    /// Nothing recognised, or a recognised convention with a malformed value; see `Decoded::unknown_reason`.
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
    /// Convention the record was decoded with.
    pub convention: Convention,
    /// Topic the failed record came from; `None` means a replay has nowhere to send it.
    pub original_topic: Option<String>,
    /// Partition of the failed record; `None` when the convention does not record it.
    pub original_partition: Option<i32>,
    /// Offset of the failed record in its partition; `None` when not recorded.
    pub original_offset: Option<i64>,
    /// When the failed record was produced, in epoch milliseconds; `None` when unknown or negative.
    pub original_timestamp_ms: Option<i64>,
    /// Consumer group that failed to process the record; only Spring records it.
    pub consumer_group: Option<String>,
    /// Exception class (Java FQCN, or a JavaScript error name); the root cause when the convention gives one.
    pub error_class: Option<String>,
    /// Error message as written by the failing application, possibly multi-line.
    pub error_message: Option<String>,
    /// Stack trace of the failure, when the convention carries one.
    pub stacktrace: Option<String>,
    /// Set exactly when `convention` is `Unknown`.
    pub unknown_reason: Option<String>,
    /// Value to produce on replay: the record's own value, or the `originalMessage` of a JSON wrapper.
    /// `None` replays as a tombstone (null value).
    #[serde(serialize_with = "serialize_base64")]
    pub replay_value: Option<Vec<u8>>,
    /// Names of the dead-letter headers found on the record (each once, in order); replay strips them.
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

    pub(super) fn new(convention: Convention, rec: &DlqRecord) -> Self {
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
