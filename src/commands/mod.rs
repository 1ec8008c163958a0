//! Command implementations: each submodule turns parsed arguments into broker calls and output.

pub mod completions;
pub mod config;
pub mod dev;
pub mod dlq;
pub mod groups;
pub mod health;
pub mod lag;
pub mod produce;
pub mod schemas;
pub mod tail;
pub mod topics;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Command, GlobalArgs, ManifestArg};
use crate::kafka;
use crate::manifest::Manifest;
use crate::output::Ui;

/// What every command gets: output policy, connection settings, the resolved configuration.
pub struct App {
    pub ui: Ui,
    pub settings: kafka::Settings,
    pub effective: crate::config::Effective,
    pub global: GlobalArgs,
}

impl App {
    pub fn new(g: &GlobalArgs) -> Result<App> {
        Ok(App::with(g, crate::config::resolve(g)?))
    }

    /// Unreadable secrets are listed in `effective.problems` instead of failing (config, completions, dev).
    pub fn lenient(g: &GlobalArgs) -> Result<App> {
        Ok(App::with(g, crate::config::resolve_lenient(g)?))
    }

    fn with(g: &GlobalArgs, effective: crate::config::Effective) -> App {
        let settings = kafka::Settings {
            brokers: effective.brokers.clone(),
            props: effective.props.clone(),
            timeout: g.timeout,
            verbose: g.verbose,
        };
        App { ui: Ui::new(g), settings, effective, global: g.clone() }
    }

    pub fn manifest_path(&self, arg: &ManifestArg) -> PathBuf {
        arg.file.clone().unwrap_or_else(|| self.effective.manifest.clone())
    }

    /// The manifest, which must exist.
    pub fn manifest(&self, arg: &ManifestArg) -> Result<Manifest> {
        Ok(crate::manifest::load(&self.manifest_path(arg))?)
    }

    /// The manifest when one is given or present in the working directory; a manifest that exists
    /// but is invalid is still an error.
    pub fn manifest_opt(&self, arg: &ManifestArg) -> Result<Option<Manifest>> {
        let path = self.manifest_path(arg);
        if arg.file.is_none() && !path.exists() {
            return Ok(None);
        }
        Ok(Some(crate::manifest::load(&path)?))
    }
}

pub async fn dispatch(app: &App, command: Command) -> Result<ExitCode> {
    match command {
        Command::Topics(c) => topics::run(app, c).await,
        Command::Schemas(c) => schemas::run(app, c).await,
        Command::Produce(a) => produce::run(app, a).await,
        Command::Tail(a) => tail::run(app, a).await,
        Command::Lag(a) => lag::run(app, a).await,
        Command::Groups(c) => groups::run(app, c).await,
        Command::Dlq(c) => dlq::run(app, c).await,
        Command::Health(a) => health::run(app, a).await,
        Command::Dev(c) => dev::run(app, c).await,
        Command::Config(c) => config::run(app, c).await,
        Command::Completions(a) => completions::run(app, a).await,
    }
}
