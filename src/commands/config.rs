//! `evbus config list|use|show`: named contexts (broker profiles) and the effective configuration.
//!
//! `show` is what to run when evbus talks to the wrong cluster: it prints every setting with the
//! layer it came from (flag, environment, context, default). Secrets are always redacted.

use std::path::PathBuf;

use anyhow::{Context as _, Result, anyhow, bail};
use serde::Serialize;
use serde_json::json;

use crate::app::App;
use crate::cli::{ConfigCommand, ManifestArg};
use crate::config::{self, ConfigFile, Context};
use crate::exit::Outcome;
use crate::term::redact;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

/// `evbus config`: the contexts in evbus.yaml, which one is active, and the effective configuration.
pub async fn run(app: &App, cmd: ConfigCommand) -> Result<Outcome> {
    match cmd {
        ConfigCommand::List => list(app),
        ConfigCommand::Use { name } => use_context(app, &name),
        ConfigCommand::Show(manifest) => show(app, &manifest),
    }
}

fn no_config_file() -> anyhow::Error {
    let user = config::user_config_path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "$XDG_CONFIG_HOME/evbus/config.yaml".into());
    anyhow!(
        "no config file: create ./evbus.yaml or {user} with a `contexts:` section, e.g.\n\
         \x20 contexts:\n\
         \x20   local: {{ brokers: 127.0.0.1:9092 }}\n\
         \x20   prod:  {{ brokers: kafka.example.com:9093, tls: {{ ca: ca.pem }} }}"
    )
}

/// One line summary of how a context connects.
fn security(c: &Context) -> String {
    let proto = match (&c.tls, &c.sasl) {
        (Some(_), Some(_)) => "SASL_SSL",
        (None, Some(_)) => "SASL_PLAINTEXT",
        (Some(_), None) => "SSL",
        (None, None) => c.properties.get("security.protocol").map(String::as_str).unwrap_or("PLAINTEXT"),
    };
    let mut s = proto.to_string();
    if let Some(sasl) = &c.sasl {
        s.push_str(&format!(" {} user {}", sasl.mechanism, sasl.username));
    }
    if c.tls.as_ref().is_some_and(|t| t.cert.is_some()) {
        s.push_str(" (client cert)");
    }
    s
}

#[derive(Serialize)]
struct ContextRow {
    name: String,
    active: bool,
    brokers: Option<String>,
    manifest: Option<PathBuf>,
    security: String,
}

fn list(app: &App) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let path = app.effective.config_file.clone().ok_or_else(no_config_file)?;
    let file = config::load_file(&path)?;
    let active = app.effective.context.as_deref();
    let rows: Vec<ContextRow> = file
        .contexts
        .iter()
        .map(|(name, c)| ContextRow {
            name: name.clone(),
            active: Some(name.as_str()) == active,
            brokers: c.brokers.clone(),
            manifest: c.manifest.clone(),
            security: security(c),
        })
        .collect();
    if mode == Mode::Json {
        app.ui.json(&json!({
            "file": path,
            "current": file.current,
            "active": active,
            "active_source": app.effective.context_source,
            "contexts": rows,
        }))?;
        return Ok(Outcome::Ok);
    }
    if rows.is_empty() {
        app.ui.out(&format!("{}: no contexts defined", path.display()))?;
        return Ok(Outcome::Ok);
    }
    let mut t = app.ui.table();
    t.set_header(vec!["", "context", "brokers", "security", "manifest"]);
    for r in &rows {
        t.add_row(vec![
            if r.active { "*".to_string() } else { String::new() },
            for_terminal(&r.name).into_owned(),
            for_terminal(r.brokers.as_deref().unwrap_or("(default)")).into_owned(),
            for_terminal(&r.security).into_owned(),
            r.manifest.as_ref().map(|m| m.display().to_string()).unwrap_or_else(|| "(default)".into()),
        ]);
    }
    app.ui.out(&t.to_string())?;
    let why = match app.effective.context_source {
        "--context" => " (from --context)",
        "EVBUS_CONTEXT" => " (from EVBUS_CONTEXT)",
        _ => "",
    };
    match active {
        Some(a) => app.ui.info(format!("active: {a}{why}; file: {}", path.display())),
        None => {
            app.ui.info(format!("no active context (set one with `evbus config use NAME`); file: {}", path.display()))
        }
    }
    Ok(Outcome::Ok)
}

fn use_context(app: &App, name: &str) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let path = app.effective.config_file.clone().ok_or_else(no_config_file)?;
    let src = crate::limits::read_to_string(&path, crate::limits::FILES)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let file = config::parse(&src, &path)?;
    if !file.contexts.contains_key(name) {
        let known: Vec<&str> = file.contexts.keys().map(String::as_str).collect();
        let hint = strsim_closest(name, &known).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
        bail!(
            "context '{}' is not defined in {}{hint}; known: {}",
            for_terminal(name),
            path.display(),
            if known.is_empty() { "none".to_string() } else { known.join(", ") }
        );
    }
    let updated = config::write::set_current(&src, name)
        .filter(|text| config::parse(text, &path).is_ok_and(|f: ConfigFile| f.current.as_deref() == Some(name)))
        .ok_or_else(|| {
            anyhow!("cannot update `current:` in {} automatically; set `current: {name}` there by hand", path.display())
        })?;
    config::write::replace(&path, &updated)?;
    if mode == Mode::Json {
        app.ui.json(&json!({ "file": path, "current": name }))?;
    } else {
        app.ui.out(&format!("current context: {} ({})", for_terminal(name), path.display()))?;
    }
    if let Ok(env) = std::env::var("EVBUS_CONTEXT")
        && !env.is_empty()
        && env != name
    {
        app.ui.warn(format!("EVBUS_CONTEXT={env} is set and takes precedence over the file's current context"));
    }
    Ok(Outcome::Ok)
}

/// The closest known name, for typos.
fn strsim_closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[derive(Serialize)]
struct PropRow {
    key: String,
    value: String,
    source: String,
}

fn show(app: &App, manifest_arg: &ManifestArg) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let e = &app.effective;
    // `-f` is a per-command flag (every command that reads the manifest takes it), so the global
    // resolution never sees it: `show` applies it here, as those commands do.
    let (manifest, manifest_source) = match &manifest_arg.file {
        Some(f) => (f.clone(), "--file"),
        None => (e.manifest.clone(), e.manifest_source),
    };
    // Later entries win in the Kafka client; show only the value in effect, with its origin.
    let mut props: Vec<PropRow> = Vec::new();
    for ((k, v), src) in e.props.iter().zip(&e.prop_sources) {
        let row = PropRow { key: k.clone(), value: redact::value_for_display(k, v).into_owned(), source: src.clone() };
        match props.iter_mut().find(|p| &p.key == k) {
            Some(existing) => *existing = row,
            None => props.push(row),
        }
    }
    props.sort_by(|a, b| a.key.cmp(&b.key));
    let brokers = redact::redact_text(&e.brokers);
    let timeout = humantime::format_duration(app.settings.timeout).to_string();
    // What produce and dlq replay send with; without --compression or -X, the codec is the
    // topic's when its compression.type names one, which only a run against a topic can tell.
    let producer: Vec<PropRow> = app
        .settings
        .producer_effective(&app.settings.compression(None, None))
        .into_iter()
        .map(|(key, value, source)| PropRow {
            value: redact::value_for_display(&key, &value).into_owned(),
            source: if source == "default" {
                "Kafka's default; a topic whose compression.type names a codec gets it".into()
            } else {
                source
            },
            key,
        })
        .collect();
    if mode == Mode::Json {
        app.ui.json(&json!({
            "context": e.context,
            "context_source": e.context_source,
            "config_file": e.config_file,
            "brokers": brokers,
            "brokers_source": e.brokers_source,
            "manifest": manifest,
            "manifest_source": manifest_source,
            "timeout": timeout,
            "properties": props,
            "producer": producer,
            "problems": e.problems.iter().map(|p| redact::redact_text(p)).collect::<Vec<_>>(),
        }))?;
        return Ok(Outcome::Ok);
    }
    let source = |s: &str| match s {
        "current" => "the config file's current:".to_string(),
        "none" => "none selected".to_string(),
        "default" => "default".to_string(),
        "context" => format!("context {}", e.context.as_deref().unwrap_or("")),
        other => other.to_string(),
    };
    let mut out = String::new();
    out.push_str(&format!(
        "config file: {}\n",
        e.config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "(none)".into())
    ));
    out.push_str(&format!(
        "context:     {} ({})\n",
        e.context.as_deref().map(|c| for_terminal(c).into_owned()).unwrap_or_else(|| "-".into()),
        source(e.context_source)
    ));
    out.push_str(&format!("brokers:     {} ({})\n", for_terminal(&brokers), source(e.brokers_source)));
    out.push_str(&format!("manifest:    {} ({})\n", manifest.display(), source(manifest_source)));
    out.push_str(&format!("timeout:     {timeout}\n"));
    if props.is_empty() {
        out.push_str(&format!("properties:  (none: {})\n", crate::kafka::settings::CLIENT_DEFAULTS));
    } else {
        out.push_str("properties:\n");
        let width = props.iter().map(|p| p.key.len()).max().unwrap_or(0);
        let values: Vec<String> = props.iter().map(|p| for_terminal(&p.value).into_owned()).collect();
        let vwidth = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
        for (p, v) in props.iter().zip(&values) {
            out.push_str(&format!("  {:width$} = {v:vwidth$}  ({})\n", p.key, p.source));
        }
    }
    out.push_str("producer (produce, dlq replay):\n");
    let width = producer.iter().map(|p| p.key.len()).max().unwrap_or(0);
    let vwidth = producer.iter().map(|p| p.value.chars().count()).max().unwrap_or(0);
    for p in &producer {
        out.push_str(&format!("  {:width$} = {:vwidth$}  ({})\n", p.key, for_terminal(&p.value), p.source));
    }
    for p in &e.problems {
        out.push_str(&format!("problem:     {}\n", redact::redact_text(p)));
    }
    app.ui.out(&out)?;
    Ok(Outcome::Ok)
}
