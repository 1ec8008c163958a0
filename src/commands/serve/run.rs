//! `evbus serve` itself: checks its flags, binds the address, then runs the collector and the
//! HTTP server side by side until SIGTERM or Ctrl-C, and lets in-flight requests finish.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use super::collector::Collector;
use super::http::accept;
use super::state::Shared;
use crate::app::App;
use crate::cli::ServeArgs;
use crate::exit::{Exit, Outcome};
use crate::lag::report::time_options;
use crate::term::interrupt;

/// How long in-flight requests may take to finish after SIGTERM.
const DRAIN: Duration = Duration::from_secs(5);

/// `evbus serve`: serves until SIGTERM or Ctrl-C, then exits 0.
pub async fn run(app: &App, args: ServeArgs) -> Result<Outcome> {
    let manifest = app.manifest_opt(&args.manifest)?;
    if args.window == 0 {
        bail!(Exit::usage("--window must be at least 1"));
    }
    let (_, retention_warn) = time_options(None, &args.retention_warn)?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let listener = TcpListener::bind(args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr().unwrap_or(args.listen);
    app.ui.info(format!(
        "evbus: serving http://{addr}/health, /health/kafka, /metrics and /ready; collecting every {}",
        humantime::format_duration(args.interval)
    ));

    let shared = Shared::default();
    let collector = Collector {
        app,
        admin,
        manifest: manifest.as_ref(),
        interval: args.interval,
        window: args.window,
        retention_warn,
        shared: shared.clone(),
    };
    let graceful = GracefulShutdown::new();
    tokio::select! {
        () = collector.run() => {}
        () = accept(&listener, &shared, &graceful) => {}
        () = interrupt::terminate() => {}
    }
    // No new connections; the ones in flight finish within DRAIN.
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
    app.ui.info("evbus: serve stopped");
    Ok(Outcome::Ok)
}
