//! Replication under failure on a 3-node KRaft cluster (`broker::Cluster`): `health` names the
//! partitions that refuse `acks=all` writes (ISR below the topic's `min.insync.replicas`), warns
//! on those at their minimum, reports a dead broker, and `--wait` sees the ISR recover; `produce`
//! with too few in-sync replicas names Kafka's error.
//!
//! The module's tests share one cluster and take turns on it (each kills nodes); a test restarts
//! what it stopped and waits for the cluster to settle, and the next one heals whatever a failed
//! test left down.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use crate::broker::Cluster;

/// The module's cluster, healed (every node up, every partition fully in sync) for the caller.
fn cluster() -> MutexGuard<'static, Cluster> {
    static CLUSTER: OnceLock<Mutex<Cluster>> = OnceLock::new();
    let mut c = CLUSTER.get_or_init(|| Mutex::new(Cluster::start(3))).lock().unwrap_or_else(|e| e.into_inner());
    c.heal();
    c
}

#[test]
fn a_killed_node_leaves_and_rejoins() {
    let mut c = cluster();
    c.kill(3);
    c.wait_for(Duration::from_secs(60), "node 3 fenced", |v| v.brokers == [1, 2]);
    c.restart(3);
    c.wait_settled(Duration::from_secs(60));
}
