//! tail's tuning: batch and buffer sizes, poll and commit intervals, and bounds on warnings and
//! threads, in one place because both ways of consuming (assigned, group) share them.

use std::time::Duration;

/// Output is written once this much is buffered (or sooner, when the consumer goes idle).
pub(super) const FLUSH_AT: usize = 256 * 1024;
/// Messages taken from the client per call.
pub(super) const BATCH: usize = 1024;
/// How long one wait for records may block: bounds the reaction time to Ctrl-C, deadlines and
/// a closed stdout.
pub(super) const POLL: Duration = Duration::from_millis(100);
/// In group mode, commit at most this often (and once more at the end).
pub(super) const COMMIT_EVERY: Duration = Duration::from_secs(1);
/// Batches smaller than this evaluate jq on the consumer thread alone (not worth a thread).
pub(super) const PARALLEL_MIN: usize = 64;
/// Upper bound of threads evaluating jq programs.
pub(super) const MAX_FILTER_THREADS: usize = 4;
/// Distinct consumer warnings printed before going quiet (a dead partition repeats forever).
pub(super) const MAX_WARNINGS: usize = 20;
/// After Ctrl-C, how much longer than --timeout the consumer thread may take to finish.
pub(super) const STOP_GRACE: Duration = Duration::from_secs(2);
/// How often a following run asks for metadata, to pick up partitions added to its topics and
/// topics that start matching `--pattern`/`--all` (the client's own refresh is every 5 minutes).
pub(super) const METADATA_EVERY: Duration = Duration::from_secs(3);
