//! tail's start: which topics and partitions to follow, where each partition starts (from the
//! watermarks, a time, or the group's committed offsets), and which partitions are done before a
//! record is read (the stop rules of `--exit` and `--until`).

use anyhow::{Result, bail};
use regex::Regex;

use super::engine::PartState;
use crate::kafka::reader::{OffsetsAt, Reader, StartAt};
use crate::kafka::{ClusterMeta, Settings};

/// Where to start reading, from `--from` / `--since`, with any time resolved to milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StartPos {
    End,
    Beginning,
    Offset(i64),
    /// The last N records of each partition.
    Last(i64),
    /// The first record at or after this time (ms since the epoch).
    Time(i64),
}

/// A topic being followed, with its partition ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TopicSel {
    pub(super) name: String,
    pub(super) partitions: Vec<i32>,
}

/// Picks the topics named, matched by the pattern, or all non-internal ones.
pub(super) fn select_topics(
    meta: &ClusterMeta,
    names: &[String],
    pattern: Option<&Regex>,
    all: bool,
) -> Result<Vec<TopicSel>> {
    fn push(out: &mut Vec<TopicSel>, t: &crate::kafka::TopicMeta) -> Result<()> {
        if out.iter().any(|s| s.name == t.name) {
            return Ok(());
        }
        if t.error.as_deref() == Some("TopicAuthorizationFailed") {
            bail!(
                "not authorized: Describe on topic '{}' (the broker's ACLs do not allow this principal to see it)",
                crate::term::sanitize::for_terminal(&t.name)
            );
        }
        if let Some(e) = &t.error {
            bail!("topic '{}' is not readable: {e}", crate::term::sanitize::for_terminal(&t.name));
        }
        let mut partitions: Vec<i32> = t.partitions.iter().map(|p| p.id).collect();
        partitions.sort_unstable();
        out.push(TopicSel { name: t.name.clone(), partitions });
        Ok(())
    }
    let mut out: Vec<TopicSel> = Vec::new();
    for name in names {
        match meta.topics.iter().find(|t| &t.name == name) {
            Some(t) => push(&mut out, t)?,
            None => {
                let near = meta
                    .topics
                    .iter()
                    .map(|t| (strsim::jaro_winkler(name, &t.name), &t.name))
                    .filter(|(s, _)| *s > 0.85)
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                let hint = near.map(|(_, n)| format!("; did you mean '{n}'?")).unwrap_or_default();
                bail!(
                    "unknown topic '{}'{hint} (evbus topics list shows the topics)",
                    crate::term::sanitize::for_terminal(name)
                );
            }
        }
    }
    if let Some(re) = pattern {
        let mut matched: Vec<_> =
            meta.topics.iter().filter(|t| !crate::topics::plan::is_internal(&t.name) && re.is_match(&t.name)).collect();
        matched.sort_by(|a, b| a.name.cmp(&b.name));
        if matched.is_empty() {
            bail!("no topic matches --pattern '{}'", re.as_str());
        }
        for t in matched {
            push(&mut out, t)?;
        }
    }
    if all {
        let mut topics: Vec<_> = meta.topics.iter().filter(|t| !crate::topics::plan::is_internal(&t.name)).collect();
        topics.sort_by(|a, b| a.name.cmp(&b.name));
        for t in topics {
            push(&mut out, t)?;
        }
        if out.is_empty() {
            bail!("the cluster has no topics to follow");
        }
    }
    Ok(out)
}

/// First offset to read for a start position, given the partition's watermarks.
fn start_offset(pos: StartPos, low: i64, high: i64) -> i64 {
    match pos {
        StartPos::End => high,
        StartPos::Beginning => low,
        StartPos::Offset(n) => n.clamp(low, high.max(low)),
        StartPos::Last(n) => high.saturating_sub(n).max(low),
        // Resolved through offsets_for_times, never here.
        StartPos::Time(_) => low,
    }
}

/// Watermarks of every partition, from two batched ListOffsets requests.
struct Watermarks {
    /// Per topic, per partition index (same order as `TopicSel::partitions`).
    low: Vec<Vec<i64>>,
    high: Vec<Vec<i64>>,
}

/// ListOffsets at `at` over tail's own consumer, per topic and partition index; `-1` where the
/// broker has no offset (no record at or after a time).
async fn offsets_by_topic(
    settings: &Settings,
    reader: &Reader,
    what: &str,
    topics: &[TopicSel],
    at: OffsetsAt,
) -> Result<Vec<Vec<i64>>> {
    let flat = reader.offsets(settings, what, flat_parts(topics), at).await?;
    let mut it = flat.into_iter();
    Ok(topics.iter().map(|t| it.by_ref().take(t.partitions.len()).collect()).collect())
}

/// Every (topic, partition), topic by topic in order.
fn flat_parts(topics: &[TopicSel]) -> Vec<(String, i32)> {
    topics.iter().flat_map(|t| t.partitions.iter().map(move |&p| (t.name.clone(), p))).collect()
}

/// What decides where a run starts.
pub(super) struct Plan {
    pub(super) start: StartPos,
    /// Watermarks are needed (to stop at the end, count back or clamp an offset).
    pub(super) needs_marks: bool,
    /// The run ends at the high watermarks captured now.
    pub(super) stop_at_high: bool,
    /// `--group`: the committed offsets decide, `start` only where there are none.
    pub(super) group: bool,
}

/// Where a run starts.
pub(super) struct Start {
    /// Per topic, per partition index: the offset to assign (without a group).
    pub(super) starts: Vec<Vec<StartAt>>,
    /// Per topic, per partition id: what the stop rules track.
    pub(super) parts: Vec<Vec<PartState>>,
}

/// Reads the watermarks, offsets by time and committed offsets the plan needs, over tail's
/// consumer, each bounded by `--timeout`.
pub(super) async fn find(settings: &Settings, reader: &Reader, topics: &[TopicSel], plan: Plan) -> Result<Start> {
    let stop_at_high = plan.stop_at_high;
    let marks = if plan.needs_marks {
        // Both requests in flight at once: one round trip of startup latency instead of two.
        let (low, high) = tokio::join!(
            offsets_by_topic(settings, reader, "watermark request", topics, OffsetsAt::Beginning),
            offsets_by_topic(settings, reader, "watermark request", topics, OffsetsAt::End),
        );
        Some(Watermarks { low: low?, high: high? })
    } else {
        None
    };

    // Start offsets (assign mode) or, with a group, what is already committed.
    let mut starts: Vec<Vec<StartAt>> = Vec::with_capacity(topics.len());
    if let StartPos::Time(ts) = plan.start {
        let found =
            offsets_by_topic(settings, reader, "offsets-for-times request", topics, OffsetsAt::Time(ts)).await?;
        for (ti, offs) in found.into_iter().enumerate() {
            starts.push(
                offs.into_iter()
                    .enumerate()
                    .map(|(pi, o)| match (o, &marks) {
                        (o, _) if o >= 0 => StartAt::Offset(o),
                        (_, Some(m)) => StartAt::Offset(m.high[ti][pi]),
                        (_, None) => StartAt::End,
                    })
                    .collect(),
            );
        }
    } else {
        for (ti, t) in topics.iter().enumerate() {
            starts.push(
                (0..t.partitions.len())
                    .map(|pi| match (&marks, plan.start) {
                        (Some(m), pos) => StartAt::Offset(start_offset(pos, m.low[ti][pi], m.high[ti][pi])),
                        (None, StartPos::Beginning) => StartAt::Beginning,
                        (None, _) => StartAt::End,
                    })
                    .collect(),
            );
        }
    }

    // Per-partition state for the stop rules.
    let mut parts: Vec<Vec<PartState>> = Vec::with_capacity(topics.len());
    for (ti, t) in topics.iter().enumerate() {
        let mut v = Vec::new();
        for (pi, &p) in t.partitions.iter().enumerate() {
            let high = marks.as_ref().map_or(i64::MAX, |m| m.high[ti][pi]);
            let idx = usize::try_from(p).unwrap_or(0);
            if v.len() <= idx {
                v.resize(idx + 1, PartState { high: i64::MAX, done: true, known: false });
            }
            let start = match starts[ti][pi] {
                StartAt::Offset(o) => o,
                _ => -1,
            };
            // An empty partition, or one we start at the end of, is done before it begins. With a
            // group the committed offset decides instead (checked below).
            let done = stop_at_high && !plan.group && start >= 0 && start >= high;
            v[idx] = PartState { high, done, known: true };
        }
        parts.push(v);
    }

    if stop_at_high && plan.group {
        // Partitions whose committed offset is already at the end would never deliver a
        // record (nor, for another topic's same-numbered partition, an unambiguous EOF).
        // A group's coordinator is still loading on a fresh broker ("not coordinator"): the
        // reader asks again.
        let committed = reader.committed(settings, flat_parts(topics)).await?;
        let mut committed = committed.into_iter();
        for (ti, t) in topics.iter().enumerate() {
            for (pi, &p) in t.partitions.iter().enumerate() {
                let start = match committed.next().flatten() {
                    Some(o) => o,
                    // No committed offset: auto.offset.reset (from --from) applies.
                    None => match starts[ti][pi] {
                        StartAt::Offset(o) => o,
                        _ => continue,
                    },
                };
                if let Some(st) = parts[ti].get_mut(usize::try_from(p).unwrap_or(usize::MAX))
                    && start >= st.high
                {
                    st.done = true;
                }
            }
        }
    }
    Ok(Start { starts, parts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::{PartitionMeta, TopicMeta};

    #[test]
    fn start_offsets() {
        assert_eq!(start_offset(StartPos::End, 5, 10), 10);
        assert_eq!(start_offset(StartPos::Beginning, 5, 10), 5);
        assert_eq!(start_offset(StartPos::Last(3), 5, 10), 7);
        assert_eq!(start_offset(StartPos::Last(30), 5, 10), 5);
        assert_eq!(start_offset(StartPos::Last(i64::MAX), 0, 10), 0);
        assert_eq!(start_offset(StartPos::Offset(2), 5, 10), 5);
        assert_eq!(start_offset(StartPos::Offset(7), 5, 10), 7);
        assert_eq!(start_offset(StartPos::Offset(70), 5, 10), 10);
        assert_eq!(start_offset(StartPos::Offset(3), 0, 0), 0);
    }

    fn meta(names: &[(&str, i32)]) -> ClusterMeta {
        ClusterMeta {
            brokers: vec![],
            orig_broker_id: 1,
            topics: names
                .iter()
                .map(|(n, parts)| TopicMeta {
                    name: n.to_string(),
                    error: None,
                    partitions: (0..*parts)
                        .rev()
                        .map(|id| PartitionMeta { id, leader: 1, replicas: vec![1], isr: vec![1], error: None })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn topic_selection() {
        let m =
            meta(&[("auth.user.registered", 3), ("auth.user.deleted", 1), ("orders", 2), ("__consumer_offsets", 50)]);
        let sel = select_topics(&m, &["orders".into()], None, false).unwrap();
        assert_eq!(sel, vec![TopicSel { name: "orders".into(), partitions: vec![0, 1] }]);

        let re = Regex::new(r"^auth\.").unwrap();
        let sel = select_topics(&m, &[], Some(&re), false).unwrap();
        let names: Vec<_> = sel.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["auth.user.deleted", "auth.user.registered"]);

        let sel = select_topics(&m, &["orders".into()], Some(&Regex::new("orders|auth.user.deleted").unwrap()), false)
            .unwrap();
        assert_eq!(sel.len(), 2, "names and pattern are united without duplicates");

        let sel = select_topics(&m, &[], None, true).unwrap();
        assert_eq!(sel.len(), 3, "internal topics are left out of --all");
        assert!(select_topics(&m, &[], Some(&Regex::new("consumer").unwrap()), false).is_err());

        let e = select_topics(&m, &["order".into()], None, false).unwrap_err().to_string();
        assert!(e.contains("unknown topic 'order'") && e.contains("did you mean 'orders'"), "{e}");
        let e = select_topics(&meta(&[]), &[], None, true).unwrap_err().to_string();
        assert!(e.contains("no topics"), "{e}");
    }
}
