//! DescribeShareGroupOffsets (API 90) v0 and v1, written by hand from Kafka's own message
//! definitions (`DescribeShareGroupOffsetsRequest.json` / `...Response.json`): the
//! `kafka-protocol` crate has v0 only, and v1 (KIP-1226, Kafka 4.2) is the one that carries each
//! share partition's lag, which is what `lag` and `groups describe` show for a share group.
//!
//! Both versions are flexible (compact strings and arrays, tagged fields). The request is the same
//! in both; the response's partition gains `Lag` (int64, -1 when unknown) after `LeaderEpoch` in
//! v1. Kafka 4.4's generated `DescribeShareGroupOffsetsResponseData` writes the fields in this
//! order (checked with `javap` on kafka-clients-4.4.0.jar); the round trip is tested against a
//! response captured from a 4.4 broker.

use anyhow::{Result, bail};
use bytes::{Buf, BufMut, Bytes};
use kafka_protocol::messages::ApiKey;
use kafka_protocol::protocol::buf::{ByteBuf, ByteBufMut};
use kafka_protocol::protocol::{Decodable, Encodable};

use super::frame::Call;

/// The versions evbus speaks: v1 has the lag, v0 is what Kafka 4.0 and 4.1 answer.
pub const VERSIONS: (i16, i16) = (0, 1);

/// The request: the groups, each with the topics and partitions to describe (`None`: every
/// partition the group has a start offset for).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// Group id → topics (name and partitions), or `None` for all.
    pub groups: Vec<(String, Topics)>,
}

/// The topics (name and partitions) a request asks about; `None`: all of the group's.
pub type Topics = Option<Vec<(String, Vec<i32>)>>;

/// One share partition of the answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Partition {
    /// The partition number.
    pub partition_index: i32,
    /// The share-partition start offset (SPSO); -1 when the group has none here.
    pub start_offset: i64,
    /// The partition leader's epoch the state was written at.
    pub leader_epoch: i32,
    /// v1: the share-partition lag (-1: unknown); v0 answers have none, decoded as -1.
    pub lag: i64,
    /// The partition's error code (0: none).
    pub error_code: i16,
    /// The broker's words for the error.
    pub error_message: Option<String>,
}

/// One topic of the answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Topic {
    /// The topic name.
    pub topic_name: String,
    /// The topic id.
    pub topic_id: [u8; 16],
    /// Its partitions.
    pub partitions: Vec<Partition>,
}

/// One group of the answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    /// The group id.
    pub group_id: String,
    /// Its topics.
    pub topics: Vec<Topic>,
    /// The group's error code (0: none).
    pub error_code: i16,
    /// The broker's words for the error.
    pub error_message: Option<String>,
}

/// The response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    /// How long the broker throttled the request.
    pub throttle_time_ms: i32,
    /// One entry per group asked.
    pub groups: Vec<Group>,
}

impl Call for Request {
    const KEY: ApiKey = ApiKey::DescribeShareGroupOffsets;
    type Response = Response;
}

fn check(version: i16) -> Result<()> {
    if !(VERSIONS.0..=VERSIONS.1).contains(&version) {
        bail!("DescribeShareGroupOffsets v{version} is not supported (v0 and v1 are)");
    }
    Ok(())
}

fn put_uvarint<B: BufMut>(buf: &mut B, mut v: u32) {
    while v >= 0x80 {
        buf.put_u8((v as u8) | 0x80);
        v >>= 7;
    }
    buf.put_u8(v as u8);
}

fn uvarint_len(mut v: u32) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// A compact array's or string's length prefix: N + 1, 0 for null.
fn put_len<B: BufMut>(buf: &mut B, len: Option<usize>) -> Result<()> {
    let n = match len {
        None => 0,
        Some(l) => u32::try_from(l + 1)?,
    };
    put_uvarint(buf, n);
    Ok(())
}

fn put_str<B: BufMut>(buf: &mut B, s: Option<&str>) -> Result<()> {
    put_len(buf, s.map(str::len))?;
    if let Some(s) = s {
        buf.put_slice(s.as_bytes());
    }
    Ok(())
}

fn str_len(s: Option<&str>) -> usize {
    s.map_or(1, |s| uvarint_len(u32::try_from(s.len() + 1).unwrap_or(u32::MAX)) + s.len())
}

fn get_uvarint<B: Buf>(buf: &mut B) -> Result<u32> {
    let mut v: u32 = 0;
    for shift in (0..35).step_by(7) {
        if !buf.has_remaining() {
            bail!("truncated varint");
        }
        let b = buf.get_u8();
        v |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    bail!("varint longer than 5 bytes")
}

/// A compact length: `None` for null.
fn get_len<B: Buf>(buf: &mut B) -> Result<Option<usize>> {
    let n = get_uvarint(buf)?;
    Ok(n.checked_sub(1).map(|n| n as usize))
}

fn need<B: Buf>(buf: &B, n: usize) -> Result<()> {
    if buf.remaining() < n {
        bail!("truncated: {n} bytes needed, {} left", buf.remaining());
    }
    Ok(())
}

fn get_str<B: Buf>(buf: &mut B) -> Result<Option<String>> {
    let Some(len) = get_len(buf)? else { return Ok(None) };
    need(buf, len)?;
    let mut v = vec![0u8; len];
    buf.copy_to_slice(&mut v);
    Ok(Some(String::from_utf8(v)?))
}

fn get_string<B: Buf>(buf: &mut B, what: &str) -> Result<String> {
    get_str(buf)?.ok_or_else(|| anyhow::anyhow!("null {what}"))
}

/// An array's length; a null array (never sent in the response) reads as empty.
fn get_array_len<B: Buf>(buf: &mut B) -> Result<usize> {
    let n = get_len(buf)?.unwrap_or(0);
    // Each element takes at least a byte: a larger count is a misread stream.
    need(buf, n)?;
    Ok(n)
}

/// Tagged fields: none are defined in either version, so they are skipped.
fn skip_tags<B: Buf>(buf: &mut B) -> Result<()> {
    for _ in 0..get_uvarint(buf)? {
        let _tag = get_uvarint(buf)?;
        let size = get_uvarint(buf)? as usize;
        need(buf, size)?;
        buf.advance(size);
    }
    Ok(())
}

impl Encodable for Request {
    fn encode<B: ByteBufMut>(&self, buf: &mut B, version: i16) -> Result<()> {
        check(version)?;
        put_len(buf, Some(self.groups.len()))?;
        for (group, topics) in &self.groups {
            put_str(buf, Some(group))?;
            put_len(buf, topics.as_ref().map(Vec::len))?;
            for (topic, partitions) in topics.iter().flatten() {
                put_str(buf, Some(topic))?;
                put_len(buf, Some(partitions.len()))?;
                for p in partitions {
                    buf.put_i32(*p);
                }
                put_uvarint(buf, 0);
            }
            put_uvarint(buf, 0);
        }
        put_uvarint(buf, 0);
        Ok(())
    }

    fn compute_size(&self, version: i16) -> Result<usize> {
        check(version)?;
        let len = |n: usize| uvarint_len(u32::try_from(n + 1).unwrap_or(u32::MAX));
        let mut n = len(self.groups.len()) + 1;
        for (group, topics) in &self.groups {
            n += str_len(Some(group)) + topics.as_ref().map_or(1, |t| len(t.len())) + 1;
            for (topic, partitions) in topics.iter().flatten() {
                n += str_len(Some(topic)) + len(partitions.len()) + 4 * partitions.len() + 1;
            }
        }
        Ok(n)
    }
}

impl Response {
    /// The answer's bytes at `version` (for the tests' round trip, and a fake broker).
    pub fn to_bytes(&self, version: i16) -> Result<Bytes> {
        check(version)?;
        let mut b = bytes::BytesMut::new();
        b.put_i32(self.throttle_time_ms);
        put_len(&mut b, Some(self.groups.len()))?;
        for g in &self.groups {
            put_str(&mut b, Some(&g.group_id))?;
            put_len(&mut b, Some(g.topics.len()))?;
            for t in &g.topics {
                put_str(&mut b, Some(&t.topic_name))?;
                b.put_slice(&t.topic_id);
                put_len(&mut b, Some(t.partitions.len()))?;
                for p in &t.partitions {
                    b.put_i32(p.partition_index);
                    b.put_i64(p.start_offset);
                    b.put_i32(p.leader_epoch);
                    if version >= 1 {
                        b.put_i64(p.lag);
                    }
                    b.put_i16(p.error_code);
                    put_str(&mut b, p.error_message.as_deref())?;
                    put_uvarint(&mut b, 0);
                }
                put_uvarint(&mut b, 0);
            }
            b.put_i16(g.error_code);
            put_str(&mut b, g.error_message.as_deref())?;
            put_uvarint(&mut b, 0);
        }
        put_uvarint(&mut b, 0);
        Ok(b.freeze())
    }
}

impl Decodable for Response {
    fn decode<B: ByteBuf>(buf: &mut B, version: i16) -> Result<Self> {
        check(version)?;
        need(buf, 4)?;
        let throttle_time_ms = buf.get_i32();
        let mut groups = Vec::new();
        for _ in 0..get_array_len(buf)? {
            let group_id = get_string(buf, "group id")?;
            let mut topics = Vec::new();
            for _ in 0..get_array_len(buf)? {
                let topic_name = get_string(buf, "topic name")?;
                need(buf, 16)?;
                let mut topic_id = [0u8; 16];
                buf.copy_to_slice(&mut topic_id);
                let mut partitions = Vec::new();
                for _ in 0..get_array_len(buf)? {
                    need(buf, if version >= 1 { 26 } else { 18 })?;
                    let partition_index = buf.get_i32();
                    let start_offset = buf.get_i64();
                    let leader_epoch = buf.get_i32();
                    let lag = if version >= 1 { buf.get_i64() } else { -1 };
                    let error_code = buf.get_i16();
                    let error_message = get_str(buf)?;
                    skip_tags(buf)?;
                    partitions.push(Partition {
                        partition_index,
                        start_offset,
                        leader_epoch,
                        lag,
                        error_code,
                        error_message,
                    });
                }
                skip_tags(buf)?;
                topics.push(Topic { topic_name, topic_id, partitions });
            }
            need(buf, 2)?;
            let error_code = buf.get_i16();
            let error_message = get_str(buf)?;
            skip_tags(buf)?;
            groups.push(Group { group_id, topics, error_code, error_message });
        }
        skip_tags(buf)?;
        Ok(Response { throttle_time_ms, groups })
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use kafka_protocol::messages::DescribeShareGroupOffsetsRequest;
    use kafka_protocol::messages::describe_share_group_offsets_request::{
        DescribeShareGroupOffsetsRequestGroup, DescribeShareGroupOffsetsRequestTopic,
    };
    use kafka_protocol::protocol::StrBytes;

    use super::*;

    /// DescribeShareGroupOffsets response bodies (after the response header) captured once from
    /// Apache Kafka 4.4.0: share group `evbus-share-fixture` on the 2-partition topic of that
    /// name, after Kafka's console share consumer read 3 of the 5 records of partition 0
    /// (`kafka-share-groups --describe --offsets` said: p0 start 3 lag 2, p1 `-` `-`).
    const CAPTURED_V1: &str = include_str!("fixtures/describe_share_group_offsets_v1.hex");
    const CAPTURED_V0: &str = include_str!("fixtures/describe_share_group_offsets_v0.hex");

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(char::is_ascii_hexdigit).collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn the_request_encodes_as_the_crates_v0_does() {
        // The request did not change in v1: the crate's v0 encoder is the reference.
        let ours = Request { groups: vec![("g".into(), Some(vec![("t".into(), vec![0, 2])])), ("h".into(), None)] };
        let theirs = DescribeShareGroupOffsetsRequest::default().with_groups(vec![
            DescribeShareGroupOffsetsRequestGroup::default()
                .with_group_id(StrBytes::from_static_str("g").into())
                .with_topics(Some(vec![
                    DescribeShareGroupOffsetsRequestTopic::default()
                        .with_topic_name(StrBytes::from_static_str("t").into())
                        .with_partitions(vec![0, 2]),
                ])),
            DescribeShareGroupOffsetsRequestGroup::default()
                .with_group_id(StrBytes::from_static_str("h").into())
                .with_topics(None),
        ]);
        let (mut a, mut b) = (BytesMut::new(), BytesMut::new());
        ours.encode(&mut a, 1).unwrap();
        theirs.encode(&mut b, 0).unwrap();
        assert_eq!(a, b);
        assert_eq!(ours.compute_size(1).unwrap(), a.len());
        assert!(ours.encode(&mut a, 2).is_err());
    }

    #[test]
    fn a_captured_v1_response_round_trips_with_its_lag() {
        let bytes = Bytes::from(unhex(CAPTURED_V1));
        let r = Response::decode(&mut bytes.clone(), 1).unwrap();
        assert_eq!(r.groups.len(), 1);
        let g = &r.groups[0];
        assert_eq!((g.group_id.as_str(), g.error_code), ("evbus-share-fixture", 0));
        let t = &g.topics[0];
        assert_eq!(t.topic_name, "evbus-share-fixture");
        let got: Vec<(i32, i64, i64, i16)> =
            t.partitions.iter().map(|p| (p.partition_index, p.start_offset, p.lag, p.error_code)).collect();
        // Partition 1 has no share state yet: start offset and lag -1, as Kafka's tool shows `-`.
        assert_eq!(got, [(0, 3, 2, 0), (1, -1, -1, 0)]);
        assert_eq!(r.to_bytes(1).unwrap(), bytes, "re-encoded byte for byte");
    }

    #[test]
    fn a_captured_v0_response_decodes_as_the_crate_does_and_round_trips() {
        let bytes = Bytes::from(unhex(CAPTURED_V0));
        let r = Response::decode(&mut bytes.clone(), 0).unwrap();
        let theirs =
            kafka_protocol::messages::DescribeShareGroupOffsetsResponse::decode(&mut bytes.clone(), 0).unwrap();
        let ours: Vec<(i32, i64, i64)> =
            r.groups[0].topics[0].partitions.iter().map(|p| (p.partition_index, p.start_offset, p.lag)).collect();
        let crate_view: Vec<(i32, i64, i64)> =
            theirs.groups[0].topics[0].partitions.iter().map(|p| (p.partition_index, p.start_offset, -1)).collect();
        assert_eq!(ours, crate_view);
        assert_eq!(ours, [(0, 3, -1), (1, -1, -1)], "no lag in v0");
        assert_eq!(r.to_bytes(0).unwrap(), bytes);
        // The same answer at v1 is the v0 one with 8 bytes of lag per partition.
        assert_eq!(Bytes::from(unhex(CAPTURED_V1)).len(), bytes.len() + 16);
    }

    #[test]
    fn a_v0_response_has_no_lag_and_matches_the_crates_decoder() {
        let ours = Response {
            throttle_time_ms: 0,
            groups: vec![Group {
                group_id: "g".into(),
                topics: vec![Topic {
                    topic_name: "t".into(),
                    topic_id: [7; 16],
                    partitions: vec![Partition {
                        partition_index: 1,
                        start_offset: 40,
                        leader_epoch: 0,
                        lag: -1,
                        ..Default::default()
                    }],
                }],
                ..Default::default()
            }],
        };
        let bytes = ours.to_bytes(0).unwrap();
        assert_eq!(Response::decode(&mut bytes.clone(), 0).unwrap(), ours);
        let theirs =
            kafka_protocol::messages::DescribeShareGroupOffsetsResponse::decode(&mut bytes.clone(), 0).unwrap();
        let p = &theirs.groups[0].topics[0].partitions[0];
        assert_eq!((p.partition_index, p.start_offset), (1, 40));
        // The same partition at v1 is 8 bytes longer (the lag).
        assert_eq!(ours.to_bytes(1).unwrap().len(), bytes.len() + 8);
    }

    #[test]
    fn a_truncated_or_absurd_response_is_an_error_not_a_panic() {
        let bytes = Bytes::from(unhex(CAPTURED_V1));
        for cut in 0..bytes.len() {
            assert!(Response::decode(&mut bytes.slice(..cut), 1).is_err(), "cut at {cut}");
        }
        // A group count of 2^28 with nothing after it.
        let absurd = Bytes::from_static(&[0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x01]);
        assert!(Response::decode(&mut absurd.clone(), 1).is_err());
    }
}
