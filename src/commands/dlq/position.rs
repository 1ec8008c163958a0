//! The replay's saved position: the `--group` consumer group's committed offsets on the DLQ,
//! read (OffsetFetch) and written (OffsetCommit) without ever joining the group.
//!
//! The group's client lives on a thread of its own rather than on tokio's blocking pool: a
//! synchronous commit to a broker that went away can sit in librdkafka for `session.timeout.ms`
//! (45 s), and tokio waits for blocking-pool tasks when the process exits. Here the caller
//! stops waiting after `--timeout`, reports the failure, and the process can exit at once; the
//! thread is simply abandoned.

use std::collections::BTreeMap;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use anyhow::Result;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::oneshot;

use crate::kafka::{Ctx, Settings, describe_error, retry};

/// Runs `call` (given the time left) until it succeeds, fails otherwise, or `timeout` runs out.
///
/// A group coordinator that is loading or moving (a freshly started or restarted broker, a
/// coordinator migrating) answers "not coordinator" or "loading" for a while: both OffsetFetch
/// and OffsetCommit are asked again rather than failing the replay or losing its position.
fn coordinator_retry<T>(
    timeout: Duration,
    call: impl FnMut(Duration) -> Result<T, KafkaError>,
) -> Result<T, KafkaError> {
    retry::within(Instant::now() + timeout, retry::COORDINATOR_PAUSE, call, |r| {
        r.as_ref().is_err_and(retry::transient_error)
    })
}

enum Request {
    Fetch(Vec<i32>, oneshot::Sender<Result<BTreeMap<i32, i64>, KafkaError>>),
    Commit(Vec<(i32, i64)>, oneshot::Sender<Result<(), KafkaError>>),
}

/// Handle to the thread that owns the group's client.
pub(super) struct Position {
    tx: std_mpsc::Sender<Request>,
    ctx: Ctx,
    settings: Settings,
    group: String,
}

impl Position {
    pub(super) fn new(settings: &Settings, group: &str, topic: &str) -> Result<Position> {
        let (consumer, ctx): (BaseConsumer<Ctx>, Ctx) = settings.consumer(Some(group), &[])?;
        let (tx, rx) = std_mpsc::channel::<Request>();
        let timeout = settings.timeout;
        let topic = topic.to_owned();
        std::thread::Builder::new().name("evbus-dlq-position".into()).spawn(move || {
            for req in rx {
                match req {
                    Request::Fetch(parts, reply) => {
                        let mut tpl = TopicPartitionList::new();
                        for p in parts {
                            tpl.add_partition(&topic, p);
                        }
                        let got = coordinator_retry(timeout, |left| {
                            consumer.committed_offsets(tpl.clone(), left.max(Duration::from_millis(200)))
                        });
                        let got = got.map(|tpl| {
                            tpl.elements()
                                .iter()
                                .filter_map(|e| match e.offset() {
                                    Offset::Offset(o) if o >= 0 => Some((e.partition(), o)),
                                    _ => None,
                                })
                                .collect()
                        });
                        let _ = reply.send(got);
                    }
                    Request::Commit(offsets, reply) => {
                        let mut tpl = TopicPartitionList::new();
                        let mut r = Ok(());
                        for (p, o) in offsets {
                            if let Err(e) = tpl.add_partition_offset(&topic, p, Offset::Offset(o)) {
                                r = Err(e);
                            }
                        }
                        // Explicit offsets from an assign-only client: an OffsetCommit without
                        // group membership, which Kafka accepts while the group has no members.
                        if r.is_ok() {
                            r = coordinator_retry(timeout, |_| consumer.commit(&tpl, CommitMode::Sync));
                        }
                        let _ = reply.send(r);
                    }
                }
            }
        })?;
        Ok(Position { tx, ctx, settings: settings.clone(), group: group.to_owned() })
    }

    async fn ask<T>(
        &self,
        what: &str,
        limit: Duration,
        make: impl FnOnce(oneshot::Sender<Result<T, KafkaError>>) -> Request,
    ) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        if self.tx.send(make(reply)).is_err() {
            return Err(self.settings.failure(what, &self.ctx, Some("the group client stopped".into())));
        }
        match tokio::time::timeout(limit, answer).await {
            Err(_) => Err(self.settings.failure(what, &self.ctx, None)),
            Ok(Err(_)) => Err(self.settings.failure(what, &self.ctx, Some("the group client stopped".into()))),
            Ok(Ok(Err(e))) => Err(self.settings.failure(what, &self.ctx, Some(describe_error(&e)))),
            Ok(Ok(Ok(v))) => Ok(v),
        }
    }

    /// The saved offsets of these partitions (partitions without one are absent).
    pub(super) async fn fetch(&self, parts: Vec<i32>) -> Result<BTreeMap<i32, i64>> {
        let what = format!("reading the saved replay position (OffsetFetch for group {})", self.group);
        self.ask(&what, self.settings.timeout + Duration::from_secs(1), |reply| Request::Fetch(parts, reply)).await
    }

    /// Saves these offsets, waiting at most `limit` (plus a second) for the answer; the group's
    /// thread may go on trying until `--timeout`.
    pub(super) async fn commit(&self, offsets: Vec<(i32, i64)>, limit: Duration) -> Result<()> {
        let what = format!("saving the replay position (OffsetCommit for group {})", self.group);
        self.ask(&what, limit + Duration::from_secs(1), |reply| Request::Commit(offsets, reply)).await
    }
}
