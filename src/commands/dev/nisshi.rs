//! Running nisshi (Kafka-protocol compatible, sqlite storage) for `evbus dev`.

use std::fs;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result};

use super::state::MARKER;
use crate::app::App;

pub(super) fn start_nisshi(app: &App, dir: &Path, bin: &Path, addr: &str, log: fs::File) -> Result<Child> {
    // It runs in the state directory: a relative binary path must not resolve there.
    let bin = fs::canonicalize(bin).unwrap_or_else(|_| bin.to_path_buf());
    let url = format!("tcp://{addr}");
    let mut cmd = Command::new(&bin);
    cmd.current_dir(dir)
        .args([
            "broker",
            "--storage-engine",
            "sqlite://broker.db",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
        ])
        .args(["--cluster-id", MARKER])
        .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group: it outlives evbus and the terminal's Ctrl-C is not sent to it.
        .process_group(0);
    app.ui.debug(format!("starting {} in {}", bin.display(), dir.display()));
    cmd.spawn().with_context(|| format!("cannot start {}", bin.display()))
}
