//! `evbus topics validate`: the manifest checked without a broker.

use anyhow::Result;
use serde_json::json;

use crate::app::App;
use crate::cli::ManifestArg;
use crate::exit::Outcome;
use crate::term::ui::Mode;

pub(super) fn validate(app: &App, m: &ManifestArg) -> Result<Outcome> {
    let manifest = app.manifest(m)?;
    match app.ui.mode()? {
        Mode::Json => app.ui.json(&json!({
            "file": manifest.path, "valid": true,
            "topics": manifest.topics.len(), "groups": manifest.groups.len(),
        }))?,
        Mode::Table => app.ui.out(&format!(
            "{}: valid ({} topics, {} groups)",
            manifest.path.display(),
            manifest.topics.len(),
            manifest.groups.len()
        ))?,
    }
    Ok(Outcome::Ok)
}
