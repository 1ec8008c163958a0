//! `evbus schemas list|validate|sample`: the platform's event schemas, without a broker.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{Result, bail};
use serde_json::json;

use crate::app::App;
use crate::cli::{SampleArgs, SchemasCommand, SchemasDirArgs, ValidateArgs};
use crate::exit::Outcome;
use crate::schema::SchemaStore;
use crate::schema::sample::{Draw, EnvelopeFill, seeded_epoch};
use crate::schema::select::{ByType, Discriminator, TopicSchema};
use crate::term::json::write_json_line;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

/// `evbus schemas`: lists, validates and samples the JSON Schemas of the platform's events.
pub async fn run(app: &App, cmd: SchemasCommand) -> Result<Outcome> {
    match cmd {
        SchemasCommand::List(a) => list(app, &a),
        SchemasCommand::Validate(a) => validate(app, &a),
        SchemasCommand::Sample(a) => sample(app, &a),
    }
}

fn list(app: &App, a: &SchemasDirArgs) -> Result<Outcome> {
    let store = SchemaStore::open(&a.schemas)?;
    // A missing directory is most often a typo or the wrong working directory: say so rather
    // than list nothing.
    if !a.schemas.is_dir() {
        bail!(
            "no schema directory at {} (run from the directory that holds schemas/, or pass --schemas DIR)",
            a.schemas.display()
        );
    }
    let manifest = app.manifest_opt(&a.manifest)?;
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(m) = &manifest {
        for t in &m.topics {
            if let Some(schema) = &t.schema {
                users.entry(schema.clone()).or_default().push(t.name.clone());
            }
            for schema in t.schemas.values() {
                let stem = schema.trim_end_matches(".json").rsplit('/').next().unwrap_or(schema);
                let list = users.entry(stem.to_string()).or_default();
                if !list.contains(&t.name) {
                    list.push(t.name.clone());
                }
            }
        }
    }
    let rows: Vec<serde_json::Value> = store
        .names()
        .into_iter()
        .map(|n| {
            let topics = users.get(&n).cloned().unwrap_or_default();
            json!({"schema": n, "path": store.dir().join(format!("{n}.json")), "topics": topics})
        })
        .collect();
    if app.ui.mode()? == Mode::Json {
        app.ui.json(&json!({ "schemas": rows }))?;
    } else {
        let mut t = app.ui.table();
        t.set_header(vec!["schema", "topics"]);
        for r in &rows {
            let topics: Vec<&str> = r["topics"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
            t.add_row(vec![r["schema"].as_str().unwrap_or_default().to_string(), topics.join(", ")]);
        }
        app.ui.out(&t.to_string())?;
    }
    Ok(Outcome::Ok)
}

fn validate(app: &App, v: &ValidateArgs) -> Result<Outcome> {
    let a = &v.dir;
    let store = SchemaStore::open(&a.schemas)?;
    let mut problems = store.check_all();
    // Topics declared `schema: false` carry no schema: validation covers the others. With
    // --only-with-schemas, so do topics whose schema file is missing (listed, not failed).
    let mut without: Vec<String> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    if let Some(m) = app.manifest_opt(&a.manifest)? {
        for t in &m.topics {
            let wanted: Vec<(Option<&str>, &str)> = match &t.schema {
                Some(s) => vec![(None, s.as_str())],
                None => t.schemas.iter().map(|(ty, s)| (Some(ty.as_str()), s.as_str())).collect(),
            };
            if wanted.is_empty() {
                without.push(t.name.clone());
                continue;
            }
            for (ty, schema) in wanted {
                if schema_file(&store, schema).is_file() || store.dir().join(schema).is_file() {
                    continue;
                }
                if v.only_with_schemas {
                    missing.push(t.name.clone());
                    break;
                }
                let of = ty.map(|ty| format!(" for event type {ty}")).unwrap_or_default();
                problems.push(format!(
                    "{}: topic {} uses schema '{schema}'{of}, but {} does not exist (add it, name another \
                     with `schema: NAME`, declare `schema: false` for a topic without a schema, or pass \
                     --only-with-schemas to check only the topics that have theirs)",
                    m.path.display(),
                    t.name,
                    schema_file(&store, schema).display()
                ));
            }
        }
    }
    let count = store.names().len();
    if app.ui.mode()? == Mode::Json {
        app.ui.json(&json!({
            "schemas": count, "valid": problems.is_empty(), "problems": problems, "topics_without_schema": without,
            "topics_missing_schema": missing,
        }))?;
    } else if problems.is_empty() {
        let mut line = format!("{}: {count} schemas, all valid", store.dir().display());
        let names = |v: &[String]| v.iter().map(|n| for_terminal(n).into_owned()).collect::<Vec<_>>().join(", ");
        if !without.is_empty() {
            line.push_str(&format!(
                "; {} topic(s) without a schema (schema: false): {}",
                without.len(),
                names(&without)
            ));
        }
        if !missing.is_empty() {
            line.push_str(&format!(
                "; {} topic(s) not checked, their schema file is missing (--only-with-schemas): {}",
                missing.len(),
                names(&missing)
            ));
        }
        app.ui.out(&line)?;
    }
    if !missing.is_empty() && app.ui.mode()? == Mode::Json {
        app.ui.warn(format!(
            "{} topic(s) not checked, their schema file is missing (--only-with-schemas): {}",
            missing.len(),
            missing.iter().map(|n| for_terminal(n).into_owned()).collect::<Vec<_>>().join(", ")
        ));
    }
    if !problems.is_empty() {
        bail!("{} problem(s) in {}:\n  {}", problems.len(), store.dir().display(), problems.join("\n  "));
    }
    Ok(Outcome::Ok)
}

/// The file a schema name or path stands for, for messages.
fn schema_file(store: &SchemaStore, schema: &str) -> std::path::PathBuf {
    if schema.contains('/') || schema.ends_with(".json") {
        std::path::PathBuf::from(schema)
    } else {
        store.dir().join(format!("{schema}.json"))
    }
}

fn sample(app: &App, a: &SampleArgs) -> Result<Outcome> {
    let store = SchemaStore::open(&a.dir.schemas)?;
    let schema = match store.load(&a.schema) {
        Ok(s) => TopicSchema::One(s),
        // Not a schema: a topic with several event types samples among them.
        Err(e) => match app.manifest_opt(&a.dir.manifest).ok().flatten().and_then(|m| {
            m.topic(&a.schema).filter(|t| !t.schemas.is_empty()).map(|t| (t.schemas.clone(), t.discriminator.clone()))
        }) {
            Some((types, d)) => {
                let d = Discriminator::of(d.as_deref()).map_err(anyhow::Error::msg)?;
                TopicSchema::ByType(ByType::load(&store, d, &types)?)
            }
            None => return Err(e),
        },
    };
    if let (TopicSchema::ByType(b), Some(t)) = (&schema, &a.event_type) {
        b.schema_of(t).map_err(|e| crate::exit::Exit::usage(format!("--type {t}: {e}")))?;
    }
    let mut generator = Draw::new(&schema, a.event_type.as_deref(), a.seed)?;
    let fill = EnvelopeFill {
        producer: a.producer.clone(),
        now: if a.seed.is_some() { seeded_epoch() } else { chrono::Utc::now() },
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    for _ in 0..a.count {
        let v = generator.generate(&fill)?;
        write_json_line(&mut out, &v, app.ui.stdout_tty)?;
    }
    out.flush()?;
    Ok(Outcome::Ok)
}
