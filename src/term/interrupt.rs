//! Ctrl-C, one way for every command: a future that resolves when the user presses it, or a flag
//! that turns true. What a command does then (stop reading, print its summary, end with
//! [`crate::exit::Outcome::Interrupted`]) is its own business; this only hears the signal.
//!
//! Listening replaces the default action of SIGINT (end the process) for the rest of the run, so
//! a command starts listening only where it has something to finish first; a prompt before that
//! point still ends the process with 130, as any program does.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Resolves on Ctrl-C (SIGINT). Never resolves when the signal cannot be listened to: a command
/// that cannot hear Ctrl-C runs on, rather than stopping as if it had been interrupted.
pub async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// A flag set on Ctrl-C, for work that checks between items rather than awaiting (must be called
/// inside the tokio runtime).
pub fn flag() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let set = stop.clone();
    tokio::spawn(async move {
        ctrl_c().await;
        set.store(true, Ordering::SeqCst);
    });
    stop
}
