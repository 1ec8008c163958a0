//! A group's coordinator that does not answer while the bootstrap broker does: errors name the
//! coordinator, not the bootstrap broker. One broker plays both parts: it answers on the address
//! evbus bootstraps from, but its metadata (advertised.listeners) sends clients to a port where
//! nothing listens, as a wrong advertised listener or a downed coordinator in a bigger cluster
//! would. (Kafka cannot change advertised.listeners at run time, so the broker starts that way.)

use crate::broker::free_port;
use crate::common::*;

#[test]
fn an_unanswering_coordinator_is_named_not_the_bootstrap_broker() {
    let dead = free_port();
    let b = Broker::private(BrokerOpts { advertise_first_at: Some(dead), ..Default::default() });
    b.create_topic("coord.orders", 1);
    b.commit("coord-group", &[("coord.orders", 0, 0)]);

    for args in [
        &["groups", "delete", "coord-group", "--yes"][..],
        &["lag", "coord-group"],
        &["groups", "describe", "coord-group"],
    ] {
        let out = b.evbus().args(["--timeout", "3s"]).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        eprintln!("{args:?}: {err}");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(&format!("group coordinator (broker 1 at 127.0.0.1:{dead})")), "{args:?}: {err}");
        assert!(err.contains(&format!("the bootstrap broker {} answered", b.bootstrap)), "{args:?}: {err}");
        assert!(!err.contains("broker unreachable"), "{args:?}: {err}");
    }
}
