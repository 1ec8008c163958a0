//! The header conventions (Spring, Connect, Kafka Streams, SmallRye): which header holds what,
//! which copy counts, and how each one names the error.

use super::fields::{Headers, Pick};
use super::header::*;
use super::{Convention, Decoded, DlqRecord};

pub(super) fn decode_headers(convention: Convention, rec: &DlqRecord) -> Result<Decoded, String> {
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
