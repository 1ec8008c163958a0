//! tail's growth: partitions added to the followed topics, and topics that start matching
//! `--pattern` or `--all`, while a run follows. The client only reads what was assigned, so a
//! run that did not look again would never read them (issue 26): a metadata watch brings fresh
//! metadata every few seconds, and this finds what is new, starts reading it from its beginning
//! (every record in it was written after the run started) and says so on stderr.

use anyhow::Result;
use regex::Regex;

use super::engine::Engine;
use super::start::TopicSel;
use crate::kafka::reader::{MetadataWatch, Reader, StartAt};
use crate::kafka::{ClusterMeta, Ctx, queue::BatchQueue};

/// What a following run looks at to grow: the watch (none for a run that stops at the end it
/// saw at the start) and the selection new topics are judged by.
pub(super) struct Follow {
    pub(super) watch: Option<MetadataWatch>,
    pub(super) selection: Selection,
}

impl Follow {
    /// Follows what appeared since the last look (see [`follow_new`]), if the watch brought
    /// fresh metadata.
    pub(super) fn check(&self, reader: &Reader, queue: Option<&BatchQueue<Ctx>>, engine: &mut Engine) -> Result<()> {
        match self.watch.as_ref().and_then(MetadataWatch::latest) {
            Some(meta) => follow_new(reader, queue, engine, &meta, &self.selection),
            None => Ok(()),
        }
    }
}

/// Which topics the run follows: the command line's choice, kept to judge topics that appear.
pub(super) struct Selection {
    pub(super) pattern: Option<Regex>,
    pub(super) all: bool,
}

impl Selection {
    /// A topic the run did not follow so far, but should now that it exists.
    fn wants(&self, topic: &str) -> bool {
        !crate::topics::plan::is_internal(topic)
            && (self.all || self.pattern.as_ref().is_some_and(|re| re.is_match(topic)))
    }
}

/// What `meta` has that the run should follow and does not yet: new partitions of followed
/// topics, and every partition of a topic that newly matches. Topics the broker answered with
/// an error are left for a later refresh.
pub(super) fn growth(
    meta: &ClusterMeta,
    sel: &Selection,
    followed: impl Fn(&str) -> bool,
    known: impl Fn(&str, i32) -> bool,
) -> Vec<TopicSel> {
    let mut out: Vec<TopicSel> = Vec::new();
    for t in &meta.topics {
        if t.error.is_some() || !(followed(&t.name) || sel.wants(&t.name)) {
            continue;
        }
        let mut partitions: Vec<i32> = t.partitions.iter().map(|p| p.id).filter(|&p| !known(&t.name, p)).collect();
        if partitions.is_empty() || out.iter().any(|o| o.name == t.name) {
            continue;
        }
        partitions.sort_unstable();
        out.push(TopicSel { name: t.name.clone(), partitions });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Partition ids as ranges: `[0, 1, 2, 5]` is `0..2,5`.
pub(super) fn ranges(ids: &[i32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { ids[i].to_string() } else { format!("{}..{}", ids[i], ids[j]) });
        i = j + 1;
    }
    parts.join(",")
}

/// Follows what appeared since the last look, if the watch brought new metadata: assigns it
/// (assign mode, `queue`) or subscribes to the grown topic list (group mode, whose coordinator
/// hands out new partitions of subscribed topics by itself).
pub(super) fn follow_new(
    reader: &Reader,
    queue: Option<&BatchQueue<Ctx>>,
    engine: &mut Engine,
    meta: &ClusterMeta,
    sel: &Selection,
) -> Result<()> {
    let new = growth(meta, sel, |t| engine.topic_names.iter().any(|n| n == t), |t, p| engine.knows(t, p));
    if new.is_empty() {
        return Ok(());
    }
    let new_topics = new.iter().any(|t| !engine.topic_names.contains(&t.name));
    match queue {
        Some(queue) => {
            let parts: Vec<(&str, i32, StartAt)> = new
                .iter()
                .flat_map(|t| t.partitions.iter().map(|&p| (t.name.as_str(), p, StartAt::Beginning)))
                .collect();
            reader.assign_more(queue, &parts)?;
        }
        None if new_topics => {
            let mut names: Vec<&str> = engine.topic_names.iter().map(String::as_str).collect();
            names.extend(new.iter().map(|t| t.name.as_str()).filter(|n| !engine.topic_names.iter().any(|k| k == n)));
            reader.subscribe(&names)?;
        }
        None => {}
    }
    for t in &new {
        let what = if engine.topic_names.contains(&t.name) { "new partition(s)" } else { "new topic" };
        engine.follow(&t.name, &t.partitions);
        engine.ui.info(format!(
            "evbus: following {what} {}[{}]",
            crate::term::sanitize::for_terminal(&t.name),
            ranges(&t.partitions)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::{PartitionMeta, TopicMeta};

    fn meta(topics: &[(&str, i32)]) -> ClusterMeta {
        ClusterMeta {
            brokers: vec![],
            orig_broker_id: 1,
            topics: topics
                .iter()
                .map(|(n, k)| TopicMeta {
                    name: n.to_string(),
                    error: None,
                    partitions: (0..*k)
                        .map(|id| PartitionMeta { id, leader: 1, replicas: vec![1], isr: vec![1], error: None })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn new_partitions_and_newly_matching_topics() {
        let m = meta(&[("orders", 6), ("auth.a", 1), ("auth.b", 2), ("other", 1), ("__consumer_offsets", 50)]);
        let followed = |t: &str| t == "orders" || t == "auth.a";
        let known = |t: &str, p: i32| (t == "orders" && p < 3) || (t == "auth.a" && p == 0);

        let named = Selection { pattern: None, all: false };
        assert_eq!(
            growth(&m, &named, followed, known),
            vec![TopicSel { name: "orders".into(), partitions: vec![3, 4, 5] }]
        );

        let pattern = Selection { pattern: Some(Regex::new("^auth").unwrap()), all: false };
        let g = growth(&m, &pattern, followed, known);
        assert_eq!(
            g,
            vec![
                TopicSel { name: "auth.b".into(), partitions: vec![0, 1] },
                TopicSel { name: "orders".into(), partitions: vec![3, 4, 5] },
            ]
        );

        let all = Selection { pattern: None, all: true };
        let names: Vec<String> = growth(&m, &all, followed, known).into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["auth.b", "orders", "other"], "internal topics stay out of --all");

        assert!(growth(&m, &named, |_| true, |_, _| true).is_empty(), "nothing new");
    }

    #[test]
    fn partition_ranges() {
        assert_eq!(ranges(&[3, 4, 5]), "3..5");
        assert_eq!(ranges(&[0, 1, 2, 5]), "0..2,5");
        assert_eq!(ranges(&[7]), "7");
        assert_eq!(ranges(&[1, 3]), "1,3");
    }
}
