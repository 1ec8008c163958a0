//! `evbus dlq inspect|replay`: understand a dead-letter topic and republish its records to where
//! they came from, resuming exactly where the last replay stopped.
//!
//! * [`common`]: what both share (the manifest's DLQ topics, cells, keys, times).
//! * [`inspect`]: read-only summary grouped by original topic × error.
//! * [`replay`]: the republishing pipeline with acknowledged-only commits.
//! * [`spool`]: the records `inspect --records` lists, on disk until they are written out.
//!
//! Reading the DLQ (partitions, the reader thread, the record type) is
//! [`crate::kafka::dlq_reader`]; the replay group (lock and saved position) is
//! [`crate::kafka::replay_group`]; sending is [`crate::kafka::republish`]. The pure rules
//! (selection, progress tracking, the note beside the position) are in [`crate::dlq`].
//!
//! Decoding the dead letters themselves (Spring, Connect, Streams, SmallRye, JSON wrapper) is
//! [`crate::dlq::decode`].

mod common;
mod dispatch;
mod inspect;
mod replay;
mod spool;

pub use dispatch::run;
