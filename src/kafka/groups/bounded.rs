//! The one wait for a blocking group call: bounded by `--timeout` (plus a margin for the call's
//! own deadline), its error quoting the last transport error the client saw (for a group's
//! coordinator, once that error has arrived: see [`bounded_join_at_coordinator`]).

use std::time::Duration;

use crate::kafka::admin::Admin;
use crate::kafka::context::Ctx;
use crate::kafka::error::{Error, at_coordinator};

/// Waits for a blocking group call, bounded by `--timeout` (plus a margin for the call's own
/// deadline), and turns its error into a failure that quotes the last transport error.
pub(super) async fn bounded_join<T>(
    admin: &Admin,
    what: &str,
    fut: tokio::task::JoinHandle<Result<T, Error>>,
) -> Result<T, Error> {
    // The admin client (held by the task through its Arc) outlives the blocking call either way.
    match tokio::time::timeout(admin.settings.timeout + Duration::from_secs(2), fut).await {
        Err(_) => Err(admin.settings.fail(what, &admin.ctx, None)),
        Ok(Err(join)) => Err(Error::text(what, format!("{what}: {join}"))),
        Ok(Ok(r)) => r.map_err(|e| {
            if e.message() == "timed out" {
                admin.settings.fail(what, &admin.ctx, None)
            } else {
                admin.settings.fail(what, &admin.ctx, Some(e))
            }
        }),
    }
}

/// [`bounded_join`] for a request a group's coordinator answers, made on a client of its own
/// (`ctx`): a failure for want of an answer names the coordinator that did not answer, not the
/// bootstrap broker that did.
pub(super) async fn bounded_join_at_coordinator<T>(
    admin: &Admin,
    ctx: &Ctx,
    role: &str,
    what: &str,
    fut: tokio::task::JoinHandle<Result<T, Error>>,
) -> Result<T, Error> {
    match bounded_join(admin, what, fut).await {
        Ok(v) => Ok(v),
        Err(e) => {
            let last = if e.is_timed_out() || e.is_broker_unreachable() {
                broker_error(ctx, ERROR_GRACE).await
            } else {
                ctx.last_error()
            };
            Err(at_coordinator(e, role, last.as_deref(), &admin.settings.brokers, ctx.all_down_at().is_some()))
        }
    }
}

/// How long a failed group call waits for the client's first background error.
const ERROR_GRACE: Duration = Duration::from_secs(1);

/// The client's last background error, waiting up to `grace` for one when there is none yet.
///
/// librdkafka queues a broker's connection error on the client's main queue before it fails the
/// requests that waited on that broker, but the error reaches `ctx` only when the event pump's
/// thread has run: on a busy machine the failed call was back first, found no error naming the
/// coordinator, and blamed the bootstrap broker ("broker unreachable (brokers tried: BOOTSTRAP)").
/// Only this failure path waits, only while no error at all has arrived (an error already there,
/// such as a refused bootstrap address, ends the wait at once).
async fn broker_error(ctx: &Ctx, grace: Duration) -> Option<String> {
    let deadline = tokio::time::Instant::now() + grace;
    loop {
        let last = ctx.last_error();
        if last.is_some() || tokio::time::Instant::now() >= deadline {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[cfg(test)]
mod tests {
    use rdkafka::client::ClientContext as _;
    use rdkafka::error::KafkaError;
    use rdkafka::types::RDKafkaErrorCode;

    use super::*;

    const REFUSED: &str = "127.0.0.1:9093/2: Connect to ipv4#127.0.0.1:9093 failed: Connection refused";

    /// The coordinator's connection error lands after the failed call is back (the event pump's
    /// thread ran late): it is still the one the failure quotes.
    #[tokio::test]
    async fn a_broker_error_that_lands_after_the_call_is_waited_for() {
        let ctx = Ctx::new(0);
        let late = ctx.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            late.error(KafkaError::Global(RDKafkaErrorCode::BrokerTransportFailure), REFUSED);
        });
        assert_eq!(broker_error(&ctx, Duration::from_secs(5)).await.as_deref(), Some(REFUSED));
    }

    /// An error already there ends the wait at once; with none, the wait is bounded.
    #[tokio::test]
    async fn the_wait_ends_at_the_first_error_or_the_grace() {
        let ctx = Ctx::new(0);
        let boot = "127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused";
        ctx.error(KafkaError::Global(RDKafkaErrorCode::BrokerTransportFailure), boot);
        let started = std::time::Instant::now();
        assert_eq!(broker_error(&ctx, Duration::from_secs(30)).await.as_deref(), Some(boot));
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(broker_error(&Ctx::new(0), Duration::from_millis(20)).await, None);
    }
}
