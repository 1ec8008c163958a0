//! Named contexts (broker profiles) from `evbus.yaml` or `$XDG_CONFIG_HOME/evbus/config.yaml`, and
//! the resolution of the effective connection settings.
//!
//! Precedence, highest first: command-line flags > environment variables > the selected context >
//! built-in defaults. Secrets can be `${ENV_VAR}` references or read from files, so a config file
//! never needs to contain a password.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::cli::GlobalArgs;
use crate::redact;

pub const DEFAULT_BROKERS: &str = "127.0.0.1:9092";

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The context used when neither --context nor EVBUS_CONTEXT is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brokers: Option<String>,
    /// Manifest path for this context (relative to the working directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<PathBuf>,
    /// librdkafka properties; values may use ${ENV_VAR}.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sasl: Option<Sasl>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// CA bundle (PEM) that signed the brokers' certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<PathBuf>,
    /// Client certificate for mutual TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_password: Option<String>,
    /// Skip hostname verification (test clusters only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure_skip_hostname: bool,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sasl {
    /// PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
    pub mechanism: String,
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Read the password from this file (trailing newline removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_file: Option<PathBuf>,
}

/// Where the config file is: ./evbus.yaml first, then $XDG_CONFIG_HOME/evbus/config.yaml
/// (~/.config when XDG_CONFIG_HOME is unset).
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("EVBUS_CONFIG") {
        return Some(PathBuf::from(p));
    }
    let local = PathBuf::from("evbus.yaml");
    if local.exists() {
        return Some(local);
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let p = base.join("evbus").join("config.yaml");
    p.exists().then_some(p)
}

pub fn load_file(path: &Path) -> Result<ConfigFile> {
    let src = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_yaml::from_str(&src).map_err(|e| {
        let loc = e.location().map(|l| format!(":{}:{}", l.line(), l.column())).unwrap_or_default();
        anyhow!("{}{loc}: {e}", path.display())
    })
}

/// Expand `${VAR}` references from the environment; an unset variable is an error naming it.
pub fn expand_env(value: &str) -> Result<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| anyhow!("unterminated ${{...}} in config value"))?;
        let var = &after[..end];
        let v = std::env::var(var).map_err(|_| anyhow!("environment variable {var} is not set (referenced as ${{{var}}})"))?;
        out.push_str(&v);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The effective connection settings and manifest path.
#[derive(Debug, Clone)]
pub struct Effective {
    pub brokers: String,
    pub brokers_source: &'static str,
    pub props: Vec<(String, String)>,
    pub manifest: PathBuf,
    pub context: Option<String>,
    pub config_file: Option<PathBuf>,
}

fn env_brokers() -> Option<(String, &'static str)> {
    for var in ["EVBUS_BROKERS", "KAFKA_BROKERS", "KAFKA_BOOTSTRAP_SERVERS"] {
        if let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            return Some((v, var));
        }
    }
    None
}

pub fn resolve(g: &GlobalArgs) -> Result<Effective> {
    let config_file = config_path();
    let file = match &config_file {
        Some(p) => Some(load_file(p)?),
        None => None,
    };
    let wanted = g.context.clone().or_else(|| std::env::var("EVBUS_CONTEXT").ok().filter(|s| !s.is_empty()));
    let (context_name, ctx) = match (&file, &wanted) {
        (Some(f), Some(name)) => match f.contexts.get(name) {
            Some(c) => (Some(name.clone()), Some(c.clone())),
            None => bail!(
                "context '{name}' is not defined in {} (known: {})",
                config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                f.contexts.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        },
        (None, Some(name)) => bail!("context '{name}' requested but no config file found (evbus.yaml or $XDG_CONFIG_HOME/evbus/config.yaml)"),
        (Some(f), None) => match &f.current {
            Some(cur) => (Some(cur.clone()), f.contexts.get(cur).cloned()),
            None => (None, None),
        },
        (None, None) => (None, None),
    };

    let mut props: Vec<(String, String)> = Vec::new();
    if let Some(c) = &ctx {
        if let Some(tls) = &c.tls {
            props.push(("security.protocol".into(), "SSL".into()));
            if let Some(ca) = &tls.ca {
                props.push(("ssl.ca.location".into(), ca.display().to_string()));
            }
            if let Some(cert) = &tls.cert {
                props.push(("ssl.certificate.location".into(), cert.display().to_string()));
            }
            if let Some(key) = &tls.key {
                props.push(("ssl.key.location".into(), key.display().to_string()));
            }
            if let Some(pw) = &tls.key_password {
                let pw = expand_env(pw)?;
                redact::register_secret(&pw);
                props.push(("ssl.key.password".into(), pw));
            }
            if tls.insecure_skip_hostname {
                props.push(("ssl.endpoint.identification.algorithm".into(), "none".into()));
            }
        }
        if let Some(sasl) = &c.sasl {
            let proto = if c.tls.is_some() { "SASL_SSL" } else { "SASL_PLAINTEXT" };
            props.retain(|(k, _)| k != "security.protocol");
            props.push(("security.protocol".into(), proto.into()));
            props.push(("sasl.mechanism".into(), sasl.mechanism.clone()));
            props.push(("sasl.username".into(), expand_env(&sasl.username)?));
            let pw = match (&sasl.password, &sasl.password_file) {
                (Some(p), _) => expand_env(p)?,
                (None, Some(f)) => std::fs::read_to_string(f)
                    .with_context(|| format!("cannot read sasl.password_file {}", f.display()))?
                    .trim_end_matches(['\n', '\r'])
                    .to_string(),
                (None, None) => bail!("context '{}': sasl needs password or password_file", context_name.clone().unwrap_or_default()),
            };
            redact::register_secret(&pw);
            props.push(("sasl.password".into(), pw));
        }
        for (k, v) in &c.properties {
            let v = expand_env(v)?;
            if redact::is_secret_key(k) {
                redact::register_secret(&v);
            }
            props.push((k.clone(), v));
        }
    }
    for kv in &g.props {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| crate::exit::Exit::usage(format!("-X {kv}: expected KEY=VALUE")))?;
        if redact::is_secret_key(k) {
            redact::register_secret(v);
        }
        props.push((k.trim().to_string(), v.to_string()));
    }

    let (brokers, brokers_source) = if let Some(b) = &g.brokers {
        (b.clone(), "--brokers")
    } else if let Some((b, var)) = env_brokers() {
        (b, var)
    } else if let Some(b) = ctx.as_ref().and_then(|c| c.brokers.clone()) {
        (b, "context")
    } else {
        (DEFAULT_BROKERS.to_string(), "default")
    };
    let manifest = ctx.as_ref().and_then(|c| c.manifest.clone()).unwrap_or_else(|| PathBuf::from("topics.yaml"));
    Ok(Effective { brokers, brokers_source, props, manifest, context: context_name, config_file })
}
