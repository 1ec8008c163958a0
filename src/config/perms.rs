//! Whether the config file, and the secret files it names, are kept from other users, as ssh
//! insists for a private key.
//!
//! A password written in a file others can read is theirs too; a config file others can write
//! lets them point evbus at their own broker, which then receives the password (SASL PLAIN sends
//! it as is), whether it is written inline or comes from `${VAR}`. Both are warnings, since a
//! shared read-only config without secrets is normal; `EVBUS_STRICT_PERMISSIONS=1` makes them
//! errors, for machines where a loose file must stop evbus rather than be noticed.

use std::path::Path;

use super::ConfigFile;
use crate::term::redact;

/// Set (to anything but `0`, `false` or `no`) to refuse a loose config or secret file.
pub const STRICT_ENV: &str = "EVBUS_STRICT_PERMISSIONS";

/// Whether [`STRICT_ENV`] asks for refusal.
pub fn strict() -> bool {
    std::env::var(STRICT_ENV)
        .is_ok_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false" | "no"))
}

/// Secrets written in the file itself (not `${VAR}` references), as `context NAME: FIELD`.
pub fn inline_secrets(f: &ConfigFile) -> Vec<String> {
    let mut out = Vec::new();
    for (name, c) in &f.contexts {
        let mut found = |field: &str, v: Option<&String>| {
            if v.is_some_and(|v| !without_references(v).trim().is_empty()) {
                out.push(format!("context {name}: {field}"));
            }
        };
        found("sasl.password", c.sasl.as_ref().and_then(|s| s.password.as_ref()));
        found("tls.key_password", c.tls.as_ref().and_then(|t| t.key_password.as_ref()));
        for (k, v) in &c.properties {
            if redact::is_secret_key(k) {
                found(&format!("properties.{k}"), Some(v));
            }
        }
    }
    out
}

/// Whether any context authenticates (inline, `${VAR}` or a file): what a writable file exposes.
pub fn has_credentials(f: &ConfigFile) -> bool {
    f.contexts.values().any(|c| {
        c.sasl.is_some()
            || c.tls.as_ref().is_some_and(|t| t.key_password.is_some() || t.key_password_file.is_some())
            || c.properties.keys().any(|k| redact::is_secret_key(k))
    })
}

/// The permission bits of `path` (following links, as reading does); `None` when unknown.
fn mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The problem with the config file at `path` holding `file`, if any.
pub fn config_file(path: &Path, file: &ConfigFile) -> Option<String> {
    let mode = mode(path)?;
    let secrets = inline_secrets(file);
    let fix = format!("run `chmod 600 {}`", path.display());
    if mode & 0o022 != 0 && has_credentials(file) {
        return Some(format!(
            "config file {} is writable by {} (mode {mode:04o}) and sets credentials: whoever can write it can \
             point evbus at their own broker and receive them; {fix}",
            path.display(),
            who(mode, 0o020, 0o002)
        ));
    }
    if mode & 0o044 != 0 && !secrets.is_empty() {
        return Some(format!(
            "config file {} holds secrets ({}) and is readable by {} (mode {mode:04o}); {fix}, or move them out of \
             the file (${{VAR}}, password_file)",
            path.display(),
            secrets.join(", "),
            who(mode, 0o040, 0o004)
        ));
    }
    None
}

/// The problem with a secret file (`password_file`, `key_password_file`) others can read or write.
pub fn secret_file(path: &Path, what: &str) -> Option<String> {
    let mode = mode(path)?;
    (mode & 0o066 != 0).then(|| {
        format!(
            "{what} {} is readable or writable by {} (mode {mode:04o}); run `chmod 600 {}`",
            path.display(),
            who(mode, 0o060, 0o006),
            path.display()
        )
    })
}

/// Who the bits `group` and `other` of `mode` let in.
fn who(mode: u32, group: u32, other: u32) -> &'static str {
    match (mode & group != 0, mode & other != 0) {
        (true, true) => "group and others",
        (true, false) => "its group",
        _ => "others",
    }
}

/// `v` without its `${VAR}` references: what of a value is written in the file itself.
fn without_references(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => rest = &rest[start + end + 1..],
            None => return out + &rest[start..],
        }
    }
    out + rest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(yaml: &str) -> ConfigFile {
        super::super::parse(yaml, Path::new("x")).unwrap()
    }

    #[test]
    fn inline_secrets_are_found_and_references_are_not() {
        let f = file(
            "contexts:\n  prod:\n    sasl: {mechanism: PLAIN, username: u, password: hunter2}\n    \
             properties: {sasl.oauthbearer.client.secret: s, client.rack: r}\n  \
             env:\n    sasl: {mechanism: PLAIN, username: u, password: '${PW}'}\n    tls: {key_password: ' ${K} '}\n",
        );
        assert_eq!(
            inline_secrets(&f),
            ["context prod: sasl.password", "context prod: properties.sasl.oauthbearer.client.secret"]
        );
        assert!(has_credentials(&f));
        assert!(!has_credentials(&file("contexts:\n  a: {brokers: x}\n")));
        assert_eq!(without_references("a${X}b${Y"), "ab${Y");
    }

    #[cfg(unix)]
    #[test]
    fn loose_files_are_named_with_their_mode() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("evbus.yaml");
        let inline = file("contexts:\n  prod:\n    sasl: {mechanism: PLAIN, username: u, password: hunter2}\n");
        let by_env = file("contexts:\n  prod:\n    sasl: {mechanism: PLAIN, username: u, password: '${PW}'}\n");
        let set = |mode: u32| {
            std::fs::write(&p, "x").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        set(0o600);
        assert_eq!(config_file(&p, &inline), None);
        set(0o644);
        let w = config_file(&p, &inline).unwrap();
        assert!(
            w.contains("holds secrets (context prod: sasl.password) and is readable by group and others (mode 0644)"),
            "{w}"
        );
        assert!(w.contains("chmod 600"), "{w}");
        assert!(!w.contains("hunter2"), "{w}");
        assert_eq!(config_file(&p, &by_env), None, "readable, but nothing secret in it");
        set(0o666);
        let w = config_file(&p, &by_env).unwrap();
        assert!(w.contains("is writable by group and others (mode 0666) and sets credentials"), "{w}");
        set(0o640);
        assert!(config_file(&p, &inline).unwrap().contains("readable by its group"));
        assert!(secret_file(&p, "sasl.password_file").unwrap().contains("by its group (mode 0640)"));
        set(0o400);
        assert_eq!(secret_file(&p, "sasl.password_file"), None);
    }
}
