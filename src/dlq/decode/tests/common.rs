//! What the decoding tests share: records with given headers and value, and what an unknown
//! record looks like.

use super::*;

pub(super) type Hdrs = Vec<(String, Option<Vec<u8>>)>;

pub(super) fn hdr(name: &str, value: impl AsRef<[u8]>) -> (String, Option<Vec<u8>>) {
    (name.to_owned(), Some(value.as_ref().to_vec()))
}

pub(super) fn null_hdr(name: &str) -> (String, Option<Vec<u8>>) {
    (name.to_owned(), None)
}

pub(super) fn rec<'a>(headers: &'a Hdrs, value: Option<&'a [u8]>) -> DlqRecord<'a> {
    DlqRecord {
        topic: "orders.DLT",
        partition: 0,
        offset: 7,
        timestamp_ms: Some(1_700_000_000_000),
        timestamp_type: Some(crate::record::view::TimestampType::CreateTime),
        key: Some(b"k1"),
        value,
        headers,
    }
}

pub(super) fn decode_h(headers: &Hdrs) -> Decoded {
    decode(&rec(headers, Some(b"payload")))
}

pub(super) fn assert_unknown(d: &Decoded, reason: &str) {
    assert_eq!(d.convention, Convention::Unknown, "{d:?}");
    assert_eq!(d.unknown_reason.as_deref(), Some(reason), "{d:?}");
    assert!(!d.replayable());
    assert_eq!(d.original_topic, None);
}
