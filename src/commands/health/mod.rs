//! `evbus health`: is the event platform OK? A list of checks with ✓/!/✗ for humans, and an exit
//! code and JSON for CI and compose/Kubernetes healthchecks.
//!
//! Checks: brokers (count, controller, metadata round trip), partitions (offline = fail,
//! under-replicated = warn), the manifest's topics (missing = fail, drift = warn), the manifest's
//! consumer groups (over `max_lag` = warn, fail with `--strict`; no offsets = warn; records
//! removed (retention or DeleteRecords) before the group read them = fail; unconsumed records
//! close to the topic's `retention.ms` = warn), dead-letter topics (non-empty = warn) and, with `--roundtrip`,
//! a probe record produced and read back.
//!
//! Every check has its own deadline (`--timeout`), so a dead broker is reported as a failed check
//! (exit 4) in bounded time rather than as a hang or an evbus error (exit 1). When the brokers
//! cannot be reached the checks that need them are skipped: each would only time out again.

mod run;

pub use run::run;
