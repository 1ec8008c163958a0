//! One round of every health check: brokers first (when they cannot be reached the other checks
//! are skipped: each would only time out again), then partitions, the manifest's topics, its
//! groups, its dead-letter topics and the optional round trip, concurrently, each within its own
//! deadline.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::checks::{Notes, dlq_checks, group_checks, manifest_topics, partitions_check, roundtrip};
use super::layout::layout_checks;
use super::reassignments::reassignments_check;
use super::replicas::{brokers_verdict, min_isr_check, min_isr_of};
use crate::health::report::{Check, Report, Status, ms, plural, timed};
use crate::kafka::admin::Admin;
use crate::kafka::reach::{Answer, answering};
use crate::kafka::wire::configs;
use crate::kafka::wire::quorum::{self, Kraft};
use crate::kafka::{ClusterMeta, Error, Kind, Settings};
use crate::topics::manifest::Manifest;

/// What a round checks, from `evbus health`'s flags.
#[derive(Debug, Clone)]
pub struct Options {
    /// Over `max_lag` fails rather than warns (`--strict`).
    pub strict: bool,
    /// Produce a probe record and read it back (`--roundtrip`).
    pub roundtrip: bool,
    /// The topic of the probe (`--health-topic`).
    pub health_topic: String,
    /// Only the brokers check (`--brokers-only`).
    pub brokers_only: bool,
    /// `--retention-warn` as a fraction.
    pub retention_warn: f64,
    /// Fewer brokers fail (`--expect-brokers`; else the manifest's `cluster: {brokers: N}`).
    pub expect_brokers: Option<usize>,
}

/// A round's report, with what the lag snapshot had to say on the way.
#[derive(Debug, Clone)]
pub struct Round {
    /// Every check's verdict.
    pub report: Report,
    /// Notes for the caller to print (`-v` lines, warnings).
    pub notes: Notes,
    /// The number of brokers and topics the metadata showed (`None`: the brokers did not answer).
    pub seen: Option<(usize, usize)>,
}

/// One round of every check, each within `limit` (plus a margin for the Kafka client's own timeout to
/// report first, with its better message).
pub async fn round(
    settings: &Settings,
    admin: &Arc<Admin>,
    manifest: Option<&Manifest>,
    opts: &Options,
    limit: Duration,
) -> Round {
    let call_limit = limit;
    let expect = opts.expect_brokers.or(manifest.and_then(|m| m.cluster_brokers));
    let limit = limit + Duration::from_millis(500);
    let mut md: Option<ClusterMeta> = None;
    // Brokers listed but not answering: their place in an ISR takes no write.
    let mut silent: BTreeSet<i32> = BTreeSet::new();
    // The quorum first: the brokers check names its leader as the controller.
    let kraft_started = Instant::now();
    let mut kraft_answer = kraft(settings, call_limit).await;
    let leader = kraft_answer.as_ref().ok().and_then(|k| k.quorum.as_ref()).map(|q| q.leader_id).filter(|id| *id >= 0);
    let brokers = timed("brokers", limit, async {
        // A refused connection fails at once: a health probe must not wait out the limit.
        match admin.metadata_or_down(call_limit).await {
            Err(e) => (Status::Fail, format!("unreachable: {e:#}")),
            Ok(m) => {
                // The first request paid for connecting; a second one measures the round trip.
                // Meanwhile every listed broker is asked on a connection of its own: the
                // metadata keeps listing a killed broker until the controller fences it.
                let t = Instant::now();
                let (rtt, reach) = tokio::join!(
                    async { admin.metadata(None).await.ok().map(|_| t.elapsed()) },
                    answering(settings, &m.brokers, call_limit)
                );
                let (status, mut detail) = brokers_verdict(&m, &reach, expect);
                silent = reach.iter().filter(|r| matches!(r.answer, Answer::Down(_))).map(|r| r.id).collect();
                // Under KRaft, Metadata's controller id is a random live broker (KAFKA-17404): only
                // the quorum's leader from DescribeQuorum is named.
                if let Some(id) = leader {
                    detail.push_str(&format!(", quorum leader {id}"));
                }
                if let Some(rtt) = rtt {
                    detail.push_str(&format!(", metadata round trip {:.1} ms", rtt.as_secs_f64() * 1000.0));
                }
                md = Some(m);
                (status, detail)
            }
        }
    })
    .await;
    // The quorum was asked before the metadata: a broker that came up in between (`health --wait`
    // on a starting cluster) is asked again, so one round does not call it both down and up.
    let (answered, mut kraft_started) = (md.is_some(), kraft_started);
    if answered && kraft_answer.as_ref().is_err_and(|e| e.kind() == Kind::BrokerUnreachable) {
        kraft_started = Instant::now();
        kraft_answer = kraft(settings, call_limit).await;
    }
    let quorum_check = quorum_check(&kraft_answer, kraft_started, answered);
    let kraft = kraft_answer.ok().and_then(|k| serde_json::to_value(k).ok());
    let Some(md) = md else {
        let mut c = brokers;
        if !opts.brokers_only {
            c.detail.push_str(" (other checks skipped)");
        }
        return Round { report: Report::new(vec![c]), notes: Notes::default(), seen: None };
    };
    let seen = Some((md.brokers.len(), md.topics.iter().filter(|t| t.error.is_none()).count()));
    if opts.brokers_only {
        return Round {
            report: with_kraft(Report::new(vec![brokers, quorum_check]), kraft),
            notes: Notes::default(),
            seen,
        };
    }

    let groups_future = async {
        match manifest.filter(|m| !m.groups.is_empty()) {
            None => (Vec::new(), Notes::default()),
            Some(m) => group_checks(settings, admin, m, opts.strict, opts.retention_warn, limit).await,
        }
    };
    let topics_future = async {
        match manifest.filter(|m| !m.topics.is_empty()) {
            None => None,
            Some(m) => Some(timed("manifest topics", limit, manifest_topics(admin, m)).await),
        }
    };
    let dlq_future = async {
        match manifest {
            None => Vec::new(),
            Some(m) => dlq_checks(settings, m, &md, limit).await,
        }
    };
    let roundtrip_future = async {
        if opts.roundtrip {
            Some(timed("roundtrip", limit, roundtrip(settings, admin, &opts.health_topic, &md)).await)
        } else {
            None
        }
    };
    let partitions = timed("partitions", limit, async { partitions_check(&md) }).await;
    let isr = timed("in-sync replicas", limit, async {
        let names: Vec<String> = md.topics.iter().filter(|t| t.error.is_none()).map(|t| t.name.clone()).collect();
        match min_isr_values(settings, admin, &md, &names, call_limit).await {
            Ok(min) => min_isr_check(&md, &min, &silent),
            Err(e) => (Status::Fail, format!("cannot read min.insync.replicas: {e:#}")),
        }
    })
    .await;
    let layout_future = layout_checks(settings, admin, &md, call_limit);
    let moves = timed("reassignments", limit, reassignments_check(settings, admin, &md));
    let (topics, (groups, notes), dlqs, rt, layout, moves) =
        tokio::join!(topics_future, groups_future, dlq_future, roundtrip_future, layout_future, moves);

    let mut all = vec![brokers, quorum_check, partitions, isr];
    all.extend(layout);
    all.push(moves);
    all.extend(topics);
    all.extend(groups);
    all.extend(dlqs);
    all.extend(rt);
    Round { report: with_kraft(Report::new(all), kraft), notes, seen }
}

/// The topics' effective `min.insync.replicas`, asked of the broker that has just answered the
/// metadata (wire::configs says why not librdkafka's random "controller"); through librdkafka
/// when the raw path cannot honour the settings (a keystore, OAUTHBEARER...) or that broker is not known.
async fn min_isr_values(
    settings: &Settings,
    admin: &Arc<Admin>,
    md: &ClusterMeta,
    names: &[String],
    limit: Duration,
) -> anyhow::Result<BTreeMap<String, i32>> {
    let answered = md.brokers.iter().find(|b| b.id == md.orig_broker_id).map(|b| format!("{}:{}", b.host, b.port));
    let mut s = settings.clone();
    s.timeout = limit;
    match configs::min_insync_replicas(&s, answered.as_deref(), names).await {
        // A setting the raw path cannot honour: librdkafka's way, which may wait on a dead node.
        Err(e) if e.kind() == Kind::InvalidConfig => Ok(min_isr_of(&admin.topic_configs(names).await?)),
        other => Ok(other?),
    }
}

fn with_kraft(mut report: Report, kraft: Option<serde_json::Value>) -> Report {
    report.kraft = kraft;
    report
}

/// The quorum and feature levels over the raw protocol path, within `limit`.
async fn kraft(settings: &Settings, limit: Duration) -> Result<Kraft, Error> {
    let mut settings = settings.clone();
    settings.timeout = limit;
    quorum::describe(&settings).await
}

/// The `quorum` check: its leader, voters and their lag, and the finalized feature levels. A
/// broker without DescribeQuorum, or a setting the raw path cannot honour, is a note, not a
/// failure (the cluster may be fine); no leader is a failure, a failed request a warning — except
/// a request that timed out while the brokers answered Metadata (`brokers_answered`): a broker
/// forwards DescribeQuorum to the active controller, so no answer there means no controller
/// leader, and the cluster can change nothing (ISR, leaders, topics) until one is elected.
fn quorum_check(kraft: &Result<Kraft, Error>, started: Instant, brokers_answered: bool) -> Check {
    let (status, detail) = match kraft {
        Err(e) if brokers_answered && e.kind() == Kind::TimedOut => {
            (Status::Fail, format!("no answer from the controller quorum (no leader?): {e}"))
        }
        Err(e) => {
            let status = if e.kind() == Kind::InvalidConfig { Status::Ok } else { Status::Warn };
            (status, format!("not checked: {e}"))
        }
        Ok(k) => {
            // metadata.version in the table; every level in JSON (`kraft.features`).
            let features = match (k.features.get("metadata.version"), k.features.len()) {
                (_, 0) => "no finalized features".to_string(),
                (Some(v), 1) => format!("metadata.version={v}"),
                (Some(v), n) => {
                    format!("metadata.version={v}, {} more in -o json", plural(n - 1, "feature", "features"))
                }
                (None, n) => format!("{} in -o json", plural(n, "feature", "features")),
            };
            match (&k.quorum, &k.quorum_note) {
                (Some(q), _) if q.leader_id < 0 => (
                    Status::Fail,
                    format!("no leader (epoch {}); {}", q.leader_epoch, plural(q.voters.len(), "voter", "voters")),
                ),
                (Some(q), _) => {
                    let voters = q.voters.iter().map(|v| format!("{} (lag {})", v.id, v.lag)).collect::<Vec<_>>();
                    (
                        Status::Ok,
                        format!(
                            "leader {} (epoch {}), voters {}; {features}",
                            q.leader_id,
                            q.leader_epoch,
                            voters.join(", ")
                        ),
                    )
                }
                (None, note) => {
                    let status = if k.quorum_failed { Status::Warn } else { Status::Ok };
                    (status, format!("not shown: {}; {features}", note.as_deref().unwrap_or("no answer")))
                }
            }
        }
    };
    Check { name: "quorum".into(), status, detail, elapsed_ms: ms(started.elapsed()), not_yet: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quorum_that_times_out_fails_only_when_the_brokers_answered() {
        let late: Result<Kraft, Error> = Err(Error::new("DescribeQuorum", Kind::TimedOut, "DescribeQuorum timed out"));
        let c = quorum_check(&late, Instant::now(), true);
        assert_eq!(c.status, Status::Fail, "{}", c.detail);
        assert!(c.detail.contains("no answer from the controller quorum"), "{}", c.detail);
        // The brokers themselves down: the brokers check says so; the quorum is only not checked.
        assert_eq!(quorum_check(&late, Instant::now(), false).status, Status::Warn);
        let down: Result<Kraft, Error> = Err(Error::new("x", Kind::BrokerUnreachable, "refused"));
        assert_eq!(quorum_check(&down, Instant::now(), true).status, Status::Warn);
        let refused: Result<Kraft, Error> = Err(Error::new("x", Kind::InvalidConfig, "-X ssl.engine.id"));
        assert_eq!(quorum_check(&refused, Instant::now(), true).status, Status::Ok);
    }
}
