//! `evbus topics list`: every topic with partitions, replication and offset spans.
//!
//! The span is high − low watermark summed over partitions, named `offsets` because that is what
//! it counts: on a transactional or compacted topic it is more than the records a consumer reads
//! (markers, aborted and compacted-away records hold offsets too). Counting records would mean
//! reading the whole topic.

use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;
use serde_json::json;

use crate::app::App;
use crate::cli::ListArgs;
use crate::exit::Outcome;
use crate::kafka::topics::watermarks;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;
use crate::topics::plan::{self};

#[derive(Serialize)]
struct ListRow {
    topic: String,
    partitions: usize,
    replication_factor: i16,
    /// The replication factor in words, partitions that differ named (text output only).
    #[serde(skip)]
    replication: String,
    offsets: Option<i64>,
    managed: bool,
    internal: bool,
}

pub(super) async fn list(app: &App, a: ListArgs) -> Result<Outcome> {
    let manifest = app.manifest_opt(&a.manifest)?;
    let mode = app.ui.mode()?;
    let admin = Arc::new(app.settings.admin()?);
    let md = admin.metadata(None).await?;
    let topics: Vec<_> = md.topics.iter().filter(|t| a.all || !plan::is_internal(&t.name)).collect();
    let parts = topics.iter().flat_map(|t| t.partitions.iter().map(|p| (t.name.clone(), p.id))).collect();
    let wm = watermarks(&app.settings, parts).await?;
    let mut rows: Vec<ListRow> = topics
        .iter()
        .map(|t| ListRow {
            topic: t.name.clone(),
            partitions: t.partitions.len(),
            replication_factor: t.replication_factor(),
            replication: plan::replication_words(
                &t.partitions.iter().map(|p| (p.id, p.replicas.len() as i16)).collect(),
            ),
            offsets: Some(
                t.partitions.iter().filter_map(|p| wm.get(&(t.name.clone(), p.id))).map(|(lo, hi)| hi - lo).sum(),
            ),
            managed: manifest.as_ref().is_some_and(|m| m.topic(&t.name).is_some()),
            internal: plan::is_internal(&t.name),
        })
        .collect();
    rows.sort_by(|a, b| a.topic.cmp(&b.topic));
    if mode == Mode::Json {
        app.ui.json(&json!({ "topics": rows }))?;
    } else {
        let mut t = app.ui.table();
        t.set_header(vec!["topic", "partitions", "replication", "offsets", "managed"]);
        for r in &rows {
            t.add_row(vec![
                for_terminal(&r.topic).into_owned(),
                r.partitions.to_string(),
                r.replication.clone(),
                r.offsets.map(|m| m.to_string()).unwrap_or_default(),
                if r.internal {
                    "internal".into()
                } else if r.managed {
                    "yes".into()
                } else {
                    "no".into()
                },
            ]);
        }
        app.ui.out(&t.to_string())?;
    }
    Ok(Outcome::Ok)
}
