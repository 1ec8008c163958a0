//! The application context every command gets: output policy, connection settings and the
//! resolved configuration, plus the manifest lookup they share.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{GlobalArgs, ManifestArg};
use crate::kafka;
use crate::term::ui::Ui;
use crate::topics::manifest::Manifest;

/// What every command gets: output policy, connection settings, the resolved configuration.
pub struct App {
    /// Output policy: color, format (`--output`), quiet/verbose; how every command prints.
    pub ui: Ui,
    /// Brokers, librdkafka properties and `--timeout` for building Kafka clients.
    pub settings: kafka::Settings,
    /// The merged configuration (files, environment, flags), kept for `evbus config` and the manifest path.
    pub effective: crate::config::Effective,
}

impl App {
    /// Builds the context from the global options; fails if the configuration or a secret file cannot be read.
    pub fn new(g: &GlobalArgs) -> Result<App> {
        Ok(App::with(g, crate::config::resolve(&g.overrides())?))
    }

    /// Unreadable secrets are listed in `effective.problems` instead of failing (config, completions, dev).
    pub fn lenient(g: &GlobalArgs) -> Result<App> {
        Ok(App::with(g, crate::config::resolve_lenient(&g.overrides())?))
    }

    fn with(g: &GlobalArgs, effective: crate::config::Effective) -> App {
        let settings = kafka::Settings {
            brokers: effective.brokers.clone(),
            props: effective.props.clone(),
            timeout: g.timeout,
            verbose: g.verbose,
        };
        let ui = Ui::new(g.ui_options());
        for w in &effective.warnings {
            ui.warn(w);
        }
        App { ui, settings, effective }
    }

    /// Where the manifest is: `--file` if given, else the configured default.
    pub fn manifest_path(&self, arg: &ManifestArg) -> PathBuf {
        arg.file.clone().unwrap_or_else(|| self.effective.manifest.clone())
    }

    /// The manifest, which must exist.
    pub fn manifest(&self, arg: &ManifestArg) -> Result<Manifest> {
        Ok(crate::topics::manifest::load(&self.manifest_path(arg))?)
    }

    /// The manifest when one is given or present in the working directory; a manifest that exists
    /// but is invalid is still an error.
    pub fn manifest_opt(&self, arg: &ManifestArg) -> Result<Option<Manifest>> {
        let path = self.manifest_path(arg);
        if arg.file.is_none() && !path.exists() {
            return Ok(None);
        }
        Ok(Some(crate::topics::manifest::load(&path)?))
    }
}
