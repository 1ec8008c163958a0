//! The `dlq replay` group: a member of the `--group` consumer group that is both the replay's
//! lock and the one route its saved position is read (OffsetFetch) and written (OffsetCommit) by.
//!
//! Why a group member: two replays of one DLQ with one group at once send every record twice,
//! and the lock that stops them must work across machines. The consumer group already is a
//! lock every host sees: a replay joins it (subscribed to the DLQ, assigned nothing, so it never
//! fetches), holds the membership while it runs, and a second replay finds it among the group's
//! members (DescribeGroups, with each member's subscription) and refuses, naming it. A member that
//! stops heartbeating (a replay killed -9, a host gone) leaves after [`SESSION`], so a lock is
//! never held forever; a new replay waits that long for such a member before refusing. Two
//! replays that join at the same moment both see each other and both refuse: never two at once.
//! Replays of *other* DLQs under the same group (the default group is shared) subscribe to other
//! topics and do not conflict. A local lock file would have protected one host only.
//!
//! Commits go through the member, with its generation: Kafka refuses an offset commit from
//! outside a group that has members, and a member that lost its membership (session expired)
//! has its commits refused too, so it cannot write over a successor's position.
//!
//! The member lives on a thread of its own rather than on tokio's blocking pool: it must be
//! polled (heartbeats, rebalances) all the time, and a synchronous commit to a broker that went
//! away can sit in librdkafka for a long time while tokio waits for blocking-pool tasks at exit.
//! The caller stops waiting after `--timeout`, and the thread is simply abandoned.

use std::collections::BTreeMap;
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::topic_partition_list::TopicPartitionListElem;
use rdkafka::types::RDKafkaRespErr;
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::oneshot;

use super::error::{Error, Kind};
use super::{Ctx, Settings, describe_error, retry};

/// How long a member may go without a heartbeat before the broker removes it: the longest a
/// killed replay keeps the lock.
pub const SESSION: Duration = Duration::from_secs(10);

/// A saved position: the committed offset and the metadata string committed with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The next offset to replay.
    pub offset: i64,
    /// What the replay wrote beside it (empty when nothing).
    pub metadata: String,
}

/// Another member of the group replaying the same DLQ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The member's `client.id` (a replay's names its host and process).
    pub client_id: String,
    /// Where it connects from, as the broker sees it.
    pub client_host: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = crate::term::sanitize::for_terminal(&self.client_id);
        let host = crate::term::sanitize::for_terminal(self.client_host.trim_start_matches('/'));
        write!(f, "{id} from {host}")
    }
}

/// The membership as the rebalance callbacks leave it.
#[derive(Debug, Clone, Default)]
struct Membership {
    joined: bool,
    error: Option<String>,
}

/// The usual context, plus rebalancing that takes no partitions: the member exists to be seen
/// and to commit, never to fetch.
struct MemberCtx {
    inner: Ctx,
    state: Arc<Mutex<Membership>>,
}

impl ClientContext for MemberCtx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        self.inner.log(level, fac, log_message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.inner.error(error, reason);
    }
}

impl ConsumerContext for MemberCtx {
    fn rebalance(&self, consumer: &BaseConsumer<Self>, err: RDKafkaRespErr, _tpl: &mut TopicPartitionList) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match err {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS => {
                let _ = consumer.assign(&TopicPartitionList::new());
                st.joined = true;
            }
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS => {
                let _ = consumer.unassign();
                st.joined = false;
            }
            e => {
                let _ = consumer.unassign();
                st.joined = false;
                st.error = Some(describe_error(&KafkaError::Rebalance(e.into())));
            }
        }
    }
}

type Reply<T> = oneshot::Sender<Result<T, Error>>;

/// A group's state and its members, each with the topics it subscribes to.
type Described = (String, Vec<(Holder, Vec<String>)>);

enum Request {
    Describe(Reply<Described>),
    Join(Reply<()>),
    Fetch(Vec<i32>, Reply<BTreeMap<i32, Saved>>),
    Commit(Vec<(i32, i64, String)>, Reply<()>),
    Leave(oneshot::Sender<()>),
}

/// Answers a group coordinator gives while it loads, moves or rebalances: asked again.
fn transient(e: &KafkaError) -> bool {
    retry::transient_error(e)
        || matches!(
            e.rdkafka_error_code(),
            Some(RDKafkaErrorCode::RebalanceInProgress | RDKafkaErrorCode::IllegalGeneration)
        )
}

/// The consumer protocol's subscription (version, then the topics): which topics a member reads.
fn subscribed_topics(metadata: &[u8]) -> Vec<String> {
    let mut topics = Vec::new();
    let Some(rest) = metadata.get(2..) else { return topics };
    let Some(n) = rest.get(..4).map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]])) else { return topics };
    let mut at = 4usize;
    for _ in 0..n.max(0) {
        let Some(len) = rest.get(at..at + 2).map(|b| i16::from_be_bytes([b[0], b[1]])) else { break };
        let len = len.max(0) as usize;
        let Some(name) = rest.get(at + 2..at + 2 + len) else { break };
        topics.push(String::from_utf8_lossy(name).into_owned());
        at += 2 + len;
    }
    topics
}

/// Handle to the thread that owns the group's client.
pub struct ReplayGroup {
    tx: std_mpsc::Sender<Request>,
    ctx: Ctx,
    state: Arc<Mutex<Membership>>,
    settings: Settings,
    group: String,
    topic: String,
    /// This replay's `client.id`, which is how it tells itself from other members.
    me: String,
}

impl ReplayGroup {
    /// The group's client, not a member yet ([`Self::lock`] joins).
    pub fn new(settings: &Settings, group: &str, topic: &str) -> Result<ReplayGroup> {
        let ctx = settings.ctx();
        let state = Arc::new(Mutex::new(Membership::default()));
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown-host".to_owned());
        let me = format!("evbus-dlq-replay/{host}/pid-{}", std::process::id());
        let mut c = settings.base();
        c.set("group.id", group)
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("client.id", &me)
            // Eager rebalancing: taking "nothing" is then one plain assign.
            .set("partition.assignment.strategy", "range");
        let user_set = |k: &str| settings.props.iter().any(|(p, _)| p == k);
        if !user_set("session.timeout.ms") {
            c.set("session.timeout.ms", SESSION.as_millis().to_string());
        }
        if !user_set("heartbeat.interval.ms") {
            c.set("heartbeat.interval.ms", "1000");
        }
        let consumer: BaseConsumer<MemberCtx> = c
            .create_with_context(MemberCtx { inner: ctx.clone(), state: Arc::clone(&state) })
            .map_err(|e| anyhow!("cannot create the replay group's client: {}", describe_error(&e)))?;
        let (tx, rx) = std_mpsc::channel::<Request>();
        let timeout = settings.timeout;
        let (g, t) = (group.to_owned(), topic.to_owned());
        std::thread::Builder::new().name("evbus-dlq-group".into()).spawn(move || {
            let left = serve(&consumer, &rx, &g, &t, timeout);
            // Closing sends the LeaveGroup: answered only once it went out.
            drop(consumer);
            if let Some(left) = left {
                let _ = left.send(());
            }
        })?;
        Ok(ReplayGroup {
            tx,
            ctx,
            state,
            settings: settings.clone(),
            group: group.to_owned(),
            topic: topic.to_owned(),
            me,
        })
    }

    async fn ask<T>(&self, what: &str, limit: Duration, make: impl FnOnce(Reply<T>) -> Request) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        let stopped = || self.settings.failure(what, &self.ctx, Some("the group client stopped".into()));
        if self.tx.send(make(reply)).is_err() {
            return Err(stopped());
        }
        match tokio::time::timeout(limit, answer).await {
            Err(_) => Err(self.settings.failure(what, &self.ctx, None)),
            Ok(Err(_)) => Err(stopped()),
            Ok(Ok(Err(e))) => Err(self.settings.fail(what, &self.ctx, Some(e)).into()),
            Ok(Ok(Ok(v))) => Ok(v),
        }
    }

    /// The group's state and the other members replaying this DLQ.
    async fn others(&self) -> Result<(String, Vec<Holder>)> {
        let what = format!("describing group {}", self.group);
        let (state, members) =
            self.ask(&what, self.settings.timeout + Duration::from_secs(1), Request::Describe).await?;
        let others = members
            .into_iter()
            .filter(|(h, topics)| h.client_id != self.me && topics.contains(&self.topic))
            .map(|(h, _)| h)
            .collect();
        Ok((state, others))
    }

    /// Joins the group as the one replay of this DLQ, or answers who already is.
    ///
    /// A member found before joining may be a killed replay whose session has not expired:
    /// that one is waited for (at most [`SESSION`] and a margin; `waiting` is told once). After
    /// joining, the group is described again once it is stable, which catches a replay that
    /// joined at the same moment.
    pub async fn lock(&self, waiting: impl FnOnce(&[Holder])) -> Result<Result<(), Vec<Holder>>> {
        let (_, mut others) = self.others().await?;
        if !others.is_empty() {
            waiting(&others);
            let until = Instant::now() + SESSION + Duration::from_secs(3);
            while !others.is_empty() && Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(500)).await;
                others = self.others().await?.1;
            }
            if !others.is_empty() {
                return Ok(Err(others));
            }
        }
        let what = format!("joining group {}", self.group);
        self.ask(&what, self.settings.timeout, Request::Join).await?;
        let deadline = Instant::now() + self.settings.timeout + SESSION;
        loop {
            let st = self.state.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if let Some(e) = st.error {
                return Err(self.settings.failure(&what, &self.ctx, Some(e)));
            }
            if st.joined {
                let (state, others) = self.others().await?;
                if !others.is_empty() {
                    return Ok(Err(others));
                }
                if state == "Stable" {
                    return Ok(Ok(()));
                }
            }
            if Instant::now() > deadline {
                return Err(self.settings.failure(&what, &self.ctx, None));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The saved positions of these partitions (partitions without one are absent).
    pub async fn fetch(&self, parts: Vec<i32>) -> Result<BTreeMap<i32, Saved>> {
        let what = format!("reading the saved replay position (OffsetFetch for group {})", self.group);
        self.ask(&what, self.settings.timeout + Duration::from_secs(1), |reply| Request::Fetch(parts, reply)).await
    }

    /// Saves these positions (partition, offset, metadata), waiting at most `limit` (plus a
    /// second) for the answer; the group's thread may go on trying until `--timeout`.
    pub async fn commit(&self, offsets: Vec<(i32, i64, String)>, limit: Duration) -> Result<()> {
        let what = format!("saving the replay position (OffsetCommit for group {})", self.group);
        self.ask(&what, limit + Duration::from_secs(1), |reply| Request::Commit(offsets, reply)).await
    }

    /// Leaves the group (so that the next replay need not wait for the session to expire),
    /// waiting a few seconds at most.
    pub async fn leave(self) {
        let (done, left) = oneshot::channel();
        if self.tx.send(Request::Leave(done)).is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(3).min(self.settings.timeout), left).await;
        }
    }
}

impl Drop for ReplayGroup {
    /// A run that ends on an error leaves the group too (without waiting), so that the next run
    /// need not wait for the session to expire.
    fn drop(&mut self) {
        let (done, _) = oneshot::channel();
        let _ = self.tx.send(Request::Leave(done));
    }
}

/// The group thread: polls the client (heartbeats, rebalances) and answers requests, until it
/// is asked to leave (the answer to give once it left is returned) or the handle is gone.
fn serve(
    consumer: &BaseConsumer<MemberCtx>,
    rx: &std_mpsc::Receiver<Request>,
    group: &str,
    topic: &str,
    timeout: Duration,
) -> Option<oneshot::Sender<()>> {
    let retry = |call: &mut dyn FnMut(Duration) -> Result<(), KafkaError>| {
        retry::within(Instant::now() + timeout, retry::COORDINATOR_PAUSE, &mut *call, |r| {
            r.as_ref().is_err_and(transient)
        })
    };
    loop {
        // Nothing is assigned, so this serves callbacks only.
        let _ = consumer.poll(Duration::from_millis(20));
        let req = match rx.recv_timeout(Duration::from_millis(80)) {
            Ok(r) => r,
            Err(std_mpsc::RecvTimeoutError::Timeout) => continue,
            Err(std_mpsc::RecvTimeoutError::Disconnected) => return None,
        };
        match req {
            Request::Join(reply) => {
                let _ = reply.send(consumer.subscribe(&[topic]).map_err(|e| Error::from_kafka("subscribe", &e)));
            }
            Request::Describe(reply) => {
                let _ = reply.send(describe(consumer, group, timeout));
            }
            Request::Fetch(parts, reply) => {
                let mut tpl = TopicPartitionList::new();
                for p in parts {
                    tpl.add_partition(topic, p);
                }
                let mut got = None;
                let r = retry(&mut |left| {
                    got = Some(consumer.committed_offsets(tpl.clone(), left.max(Duration::from_millis(200)))?);
                    Ok(())
                });
                let r = r
                    .map_err(|e| Error::from_kafka("OffsetFetch", &e))
                    .map(|()| got.map(|tpl| tpl.elements().iter().filter_map(saved).collect()).unwrap_or_default());
                let _ = reply.send(r);
            }
            Request::Commit(offsets, reply) => {
                let mut tpl = TopicPartitionList::new();
                let mut r = Ok(());
                for (p, o, meta) in offsets {
                    match tpl.add_partition_offset(topic, p, Offset::Offset(o)) {
                        Ok(()) => {
                            if let Some(mut e) = tpl.find_partition(topic, p) {
                                e.set_metadata(meta);
                            }
                        }
                        Err(e) => r = Err(e),
                    }
                }
                if r.is_ok() {
                    r = retry(&mut |_| consumer.commit(&tpl, CommitMode::Sync));
                }
                let _ = reply.send(r.map_err(|e| Error::from_kafka("OffsetCommit", &e)));
            }
            Request::Leave(done) => {
                consumer.unsubscribe();
                return Some(done);
            }
        }
    }
}

fn saved(e: &TopicPartitionListElem<'_>) -> Option<(i32, Saved)> {
    match e.offset() {
        Offset::Offset(o) if o >= 0 => Some((e.partition(), Saved { offset: o, metadata: e.metadata().to_owned() })),
        _ => None,
    }
}

/// DescribeGroups for the group: its state and each member with the topics it subscribes to.
fn describe(consumer: &BaseConsumer<MemberCtx>, group: &str, timeout: Duration) -> Result<Described, Error> {
    // A coordinator that is loading (a fresh broker, a moved coordinator) is asked again.
    let list = retry::within(
        Instant::now() + timeout,
        retry::COORDINATOR_PAUSE,
        |left| consumer.fetch_group_list(Some(group), left.max(Duration::from_millis(200))),
        |r| r.as_ref().is_err_and(transient),
    )
    .map_err(|e| Error::from_kafka("DescribeGroups", &e))?;
    // rdkafka's accessors panic on text that is not UTF-8, which members choose themselves.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let Some(g) = list.groups().iter().find(|g| g.name() == group) else {
            return ("Dead".to_owned(), Vec::new());
        };
        let members = g
            .members()
            .iter()
            .map(|m| {
                let h = Holder { client_id: m.client_id().to_owned(), client_host: m.client_host().to_owned() };
                (h, m.metadata().map(subscribed_topics).unwrap_or_default())
            })
            .collect();
        (g.state().to_owned(), members)
    }));
    read.map_err(|_| {
        Error::new("DescribeGroups", Kind::Other, format!("group {group} has a member whose name is not UTF-8"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriptions_decode_and_never_panic() {
        // version 1, two topics, then user data that is ignored.
        let mut m = vec![0, 1, 0, 0, 0, 2, 0, 3];
        m.extend_from_slice(b"dlq");
        m.extend_from_slice(&[0, 1, b'x', 0, 0, 0, 0]);
        assert_eq!(subscribed_topics(&m), vec!["dlq".to_owned(), "x".to_owned()]);
        assert!(subscribed_topics(&[]).is_empty());
        assert_eq!(subscribed_topics(&[0, 1, 0, 0, 0, 9, 0, 3, b'a']), Vec::<String>::new());
        assert_eq!(subscribed_topics(&[0, 1, 0xff, 0xff, 0xff, 0xff]), Vec::<String>::new());
    }
}
