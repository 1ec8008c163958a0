//! One round of every health check: brokers first (when they cannot be reached the other checks
//! are skipped: each would only time out again), then partitions, the manifest's topics, its
//! groups, its dead-letter topics and the optional round trip, concurrently, each within its own
//! deadline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::checks::{Notes, dlq_checks, group_checks, manifest_topics, partitions_check, roundtrip};
use crate::health::report::{Report, Status, plural, timed};
use crate::kafka::admin::Admin;
use crate::kafka::{ClusterMeta, Settings};
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
    let limit = limit + Duration::from_millis(500);
    let mut md: Option<ClusterMeta> = None;
    let brokers = timed("brokers", limit, async {
        // A refused connection fails at once: a health probe must not wait out the limit.
        match admin.metadata_or_down(call_limit).await {
            Err(e) => (Status::Fail, format!("unreachable: {e:#}")),
            Ok(m) => {
                // The first request paid for connecting; a second one measures the round trip.
                let t = Instant::now();
                let rtt = admin.metadata(None).await.ok().map(|_| t.elapsed());
                let controller = admin.controller_id().await;
                let mut detail = plural(m.brokers.len(), "broker", "brokers");
                let mut status = Status::Ok;
                match controller {
                    Some(id) => detail.push_str(&format!(", controller {id}")),
                    None => {
                        detail.push_str(", no controller reported");
                        status = Status::Warn;
                    }
                }
                if let Some(rtt) = rtt {
                    detail.push_str(&format!(", metadata round trip {:.1} ms", rtt.as_secs_f64() * 1000.0));
                }
                if m.brokers.is_empty() {
                    status = Status::Fail;
                }
                md = Some(m);
                (status, detail)
            }
        }
    })
    .await;
    let Some(md) = md else {
        let mut c = brokers;
        if !opts.brokers_only {
            c.detail.push_str(" (other checks skipped)");
        }
        return Round { report: Report::new(vec![c]), notes: Notes::default(), seen: None };
    };
    let seen = Some((md.brokers.len(), md.topics.iter().filter(|t| t.error.is_none()).count()));
    if opts.brokers_only {
        return Round { report: Report::new(vec![brokers]), notes: Notes::default(), seen };
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
    let (topics, (groups, notes), dlqs, rt) = tokio::join!(topics_future, groups_future, dlq_future, roundtrip_future);

    let mut all = vec![brokers, partitions];
    all.extend(topics);
    all.extend(groups);
    all.extend(dlqs);
    all.extend(rt);
    Round { report: Report::new(all), notes, seen }
}
