//! tail's `--validate` schemas: each topic's schema is its manifest entry's `schema` (or
//! `schemas:`, one per event type), else the topic name. Kept as a source (not only a list) so
//! topics picked up while following are validated too.

use anyhow::Result;

use crate::app::App;
use crate::cli::TailArgs;
use crate::schema::SchemaStore;
use crate::schema::select::{ByType, Discriminator, TopicSchema};
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

    /// The topic's schema (one per event type for a topic with `schemas:`); none for
    /// `schema: false`. A topic without a schema file is reported and its records are left
    /// unvalidated.
    pub(super) fn load(&self, topic: &str, ui: &Ui) -> Option<TopicSchema> {
        let spec = self.manifest.as_ref().and_then(|m| m.topic(topic));
        if let Some(spec) = spec.filter(|s| !s.schemas.is_empty()) {
            let typed = Discriminator::of(spec.discriminator.as_deref())
                .map_err(anyhow::Error::msg)
                .and_then(|d| ByType::load(&self.store, d, &spec.schemas));
            return match typed {
                Ok(b) => Some(TopicSchema::ByType(b)),
                Err(e) => {
                    ui.warn(format!("--validate: records of '{topic}' are not checked: {e:#}"));
                    None
                }
            };
        }
        // `schema: false`: nothing to check, by declaration (no warning).
        let name = spec.map_or_else(|| Some(topic.to_string()), |spec| spec.schema.clone())?;
        match self.store.load(&name) {
            Ok(s) => Some(TopicSchema::One(s)),
            Err(e) => {
                ui.warn(format!("--validate: records of '{topic}' are not checked: {e:#}"));
                None
            }
        }
    }
}
