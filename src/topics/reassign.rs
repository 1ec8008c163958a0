//! Replication-factor changes: where each partition's replicas go when a topic's replication
//! factor rises or falls, and which replication throttles are leftovers.
//!
//! Pure, so the placement rules are unit-tested without a cluster: the caller passes the brokers
//! (with their racks), each partition's replicas, leader and ISR, and gets the target replicas.
//! The rules, in order: keep the leader (a move should not also move leadership), spread a
//! partition over racks, balance replicas over brokers, break ties by broker id (the same input
//! always gives the same plan, so `plan` and then `apply` agree).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// A broker's rate limit for replicas leading a throttled partition (bytes/s).
pub const LEADER_RATE: &str = "leader.replication.throttled.rate";
/// A broker's rate limit for replicas following a throttled partition (bytes/s).
pub const FOLLOWER_RATE: &str = "follower.replication.throttled.rate";
/// A topic's `partition:broker` list of leader replicas under the throttle.
pub const LEADER_REPLICAS: &str = "leader.replication.throttled.replicas";
/// A topic's `partition:broker` list of follower replicas under the throttle.
pub const FOLLOWER_REPLICAS: &str = "follower.replication.throttled.replicas";

/// Whether `key` is one of the topic keys a reassignment's throttle sets: evbus manages them
/// itself (set for a move, removed after it), so they are not an unmanaged override.
pub fn is_throttle_key(key: &str) -> bool {
    key == LEADER_REPLICAS || key == FOLLOWER_REPLICAS
}

/// A broker as placement sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broker {
    /// Node id.
    pub id: i32,
    /// `broker.rack`, when the broker has one.
    pub rack: Option<String>,
}

/// Where one partition's replicas are now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Placement {
    /// The current leader (-1: none).
    pub leader: i32,
    /// The replicas, preferred leader first.
    pub replicas: Vec<i32>,
    /// The in-sync replicas.
    pub isr: Vec<i32>,
}

/// One partition whose replicas change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    /// Partition id.
    pub partition: i32,
    /// Replicas now.
    pub from: Vec<i32>,
    /// Replicas after the move (the first is the preferred leader).
    pub to: Vec<i32>,
}

impl Move {
    /// `p0: 1 → 1,2,3`.
    pub fn words(&self) -> String {
        format!("p{}: {} → {}", self.partition, ids(&self.from), ids(&self.to))
    }
}

/// One partition of a reassignment the cluster is running now (ListPartitionReassignments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ongoing {
    /// Partition id.
    pub partition: i32,
    /// Every replica now: target and (until the move ends) the ones being removed.
    pub replicas: Vec<i32>,
    /// Replicas being added (catching up).
    pub adding: Vec<i32>,
    /// Replicas removed once the added ones are in sync.
    pub removing: Vec<i32>,
}

/// `1,2,3`.
pub fn ids(v: &[i32]) -> String {
    v.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// The moves that bring every partition of `parts` to `rf` replicas on `brokers` (the live
/// ones); partitions already at `rf` do not move. An error, with nothing to move, when `rf` is
/// below 1 or above the number of brokers.
pub fn target(parts: &BTreeMap<i32, Placement>, rf: i16, brokers: &[Broker]) -> Result<Vec<Move>, String> {
    if rf < 1 {
        return Err(format!("replication factor {rf} is below 1"));
    }
    let want = rf as usize;
    if want > brokers.len() {
        return Err(format!(
            "replication factor {rf} is more than the {} live broker(s) the cluster has; Kafka would refuse the \
             reassignment",
            brokers.len()
        ));
    }
    let rack: BTreeMap<i32, Option<&str>> = brokers.iter().map(|b| (b.id, b.rack.as_deref())).collect();
    let order: Vec<i32> = rack.keys().copied().collect();
    // Load: replicas of this topic per broker, as the moves so far leave them.
    let mut load: BTreeMap<i32, usize> = brokers.iter().map(|b| (b.id, 0)).collect();
    for p in parts.values() {
        for r in &p.replicas {
            *load.entry(*r).or_default() += 1;
        }
    }
    let mut to: BTreeMap<i32, Vec<i32>> = parts.iter().map(|(p, pl)| (*p, pl.replicas.clone())).collect();
    // Dropping looks at every partition at once: the next replica to go is always the best one
    // anywhere (by [`drop_key`]), so the most loaded brokers lose replicas first; going
    // partition by partition would spend each partition's choice before the load is known.
    let keep = |pl: &Placement, now: &[i32]| if now.contains(&pl.leader) { pl.leader } else { now[0] };
    loop {
        let over: Vec<(&i32, &Placement)> = parts.iter().filter(|(p, _)| to[*p].len() > want).collect();
        // Where each broker can still lose a replica: among equals, the broker with the fewest
        // chances left goes first (a broker leading most partitions can leave only the others).
        let mut chances: BTreeMap<i32, usize> = BTreeMap::new();
        for (p, pl) in &over {
            let k = keep(pl, &to[*p]);
            for r in to[*p].iter().filter(|r| **r != k) {
                *chances.entry(*r).or_default() += 1;
            }
        }
        let best = over
            .iter()
            .flat_map(|(p, pl)| {
                let now = &to[*p];
                let k = keep(pl, now);
                let chances = &chances;
                let (rack, load) = (&rack, &load);
                now.iter().filter(move |r| **r != k).map(move |r| {
                    let (a, b, c, l, notpref) = drop_key(pl, now, *r, rack, load);
                    (**p, *r, (a, b, c, l, std::cmp::Reverse(chances[r]), notpref))
                })
            })
            .max_by_key(|(p, r, key)| (*key, std::cmp::Reverse(*p), *r));
        let Some((p, r, _)) = best else { break };
        if let Some(v) = to.get_mut(&p) {
            v.retain(|x| *x != r);
        }
        if let Some(n) = load.get_mut(&r) {
            *n -= 1;
        }
    }
    for partition in parts.keys() {
        let Some(to) = to.get_mut(partition) else { continue };
        while to.len() < want {
            let used: BTreeSet<&str> = to.iter().filter_map(|r| rack.get(r).copied().flatten()).collect();
            // Among equals, the broker next after the partition's first replica in id order, as
            // Kafka's own assignment shifts: otherwise the lowest ids would take every tie. A new
            // partition (no replica yet) starts at its id, so new leaders go round the brokers.
            let first =
                to.first().and_then(|f| order.iter().position(|b| b == f)).unwrap_or(*partition as usize % order.len());
            let ring = |id: i32| (order.iter().position(|b| *b == id).unwrap_or(0) + order.len() - first) % order.len();
            let Some(add) = brokers
                .iter()
                .filter(|b| !to.contains(&b.id))
                .min_by_key(|b| (b.rack.as_deref().is_some_and(|r| used.contains(r)), load[&b.id], ring(b.id), b.id))
                .map(|b| b.id)
            else {
                break;
            };
            to.push(add);
            *load.entry(add).or_default() += 1;
        }
    }
    Ok(parts
        .iter()
        .filter(|(p, pl)| to[*p] != pl.replicas)
        .map(|(p, pl)| Move { partition: *p, from: pl.replicas.clone(), to: to[p].clone() })
        .collect())
}

/// Where a new partition whose target replicas are `target` is created when the topic's
/// partitions have `now` replicas each (Kafka creates partitions only at that count): the first
/// `now` of the target when it is larger, the target plus brokers it does not use when smaller
/// (next after the partition's id, as Kafka's own assignment shifts). The move then only adds or
/// only drops replicas, and the preferred leader is the target's from the start.
pub fn created_at(target: &[i32], now: usize, brokers: &[Broker], partition: i32) -> Vec<i32> {
    let mut out: Vec<i32> = target.iter().copied().take(now).collect();
    let mut ids: Vec<i32> = brokers.iter().map(|b| b.id).collect();
    ids.sort_unstable();
    if !ids.is_empty() {
        let start = partition.max(0) as usize % ids.len();
        ids.rotate_left(start);
    }
    for id in ids {
        if out.len() >= now {
            break;
        }
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// How good a choice dropping replica `r` from a partition's replicas `now` is (higher: drop
/// first). The leader (or, with none, the preferred replica) is never a candidate. First one out
/// of sync, then one on a broker that is gone, then one whose rack another replica also covers,
/// then one on the most loaded broker; the preferred leader last.
fn drop_key(
    p: &Placement,
    now: &[i32],
    r: i32,
    rack: &BTreeMap<i32, Option<&str>>,
    load: &BTreeMap<i32, usize>,
) -> (bool, bool, bool, usize, bool) {
    let rack_of = |r: i32| rack.get(&r).copied().flatten();
    let shared = rack_of(r).is_some_and(|k| now.iter().any(|o| *o != r && rack_of(*o) == Some(k)));
    (
        !p.isr.contains(&r),
        !rack.contains_key(&r),
        shared,
        load.get(&r).copied().unwrap_or(0),
        Some(r) != p.replicas.first().copied(),
    )
}

/// The `partition:broker` lists a throttle sets on a topic for `moves`, as
/// kafka-reassign-partitions does: every current replica may lead (be read from) under the
/// leader rate, every replica being added follows under the follower rate.
pub fn throttled_replicas(moves: &[(i32, Vec<i32>, Vec<i32>)]) -> (String, String) {
    let mut leader = Vec::new();
    let mut follower = Vec::new();
    for (p, from, to) in moves {
        leader.extend(from.iter().map(|b| format!("{p}:{b}")));
        follower.extend(to.iter().filter(|b| !from.contains(b)).map(|b| format!("{p}:{b}")));
    }
    (leader.join(","), follower.join(","))
}

/// The bytes the replicas being added still have to copy: for each moving partition, the
/// largest replica that is not being added (the leader has at least as much) less each added
/// replica's size. `sizes`: `(topic, partition, broker)` → bytes; a replica of unknown size
/// counts as empty. `None` when no size of a source replica is known.
pub fn bytes_behind(moving: &[(&str, &Ongoing)], sizes: &BTreeMap<(String, i32, i32), i64>) -> Option<u64> {
    let size = |t: &str, p: i32, b: i32| sizes.get(&(t.to_string(), p, b)).copied();
    let mut known = false;
    let mut behind = 0u64;
    for (t, o) in moving {
        let Some(full) =
            o.replicas.iter().filter(|r| !o.adding.contains(r)).filter_map(|r| size(t, o.partition, *r)).max()
        else {
            continue;
        };
        known = true;
        for a in &o.adding {
            behind += u64::try_from(full - size(t, o.partition, *a).unwrap_or(0)).unwrap_or(0);
        }
    }
    known.then_some(behind)
}

/// Leftover throttles: the throttle keys set on topics no reassignment is moving, and broker
/// rates set while none runs at all (an interrupted `apply`, or one with `--no-wait` whose move
/// ended), which slow every later replica catch-up until removed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Leftovers {
    /// Topic → throttle keys set on it.
    pub topics: BTreeMap<String, Vec<String>>,
    /// Broker → rate keys set on it.
    pub brokers: BTreeMap<i32, Vec<String>>,
}

impl Leftovers {
    /// Nothing left over.
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty() && self.brokers.is_empty()
    }
}

/// Which of the throttles found are leftovers, given the topics a reassignment moves now.
/// `topic_keys`: topic → throttle keys set on it; `broker_keys`: broker → rate keys set on it.
pub fn leftovers(
    topic_keys: &BTreeMap<String, Vec<String>>,
    broker_keys: &BTreeMap<i32, Vec<String>>,
    moving: &BTreeSet<String>,
) -> Leftovers {
    Leftovers {
        topics: topic_keys
            .iter()
            .filter(|(t, k)| !k.is_empty() && !moving.contains(*t))
            .map(|(t, k)| (t.clone(), k.clone()))
            .collect(),
        brokers: if moving.is_empty() {
            broker_keys.iter().filter(|(_, k)| !k.is_empty()).map(|(b, k)| (*b, k.clone())).collect()
        } else {
            BTreeMap::new()
        },
    }
}

/// What the cluster says about replication, beyond its topics, for the plan.
#[derive(Debug, Clone, Default)]
pub struct Replication {
    /// The live brokers and their racks; `None` when not read: replication-factor changes are
    /// then planned without target replicas.
    pub brokers: Option<Vec<Broker>>,
    /// The reassignments running, by topic.
    pub ongoing: BTreeMap<String, Vec<Ongoing>>,
    /// Throttle rates set on brokers: broker → keys.
    pub broker_throttles: BTreeMap<i32, Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brokers(racks: &[(i32, Option<&str>)]) -> Vec<Broker> {
        racks.iter().map(|(id, r)| Broker { id: *id, rack: r.map(str::to_string) }).collect()
    }

    fn three() -> Vec<Broker> {
        brokers(&[(1, Some("r1")), (2, Some("r2")), (3, Some("r3"))])
    }

    fn parts(v: &[(i32, &[i32])]) -> BTreeMap<i32, Placement> {
        v.iter()
            .map(|(p, r)| {
                (*p, Placement { leader: r.first().copied().unwrap_or(-1), replicas: r.to_vec(), isr: r.to_vec() })
            })
            .collect()
    }

    fn per_broker(moves: &[Move], parts: &BTreeMap<i32, Placement>) -> BTreeMap<i32, usize> {
        let mut n = BTreeMap::new();
        for (p, pl) in parts {
            let r = moves.iter().find(|m| m.partition == *p).map_or(&pl.replicas, |m| &m.to);
            for b in r {
                *n.entry(*b).or_insert(0) += 1;
            }
        }
        n
    }

    #[test]
    fn rf_up_keeps_the_replicas_in_order_and_balances_the_new_ones() {
        // Six single-replica partitions, two on each broker, to RF 3 and to RF 2.
        let p = parts(&[(0, &[1]), (1, &[2]), (2, &[3]), (3, &[1]), (4, &[2]), (5, &[3])]);
        let m = target(&p, 3, &three()).unwrap();
        assert_eq!(m.len(), 6);
        for mv in &m {
            assert_eq!(mv.to[0], mv.from[0], "the leader stays first: {mv:?}");
            assert_eq!(mv.to.iter().collect::<BTreeSet<_>>().len(), 3);
        }
        assert_eq!(per_broker(&m, &p), [(1, 6), (2, 6), (3, 6)].into());
        let m = target(&p, 2, &three()).unwrap();
        assert_eq!(per_broker(&m, &p), [(1, 4), (2, 4), (3, 4)].into());
        // One partition per broker to RF 2: still one more replica each.
        let p = parts(&[(0, &[1]), (1, &[2]), (2, &[3])]);
        assert_eq!(per_broker(&target(&p, 2, &three()).unwrap(), &p), [(1, 2), (2, 2), (3, 2)].into());
        assert_eq!(m[0].words(), "p0: 1 → 1,2");
    }

    #[test]
    fn new_replicas_go_to_the_least_loaded_brokers() {
        // Everything on broker 1: the second replicas alternate between 2 and 3.
        let p = parts(&[(0, &[1]), (1, &[1]), (2, &[1]), (3, &[1])]);
        let m = target(&p, 2, &three()).unwrap();
        let second: Vec<i32> = m.iter().map(|m| m.to[1]).collect();
        assert_eq!(second, [2, 3, 2, 3]);
    }

    #[test]
    fn replicas_spread_over_racks_before_balancing_brokers() {
        // Brokers 1 and 2 share rack a; 3 and 4 share rack b. Broker 3 is the most loaded, yet a
        // partition on rack a gets its second replica on rack b.
        let b = brokers(&[(1, Some("a")), (2, Some("a")), (3, Some("b")), (4, Some("b"))]);
        let p = parts(&[(0, &[1]), (1, &[2]), (2, &[3]), (3, &[3])]);
        let m = target(&p, 2, &b).unwrap();
        for mv in m.iter().filter(|m| m.from[0] <= 2) {
            assert!([3, 4].contains(&mv.to[1]), "{mv:?}");
        }
        // Dropping: of two replicas on one rack, one goes, not the only one on the other.
        let p = parts(&[(0, &[1, 3, 2])]);
        let m = target(&p, 2, &b).unwrap();
        assert_eq!(m[0].to, [1, 3]);
        // Without racks, placement only balances (ties: the next broker after the first replica).
        let b = brokers(&[(1, None), (2, None), (3, None)]);
        assert_eq!(target(&parts(&[(0, &[2])]), 2, &b).unwrap()[0].to, [2, 3]);
        assert_eq!(target(&parts(&[(0, &[3])]), 2, &b).unwrap()[0].to, [3, 1]);
    }

    #[test]
    fn rf_down_keeps_the_leader_and_drops_out_of_sync_replicas_first() {
        let mut p = parts(&[(0, &[1, 2, 3]), (1, &[2, 3, 1]), (2, &[3, 1, 2])]);
        // Partition 1's leader moved to broker 3 (its preferred leader 2 was down).
        p.get_mut(&1).unwrap().leader = 3;
        // Partition 2's replica 1 is out of sync.
        p.get_mut(&2).unwrap().isr = vec![3, 2];
        let m = target(&p, 2, &three()).unwrap();
        let to: BTreeMap<i32, Vec<i32>> = m.iter().map(|m| (m.partition, m.to.clone())).collect();
        assert!(to[&0].contains(&1) && to[&1].contains(&3) && to[&2].contains(&3), "{to:?}");
        assert_eq!(to[&2], [3, 2], "the out-of-sync replica goes first");
        // The order of the rest is kept: the preferred leader stays first.
        assert_eq!(to[&0][0], 1);
        let m = target(&p, 1, &three()).unwrap();
        let to: Vec<Vec<i32>> = m.iter().map(|m| m.to.clone()).collect();
        assert_eq!(to, [vec![1], vec![3], vec![3]]);
    }

    #[test]
    fn rf_down_balances_even_when_one_broker_leads_most_partitions() {
        let mut p = parts(&[
            (0, &[1, 2, 3]),
            (1, &[2, 3, 1]),
            (2, &[3, 1, 2]),
            (3, &[1, 2, 3]),
            (4, &[2, 3, 1]),
            (5, &[3, 1, 2]),
        ]);
        // Broker 1 leads four partitions: it can only leave partitions 4 and 5.
        for (id, leader) in [(0, 1), (1, 1), (2, 1), (3, 1), (4, 2), (5, 3)] {
            p.get_mut(&id).unwrap().leader = leader;
        }
        let m = target(&p, 2, &three()).unwrap();
        assert_eq!(per_broker(&m, &p), [(1, 4), (2, 4), (3, 4)].into(), "{m:?}");
        for mv in &m {
            assert!(mv.to.contains(&p[&mv.partition].leader), "{mv:?}");
        }
    }

    #[test]
    fn the_same_cluster_gives_the_same_plan_whatever_the_order_brokers_are_listed_in() {
        let p = parts(&[(0, &[2]), (1, &[1]), (2, &[3]), (3, &[2]), (4, &[1])]);
        let mut b = three();
        let first = target(&p, 3, &b).unwrap();
        b.reverse();
        assert_eq!(target(&p, 3, &b).unwrap(), first);
        assert_eq!(target(&p, 3, &b).unwrap(), first);
    }

    #[test]
    fn a_factor_above_the_broker_count_or_below_one_is_refused() {
        let p = parts(&[(0, &[1])]);
        let e = target(&p, 4, &three()).unwrap_err();
        assert!(e.starts_with("replication factor 4 is more than the 3 live broker(s)"), "{e}");
        assert!(target(&p, 0, &three()).is_err());
        assert_eq!(target(&p, 1, &three()).unwrap(), []);
    }

    #[test]
    fn throttled_replicas_are_the_current_leaders_and_the_new_followers() {
        let (l, f) = throttled_replicas(&[(0, vec![1], vec![1, 2, 3]), (1, vec![2, 3], vec![2])]);
        assert_eq!(l, "0:1,1:2,1:3");
        assert_eq!(f, "0:2,0:3");
    }

    #[test]
    fn bytes_behind_is_what_the_added_replicas_lack_of_the_largest_source() {
        let o = Ongoing { partition: 0, replicas: vec![1, 2, 3], adding: vec![2, 3], removing: vec![] };
        let sizes: BTreeMap<(String, i32, i32), i64> =
            [(("t".to_string(), 0, 1), 1000), (("t".to_string(), 0, 2), 400)].into();
        assert_eq!(bytes_behind(&[("t", &o)], &sizes), Some(600 + 1000));
        assert_eq!(bytes_behind(&[("t", &o)], &BTreeMap::new()), None);
    }

    #[test]
    fn throttles_are_leftovers_only_where_nothing_moves() {
        let topics: BTreeMap<String, Vec<String>> =
            [("a".to_string(), vec![LEADER_REPLICAS.to_string()]), ("b".to_string(), vec![FOLLOWER_REPLICAS.into()])]
                .into();
        let brokers: BTreeMap<i32, Vec<String>> = [(1, vec![LEADER_RATE.to_string()]), (2, vec![])].into();
        let l = leftovers(&topics, &brokers, &BTreeSet::new());
        assert_eq!(l.topics.len(), 2);
        assert_eq!(l.brokers.keys().collect::<Vec<_>>(), [&1]);
        let l = leftovers(&topics, &brokers, &["a".to_string()].into());
        assert_eq!(l.topics.keys().collect::<Vec<_>>(), ["b"]);
        assert!(l.brokers.is_empty(), "a running move needs its broker rates");
        assert!(leftovers(&BTreeMap::new(), &BTreeMap::new(), &BTreeSet::new()).is_empty());
    }
}
