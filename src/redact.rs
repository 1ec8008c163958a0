//! Secret redaction for everything evbus prints: configuration, logs and error messages.
//!
//! librdkafka echoes property values in some errors, and users paste `-X sasl.password=...` into
//! commands, so redaction works on three levels: property names that are secret by nature
//! ([`is_secret_key`]), secret values remembered when the configuration is read
//! ([`register_secret`]: a password is masked wherever it shows up later, whatever the key), and
//! secret-looking text (`password=...`, `user:pass@` in URLs) in free text ([`redact_text`]).

use std::sync::{Mutex, OnceLock};

pub const MASK: &str = "[redacted]";

/// True for property names whose values must never be printed.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password",
        "secret",
        "token",
        "credential",
        "private.key",
        "key.password",
        "jaas",
        "oauthbearer.config",
        "api.key",
    ]
    .iter()
    .any(|s| k.contains(s))
        || k == "ssl.key.pem"
        || k == "ssl.keystore.key"
        || k == "ssl_key"
}

/// The value to show for a property.
pub fn value_for_display<'a>(key: &str, value: &'a str) -> std::borrow::Cow<'a, str> {
    if is_secret_key(key) { MASK.into() } else { redact_text(value).into() }
}

fn registry() -> &'static Mutex<Vec<String>> {
    static SECRETS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Remember a secret value so that it is masked wherever it shows up in text later on.
pub fn register_secret(value: &str) {
    // Very short values would mask innocent text all over the output; such a password is not
    // worth protecting anyway.
    if value.len() < 3 {
        return;
    }
    if let Ok(mut v) = registry().lock()
        && !v.iter().any(|s| s == value)
    {
        v.push(value.to_string());
        // Longest first, so a secret that contains another one is masked whole.
        v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Mask known secret values, `key=value` pairs with secret-looking keys, and URL passwords in free
/// text.
pub fn redact_text(text: &str) -> String {
    let mut out = text.to_string();
    if let Ok(v) = registry().lock() {
        for s in v.iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), MASK);
            }
        }
    }
    static PAIRS: OnceLock<Option<regex::Regex>> = OnceLock::new();
    static URLS: OnceLock<Option<regex::Regex>> = OnceLock::new();
    // `password=x`, `sasl.password: x`, `"password": "x"`; the value may be quoted.
    let pairs = PAIRS.get_or_init(|| {
        regex::Regex::new(
            r#"(?i)\b([a-z0-9_.\-]*(?:password|passwd|secret|token|credential)[a-z0-9_.\-]*"?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;}"']+)"#,
        )
        .ok()
    });
    // scheme://user:password@host
    let urls = URLS.get_or_init(|| regex::Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://[^/\s:@]+):([^@\s/]+)@").ok());
    if let Some(re) = pairs {
        out = re
            .replace_all(
                &out,
                |c: &regex::Captures| {
                    if &c[2] == MASK { c[0].to_string() } else { format!("{}{}", &c[1], MASK) }
                },
            )
            .into_owned();
    }
    if let Some(re) = urls {
        out = re.replace_all(&out, |c: &regex::Captures| format!("{}:{}@", &c[1], MASK)).into_owned();
    }
    out
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
    fn registered_value_is_masked_under_any_key_and_inside_words() {
        register_secret("Zq9-unique-pw");
        let t = redact_text("client.id=xZq9-unique-pwx user alice");
        assert_eq!(t, "client.id=x[redacted]x user alice");
    }

    #[test]
    fn longer_secret_masked_whole() {
        register_secret("abcd-1234");
        register_secret("abcd-1234-longer-secret");
        assert_eq!(redact_text("v abcd-1234-longer-secret"), "v [redacted]");
    }

    #[test]
    fn short_values_are_not_registered() {
        register_secret("ab");
        assert_eq!(redact_text("about tab"), "about tab");
    }

    #[test]
    fn masks_yaml_json_and_quoted_forms() {
        assert_eq!(redact_text("password: s3cr3t"), "password: [redacted]");
        assert_eq!(
            redact_text(r#"{"sasl.password": "x y z", "user": "bob"}"#),
            r#"{"sasl.password": [redacted], "user": "bob"}"#
        );
        assert_eq!(redact_text("ssl.key.password='a b'"), "ssl.key.password=[redacted]");
        assert_eq!(redact_text("client_secret=abc&x=1"), "client_secret=[redacted]");
    }

    #[test]
    fn masks_url_passwords() {
        assert_eq!(
            redact_text("fetching https://bob:pa55@registry.example.com/subjects"),
            "fetching https://bob:[redacted]@registry.example.com/subjects"
        );
        // Host:port without credentials stays as it is.
        assert_eq!(redact_text("tcp://127.0.0.1:9092/x"), "tcp://127.0.0.1:9092/x");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let s = "metadata request timed out after 5s (brokers tried: 127.0.0.1:9092); SASL authentication error";
        assert_eq!(redact_text(s), s);
    }

    #[test]
    fn secret_keys() {
        assert!(is_secret_key("sasl.password"));
        assert!(is_secret_key("ssl.key.password"));
        assert!(is_secret_key("SSL.KEYSTORE.PASSWORD"));
        assert!(is_secret_key("sasl.oauthbearer.client.secret"));
        assert!(is_secret_key("sasl.oauthbearer.config"));
        assert!(is_secret_key("sasl.jaas.config"));
        assert!(is_secret_key("ssl.key.pem"));
        assert!(!is_secret_key("bootstrap.servers"));
        assert!(!is_secret_key("sasl.username"));
        assert!(!is_secret_key("ssl.key.location"));
        assert_eq!(value_for_display("sasl.password", "x"), MASK);
        assert_eq!(value_for_display("client.id", "evbus"), "evbus");
    }
}
