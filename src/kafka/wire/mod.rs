//! The raw Kafka-protocol path: requests librdkafka has no API for (DescribeQuorum, ListGroups
//! with group types, and later reassignments, quotas, share and streams groups), sent by evbus
//! itself on the `kafka-protocol` codec. Only declarations live here.
//!
//! [`frame`] is the pure wire format, [`versions`] what each side speaks, [`transport`] the
//! connection (bounded by `--timeout`, refusing settings it cannot honour), and the users of it
//! ([`quorum`], [`groups`], [`partitions`], [`logdirs`], [`streams`], [`configs`]), routed by
//! [`route`], each one request and the owned values evbus shows. [`streams_codec`] codes a message
//! the codec crate lacks.

pub mod configs;
pub mod frame;
pub mod groups;
pub mod logdirs;
pub mod partitions;
pub mod quorum;
pub mod route;
pub mod streams;
pub mod streams_codec;
pub mod transport;
pub mod versions;
