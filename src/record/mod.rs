//! One Kafka record as evbus reads it: the decoded view every command shares, the jq filters that
//! select records, and how records are printed. Pure: no broker, no terminal policy.

pub mod envelope;
pub mod filter;
pub mod format;
pub mod read;
pub mod render;
pub mod view;
