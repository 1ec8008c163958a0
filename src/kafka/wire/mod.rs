//! The raw Kafka-protocol path: requests librdkafka has no API for (DescribeQuorum, ListGroups
//! with group types, partition reassignments and leader elections, and later quotas, share and
//! streams groups), sent by evbus itself on the `kafka-protocol` codec. Only declarations live here.
//!
//! [`frame`] is the pure wire format, [`versions`] what each side speaks, [`transport`] the
//! connection (bounded by `--timeout`), made as [`security`] reads the settings (refusing the ones
//! it cannot honour) with [`tls`] and [`sasl`] ([`scram`]), and the users of it ([`quorum`],
//! [`groups`], [`partitions`], [`logdirs`], [`share`], [`streams`], [`configs`], [`reassign`],
//! [`throttle`]), routed by [`route`], each one request and the owned values evbus shows.
//! [`share_offsets`] and [`streams_codec`] code messages (or versions) the codec crate lacks.

pub mod configs;
pub mod frame;
pub mod groups;
pub mod logdirs;
pub mod partitions;
pub mod quorum;
pub mod reassign;
pub mod route;
pub mod sasl;
pub mod scram;
pub mod security;
pub mod share;
pub mod share_offsets;
pub mod streams;
pub mod streams_codec;
pub mod throttle;
pub mod tls;
pub mod transport;
pub mod versions;
