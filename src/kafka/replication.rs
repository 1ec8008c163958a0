//! What `topics plan`, `topics apply` and `health` need to know about replica moves, read in one
//! place over the raw protocol path: the brokers with their racks, the reassignments running,
//! and the throttle rates set on brokers (each read bounded by `--timeout`).

use std::collections::BTreeMap;

use super::error::Error;
use super::settings::Settings;
use super::wire::reassign::{self, Node};
use super::wire::throttle;
use crate::topics::reassign::{Broker, Replication};

/// The cluster's replication state, and the brokers' addresses to change it with.
#[derive(Debug, Clone)]
pub struct State {
    /// As the plan reads it.
    pub replication: Replication,
    /// Every live broker, by id.
    pub nodes: Vec<Node>,
    /// The throttle rates set, broker → key → bytes/s.
    pub rates: BTreeMap<i32, BTreeMap<String, String>>,
}

/// Reads the brokers, the running reassignments and the broker throttle rates.
pub async fn read(s: &Settings) -> Result<State, Error> {
    let nodes = reassign::brokers(s).await?;
    let ongoing = reassign::ongoing(s).await?;
    let rates = throttle::rates(s, &nodes).await?;
    let replication = Replication {
        brokers: Some(nodes.iter().map(|n| Broker { id: n.id, rack: n.rack.clone() }).collect()),
        ongoing,
        broker_throttles: rates.iter().map(|(b, k)| (*b, k.keys().cloned().collect())).collect(),
    };
    Ok(State { replication, nodes, rates })
}
