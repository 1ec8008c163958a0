//! The StreamsGroupDescribe message (API 89, KIP-1071), coded by hand from Kafka's own
//! definitions (`clients/src/main/resources/common/message/StreamsGroupDescribe{Request,Response}.json`)
//! because the `kafka-protocol` 0.18 crate has no such API. Only version 0 is spoken: it has
//! every field evbus shows (v1 only adds the optional topology description of KIP-1331).
//!
//! Every field is in the JSON's order; the message is "flexible" (compact strings and arrays,
//! tagged fields after every struct). Tagged fields evbus does not know are kept as bytes so a
//! decoded answer encodes back to the same bytes (the round-trip test against a captured broker
//! answer checks that).

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use bytes::{Buf, BufMut, Bytes};
use kafka_protocol::protocol::buf::{ByteBuf, ByteBufMut};
use kafka_protocol::protocol::{Decodable, Encodable};

use super::frame::Exchange;
use super::versions::STREAMS_GROUP_DESCRIBE;

/// A value as it is written in a flexible message.
trait Wire: Sized {
    fn read<B: Buf>(b: &mut B) -> Result<Self>;
    fn write<B: BufMut>(&self, out: &mut B);
}

fn need<B: Buf>(b: &B, n: usize) -> Result<()> {
    if b.remaining() < n {
        bail!("the message ends early ({} byte(s) left, {n} needed)", b.remaining());
    }
    Ok(())
}

fn read_uvarint<B: Buf>(b: &mut B) -> Result<u32> {
    let mut v: u32 = 0;
    for shift in (0..35).step_by(7) {
        need(b, 1)?;
        let byte = b.get_u8();
        v |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    bail!("a varint longer than 5 bytes")
}

fn write_uvarint<B: BufMut>(out: &mut B, mut v: u32) {
    while v >= 0x80 {
        out.put_u8((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.put_u8(v as u8);
}

/// A compact length (stored + 1; 0 is null), `None` for null.
fn read_len<B: Buf>(b: &mut B) -> Result<Option<usize>> {
    let n = read_uvarint(b)?;
    Ok(n.checked_sub(1).map(|n| n as usize))
}

fn write_len<B: BufMut>(out: &mut B, len: Option<usize>) {
    write_uvarint(out, len.map_or(0, |l| u32::try_from(l + 1).unwrap_or(u32::MAX)));
}

macro_rules! int_wire {
    ($($t:ty: $get:ident, $put:ident;)*) => {$(
        impl Wire for $t {
            fn read<B: Buf>(b: &mut B) -> Result<Self> {
                need(b, size_of::<$t>())?;
                Ok(b.$get())
            }
            fn write<B: BufMut>(&self, out: &mut B) {
                out.$put(*self);
            }
        }
    )*};
}

int_wire! {
    i16: get_i16, put_i16;
    i32: get_i32, put_i32;
    i64: get_i64, put_i64;
    u16: get_u16, put_u16;
}

impl Wire for bool {
    fn read<B: Buf>(b: &mut B) -> Result<Self> {
        need(b, 1)?;
        Ok(b.get_u8() != 0)
    }
    fn write<B: BufMut>(&self, out: &mut B) {
        out.put_u8(u8::from(*self));
    }
}

impl Wire for Option<String> {
    fn read<B: Buf>(b: &mut B) -> Result<Self> {
        let Some(n) = read_len(b)? else { return Ok(None) };
        need(b, n)?;
        let bytes = b.copy_to_bytes(n);
        // Kafka writes UTF-8; a name that is not is shown with replacement characters.
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }
    fn write<B: BufMut>(&self, out: &mut B) {
        write_len(out, self.as_ref().map(String::len));
        if let Some(s) = self {
            out.put_slice(s.as_bytes());
        }
    }
}

impl Wire for String {
    fn read<B: Buf>(b: &mut B) -> Result<Self> {
        match Option::<String>::read(b)? {
            Some(s) => Ok(s),
            None => bail!("a null string where the message has none"),
        }
    }
    fn write<B: BufMut>(&self, out: &mut B) {
        write_len(out, Some(self.len()));
        out.put_slice(self.as_bytes());
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn read<B: Buf>(b: &mut B) -> Result<Self> {
        let Some(n) = read_len(b)? else { bail!("a null array where the message has none") };
        // Every element is at least one byte: a length beyond what is left is a misread.
        need(b, n)?;
        (0..n).map(|_| T::read(b)).collect()
    }
    fn write<B: BufMut>(&self, out: &mut B) {
        write_len(out, Some(self.len()));
        for v in self {
            v.write(out);
        }
    }
}

/// A nullable struct: a byte, -1 for null or 1 before the struct.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Nullable<T>(pub Option<T>);

impl<T: Wire> Wire for Nullable<T> {
    fn read<B: Buf>(b: &mut B) -> Result<Self> {
        need(b, 1)?;
        match b.get_i8() {
            -1 => Ok(Nullable(None)),
            _ => Ok(Nullable(Some(T::read(b)?))),
        }
    }
    fn write<B: BufMut>(&self, out: &mut B) {
        match &self.0 {
            None => out.put_i8(-1),
            Some(v) => {
                out.put_i8(1);
                v.write(out);
            }
        }
    }
}

/// The tagged fields after a struct, kept as they came: none of version 0's are known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(pub BTreeMap<u32, Bytes>);

impl Wire for Tags {
    fn read<B: Buf>(b: &mut B) -> Result<Self> {
        let mut tags = BTreeMap::new();
        for _ in 0..read_uvarint(b)? {
            let tag = read_uvarint(b)?;
            let size = read_uvarint(b)? as usize;
            need(b, size)?;
            tags.insert(tag, b.copy_to_bytes(size));
        }
        Ok(Tags(tags))
    }
    fn write<B: BufMut>(&self, out: &mut B) {
        write_uvarint(out, u32::try_from(self.0.len()).unwrap_or(u32::MAX));
        for (tag, v) in &self.0 {
            write_uvarint(out, *tag);
            write_uvarint(out, u32::try_from(v.len()).unwrap_or(u32::MAX));
            out.put_slice(v);
        }
    }
}

/// A struct of the message: its fields in order, then its tagged fields.
macro_rules! wire_struct {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $f:ident: $t:ty,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        #[allow(missing_docs, reason = "fields are named as in Kafka's message JSON, which documents them")]
        pub struct $name {
            $($(#[$fm])* pub $f: $t,)*
            /// Tagged fields evbus does not know.
            pub tags: Tags,
        }
        impl Wire for $name {
            fn read<B: Buf>(b: &mut B) -> Result<Self> {
                Ok($name { $($f: <$t>::read(b)?,)* tags: Tags::read(b)? })
            }
            fn write<B: BufMut>(&self, out: &mut B) {
                $(self.$f.write(out);)*
                self.tags.write(out);
            }
        }
    };
}

wire_struct!(
    /// StreamsGroupDescribeRequest v0.
    StreamsGroupDescribeRequest {
        group_ids: Vec<String>,
        include_authorized_operations: bool,
    }
);

wire_struct!(
    /// StreamsGroupDescribeResponse v0.
    StreamsGroupDescribeResponse {
        throttle_time_ms: i32,
        groups: Vec<DescribedGroup>,
    }
);

wire_struct!(
    /// One group of the answer.
    DescribedGroup {
        error_code: i16,
        error_message: Option<String>,
        group_id: String,
        group_state: String,
        group_epoch: i32,
        assignment_epoch: i32,
        /// Null when the group could not be described.
        topology: Nullable<Topology>,
        members: Vec<Member>,
        authorized_operations: i32,
    }
);

wire_struct!(
    /// The topology the group's members agreed on.
    Topology {
        epoch: i32,
        /// Null while the group is not initialized, or its source topics are missing or
        /// partitioned wrongly.
        subtopologies: NullableVec<Subtopology>,
    }
);

wire_struct!(
    /// One subtopology: which topics it reads and writes.
    Subtopology {
        subtopology_id: String,
        source_topics: Vec<String>,
        repartition_sink_topics: Vec<String>,
        state_changelog_topics: Vec<TopicInfo>,
        repartition_source_topics: Vec<TopicInfo>,
    }
);

wire_struct!(
    /// An internal topic the group needs (created by the broker for it).
    TopicInfo {
        name: String,
        /// 0 when not fixed (always for changelogs).
        partitions: i32,
        replication_factor: i16,
        topic_configs: Vec<KeyValue>,
    }
);

wire_struct!(
    /// A key and its value.
    KeyValue {
        key: String,
        value: String,
    }
);

wire_struct!(
    /// One member (a stream thread) of the group.
    Member {
        member_id: String,
        member_epoch: i32,
        instance_id: Option<String>,
        rack_id: Option<String>,
        client_id: String,
        client_host: String,
        topology_epoch: i32,
        /// The Kafka Streams instance (process) the thread belongs to.
        process_id: String,
        user_endpoint: Nullable<Endpoint>,
        client_tags: Vec<KeyValue>,
        task_offsets: Vec<TaskOffset>,
        task_end_offsets: Vec<TaskOffset>,
        assignment: Assignment,
        target_assignment: Assignment,
        is_classic: bool,
    }
);

wire_struct!(
    /// The interactive-queries endpoint of a member.
    Endpoint {
        host: String,
        port: u16,
    }
);

wire_struct!(
    /// A changelog offset of one task.
    TaskOffset {
        subtopology_id: String,
        partition: i32,
        offset: i64,
    }
);

wire_struct!(
    /// The tasks of a member.
    Assignment {
        active_tasks: Vec<TaskIds>,
        standby_tasks: Vec<TaskIds>,
        warmup_tasks: Vec<TaskIds>,
    }
);

wire_struct!(
    /// The tasks of one subtopology: one per partition of its input topics.
    TaskIds {
        subtopology_id: String,
        partitions: Vec<i32>,
    }
);

/// A nullable array (compact length 0 is null).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NullableVec<T>(pub Option<Vec<T>>);

impl<T: Wire> Wire for NullableVec<T> {
    fn read<B: Buf>(b: &mut B) -> Result<Self> {
        let Some(n) = read_len(b)? else { return Ok(NullableVec(None)) };
        need(b, n)?;
        Ok(NullableVec(Some((0..n).map(|_| T::read(b)).collect::<Result<_>>()?)))
    }
    fn write<B: BufMut>(&self, out: &mut B) {
        write_len(out, self.0.as_ref().map(Vec::len));
        for v in self.0.iter().flatten() {
            v.write(out);
        }
    }
}

/// Refuses every version but 0, the only one coded here.
fn only_v0(version: i16) -> Result<()> {
    if version != 0 {
        bail!("evbus codes StreamsGroupDescribe v0 only (asked for v{version})");
    }
    Ok(())
}

impl Encodable for StreamsGroupDescribeRequest {
    fn encode<B: ByteBufMut>(&self, buf: &mut B, version: i16) -> Result<()> {
        only_v0(version)?;
        self.write(buf);
        Ok(())
    }
    fn compute_size(&self, version: i16) -> Result<usize> {
        only_v0(version)?;
        let mut v = Vec::new();
        self.write(&mut v);
        Ok(v.len())
    }
}

impl Decodable for StreamsGroupDescribeResponse {
    fn decode<B: ByteBuf>(buf: &mut B, version: i16) -> Result<Self> {
        only_v0(version)?;
        Self::read(buf)
    }
}

impl StreamsGroupDescribeResponse {
    /// The message as a broker writes it (for the round-trip test).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.write(&mut v);
        v
    }
}

impl Exchange for StreamsGroupDescribeRequest {
    const API_KEY: i16 = STREAMS_GROUP_DESCRIBE;
    type Reply = StreamsGroupDescribeResponse;
    fn name() -> String {
        "StreamsGroupDescribe".into()
    }
    // Flexible from v0: request header v2, response header v1.
    fn request_header_version(_: i16) -> i16 {
        2
    }
    fn response_header_version(_: i16) -> i16 {
        1
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;

    use super::*;
    use crate::kafka::wire::frame;

    /// A StreamsGroupDescribe v0 answer of Apache Kafka 4.4.0 (response header included, size
    /// prefix not), for groups `app1` (a running Kafka Streams app with two subtopologies and
    /// one member) and `nosuch`, asked with correlation id 7.
    const CAPTURED: &str = include_str!("../../../tests/fixtures/wire/streams_group_describe_v0.hex");

    fn captured() -> Bytes {
        let hex = CAPTURED.trim();
        let bytes: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        Bytes::from(bytes)
    }

    #[test]
    fn a_captured_broker_answer_decodes_and_encodes_back_to_the_same_bytes() {
        let body = captured();
        let r = frame::decode::<StreamsGroupDescribeRequest>(body.clone(), 0, 7).unwrap();
        assert_eq!(r.groups.len(), 2);
        let g = &r.groups[0];
        assert_eq!((g.error_code, g.group_id.as_str(), g.group_state.as_str()), (0, "app1", "Stable"));
        assert_eq!((g.group_epoch, g.assignment_epoch), (3, 3));
        let topo = g.topology.0.as_ref().unwrap();
        let subs = topo.subtopologies.0.as_ref().unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].source_topics, ["in1"]);
        assert_eq!(subs[0].repartition_sink_topics, ["app1-counts-repartition"]);
        assert_eq!(subs[1].state_changelog_topics[0].name, "app1-counts-changelog");
        assert_eq!(subs[1].repartition_source_topics[0].name, "app1-counts-repartition");
        assert_eq!(subs[1].repartition_source_topics[0].partitions, 3);
        assert_eq!(g.members.len(), 1);
        let m = &g.members[0];
        assert_eq!(m.client_id, "app1-client-StreamThread-1-consumer");
        assert_eq!(m.client_host, "/127.0.0.1");
        assert_eq!(m.process_id, "80cabcda-c9ab-46aa-a957-95112de3da0b");
        let active: Vec<(&str, &[i32])> =
            m.assignment.active_tasks.iter().map(|t| (t.subtopology_id.as_str(), &t.partitions[..])).collect();
        assert_eq!(active, [("0", &[0, 1, 2][..]), ("1", &[0, 1, 2][..])]);
        assert!(m.assignment.standby_tasks.is_empty() && m.user_endpoint.0.is_none());
        let missing = &r.groups[1];
        assert_eq!((missing.error_code, missing.group_id.as_str()), (69, "nosuch"));
        assert_eq!(missing.error_message.as_deref(), Some("Group nosuch not found."));
        assert!(missing.topology.0.is_none());

        // Back to the same bytes (after the 5-byte response header: correlation id, no tags).
        assert_eq!(r.to_bytes(), &body[5..]);
    }

    #[test]
    fn a_request_is_framed_as_kafka_writes_it() {
        let req = StreamsGroupDescribeRequest { group_ids: vec!["app1".into()], ..Default::default() };
        let f = frame::encode(&req, 0, 3).unwrap();
        let mut b = &f[4..];
        assert_eq!((b.get_i16(), b.get_i16(), b.get_i32()), (89, 0, 3));
        assert_eq!(b.get_i16(), 5);
        b.advance(5);
        // Header tags, then: one group id (compact array of 1, compact string "app1"), false, no tags.
        assert_eq!(b, [0, 2, 5, b'a', b'p', b'p', b'1', 0, 0]);
        assert!(frame::encode(&req, 1, 3).unwrap_err().contains("v0 only"));
    }

    #[test]
    fn a_truncated_or_lying_answer_is_an_error_not_a_panic() {
        let body = captured();
        for cut in [6, 20, 100, body.len() - 1] {
            let e = frame::decode::<StreamsGroupDescribeRequest>(body.slice(..cut), 0, 7).unwrap_err();
            assert!(e.contains("cannot decode"), "{e}");
        }
        // An array claiming far more elements than bytes are left.
        let mut lying = BytesMut::from(&body[..9]);
        lying.put_slice(&[0xff, 0xff, 0xff, 0x7f]);
        assert!(frame::decode::<StreamsGroupDescribeRequest>(lying.freeze(), 0, 7).is_err());
    }
}
