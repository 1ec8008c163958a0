//! The one wait for a blocking group call: bounded by `--timeout` (plus a margin for the call's
//! own deadline), its error quoting the last transport error the client saw.

use std::time::Duration;

use crate::kafka::admin::Admin;
use crate::kafka::error::Error;

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
