//! The one wait for a blocking group call: bounded by `--timeout` (plus a margin for the call's
//! own deadline), its error quoting the last transport error the client saw.

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
    bounded_join(admin, what, fut).await.map_err(|e| {
        at_coordinator(e, role, ctx.last_error().as_deref(), &admin.settings.brokers, ctx.all_down_at().is_some())
    })
}
