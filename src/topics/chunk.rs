//! Splitting a plan's changes into requests a broker accepts.
//!
//! A KRaft controller writes every admin request as one atomic batch of metadata records and
//! refuses a batch of more than 10,000 of them ("Unable to perform excessively large batch
//! operation", `POLICY_VIOLATION` on every operation of the request): one CreateTopics for a few
//! thousand topics failed entirely. Each request here stays well under that, counting the
//! records the controller writes for each change. Pure: the broker layer sends the chunks.

use crate::topics::plan::Change;

/// Metadata records per request: half of the controller's limit (10,000), leaving room for the
/// records this count does not foresee (a broker version writing one more per topic).
pub const RECORD_BUDGET: usize = 5_000;

/// Operations per request, whatever their records: bounds the request's size and the time the
/// broker takes to answer it, which `--timeout` bounds.
pub const MAX_OPERATIONS: usize = 500;

/// The metadata records a KRaft controller writes for a change: a topic record, one record per
/// partition and one per config for a new topic; one per new partition; one per config key set
/// or removed; one to remove a topic.
pub fn records(change: &Change) -> usize {
    match change {
        Change::Create { partitions, config, .. } => 1 + (*partitions).max(0) as usize + config.len(),
        Change::AddPartitions { from, to, .. } => (to - from).max(0) as usize,
        Change::AlterConfig { set, delete, .. } => set.len() + delete.len(),
        Change::DeleteTopic { .. } => 1,
        Change::Reassign { moves, .. } => moves.len(),
        Change::Reassigning { .. } => 0,
        Change::ClearThrottle { keys, .. } => keys.len(),
    }
}

/// Consecutive runs of `items` of at most `budget` in total `cost` and at most `max_items` each,
/// in order, covering every item once. An item that alone costs more than the budget gets a run
/// of its own: the broker then refuses that one operation with its own explanation, and the
/// others still go through.
pub fn chunks<T>(items: &[T], cost: impl Fn(&T) -> usize, budget: usize, max_items: usize) -> Vec<&[T]> {
    let max_items = max_items.max(1);
    let mut out = Vec::new();
    let (mut start, mut total) = (0, 0usize);
    for (i, item) in items.iter().enumerate() {
        let c = cost(item);
        if i > start && (total.saturating_add(c) > budget || i - start >= max_items) {
            out.push(&items[start..i]);
            (start, total) = (i, 0);
        }
        total = total.saturating_add(c);
    }
    if start < items.len() {
        out.push(&items[start..]);
    }
    out
}

/// [`chunks`] of plan changes with the controller's record count, [`RECORD_BUDGET`] and
/// [`MAX_OPERATIONS`].
pub fn requests(changes: &[Change]) -> Vec<&[Change]> {
    chunks(changes, records, RECORD_BUDGET, MAX_OPERATIONS)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn create(name: &str, partitions: i32, configs: usize) -> Change {
        Change::Create {
            topic: name.into(),
            partitions,
            replication_factor: 1,
            config: (0..configs).map(|i| (format!("k{i}"), "v".into())).collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn records_count_topic_partitions_and_configs() {
        assert_eq!(records(&create("a", 6, 2)), 9);
        assert_eq!(records(&Change::AddPartitions { topic: "a".into(), from: 3, to: 10, replicas: Vec::new() }), 7);
        assert_eq!(records(&Change::DeleteTopic { topic: "a".into() }), 1);
    }

    #[test]
    fn the_manifest_that_failed_whole_is_split_under_the_controller_limit() {
        // ~3,400 topics of 2 partitions: 10,200 records, refused as one request.
        let changes: Vec<Change> = (0..3_400).map(|i| create(&format!("t{i}"), 2, 0)).collect();
        assert!(changes.iter().map(records).sum::<usize>() > 10_000);
        let reqs = requests(&changes);
        assert!(reqs.len() > 1);
        for r in &reqs {
            assert!(r.iter().map(records).sum::<usize>() <= RECORD_BUDGET);
            assert!(r.len() <= MAX_OPERATIONS);
        }
        // Every change once, in order.
        let flat: Vec<&Change> = reqs.iter().flat_map(|r| r.iter()).collect();
        assert_eq!(flat.len(), changes.len());
        assert!(flat.iter().zip(&changes).all(|(a, b)| *a == b));
    }

    #[test]
    fn partitions_count_as_records() {
        // 12 topics of 1,000 partitions: 12,012 records in 12 operations.
        let changes: Vec<Change> = (0..12).map(|i| create(&format!("t{i}"), 1_000, 0)).collect();
        let reqs = requests(&changes);
        assert_eq!(reqs.iter().map(|r| r.len()).collect::<Vec<_>>(), vec![4, 4, 4]);
    }

    #[test]
    fn an_item_over_the_budget_goes_alone() {
        let costs = [3, 20, 3, 3, 3];
        let reqs = chunks(&costs, |c| *c, 10, 100);
        assert_eq!(reqs, vec![&[3][..], &[20][..], &[3, 3, 3][..]]);
        let none: &[usize] = &[];
        assert!(chunks(none, |c| *c, 10, 100).is_empty());
        assert_eq!(chunks(&[1, 1, 1], |c| *c, 10, 2), vec![&[1, 1][..], &[1][..]]);
    }
}
