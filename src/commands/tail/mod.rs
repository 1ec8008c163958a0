//! `evbus tail`: follow and filter topics, print records as pretty text, JSON lines, raw values or
//! kcat-style templates.
//!
//! Design, in the order a run goes through it:
//!
//! * **Usage first.** Every argument (start position, jq program, header filters, template,
//!   output format) is checked before any connection is made, so a typo is exit 2 at once.
//! * **No side effects by default.** Partitions are `assign()`ed directly: no group is joined and
//!   nothing is committed (the consumer carries a random, never-used `group.id` because
//!   the client wants one). Metadata is read for *all* topics, which never auto-creates a topic.
//!   `--group G` opts into subscribing as a member of `G` and committing what was printed.
//! * **Every broker call is bounded by `--timeout`**: metadata, watermarks (two batched
//!   ListOffsets requests for all partitions, instead of one request per partition) and
//!   `offsets_for_times`.
//! * **Throughput.** Consumption runs on a dedicated OS thread. Without a group, every assigned
//!   partition's fetch queue is forwarded into one private queue of the client's, drained in
//!   batches (`rd_kafka_consume_batch_queue`), which avoids the client's per-message event
//!   allocation and also tells us the topic of a partition-EOF. Records are rendered straight
//!   out of the client's buffers into one reused byte buffer that is written to stdout in large
//!   chunks, and immediately whenever the consumer has nothing more queued, so an interactive
//!   tail stays live. Memory stays flat: nothing is kept per record, and the client's prefetch
//!   queue is capped.
//! * **Stopping.** `--count`, `--exit` (every partition reached the high watermark captured at
//!   start; partition EOF also counts, for logs whose last offsets are transaction markers or
//!   compacted away), `--until`, `--idle-timeout`, Ctrl-C (summary, exit 130) and a closed
//!   stdout (`| head`: exit 0, nothing printed; noticed while waiting too, so a quiet topic does
//!   not keep it running).
//! * **Never a silent skip.** A following run looks at metadata every few seconds and reads
//!   partitions added to its topics and topics that start matching `--pattern`/`--all` (`grow`).
//!   Offsets removed under the reader (retention, DeleteRecords) are a reported gap, and fail a
//!   run that ends by itself unless `--allow-gaps` (`gaps`).
//!
//! The files: `options` (the command line), `start` (topics and start positions), `run` (the
//! stages), `assigned` and `group` (the two ways of consuming), `engine` (what a record goes
//! through), `grow`, `gaps`, `pipe`, `schemas` and `tuning`. Everything Kafka goes through
//! `kafka::reader`.

mod assigned;
mod engine;
mod format;
mod gaps;
mod group;
mod grow;
mod options;
mod pipe;
mod run;
mod schemas;
mod start;
mod tuning;

pub use run::run;
