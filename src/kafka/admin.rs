//! Cluster administration calls (metadata, configs, topic creation/deletion, partitions), each
//! bounded by `--timeout` and returning owned, broker-free data.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use rdkafka::admin::{AdminClient, AdminOptions, ConfigSource, ResourceSpecifier};
use rdkafka::types::RDKafkaErrorCode;

use super::cluster::{ClusterMeta, owned_metadata};
use super::context::Ctx;
use super::error::{Error, Kind};
use super::events::EventPump;
use super::settings::Settings;
use super::topic_requests::{self, NewPartitionsSpec, TopicOutcome, TopicRequest};
use crate::topics::plan::{ClusterConfig, Source};

/// An admin client with its context and the settings it was made from.
pub struct Admin {
    /// Serves the client's errors and logs; holds the client until its thread ends.
    pub events: EventPump,
    /// The librdkafka admin client; shared with the event pump's thread.
    pub client: Arc<AdminClient<Ctx>>,
    /// The client's context, quoted when a call times out (see [`Ctx::last_error`]).
    pub ctx: Ctx,
    /// The settings the client was built from; `--timeout` bounds every call.
    pub settings: Settings,
}

/// How long [`Admin::metadata_or_down`] still waits after an "all brokers are down" reported
/// before the call: a broker that came back since is reconnected (backoff ≤ 1 s) and answers.
const DOWN_GRACE: Duration = Duration::from_millis(1500);

/// The result of one operation of a batch.
pub type OpResult = (String, Result<(), Error>);

// Built here rather than in settings.rs, so that this file depends on the settings and not the
// other way round.
impl Settings {
    /// An admin client for these settings, with its event pump running.
    pub fn admin(&self) -> Result<Admin, Error> {
        let ctx = self.ctx();
        let client: AdminClient<Ctx> =
            self.base().create_with_context(ctx.clone()).map_err(|e| self.config_error(e))?;
        let client = Arc::new(client);
        let events = EventPump::start(Arc::clone(&client), ctx.clone());
        Ok(Admin { events, client, ctx, settings: self.clone() })
    }
}

impl Admin {
    fn opts(&self) -> AdminOptions {
        AdminOptions::new().request_timeout(Some(self.settings.timeout)).operation_timeout(Some(self.settings.timeout))
    }

    /// Cluster metadata (all topics, or one).
    pub async fn metadata(self: &Arc<Self>, topic: Option<&str>) -> Result<ClusterMeta, Error> {
        let me = Arc::clone(self);
        let topic = topic.map(str::to_string);
        let timeout = self.settings.timeout;
        self.settings
            .blocking("metadata request", &self.ctx, move || {
                let md = me.client.inner().fetch_metadata(topic.as_deref(), timeout)?;
                Ok(owned_metadata(&md))
            })
            .await
    }

    /// Cluster metadata within `limit`, or an error as soon as every broker has failed its
    /// connection (refused, unresolvable, TLS): what a health probe needs, where a dead broker
    /// must be reported at once rather than after the whole timeout.
    ///
    /// librdkafka says "all brokers are down" once (often while the client is being created,
    /// before this call) and says nothing when a broker comes back. So a report made during the
    /// call ends it at once; an earlier one ends it after [`DOWN_GRACE`], time enough for a broker
    /// that came back to be reconnected (backoff at most 1 s) and answer.
    ///
    /// librdkafka's metadata call cannot be interrupted, so it runs on a thread of its own that
    /// is left to finish alone when the answer comes first from the context; a runtime's blocking
    /// pool would hold the process open until it does.
    pub async fn metadata_or_down(self: &Arc<Self>, limit: Duration) -> Result<ClusterMeta> {
        let since = super::mono_ms();
        let started = std::time::Instant::now();
        let (tx, mut rx) = tokio::sync::oneshot::channel();
        let me = Arc::clone(self);
        std::thread::Builder::new().name("evbus-metadata".into()).spawn(move || {
            let r = me.client.inner().fetch_metadata(None, limit).map(|md| owned_metadata(&md));
            let _ = tx.send(r);
        })?;
        let what = "metadata request";
        // Errors name this call's own limit, which a health --wait shortens below --timeout.
        let settings = Settings { timeout: limit, ..self.settings.clone() };
        let r = loop {
            tokio::select! {
                r = &mut rx => break match r {
                    Ok(Ok(md)) => {
                        self.ctx.answered();
                        Ok(md)
                    }
                    Ok(Err(e)) => Err(settings.failure(what, &self.ctx, Some(super::describe_error(&e)))),
                    Err(_) => Err(anyhow::anyhow!("{what} failed: the client thread ended")),
                },
                () = tokio::time::sleep(Duration::from_millis(20)) => {
                    let down = self.ctx.all_down_at();
                    if down.is_some_and(|t| t >= since || started.elapsed() >= DOWN_GRACE) {
                        let cause = self.ctx.last_error().unwrap_or_else(|| "all brokers are down".into());
                        break Err(settings.failure(what, &self.ctx, Some(cause)));
                    }
                    if started.elapsed() > limit + Duration::from_secs(1) {
                        break Err(settings.failure(what, &self.ctx, None));
                    }
                }
            }
        };
        if self.settings.verbose >= 1 {
            eprintln!(
                "evbus: {what}: {} in {:.1} ms",
                if r.is_ok() { "answered" } else { "failed" },
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        r
    }

    /// Wait, within `--timeout`, until the metadata shows every partition of these topics with
    /// a leader: CreateTopics and CreatePartitions return once the controller has them, and the
    /// brokers learn of them a moment later. Returns the topics still without leaders.
    pub async fn wait_for_leaders(self: &Arc<Self>, topics: &[(String, i32)]) -> Vec<String> {
        let deadline = std::time::Instant::now() + self.settings.timeout;
        let pending = |_| async move {
            match self.metadata(None).await {
                Ok(md) => topics
                    .iter()
                    .filter(|(name, partitions)| {
                        !md.topics.iter().any(|t| {
                            &t.name == name
                                && t.error.is_none()
                                && t.partitions.len() as i32 >= *partitions
                                && t.partitions.iter().all(|p| p.leader >= 0 && p.error.is_none())
                        })
                    })
                    .map(|(n, _)| n.clone())
                    .collect(),
                Err(_) => topics.iter().map(|(n, _)| n.clone()).collect(),
            }
        };
        super::retry::within_async(deadline, super::retry::LEADER_PAUSE, pending, |p: &Vec<String>| !p.is_empty()).await
    }

    /// The controller's broker id, when the broker reports it.
    pub async fn controller_id(self: &Arc<Self>) -> Option<i32> {
        let me = Arc::clone(self);
        let ms = self.settings.timeout.as_millis().min(i32::MAX as u128) as i32;
        let r = self
            .settings
            .blocking("controller lookup", &self.ctx, move || {
                // SAFETY: the handle is borrowed from `me`, which outlives the call.
                let id =
                    unsafe { rdkafka::bindings::rd_kafka_controllerid(me.client.inner().native_client().ptr(), ms) };
                Ok(id)
            })
            .await
            .ok()?;
        (r >= 0).then_some(r)
    }

    /// Configs of many topics in one batched DescribeConfigs request.
    pub async fn topic_configs(&self, topics: &[String]) -> Result<BTreeMap<String, BTreeMap<String, ClusterConfig>>> {
        let mut out = BTreeMap::new();
        if topics.is_empty() {
            return Ok(out);
        }
        let specs: Vec<ResourceSpecifier> = topics.iter().map(|t| ResourceSpecifier::Topic(t)).collect();
        let opts = self.opts();
        let results = self
            .settings
            .bounded("DescribeConfigs", &self.ctx, self.client.describe_configs(specs.iter(), &opts))
            .await?;
        for (name, r) in topics.iter().zip(results) {
            let resource = r.map_err(|e| anyhow::anyhow!("DescribeConfigs for topic {name} failed: {e}"))?;
            let mut m = BTreeMap::new();
            for e in resource.entries {
                let source = match e.source {
                    ConfigSource::DynamicTopic => Source::DynamicTopic,
                    ConfigSource::DynamicBroker => Source::DynamicBroker,
                    ConfigSource::DynamicDefaultBroker => Source::DynamicDefaultBroker,
                    ConfigSource::StaticBroker => Source::StaticBroker,
                    ConfigSource::Default => Source::Default,
                    ConfigSource::Unknown => Source::Unknown,
                };
                let value = if e.is_sensitive { Some(crate::term::redact::MASK.to_string()) } else { e.value };
                m.insert(e.name, ClusterConfig { value, source });
            }
            out.insert(name.clone(), m);
        }
        Ok(out)
    }

    /// CreateTopics for `(name, partitions, replication factor, configs)` entries; one result per topic.
    pub async fn create_topics(
        self: &Arc<Self>,
        topics: &[(String, i32, i16, BTreeMap<String, String>)],
    ) -> Result<Vec<OpResult>, Error> {
        let new = topics
            .iter()
            .map(|(name, p, rf, cfg)| {
                (name.clone(), *p, *rf, cfg.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            })
            .collect();
        let r = self.topic_request("CreateTopics", TopicRequest::Create(new)).await?;
        Ok(explained("CreateTopics", r))
    }

    /// CreatePartitions: grows each topic to the given total partition count; one result per topic.
    ///
    /// A topic that already has that count is done, not failed: a plan made from metadata a
    /// broker had not yet updated (an `apply` rerun right after an interrupted one) asks for
    /// partitions the controller already added, and it answers INVALID_PARTITIONS.
    pub async fn create_partitions(self: &Arc<Self>, changes: &[NewPartitionsSpec]) -> Result<Vec<OpResult>, Error> {
        let mut r = self.topic_request("CreatePartitions", TopicRequest::Partitions(changes.to_vec())).await?;
        let wanted = |t: &str| changes.iter().find(|(n, ..)| n == t).map(|(_, c, _)| *c);
        let refused = |o: &TopicOutcome| matches!(&o.1, Err(e) if e.code == RDKafkaErrorCode::InvalidPartitions);
        if r.iter().any(refused) {
            let fresh = self.metadata(None).await.ok();
            for o in r.iter_mut().filter(|o| refused(o)) {
                let Some(want) = wanted(&o.0) else { continue };
                let said = o.1.as_ref().err().and_then(|e| e.message.as_deref()).and_then(already_has);
                let has = fresh
                    .as_ref()
                    .and_then(|md| md.topics.iter().find(|t| t.name == o.0 && t.error.is_none()))
                    .map(|t| t.partitions.len() as i32);
                if said == Some(want) || has == Some(want) {
                    o.1 = Ok(());
                }
            }
        }
        Ok(explained("CreatePartitions", r))
    }

    /// DeleteTopics; one result per topic. A topic already gone is done, not failed: the plan
    /// that asked for it was made before an interrupted `apply` (or someone else) deleted it.
    pub async fn delete_topics(self: &Arc<Self>, names: &[String]) -> Result<Vec<OpResult>, Error> {
        let mut r = self.topic_request("DeleteTopics", TopicRequest::Delete(names.to_vec())).await?;
        for o in &mut r {
            if matches!(&o.1, Err(e) if e.code == RDKafkaErrorCode::UnknownTopicOrPartition) {
                o.1 = Ok(());
            }
        }
        Ok(explained("DeleteTopics", r))
    }

    /// Sends one topic request, bounded by `--timeout`, keeping Kafka's explanation of each
    /// refusal. As in [`Admin::incremental_alter_within`], the blocking task owns a clone of the
    /// Arc, so a call still running when the limit fires keeps its client alive.
    async fn topic_request(
        self: &Arc<Self>,
        api: &'static str,
        request: TopicRequest,
    ) -> Result<Vec<TopicOutcome>, Error> {
        let timeout = self.settings.timeout;
        let me = Arc::clone(self);
        let started = std::time::Instant::now();
        let fut = tokio::task::spawn_blocking(move || topic_requests::send(me.client.inner(), &request, timeout));
        let r = match tokio::time::timeout(timeout + Duration::from_secs(2), fut).await {
            Err(_) => Err(self.settings.fail(api, &self.ctx, None)),
            Ok(Err(join)) => Err(Error::new(api, Kind::Other, format!("{api} failed: {join}"))),
            Ok(Ok(answer)) => match answer {
                Ok(results) => Ok(results),
                Err(e) if e.code == RDKafkaErrorCode::OperationTimedOut => {
                    Err(self.settings.fail(api, &self.ctx, None))
                }
                Err(e) if unsupported(e.code) => Err(Error::new(api, Kind::Unsupported, unsupported_text(api))),
                Err(e) => {
                    let text = if e.message.is_empty() { None } else { Some(e.message.as_str()) };
                    let cause = Error::text(api, topic_requests::named(e.code, text));
                    Err(self.settings.fail(api, &self.ctx, Some(cause)))
                }
            },
        };
        if self.settings.verbose >= 1 {
            eprintln!(
                "evbus: {api}: {} in {:.1} ms",
                if r.is_ok() { "answered" } else { "failed" },
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        r
    }

    /// IncrementalAlterConfigs: set and delete only the given keys, leaving the rest alone.
    pub async fn incremental_alter(
        self: &Arc<Self>,
        changes: Vec<super::incremental::TopicConfigChange>,
    ) -> Result<Vec<OpResult>, Error> {
        self.incremental_alter_within(changes, self.settings.timeout + Duration::from_secs(2)).await
    }

    /// [`Admin::incremental_alter`], giving up after `limit`. The blocking task owns a clone of
    /// the Arc: when `limit` runs out first, the call carries on in the background with the
    /// client kept alive by that clone, whoever drops the last other one.
    async fn incremental_alter_within(
        self: &Arc<Self>,
        changes: Vec<super::incremental::TopicConfigChange>,
        limit: Duration,
    ) -> Result<Vec<OpResult>, Error> {
        let timeout = self.settings.timeout;
        let me = Arc::clone(self);
        let fut = tokio::task::spawn_blocking(move || super::incremental::alter(me.client.inner(), &changes, timeout));
        match tokio::time::timeout(limit, fut).await {
            Err(_) => Err(self.settings.fail("IncrementalAlterConfigs", &self.ctx, None)),
            Ok(Err(join)) => Err(Error::new(
                "IncrementalAlterConfigs",
                Kind::Other,
                format!("IncrementalAlterConfigs failed: {join}"),
            )),
            Ok(Ok(r)) => r.map_err(|e| self.settings.fail("IncrementalAlterConfigs", &self.ctx, Some(e))),
        }
    }
}

/// Each topic's outcome with its error as a person reads it (see [`explain_with`]).
fn explained(api: &str, results: Vec<TopicOutcome>) -> Vec<OpResult> {
    results
        .into_iter()
        .map(|(t, r)| {
            let r = r.map_err(|e| Error::with_code(api, e.code, explain_with(e.code, api, &t, e.message.as_deref())));
            (t, r)
        })
        .collect()
}

/// The partition count in Kafka's "Topic already has 3 partition(s)." (KRaft) or "Topic t
/// currently has 3 partitions, 3 would not be an increase." (ZooKeeper) refusals.
fn already_has(message: &str) -> Option<i32> {
    let rest = message.split_once("already has ").or_else(|| message.split_once("currently has "))?.1;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let has: i32 = digits.parse().ok()?;
    // "currently has 4 partition(s); 3 would not be an increase" is a real refusal: 3 ≠ 4.
    match message.split_once(", ").or_else(|| message.split_once("; ")) {
        Some((_, tail)) if tail.contains("would not be an increase") => {
            let asked: String = tail.trim_start().chars().take_while(char::is_ascii_digit).collect();
            (asked.parse::<i32>().ok() == Some(has)).then_some(has)
        }
        _ => Some(has),
    }
}

/// The ACL operation a topic admin API needs (for "not authorized: <operation> on <resource>").
fn operation_of(api: &str) -> &'static str {
    match api {
        "CreateTopics" => "Create",
        "DeleteTopics" => "Delete",
        "CreatePartitions" => "Alter",
        "IncrementalAlterConfigs" => "AlterConfigs",
        "DescribeConfigs" => "DescribeConfigs",
        _ => "Describe",
    }
}

/// Name the missing API instead of librdkafka's generic "unsupported" wording, and say which
/// operation on which resource an ACL refused.
pub fn explain(code: RDKafkaErrorCode, api: &str, topic: &str) -> String {
    explain_with(code, api, topic, None)
}

/// [`explain`], keeping the text Kafka sent with the error: it is what says what to fix
/// ("Unable to perform excessively large batch operation", "Topic already has 3 partitions").
pub fn explain_with(code: RDKafkaErrorCode, api: &str, topic: &str, message: Option<&str>) -> String {
    match code {
        RDKafkaErrorCode::TopicAuthorizationFailed => {
            format!(
                "not authorized: {} on topic '{}' ({api})",
                operation_of(api),
                crate::term::sanitize::for_terminal(topic)
            )
        }
        RDKafkaErrorCode::ClusterAuthorizationFailed => {
            format!("not authorized: {} on the cluster ({api})", operation_of(api))
        }
        RDKafkaErrorCode::UnsupportedVersion
        | RDKafkaErrorCode::UnsupportedFeature
        | RDKafkaErrorCode::InvalidRequest => {
            format!("broker does not support {api} ({code})")
        }
        other => topic_requests::named(other, message),
    }
}

fn unsupported(code: RDKafkaErrorCode) -> bool {
    matches!(code, RDKafkaErrorCode::UnsupportedFeature | RDKafkaErrorCode::UnsupportedVersion)
}

fn unsupported_text(api: &str) -> String {
    match api {
        "CreatePartitions" => {
            "broker does not support CreatePartitions (Kafka API needed to add partitions; Apache Kafka has it since 1.0)"
                .into()
        }
        _ => format!("broker does not support {api}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::incremental::TopicConfigChange;

    /// A "broker" that accepts connections and never answers.
    fn silent_broker() -> (std::net::TcpListener, String) {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        (l, addr)
    }

    #[test]
    fn partition_counts_kafka_says_a_topic_already_has() {
        assert_eq!(already_has("Topic already has 6 partition(s)."), Some(6));
        assert_eq!(already_has("Topic t currently has 6 partitions, 6 would not be an increase."), Some(6));
        // Asking for fewer than it has is a real refusal, not a count to accept.
        assert_eq!(already_has("The topic t currently has 8 partition(s); 6 would not be an increase."), None);
        assert_eq!(already_has("Broker: Invalid partitions"), None);
    }

    #[test]
    fn errors_keep_kafkas_text_and_name_the_code() {
        let e = explain_with(
            RDKafkaErrorCode::PolicyViolation,
            "CreateTopics",
            "t",
            Some("Unable to perform excessively large batch operation."),
        );
        assert!(e.contains("POLICY_VIOLATION"), "{e}");
        assert!(e.contains("Unable to perform excessively large batch operation"), "{e}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn incremental_alter_gives_up_while_the_call_runs_on() {
        let (listener, addr) = silent_broker();
        // Accept and hold the connections, so librdkafka waits on answers that never come.
        let held = std::thread::spawn(move || {
            listener.set_nonblocking(true).unwrap();
            let mut conns = Vec::new();
            let until = std::time::Instant::now() + Duration::from_secs(6);
            while std::time::Instant::now() < until {
                if let Ok((c, _)) = listener.accept() {
                    conns.push(c);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let settings = Settings { brokers: addr, props: vec![], timeout: Duration::from_secs(1), verbose: 0 };
        let admin = Arc::new(settings.admin().unwrap());
        let change =
            TopicConfigChange { topic: "t".into(), set: vec![("retention.ms".into(), "1".into())], delete: vec![] };
        let started = std::time::Instant::now();
        // Shorter than librdkafka's own wait: the outer limit fires while the task still uses the client.
        let e = admin.incremental_alter_within(vec![change.clone()], Duration::from_millis(200)).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
        assert!(format!("{e:#}").contains("IncrementalAlterConfigs timed out"), "{e:#}");
        // The caller's handle goes away first; the blocking task must keep the client alive.
        drop(admin);
        std::thread::sleep(Duration::from_millis(2500));

        // The ordinary path reports librdkafka's own timeout as a failure, too.
        let settings =
            Settings { brokers: "127.0.0.1:1".into(), props: vec![], timeout: Duration::from_secs(1), verbose: 0 };
        let admin = Arc::new(settings.admin().unwrap());
        let e = admin.incremental_alter(vec![change]).await.unwrap_err();
        assert!(format!("{e:#}").contains("IncrementalAlterConfigs"), "{e:#}");
        drop(admin);
        held.join().unwrap();
    }
}
