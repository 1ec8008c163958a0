//! Secret redaction for everything evbus prints: configuration, logs and error messages.
//!
//! librdkafka echoes property values in some errors, and users paste `-X sasl.password=...` into
//! commands, so redaction works both on key/value pairs and on free text.

use std::sync::{Mutex, OnceLock};

pub const MASK: &str = "[redacted]";

/// True for property names whose values must never be printed.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["password", "secret", "token", "credential", "private.key", "key.password", "jaas"]
        .iter()
        .any(|s| k.contains(s))
        || k == "ssl.key.pem"
        || k == "ssl.keystore.key"
}

/// The value to show for a property.
pub fn value_for_display<'a>(key: &str, value: &'a str) -> &'a str {
    if is_secret_key(key) { MASK } else { value }
}

fn registry() -> &'static Mutex<Vec<String>> {
    static SECRETS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Remember a secret value so that it is masked wherever it shows up in text later on.
pub fn register_secret(value: &str) {
    // Very short values would mask innocent text all over the output.
    if value.len() < 3 {
        return;
    }
    if let Ok(mut v) = registry().lock()
        && !v.iter().any(|s| s == value)
    {
        v.push(value.to_string());
    }
}

/// Mask known secret values and `key=value` pairs with secret-looking keys in free text.
pub fn redact_text(text: &str) -> String {
    let mut out = text.to_string();
    if let Ok(v) = registry().lock() {
        for s in v.iter() {
            out = out.replace(s.as_str(), MASK);
        }
    }
    static PAIRS: OnceLock<regex::Regex> = OnceLock::new();
    let re = PAIRS.get_or_init(|| {
        regex::Regex::new(r#"(?i)\b([a-z0-9_.\-]*(?:password|secret|token|credential)[a-z0-9_.\-]*)\s*([=:])\s*("[^"]*"|[^\s,;}"]+)"#)
            .expect("valid regex")
    });
    re.replace_all(&out, |c: &regex::Captures| format!("{}{}{}", &c[1], &c[2], MASK)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_pairs_and_registered_values() {
        register_secret("hunter2-very-secret");
        let t = redact_text("sasl.password=abc failed; saw hunter2-very-secret in reply");
        assert!(!t.contains("=abc"));
        assert!(t.contains("sasl.password=[redacted]"));
        assert!(!t.contains("hunter2-very-secret"));
    }

    #[test]
    fn secret_keys() {
        assert!(is_secret_key("sasl.password"));
        assert!(is_secret_key("ssl.key.password"));
        assert!(is_secret_key("sasl.oauthbearer.client.secret"));
        assert!(!is_secret_key("bootstrap.servers"));
        assert_eq!(value_for_display("sasl.password", "x"), MASK);
    }
}
