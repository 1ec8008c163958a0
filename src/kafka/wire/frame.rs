//! Kafka's request and response framing, without I/O: a request is a 4-byte size, a request
//! header (api key, version, correlation id, client id; header v1 or v2 as the API's version
//! requires) and the message; a response is a size, a response header (v0 or v1) and the message.
//! Kept apart from the socket so the round trip is unit-tested byte for byte.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::{
    AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse, AlterShareGroupOffsetsRequest,
    AlterShareGroupOffsetsResponse, ApiKey, ApiVersionsRequest, ApiVersionsResponse, DeleteGroupsRequest,
    DeleteGroupsResponse, DeleteShareGroupOffsetsRequest, DeleteShareGroupOffsetsResponse, DescribeConfigsRequest,
    DescribeConfigsResponse, DescribeLogDirsRequest, DescribeLogDirsResponse, DescribeQuorumRequest,
    DescribeQuorumResponse, DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse, ElectLeadersRequest,
    ElectLeadersResponse, FindCoordinatorRequest, FindCoordinatorResponse, IncrementalAlterConfigsRequest,
    IncrementalAlterConfigsResponse, ListGroupsRequest, ListGroupsResponse, ListPartitionReassignmentsRequest,
    ListPartitionReassignmentsResponse, MetadataRequest, MetadataResponse, RequestHeader, ResponseHeader,
    ShareGroupDescribeRequest, ShareGroupDescribeResponse,
};
use kafka_protocol::protocol::{Decodable, Encodable, StrBytes};

/// The client id evbus sends on every request (brokers log it, quotas may key on it).
pub const CLIENT_ID: &str = "evbus";

/// A request evbus sends on this path: the crate's message, its API key and its response.
/// (The crate's own `Request` trait needs its broker half too, which evbus does not build.)
pub trait Call: Encodable {
    /// The API this request belongs to.
    const KEY: ApiKey;
    /// What the broker answers.
    type Response: Decodable;
}

/// What the framing and version negotiation need of a request: every [`Call`] has it (from the
/// crate's [`ApiKey`]), and so do the messages evbus codes itself because the crate lacks their
/// API (see [`super::streams_codec`]), which cannot name an `ApiKey`.
pub trait Exchange: Encodable {
    /// The API's number on the wire.
    const API_KEY: i16;
    /// What the broker answers.
    type Reply: Decodable;
    /// The API's name, for errors.
    fn name() -> String;
    /// The request header version `version` of this API uses.
    fn request_header_version(version: i16) -> i16;
    /// The response header version `version` of this API uses.
    fn response_header_version(version: i16) -> i16;
}

impl<C: Call> Exchange for C {
    const API_KEY: i16 = C::KEY as i16;
    type Reply = C::Response;
    fn name() -> String {
        format!("{:?}", C::KEY)
    }
    fn request_header_version(version: i16) -> i16 {
        C::KEY.request_header_version(version)
    }
    fn response_header_version(version: i16) -> i16 {
        C::KEY.response_header_version(version)
    }
}

impl Call for ApiVersionsRequest {
    const KEY: ApiKey = ApiKey::ApiVersions;
    type Response = ApiVersionsResponse;
}

impl Call for DescribeConfigsRequest {
    const KEY: ApiKey = ApiKey::DescribeConfigs;
    type Response = DescribeConfigsResponse;
}

impl Call for DescribeQuorumRequest {
    const KEY: ApiKey = ApiKey::DescribeQuorum;
    type Response = DescribeQuorumResponse;
}

impl Call for FindCoordinatorRequest {
    const KEY: ApiKey = ApiKey::FindCoordinator;
    type Response = FindCoordinatorResponse;
}

impl Call for ListGroupsRequest {
    const KEY: ApiKey = ApiKey::ListGroups;
    type Response = ListGroupsResponse;
}

impl Call for DescribeTopicPartitionsRequest {
    const KEY: ApiKey = ApiKey::DescribeTopicPartitions;
    type Response = DescribeTopicPartitionsResponse;
}

impl Call for DescribeLogDirsRequest {
    const KEY: ApiKey = ApiKey::DescribeLogDirs;
    type Response = DescribeLogDirsResponse;
}

impl Call for ShareGroupDescribeRequest {
    const KEY: ApiKey = ApiKey::ShareGroupDescribe;
    type Response = ShareGroupDescribeResponse;
}

impl Call for AlterShareGroupOffsetsRequest {
    const KEY: ApiKey = ApiKey::AlterShareGroupOffsets;
    type Response = AlterShareGroupOffsetsResponse;
}

impl Call for DeleteShareGroupOffsetsRequest {
    const KEY: ApiKey = ApiKey::DeleteShareGroupOffsets;
    type Response = DeleteShareGroupOffsetsResponse;
}

impl Call for DeleteGroupsRequest {
    const KEY: ApiKey = ApiKey::DeleteGroups;
    type Response = DeleteGroupsResponse;
}

impl Call for MetadataRequest {
    const KEY: ApiKey = ApiKey::Metadata;
    type Response = MetadataResponse;
}

impl Call for AlterPartitionReassignmentsRequest {
    const KEY: ApiKey = ApiKey::AlterPartitionReassignments;
    type Response = AlterPartitionReassignmentsResponse;
}

impl Call for ListPartitionReassignmentsRequest {
    const KEY: ApiKey = ApiKey::ListPartitionReassignments;
    type Response = ListPartitionReassignmentsResponse;
}

impl Call for ElectLeadersRequest {
    const KEY: ApiKey = ApiKey::ElectLeaders;
    type Response = ElectLeadersResponse;
}

impl Call for IncrementalAlterConfigsRequest {
    const KEY: ApiKey = ApiKey::IncrementalAlterConfigs;
    type Response = IncrementalAlterConfigsResponse;
}

/// The whole frame of `req` at `version`, size prefix included.
pub fn encode<C: Exchange>(req: &C, version: i16, correlation_id: i32) -> Result<BytesMut, String> {
    let header = RequestHeader::default()
        .with_request_api_key(C::API_KEY)
        .with_request_api_version(version)
        .with_correlation_id(correlation_id)
        .with_client_id(Some(StrBytes::from_static_str(CLIENT_ID)));
    let mut buf = BytesMut::new();
    buf.put_i32(0);
    header
        .encode(&mut buf, C::request_header_version(version))
        .and_then(|()| req.encode(&mut buf, version))
        .map_err(|e| format!("cannot encode {} v{version}: {e}", C::name()))?;
    let size = i32::try_from(buf.len() - 4).map_err(|_| format!("{} request too large", C::name()))?;
    buf[..4].copy_from_slice(&size.to_be_bytes());
    Ok(buf)
}

/// The size a frame's 4-byte prefix announces, refused when negative or beyond `max`.
pub fn frame_size(prefix: [u8; 4], max: usize) -> Result<usize, String> {
    let size = i32::from_be_bytes(prefix);
    usize::try_from(size)
        .ok()
        .filter(|s| *s <= max)
        .ok_or_else(|| format!("the broker sent a frame of {size} bytes (not a Kafka response, or a TLS listener?)"))
}

/// The response to a request of `C` at `version` from a frame's body (after the size), checked
/// to answer `correlation_id`.
pub fn decode<C: Exchange>(mut body: Bytes, version: i16, correlation_id: i32) -> Result<C::Reply, String> {
    let header = ResponseHeader::decode(&mut body, C::response_header_version(version))
        .map_err(|e| format!("cannot decode the {} response header: {e}", C::name()))?;
    if header.correlation_id != correlation_id {
        return Err(format!(
            "the broker answered request {} where {correlation_id} was asked ({})",
            header.correlation_id,
            C::name()
        ));
    }
    let resp = C::Reply::decode(&mut body, version)
        .map_err(|e| format!("cannot decode the {} v{version} response: {e}", C::name()))?;
    if body.has_remaining() {
        return Err(format!("{} bytes left after the {} v{version} response", body.remaining(), C::name()));
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_frame_has_its_size_header_and_client_id() {
        // ApiVersions v3 uses request header v2 (flexible): key, version, id, client id, no tags.
        let req = ApiVersionsRequest::default()
            .with_client_software_name(StrBytes::from_static_str("evbus"))
            .with_client_software_version(StrBytes::from_static_str("1"));
        let f = encode(&req, 3, 7).unwrap();
        let size = frame_size(f[..4].try_into().unwrap(), 1 << 20).unwrap();
        assert_eq!(size, f.len() - 4);
        let mut b = &f[4..];
        assert_eq!(b.get_i16(), 18);
        assert_eq!(b.get_i16(), 3);
        assert_eq!(b.get_i32(), 7);
        assert_eq!(b.get_i16(), 5);
        assert_eq!(&b[..5], b"evbus");
        assert_eq!(b[5], 0, "no tagged fields in the header");
        // Compact strings (length + 1) follow for the flexible body.
        assert_eq!(b[6], 6);
        assert_eq!(&b[7..12], b"evbus");
    }

    /// An ApiVersions v0 response as a broker sends it: header v0 (correlation id), error code,
    /// then (key, min, max) per API.
    fn api_versions_v0(correlation_id: i32, keys: &[(i16, i16, i16)]) -> Bytes {
        let mut b = BytesMut::new();
        b.put_i32(correlation_id);
        b.put_i16(0);
        b.put_i32(i32::try_from(keys.len()).unwrap());
        for (k, min, max) in keys {
            b.put_i16(*k);
            b.put_i16(*min);
            b.put_i16(*max);
        }
        b.freeze()
    }

    #[test]
    fn a_response_is_decoded_and_checked_against_its_request() {
        let r = decode::<ApiVersionsRequest>(api_versions_v0(9, &[(55, 0, 2), (16, 0, 5)]), 0, 9).unwrap();
        assert_eq!(r.error_code, 0);
        let keys: Vec<(i16, i16, i16)> = r.api_keys.iter().map(|k| (k.api_key, k.min_version, k.max_version)).collect();
        assert_eq!(keys, [(55, 0, 2), (16, 0, 5)]);
        let e = decode::<ApiVersionsRequest>(api_versions_v0(8, &[]), 0, 9).unwrap_err();
        assert!(e.contains("answered request 8 where 9 was asked"), "{e}");
        let mut trailing = BytesMut::from(&api_versions_v0(9, &[])[..]);
        trailing.put_u8(1);
        assert!(decode::<ApiVersionsRequest>(trailing.freeze(), 0, 9).unwrap_err().contains("1 bytes left"));
        let short = api_versions_v0(9, &[(55, 0, 2)]).slice(..10);
        assert!(decode::<ApiVersionsRequest>(short, 0, 9).unwrap_err().contains("cannot decode"));
    }

    #[test]
    fn an_absurd_frame_size_is_refused() {
        assert_eq!(frame_size(12i32.to_be_bytes(), 100), Ok(12));
        assert!(frame_size((-1i32).to_be_bytes(), 100).is_err());
        // A TLS alert read as a size: 0x15030300 bytes.
        assert!(frame_size([0x15, 0x03, 0x03, 0x00], 100 << 20).unwrap_err().contains("TLS listener"));
    }
}
