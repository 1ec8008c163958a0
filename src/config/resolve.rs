//! Resolving the effective connection settings from the layers, highest first: command-line
//! flags > environment variables > the selected context > built-in defaults.
//!
//! Layering is written here rather than with a layering crate (figment, config): the layers are
//! not homogeneous maps (the context layer is *selected* by a value from the layers above it, `-X`
//! is an ordered list where later entries win, the broker list has three alternative environment
//! names), `config show` must say where each value came from, and secrets must be registered for
//! redaction at the moment they are read. A crate would still need all of that code around it.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use super::file::{ConfigFile, Context, config_path, expand_env, load_file, read_secret_file};
use super::perms;
use crate::term::redact;

/// Brokers used when neither a flag, an environment variable nor a context names any.
pub const DEFAULT_BROKERS: &str = "127.0.0.1:9092";
/// Manifest path used when no context or `EVBUS_MANIFEST` names one (relative to the working directory).
pub const DEFAULT_MANIFEST: &str = "topics.yaml";

/// Environment variables for the broker list, in the order they are consulted.
pub const BROKER_ENV_VARS: [&str; 3] = ["EVBUS_BROKERS", "KAFKA_BROKERS", "KAFKA_BOOTSTRAP_SERVERS"];

/// Most bootstrap addresses evbus accepts. The client learns the whole cluster from any one that
/// answers, so a few per rack are plenty; librdkafka resolves and tracks every entry, and 4,000 of
/// them took 9.5 s and 713 MB before the first request, far past `--timeout`.
pub const MAX_BOOTSTRAP: usize = 100;

/// SASL mechanisms evbus configures from a context's `sasl:` block.
pub const SASL_MECHANISMS: [&str; 3] = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

/// What the command line sets, which wins over the environment and the config file. Plain values,
/// so resolution is testable and does not depend on the command-line parser.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--context NAME`.
    pub context: Option<String>,
    /// `--brokers HOST:PORT,...`.
    pub brokers: Option<String>,
    /// `-X KEY=VALUE`, in order (later ones win), not yet split.
    pub props: Vec<String>,
}

/// The effective connection settings and manifest path.
#[derive(Debug, Clone)]
pub struct Effective {
    /// Bootstrap brokers, `host:port,...`.
    pub brokers: String,
    /// `--brokers`, the environment variable's name, `context` or `default`.
    pub brokers_source: &'static str,
    /// librdkafka properties (context first, then `-X`; later ones win).
    pub props: Vec<(String, String)>,
    /// Where each entry of `props` came from, in the same order.
    pub prop_sources: Vec<String>,
    /// Manifest path, before any per-command `-f`.
    pub manifest: PathBuf,
    /// `EVBUS_MANIFEST`, `context` or `default` (`-f` is applied per command on top of this).
    pub manifest_source: &'static str,
    /// The context in use; `None` when no context is selected.
    pub context: Option<String>,
    /// `--context`, `EVBUS_CONTEXT`, `current` (the file's `current:`) or `none`.
    pub context_source: &'static str,
    /// The config file read; `None` when there is none.
    pub config_file: Option<PathBuf>,
    /// Settings that could not be resolved in lenient mode (see [`resolve_lenient`]).
    pub problems: Vec<String>,
    /// What the caller should tell the user: a config or secret file others can read or write.
    pub warnings: Vec<String>,
}

fn env_brokers() -> Option<(String, &'static str)> {
    for var in BROKER_ENV_VARS {
        if let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            return Some((v, var));
        }
    }
    None
}

/// Resolve the effective configuration; any unresolvable secret (unset `${VAR}`, unreadable
/// password file) is an error. Used by every command that talks to a cluster.
pub fn resolve(g: &Overrides) -> Result<Effective> {
    resolve_with(g, true)
}

/// Like [`resolve`], but secrets that cannot be read are listed in `problems` instead of failing.
/// For commands that must work while a context is broken (`config list|use|show`, completions,
/// `dev`): switching away from a context must not need that context's password.
pub fn resolve_lenient(g: &Overrides) -> Result<Effective> {
    resolve_with(g, false)
}

/// A path from the config file: `${VAR}` expanded, relative paths taken from the file's directory
/// (so a context in ~/.config/evbus/config.yaml can say `ca: certs/ca.pem`).
fn config_relative(base: Option<&Path>, p: &Path) -> Result<PathBuf> {
    let expanded = PathBuf::from(expand_env(&p.to_string_lossy())?);
    Ok(match base {
        Some(b) if expanded.is_relative() && !b.as_os_str().is_empty() => b.join(expanded),
        _ => expanded,
    })
}

/// Collects properties with their origin, and registers secrets as they are read.
struct Props {
    items: Vec<(String, String)>,
    sources: Vec<String>,
}

impl Props {
    fn push(&mut self, key: &str, value: String, source: &str) {
        if redact::is_secret_key(key) {
            redact::register_secret(&value);
        }
        self.items.push((key.to_string(), value));
        self.sources.push(source.to_string());
    }
    fn remove(&mut self, key: &str) {
        while let Some(i) = self.items.iter().position(|(k, _)| k == key) {
            self.items.remove(i);
            self.sources.remove(i);
        }
    }
}

/// Which context applies, and why: `--context`, else `EVBUS_CONTEXT`, else the file's `current`;
/// a named context the file does not define is an error naming the ones it does.
fn pick_context(
    g: &Overrides,
    file: Option<&ConfigFile>,
    config_file: Option<&Path>,
) -> Result<(Option<String>, &'static str, Option<Context>)> {
    let (wanted, wanted_source) = match &g.context {
        Some(c) => (Some(c.clone()), "--context"),
        None => match std::env::var("EVBUS_CONTEXT").ok().filter(|s| !s.is_empty()) {
            Some(c) => (Some(c), "EVBUS_CONTEXT"),
            None => (None, "none"),
        },
    };
    Ok(match (file, &wanted) {
        (Some(f), Some(name)) => match f.contexts.get(name) {
            Some(c) => (Some(name.clone()), wanted_source, Some(c.clone())),
            None => bail!(
                "context '{name}' (from {wanted_source}) is not defined in {} (known: {})",
                config_file.map(|p| p.display().to_string()).unwrap_or_default(),
                known(f)
            ),
        },
        (None, Some(name)) => bail!(
            "context '{name}' (from {wanted_source}) requested but no config file found (./evbus.yaml or \
             $XDG_CONFIG_HOME/evbus/config.yaml)"
        ),
        (Some(f), None) => match &f.current {
            Some(cur) => match f.contexts.get(cur) {
                Some(c) => (Some(cur.clone()), "current", Some(c.clone())),
                None => bail!(
                    "{}: current context '{cur}' is not defined (known: {}); fix it with `evbus config use NAME`",
                    config_file.map(|p| p.display().to_string()).unwrap_or_default(),
                    known(f)
                ),
            },
            None => (None, "none", None),
        },
        (None, None) => (None, "none", None),
    })
}

/// The client properties a context's `tls`, `sasl` and `properties` give, each with its origin.
/// A problem (a missing secret file, an unset variable) is an error when `strict`, else noted in
/// `problems` so that commands managing evbus itself still run; a secret file others can read or
/// write is noted in `warnings`.
fn context_props(
    c: &Context,
    name: &str,
    base: Option<&Path>,
    strict: bool,
    props: &mut Props,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let mut on_problem = |e: anyhow::Error| -> Result<()> {
        if strict {
            Err(e.context(format!("context '{name}'")))
        } else {
            problems.push(format!("context '{name}': {e:#}"));
            Ok(())
        }
    };
    let src = format!("context {name}");
    if let Some(tls) = &c.tls {
        props.push("security.protocol", "SSL".into(), &format!("{src}: tls"));
        for (field, prop, path) in [
            ("tls.ca", "ssl.ca.location", &tls.ca),
            ("tls.cert", "ssl.certificate.location", &tls.cert),
            ("tls.key", "ssl.key.location", &tls.key),
        ] {
            if let Some(p) = path {
                match config_relative(base, p) {
                    Ok(p) => props.push(prop, p.display().to_string(), &format!("{src}: {field}")),
                    Err(e) => on_problem(e)?,
                }
            }
        }
        if tls.cert.is_some() != tls.key.is_some() {
            on_problem(anyhow!("mutual TLS needs both tls.cert and tls.key"))?;
        }
        let key_pw = match (&tls.key_password, &tls.key_password_file) {
            (Some(p), _) => Some(expand_env(p)),
            (None, Some(f)) => {
                Some(config_relative(base, f).and_then(|f| read_secret_file(&f, "tls.key_password_file", warnings)))
            }
            (None, None) => None,
        };
        match key_pw {
            Some(Ok(pw)) => props.push("ssl.key.password", pw, &format!("{src}: tls.key_password")),
            Some(Err(e)) => on_problem(e)?,
            None => {}
        }
        if tls.insecure_skip_hostname {
            props.push(
                "ssl.endpoint.identification.algorithm",
                "none".into(),
                &format!("{src}: tls.insecure_skip_hostname"),
            );
        }
    }
    if let Some(sasl) = &c.sasl {
        let proto = if c.tls.is_some() { "SASL_SSL" } else { "SASL_PLAINTEXT" };
        props.remove("security.protocol");
        props.push("security.protocol", proto.into(), &format!("{src}: sasl"));
        let mech = sasl.mechanism.trim().to_ascii_uppercase().replace('_', "-");
        if SASL_MECHANISMS.contains(&mech.as_str()) {
            props.push("sasl.mechanism", mech, &format!("{src}: sasl.mechanism"));
        } else {
            on_problem(anyhow!(
                "sasl.mechanism '{}' is not one of {} (other mechanisms: set sasl.* under properties:)",
                sasl.mechanism,
                SASL_MECHANISMS.join(", ")
            ))?;
        }
        match expand_env(&sasl.username) {
            Ok(u) => props.push("sasl.username", u, &format!("{src}: sasl.username")),
            Err(e) => on_problem(e)?,
        }
        let pw = match (&sasl.password, &sasl.password_file) {
            (Some(p), _) => expand_env(p).map(|p| (p, "sasl.password")),
            (None, Some(f)) => config_relative(base, f)
                .and_then(|f| read_secret_file(&f, "sasl.password_file", warnings))
                .map(|p| (p, "sasl.password_file")),
            (None, None) => Err(anyhow!("sasl needs password (e.g. ${{KAFKA_PASSWORD}}) or password_file")),
        };
        match pw {
            Ok((pw, field)) => props.push("sasl.password", pw, &format!("{src}: {field}")),
            Err(e) => on_problem(e)?,
        }
    }
    for (k, v) in &c.properties {
        match expand_env(v) {
            Ok(v) => props.push(k, v, &format!("{src}: properties")),
            Err(e) => on_problem(e.context(format!("property {k}")))?,
        }
    }
    Ok(())
}

fn resolve_with(g: &Overrides, strict: bool) -> Result<Effective> {
    let config_file = config_path();
    let file = match &config_file {
        Some(p) => Some(load_file(p)?),
        None => None,
    };
    let mut warnings = Vec::new();
    let mut problems = Vec::new();
    if let (Some(p), Some(f)) = (&config_file, &file)
        && let Some(w) = perms::config_file(p, f)
    {
        match (perms::strict(), strict) {
            (true, true) => bail!("{w} ({} is set)", perms::STRICT_ENV),
            (true, false) => problems.push(w),
            (false, _) => warnings.push(w),
        }
    }
    let (context_name, context_source, ctx) = pick_context(g, file.as_ref(), config_file.as_deref())?;

    let base = config_file.as_ref().and_then(|p| p.parent()).map(Path::to_path_buf);
    let mut props = Props { items: Vec::new(), sources: Vec::new() };
    if let (Some(c), Some(name)) = (&ctx, &context_name) {
        context_props(c, name, base.as_deref(), strict, &mut props, &mut problems, &mut warnings)?;
    }
    for kv in &g.props {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| crate::exit::Exit::usage(format!("-X {}: expected KEY=VALUE", redact::redact_text(kv))))?;
        props.push(k.trim(), v.to_string(), "-X");
    }

    let (mut brokers, brokers_source) = if let Some(b) = &g.brokers {
        (b.clone(), "--brokers")
    } else if let Some((b, var)) = env_brokers() {
        (b, var)
    } else if let Some(b) = ctx.as_ref().and_then(|c| c.brokers.clone()) {
        (expand_env(&b)?, "context")
    } else {
        (DEFAULT_BROKERS.to_string(), "default")
    };
    let with_userinfo = redact::brokers_with_userinfo(&brokers);
    if !with_userinfo.is_empty() {
        redact::register_broker_userinfo(&brokers);
        let which: Vec<String> = with_userinfo.iter().map(usize::to_string).collect();
        // The address itself is not quoted: it holds the password.
        let msg = format!(
            "broker address {} (from {brokers_source}) contains user info (`user:password@`); Kafka bootstrap \
             addresses are host:port only: give credentials in a context's `sasl:` block or with \
             -X sasl.username=... -X sasl.password=...",
            which.join(", ")
        );
        if strict {
            return Err(crate::exit::Exit::usage(msg));
        }
        problems.push(msg);
        brokers = redact::redact_brokers(&brokers);
    }
    let from_x = props.items.iter().rev().find(|(k, _)| k == "bootstrap.servers").map(|(_, v)| v.as_str());
    for (list, source) in [(Some(brokers.as_str()), brokers_source), (from_x, "-X bootstrap.servers")] {
        if let Some(msg) = list.and_then(|l| too_many_brokers(l, source)) {
            if strict {
                return Err(crate::exit::Exit::usage(msg));
            }
            problems.push(msg);
        }
    }
    let (manifest, manifest_source) = if let Some(m) = std::env::var_os("EVBUS_MANIFEST").filter(|v| !v.is_empty()) {
        (PathBuf::from(m), "EVBUS_MANIFEST")
    } else if let Some(m) = ctx.as_ref().and_then(|c| c.manifest.clone()) {
        (m, "context")
    } else {
        (PathBuf::from(DEFAULT_MANIFEST), "default")
    };
    Ok(Effective {
        brokers,
        brokers_source,
        props: props.items,
        prop_sources: props.sources,
        manifest,
        manifest_source,
        context: context_name,
        context_source,
        config_file,
        problems,
        warnings,
    })
}

/// The message for a bootstrap list longer than [`MAX_BOOTSTRAP`]; `None` when it is within.
fn too_many_brokers(list: &str, source: &str) -> Option<String> {
    let n = list.split([',', ' ', '\t', '\n']).filter(|a| !a.trim().is_empty()).count();
    (n > MAX_BOOTSTRAP).then(|| {
        format!(
            "{n} bootstrap brokers (from {source}): at most {MAX_BOOTSTRAP} are accepted; the client learns the whole \
             cluster from any one that answers, so list a few per rack"
        )
    })
}

fn known(f: &ConfigFile) -> String {
    if f.contexts.is_empty() { "none".to_string() } else { f.contexts.keys().cloned().collect::<Vec<_>>().join(", ") }
}

/// The manifest that shell completion should read: EVBUS_MANIFEST, else the active context's
/// manifest (EVBUS_CONTEXT or the file's `current:`), else ./topics.yaml. Never fails: a broken
/// config file must not break the shell.
pub fn completion_manifest() -> PathBuf {
    if let Some(m) = std::env::var_os("EVBUS_MANIFEST").filter(|v| !v.is_empty()) {
        return PathBuf::from(m);
    }
    let from_context = config_path().and_then(|p| load_file(&p).ok()).and_then(|f| {
        let name = std::env::var("EVBUS_CONTEXT").ok().filter(|s| !s.is_empty()).or(f.current.clone())?;
        f.contexts.get(&name)?.manifest.clone()
    });
    from_context.unwrap_or_else(|| PathBuf::from(DEFAULT_MANIFEST))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_relative_paths() {
        let base = Path::new("/etc/evbus");
        assert_eq!(config_relative(Some(base), Path::new("ca.pem")).unwrap(), PathBuf::from("/etc/evbus/ca.pem"));
        assert_eq!(config_relative(Some(base), Path::new("/abs/ca.pem")).unwrap(), PathBuf::from("/abs/ca.pem"));
        assert_eq!(config_relative(Some(Path::new("")), Path::new("ca.pem")).unwrap(), PathBuf::from("ca.pem"));
    }

    #[test]
    fn long_bootstrap_lists_are_refused() {
        let list = |n: usize| (0..n).map(|i| format!("10.0.{}.{}:9092", i / 250, i % 250)).collect::<Vec<_>>();
        assert_eq!(too_many_brokers(&list(MAX_BOOTSTRAP).join(","), "--brokers"), None);
        let e = too_many_brokers(&list(4000).join(","), "--brokers").unwrap();
        assert!(e.starts_with("4000 bootstrap brokers (from --brokers): at most 100 are accepted"), "{e}");
        assert!(too_many_brokers(&list(101).join(" "), "-X bootstrap.servers").is_some(), "space-separated too");
        assert_eq!(too_many_brokers("a:1,,b:2, ", "x"), None);

        let g = Overrides { brokers: Some(list(4000).join(",")), ..Overrides::default() };
        let e = resolve(&g).unwrap_err();
        assert_eq!(crate::exit::code_for(&e), crate::exit::USAGE, "{e:#}");
        let g = Overrides { props: vec![format!("bootstrap.servers={}", list(200).join(","))], ..Overrides::default() };
        assert!(format!("{:#}", resolve(&g).unwrap_err()).contains("from -X bootstrap.servers"));
    }
}
