//! The config file itself: its shape (contexts with their `tls`, `sasl` and `properties`),
//! where it is found, how it is parsed, and how `${VAR}` references and secret files are read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use super::perms;

/// The config file (evbus.yaml): named broker profiles and the default one.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The context used when neither --context nor EVBUS_CONTEXT is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// Contexts by name, as `--context NAME` selects them.
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
}

/// A named broker profile: where to connect and how to authenticate.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// Bootstrap brokers, `host:port,...`; `None` leaves them to the environment or the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brokers: Option<String>,
    /// Manifest path for this context (relative to the working directory, like `-f`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<PathBuf>,
    /// librdkafka properties; values may use ${ENV_VAR}.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    /// TLS to the brokers (SSL, or SASL_SSL with `sasl`); `None`: no TLS from this context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    /// SASL authentication; `None`: no SASL from this context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sasl: Option<Sasl>,
}

/// A context's `tls:` block; relative paths are resolved against the config file's directory.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// CA bundle (PEM) that signed the brokers' certificates (default: the system's CA store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<PathBuf>,
    /// Client certificate for mutual TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM) of the client certificate; required together with `cert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<PathBuf>,
    /// Password of the client key, inline (`key_password_file` keeps it out of the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_password: Option<String>,
    /// Read the client key's password from this file (trailing newline removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_password_file: Option<PathBuf>,
    /// Skip hostname verification (test clusters only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure_skip_hostname: bool,
}

/// A context's `sasl:` block.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sasl {
    /// PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
    pub mechanism: String,
    /// SASL user name.
    pub username: String,
    /// The password, inline (`password_file` keeps it out of the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Read the password from this file (trailing newline removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_file: Option<PathBuf>,
}

/// The XDG location, whether or not the file exists.
pub fn user_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("evbus").join("config.yaml"))
}

/// Where the config file is: $EVBUS_CONFIG when set, else ./evbus.yaml, else
/// $XDG_CONFIG_HOME/evbus/config.yaml (~/.config when XDG_CONFIG_HOME is unset).
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("EVBUS_CONFIG").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let local = PathBuf::from("evbus.yaml");
    if local.exists() {
        return Some(local);
    }
    user_config_path().filter(|p| p.exists())
}

/// Reads and parses a config file; unknown keys are an error.
pub fn load_file(path: &Path) -> Result<ConfigFile> {
    let src = crate::limits::read_to_string(path, crate::limits::FILES)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    parse(&src, path)
}

/// Parse config text; `path` is used in messages only.
pub fn parse(src: &str, path: &Path) -> Result<ConfigFile> {
    if src.trim().is_empty() {
        return Ok(ConfigFile::default());
    }
    // As serde_yaml read it before: YAML 1.2 booleans only, a repeated context name keeps the
    // last one, `<<` is an ordinary (so unknown) key; and no snippet of the file in the message,
    // which could quote a password.
    let options = serde_saphyr::options! {
        with_snippet: false,
        strict_booleans: true,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        merge_keys: serde_saphyr::MergeKeyPolicy::AsOrdinary,
    };
    serde_saphyr::from_str_with_options(src, options).map_err(|e| {
        let loc = e.location().map(|l| format!(":{}:{}", l.line(), l.column())).unwrap_or_default();
        anyhow!("{}{loc}: {e}", path.display())
    })
}

/// Expand `${VAR}` references from the environment; an unset variable is an error naming it (never
/// its value). `$${` is a literal `${`.
///
/// Hand-written rather than with shellexpand: only the braced form is special, so a password
/// containing a bare `$` (common in generated passwords) is taken literally.
pub fn expand_env(value: &str) -> Result<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        if start > 0 && rest[..start].ends_with('$') {
            out.push_str(&rest[..start - 1]);
            out.push_str("${");
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| anyhow!("unterminated ${{...}} in config value"))?;
        let var = &after[..end];
        let v = std::env::var(var)
            .map_err(|_| anyhow!("environment variable {var} is not set (referenced as ${{{var}}})"))?;
        out.push_str(&v);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Read a secret from a file: trailing newlines are not part of it (editors and `echo` add one).
/// A file others can read or write is a warning, or an error under [`perms::STRICT_ENV`].
pub(super) fn read_secret_file(path: &Path, what: &str, warnings: &mut Vec<String>) -> Result<String> {
    if let Some(w) = perms::secret_file(path, what) {
        if perms::strict() {
            bail!("{w} ({} is set)", perms::STRICT_ENV);
        }
        warnings.push(w);
    }
    let s = crate::limits::read_to_string(path, crate::limits::FILES)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    let s = s.trim_end_matches(['\n', '\r']).to_string();
    if s.is_empty() {
        bail!("{what} {} is empty", path.display());
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_env_literal_dollar_and_escape() {
        assert_eq!(expand_env("pa$$word$x").unwrap(), "pa$$word$x");
        assert_eq!(expand_env("$${NOT_EXPANDED}").unwrap(), "${NOT_EXPANDED}");
        let e = expand_env("${EVBUS_SURELY_UNSET_VAR_123}").unwrap_err().to_string();
        assert!(e.contains("EVBUS_SURELY_UNSET_VAR_123"), "{e}");
        assert!(expand_env("${UNTERMINATED").is_err());
    }

    #[test]
    fn expand_env_reads_environment() {
        // PATH is always set in a test process; reading it needs no mutation of the environment.
        let path = std::env::var("PATH").unwrap_or_default();
        assert_eq!(expand_env("a-${PATH}-b").unwrap(), format!("a-{path}-b"));
    }

    #[test]
    fn read_as_serde_yaml_read_it() {
        let f = parse("current: yes\ncontexts:\n  a: {brokers: x}\n  a: {brokers: y}\n", Path::new("x")).unwrap();
        assert_eq!((f.current.as_deref(), f.contexts["a"].brokers.as_deref()), (Some("yes"), Some("y")));
        let e = parse("contexts:\n  a:\n    tls: {insecure_skip_hostname: yes}\n", Path::new("evbus.yaml"));
        assert!(e.unwrap_err().to_string().starts_with("evbus.yaml:3:35: "));
    }

    #[test]
    fn unknown_fields_are_errors_with_location() {
        let e = parse("contexts:\n  a:\n    broker: x\n", Path::new("evbus.yaml")).unwrap_err().to_string();
        assert!(e.contains("evbus.yaml:3"), "{e}");
        assert!(e.contains("broker"), "{e}");
    }
}
