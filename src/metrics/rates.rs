//! Produce rates from two collections: how far each topic's log-end offsets moved, per second.
//! A topic that shrank (deleted and recreated) or is in only one of them has no rate rather than
//! a negative or a made-up one.

use std::collections::{BTreeMap, HashMap};

use super::model::Cluster;

/// Records produced per second to each topic between `prev` (at `prev_ms`) and `cur` (at
/// `cur_ms`), over the partitions whose log end is known in both.
pub fn produce_rates(prev: &Cluster, prev_ms: i64, cur: &Cluster, cur_ms: i64) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let secs = (cur_ms - prev_ms) as f64 / 1000.0;
    if secs <= 0.0 {
        return out;
    }
    let before: HashMap<(&str, i32), i64> = prev
        .topics
        .iter()
        .flat_map(|t| t.partitions.iter().filter_map(move |p| Some(((t.name.as_str(), p.id), p.end?))))
        .collect();
    for t in cur.topics.iter().filter(|t| !t.internal) {
        let mut delta = 0i64;
        let mut seen = false;
        let mut shrank = false;
        for p in &t.partitions {
            let (Some(end), Some(was)) = (p.end, before.get(&(t.name.as_str(), p.id))) else { continue };
            seen = true;
            shrank |= end < *was;
            delta = delta.saturating_add(end - was);
        }
        if seen && !shrank {
            out.insert(t.name.clone(), delta as f64 / secs);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::model::{PartitionView, TopicView};

    fn cluster(ends: &[(&str, &[i64])]) -> Cluster {
        Cluster {
            brokers: 1,
            topics: ends
                .iter()
                .map(|(name, e)| TopicView {
                    name: name.to_string(),
                    partitions: e
                        .iter()
                        .enumerate()
                        .map(|(i, end)| PartitionView { id: i as i32, end: Some(*end), ..Default::default() })
                        .collect(),
                    ..Default::default()
                })
                .collect(),
        }
    }

    #[test]
    fn rates_are_offsets_moved_per_second_and_never_negative() {
        let a = cluster(&[("t", &[10, 20]), ("gone", &[5]), ("reset", &[100])]);
        let b = cluster(&[("t", &[20, 40]), ("new", &[7]), ("reset", &[3])]);
        let r = produce_rates(&a, 1_000, &b, 3_000);
        assert_eq!(r.get("t"), Some(&15.0), "30 records in 2 s");
        assert!(!r.contains_key("new") && !r.contains_key("gone") && !r.contains_key("reset"), "{r:?}");
        assert!(produce_rates(&a, 1_000, &b, 1_000).is_empty());
    }
}
