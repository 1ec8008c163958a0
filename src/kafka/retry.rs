//! The one bounded retry for the answers a broker gives while it catches up: "not leader" right
//! after a topic is created or a leader moves, "not coordinator" / "coordinator loading" while a
//! group's coordinator moves or loads. Such answers are asked again, a short pause apart, until
//! `--timeout` runs out; everything else is answered at once. The waits for the brokers to catch
//! up after a change (leaders of new partitions, configs just set) use the same loop.

use std::future::Future;
use std::time::{Duration, Instant};

use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode;

/// Pause between two attempts after a leader answer.
pub const LEADER_PAUSE: Duration = Duration::from_millis(100);
/// Pause between two attempts after a coordinator answer (coordinators take longer to load).
pub const COORDINATOR_PAUSE: Duration = Duration::from_millis(150);

/// Runs `attempt` (given the time left until `deadline`) until `again` rejects its outcome or
/// `deadline` has passed, sleeping `pause` between attempts; returns the last outcome. The first
/// attempt always runs, however late it is.
pub fn within<R>(
    deadline: Instant,
    pause: Duration,
    mut attempt: impl FnMut(Duration) -> R,
    again: impl Fn(&R) -> bool,
) -> R {
    loop {
        let r = attempt(deadline.saturating_duration_since(Instant::now()));
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || !again(&r) {
            return r;
        }
        std::thread::sleep(pause.min(left));
    }
}

/// [`within`] for async attempts (the pause does not block the runtime).
pub async fn within_async<R, F: Future<Output = R>>(
    deadline: Instant,
    pause: Duration,
    mut attempt: impl FnMut(Duration) -> F,
    again: impl Fn(&R) -> bool,
) -> R {
    loop {
        let r = attempt(deadline.saturating_duration_since(Instant::now())).await;
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || !again(&r) {
            return r;
        }
        tokio::time::sleep(pause.min(left)).await;
    }
}

/// Errors a broker gives while its metadata or a coordinator catches up (a new topic, a moved
/// leader, a moving or loading coordinator), and what a leader change looks like from a client:
/// a leader epoch older or newer than the broker's, an offset not available while the new leader
/// learns its high watermark, and librdkafka's own "broker handle destroyed" for a request that
/// was queued to a broker the cluster has just fenced (a killed leader leaving the metadata).
/// Asked again, each goes to the new leader.
pub fn transient(code: RDKafkaErrorCode) -> bool {
    use RDKafkaErrorCode as C;
    matches!(
        code,
        C::NotLeaderForPartition
            | C::LeaderNotAvailable
            | C::NotCoordinator
            | C::CoordinatorLoadInProgress
            | C::CoordinatorNotAvailable
            | C::FencedLeaderEpoch
            | C::UnknownLeaderEpoch
            | C::OffsetNotAvailable
            | C::DestroyBroker
    )
}

/// [`transient`] for an rdkafka error.
pub fn transient_error(e: &KafkaError) -> bool {
    e.rdkafka_error_code().is_some_and(transient)
}

/// [`transient`] for librdkafka's text of a group answer (the admin API gives text, not codes).
pub fn transient_text(e: &str) -> bool {
    ["Not coordinator", "Coordinator load in progress", "Coordinator not available"].iter().any(|t| e.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_until_answered_or_out_of_time() {
        let mut n = 0;
        let r = within(
            Instant::now() + Duration::from_secs(5),
            Duration::ZERO,
            |_| {
                n += 1;
                n
            },
            |&k| k < 3,
        );
        assert_eq!((r, n), (3, 3));
        let started = Instant::now();
        let r = within(Instant::now() + Duration::from_millis(50), Duration::from_millis(10), |_| 1, |_| true);
        assert_eq!(r, 1);
        assert!(started.elapsed() < Duration::from_secs(1));
        let mut n = 0;
        within(Instant::now(), Duration::ZERO, |_| n += 1, |_| true);
        assert_eq!(n, 1, "the first attempt runs even past the deadline");
    }

    #[test]
    fn transient_answers() {
        assert!(transient(RDKafkaErrorCode::NotCoordinator));
        assert!(transient(RDKafkaErrorCode::NotLeaderForPartition));
        assert!(transient(RDKafkaErrorCode::DestroyBroker), "a fenced broker's queued request");
        assert!(transient(RDKafkaErrorCode::FencedLeaderEpoch), "a client behind a leader change");
        assert!(!transient(RDKafkaErrorCode::TopicAuthorizationFailed));
        assert!(transient_text("Broker: Coordinator load in progress"));
        assert!(!transient_text("Broker: Group authorization failed"));
    }
}
