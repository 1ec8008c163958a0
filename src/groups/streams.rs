//! Streams groups (KIP-1071) as evbus shows them: a Kafka Streams application's members (one per
//! stream thread), the tasks each runs, and the topology the broker keeps for it. Pure: the
//! broker's answer is read by [`crate::kafka::wire::streams`]; this turns tasks into the input
//! partitions they read (so lag has owners and resets know who is still running) and names the
//! group's internal topics.
//!
//! A task is a subtopology and a partition number: it reads that partition of every input topic
//! of the subtopology (its source topics and the repartition topics it reads back).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// One subtopology: the topics it reads and the internal topics it owns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Subtopology {
    /// Its id (`0`, `1`, ...).
    pub id: String,
    /// The user's topics it reads.
    pub source_topics: Vec<String>,
    /// Repartition topics it reads (written by another subtopology, created by the broker).
    pub repartition_source_topics: Vec<String>,
    /// Repartition topics it writes to.
    pub repartition_sink_topics: Vec<String>,
    /// Changelog topics of its state stores.
    pub changelog_topics: Vec<String>,
}

impl Subtopology {
    /// Every topic whose partitions its tasks read.
    pub fn inputs(&self) -> impl Iterator<Item = &String> {
        self.source_topics.iter().chain(&self.repartition_source_topics)
    }
}

/// A member's tasks of one kind: subtopology id → partitions.
pub type Tasks = BTreeMap<String, Vec<i32>>;

/// One member of a streams group (a stream thread of a Kafka Streams instance).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Member {
    /// The id the coordinator gave the member.
    pub member_id: String,
    /// The member's epoch (the group epoch it has caught up with).
    pub member_epoch: i32,
    /// Static membership id, when the application sets one.
    pub instance_id: Option<String>,
    /// The thread's client id (`<client.id>-StreamThread-N-consumer`).
    pub client_id: String,
    /// As the broker sees it, without the leading `/`.
    pub host: String,
    /// The Kafka Streams instance the thread belongs to.
    pub process_id: String,
    /// Tasks it runs.
    pub active: Tasks,
    /// Tasks whose state it keeps a copy of, to take over quickly.
    pub standby: Tasks,
    /// Tasks whose state it is catching up on before they move to it.
    pub warmup: Tasks,
}

/// A streams group as StreamsGroupDescribe reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct StreamsGroup {
    /// The group id (the application id).
    pub group: String,
    /// Empty, NotReady, Assigning, Reconciling, Stable or Dead.
    pub state: String,
    /// Bumped on every change of members or topology.
    pub group_epoch: i32,
    /// The group epoch the current target assignment was computed for.
    pub assignment_epoch: i32,
    /// `None` before the first member brought its topology.
    pub topology_epoch: Option<i32>,
    /// Empty before the topology is set up (no member yet, or input topics missing).
    pub subtopologies: Vec<Subtopology>,
    /// The members; empty when the application is not running.
    pub members: Vec<Member>,
}

impl StreamsGroup {
    /// The topic → partitions a member's active tasks read (what it consumes, as a consumer
    /// group's assignment would say).
    pub fn input_partitions(&self, m: &Member) -> BTreeMap<String, Vec<i32>> {
        let mut out: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
        for (sub, parts) in &m.active {
            let Some(s) = self.subtopologies.iter().find(|s| &s.id == sub) else { continue };
            for t in s.inputs() {
                out.entry(t.clone()).or_default().extend(parts);
            }
        }
        out.into_iter().map(|(t, ps)| (t, ps.into_iter().collect())).collect()
    }

    /// The user's topics the application reads (not its repartition topics), sorted.
    pub fn input_topics(&self) -> Vec<String> {
        let t: BTreeSet<&String> = self.subtopologies.iter().flat_map(|s| &s.source_topics).collect();
        t.into_iter().cloned().collect()
    }

    /// The topics the broker created for the group (repartition and changelog), sorted.
    pub fn internal_topics(&self) -> Vec<String> {
        let t: BTreeSet<&String> = self
            .subtopologies
            .iter()
            .flat_map(|s| {
                s.repartition_source_topics.iter().chain(&s.repartition_sink_topics).chain(&s.changelog_topics)
            })
            .collect();
        t.into_iter().cloned().collect()
    }
}

/// Tasks as Kafka's `kafka-streams-groups --members` prints them: `0:[0,1,2]; 1:[0]`, `-` for none.
pub fn tasks_text(t: &Tasks) -> String {
    if t.is_empty() {
        return "-".into();
    }
    t.iter()
        .map(|(sub, ps)| format!("{sub}:[{}]", ps.iter().map(i32::to_string).collect::<Vec<_>>().join(",")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether `topic` is named like an internal topic of application `app` (`<app>-...-changelog`
/// or `-repartition`), for listings that have no topology to ask.
pub fn looks_internal(app: &str, topic: &str) -> bool {
    topic
        .strip_prefix(app)
        .is_some_and(|rest| rest.starts_with('-') && (rest.ends_with("-changelog") || rest.ends_with("-repartition")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> StreamsGroup {
        StreamsGroup {
            group: "app".into(),
            subtopologies: vec![
                Subtopology {
                    id: "0".into(),
                    source_topics: vec!["in".into()],
                    repartition_sink_topics: vec!["app-counts-repartition".into()],
                    ..Default::default()
                },
                Subtopology {
                    id: "1".into(),
                    repartition_source_topics: vec!["app-counts-repartition".into()],
                    changelog_topics: vec!["app-counts-changelog".into()],
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn tasks_read_every_input_of_their_subtopology() {
        let g = app();
        let m = Member {
            active: [("0".to_string(), vec![2, 0]), ("1".to_string(), vec![1])].into_iter().collect(),
            ..Default::default()
        };
        let parts = g.input_partitions(&m);
        assert_eq!(parts["in"], [0, 2]);
        assert_eq!(parts["app-counts-repartition"], [1]);
        assert_eq!(parts.len(), 2);
        // A task of a subtopology the topology does not have (yet) reads nothing known.
        let stray = Member { active: [("9".to_string(), vec![0])].into_iter().collect(), ..Default::default() };
        assert!(g.input_partitions(&stray).is_empty());
    }

    #[test]
    fn internal_topics_are_the_repartition_and_changelog_topics() {
        let g = app();
        assert_eq!(g.input_topics(), ["in"]);
        assert_eq!(g.internal_topics(), ["app-counts-changelog", "app-counts-repartition"]);
    }

    #[test]
    fn tasks_print_as_kafka_prints_them() {
        let t: Tasks = [("0".to_string(), vec![0, 1, 2]), ("1".to_string(), vec![0])].into_iter().collect();
        assert_eq!(tasks_text(&t), "0:[0,1,2]; 1:[0]");
        assert_eq!(tasks_text(&Tasks::new()), "-");
    }

    #[test]
    fn internal_topic_names_belong_to_their_application() {
        assert!(looks_internal("app", "app-counts-changelog"));
        assert!(looks_internal("app", "app-KSTREAM-AGGREGATE-0000000003-repartition"));
        assert!(!looks_internal("app", "application-x-changelog"));
        assert!(!looks_internal("app", "app-orders"));
    }
}
