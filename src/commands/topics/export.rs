//! `evbus topics export`: a `topics.yaml` written from what a running cluster already has, so a
//! platform whose topics were made by scripts (`kafka-topics --create`) can be managed from a
//! manifest from then on. The cluster is read here; what to write is `topics::export`'s rule.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow};

use crate::app::App;
use crate::cli::ExportArgs;
use crate::exit::{Exit, Outcome};
use crate::kafka::admin::Admin;
use crate::kafka::groups;
use crate::kafka::topics::read_topics;
use crate::topics::export;

pub(super) async fn export_cmd(app: &App, a: ExportArgs) -> Result<Outcome> {
    let pattern = match &a.topic {
        Some(p) => Some(regex::Regex::new(p).map_err(|e| Exit::usage(format!("--topic is not a valid regex: {e}")))?),
        None => None,
    };
    // Refused before the cluster is read: an existing file is someone's work.
    if let Some(path) = &a.output_file
        && !a.force
        && path.exists()
    {
        return Err(anyhow!("{} exists; --force replaces it", path.display()));
    }
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    // Kafka's own `__*` topics go without saying; the tools' ones are named, in case one is yours.
    let mut left_out = Vec::new();
    let topics = read_topics(&admin, |name| {
        if export::internal(name) && !name.starts_with("__") && pattern.as_ref().is_none_or(|re| re.is_match(name)) {
            left_out.push(name.to_string());
        }
        export::wanted(name, pattern.as_ref())
    })
    .await?;
    if !left_out.is_empty() {
        left_out.sort();
        app.ui.info(format!(
            "Left out as internal to Kafka's tools (schema registry, Connect, Streams, MirrorMaker): {}",
            crate::term::sanitize::for_terminal(&left_out.join(", "))
        ));
    }
    let readers = consumed_topics(app, &admin).await?;
    let origin = crate::term::redact::redact_text(&app.settings.brokers);
    let out = export::render(&topics, &readers, &origin);
    for n in &out.notes {
        app.ui.warn(n);
    }
    match &a.output_file {
        None => app.ui.out(&out.text)?,
        Some(path) => write_file(path, &out.text, a.force)?,
    }
    let place = a.output_file.as_ref().map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
    let count = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    app.ui.info(format!(
        "Exported {} and {} to {place}.",
        count(topics.len(), "topic"),
        count(out.groups, "consumer group")
    ));
    Ok(Outcome::Ok)
}

/// Each consumer group's topics: those it has committed offsets on, and those its members are
/// assigned now. Groups of other kinds (Connect, share, streams) read no topics of their own.
async fn consumed_topics(app: &App, admin: &Arc<Admin>) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let (listed, partial) = groups::list(admin).await?;
    if partial {
        app.ui.warn("not every broker answered ListGroups in time; some consumer groups may be missing");
    }
    let listed: Vec<_> = listed.into_iter().filter(|g| crate::lag::report::is_consumer_group(&g.kind)).collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for g in &listed {
        let topics = out.entry(g.name.clone()).or_default();
        for m in &g.members {
            topics.extend(m.assignment.keys().cloned());
        }
    }
    let asked = listed.iter().map(|g| (g.name.clone(), None)).collect();
    for (name, r) in groups::committed_many(admin, asked).await? {
        match r {
            Ok(committed) => out
                .entry(name)
                .or_default()
                .extend(committed.into_iter().filter(|c| c.offset.is_some()).map(|c| c.topic)),
            Err(e) => app.ui.warn(format!(
                "group {name}: its committed offsets could not be read ({e}); its topics may be missing"
            )),
        }
    }
    Ok(out)
}

/// Writes the manifest: a new file only (`create_new`), or with `force` through a temporary file
/// renamed over the old one, so an interrupted export never leaves half a manifest.
fn write_file(path: &Path, text: &str, force: bool) -> Result<()> {
    let what = || format!("cannot write {}", path.display());
    if !force {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow!("{} exists; --force replaces it", path.display())
            } else {
                anyhow!(e).context(what())
            }
        })?;
        return f.write_all(text.as_bytes()).with_context(what);
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(|| "topics.yaml".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.evbus-tmp", uuid::Uuid::new_v4().simple()));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow!(e).context(what()));
    }
    Ok(())
}
