//! tail's `--validate` schemas: each topic's schema is its manifest entry's `schema`, else the
//! topic name. Kept as a source (not only a list) so topics picked up while following are
//! validated too.

use anyhow::Result;

use crate::app::App;
use crate::cli::TailArgs;
use crate::schema::{Schema, SchemaStore};
use crate::term::ui::Ui;
use crate::topics::manifest::Manifest;

/// Where schemas come from: the manifest (optional) and the schema directory.
pub(super) struct SchemaSource {
    manifest: Option<Manifest>,
    store: SchemaStore,
}

impl SchemaSource {
    pub(super) fn open(app: &App, args: &TailArgs) -> Result<SchemaSource> {
        Ok(SchemaSource { manifest: app.manifest_opt(&args.manifest)?, store: SchemaStore::open(&args.schemas)? })
    }

    /// The topic's schema; none for `schema: false`. A topic without a schema file is reported
    /// and its records are left unvalidated.
    pub(super) fn load(&self, topic: &str, ui: &Ui) -> Option<Schema> {
        // `schema: false`: nothing to check, by declaration (no warning).
        let name = self
            .manifest
            .as_ref()
            .and_then(|m| m.topic(topic))
            .map_or_else(|| Some(topic.to_string()), |spec| spec.schema.clone())?;
        match self.store.load(&name) {
            Ok(s) => Some(s),
            Err(e) => {
                ui.warn(format!("--validate: records of '{topic}' are not checked: {e:#}"));
                None
            }
        }
    }
}
