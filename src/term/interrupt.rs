//! Ctrl-C (and SIGTERM for servers), one way for every command: a future that resolves when the
//! user presses it, or a flag that turns true. What a command does then (stop reading, print its summary, end with
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

/// Resolves on Ctrl-C (SIGINT) or SIGTERM: how a long-running command (`evbus serve`) is asked
/// to stop, by a person or by systemd, Docker and Kubernetes. Like [`ctrl_c`], never resolves
/// for a signal that cannot be listened to.
pub async fn terminate() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => ctrl_c().await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c().await
}
