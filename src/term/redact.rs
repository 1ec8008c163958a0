//! Secret redaction for everything evbus prints: configuration, logs and error messages.
//!
//! librdkafka echoes property values in some errors, and users paste `-X sasl.password=...` into
//! commands, so redaction works on three levels: property names that are secret by nature
//! ([`is_secret_key`]), secret values remembered when the configuration is read
//! ([`register_secret`]: a password is masked wherever it shows up later, whatever the key), and
//! secret-looking text (`password=...`, `user:pass@` in URLs) in free text ([`redact_text`]).

use std::sync::{Mutex, OnceLock};

/// What replaces a secret value in anything evbus prints.
pub const MASK: &str = "[redacted]";

/// Words that make a property secret wherever they appear in its name, and their common
/// misspellings (a misspelled property is still rejected by librdkafka, whose error quotes it).
const STRONG: [&str; 8] = ["password", "passwd", "passphrase", "secret", "credential", "jaas", "pwd", "userinfo"];

/// Words that make a property secret unless a descriptor follows them: `ssl.key.pem` and
/// `api.key` hold secrets, `ssl.key.location` and `key.serializer` only name or describe one.
const WEAK: [&str; 2] = ["key", "token"];

/// Segments after a weak word that describe where or how a secret is kept, not the secret.
const DESCRIPTORS: [&str; 10] =
    ["location", "file", "path", "url", "endpoint", "serializer", "deserializer", "type", "id", "algorithm"];

/// True for property names whose values must never be printed.
///
/// Case-insensitive, on the name's segments (split at `.`, `_` and `-`), so that
/// `sasl.password`, `SASL_PASSWORD`, `sasl.passwd`, `sasl.pasword`, `basic.auth.user.info`,
/// `sasl.jaas.config`, `ssl.key.pem`, `ssl.keystore.key`, `api.key` and
/// `sasl.oauthbearer.client.secret` are secret, while `ssl.key.location`,
/// `sasl.kerberos.keytab`, `key.serializer`, `sasl.oauthbearer.token.endpoint.url` and
/// `security.protocol` are not. Over-masking a value costs a little clarity; under-masking
/// leaks a password into a terminal, a CI log or a bug report, so close calls are secret.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    // `basic.auth.user.info` (Schema Registry) spreads its marker over several segments.
    if k.contains("pass") || k.contains("auth.user.info") || k.contains("oauthbearer.config") {
        return true;
    }
    let segs: Vec<&str> = k.split(['.', '_', '-']).filter(|s| !s.is_empty()).collect();
    segs.iter().enumerate().any(|(i, seg)| {
        if STRONG.iter().any(|w| seg.contains(w) || near(seg, w)) {
            return true;
        }
        // `apikey`, `privatekey`, `accesstoken`: the weak word ends the segment.
        let weak = WEAK.iter().any(|w| seg.ends_with(w) || (w.len() >= 5 && near(seg, w)));
        weak && !segs.get(i + 1).is_some_and(|next| DESCRIPTORS.contains(next))
    })
}

/// One typo away (a letter dropped, added, changed or two swapped) from a word of five letters
/// or more; shorter words would match too much (`secure` is two edits from `secret`).
fn near(seg: &str, word: &str) -> bool {
    word.len() >= 5 && seg.len() + 1 >= word.len() && strsim::osa_distance(seg, word) <= 1
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
            r#"(?i)\b([a-z0-9_.\-]*(?:pass|pwd|secret|token|credential|jaas|user\.info|api[._\-]?key|private[._\-]?key)[a-z0-9_.\-]*"?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;}"']+)"#,
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

/// Splits a bootstrap address into its optional `scheme://`, user info and `host:port`.
fn split_userinfo(entry: &str) -> (&str, Option<&str>, &str) {
    let (scheme, rest) = match entry.find("://") {
        Some(i) => entry.split_at(i + 3),
        None => ("", entry),
    };
    match rest.rfind('@') {
        Some(i) => (scheme, Some(&rest[..i]), &rest[i + 1..]),
        None => (scheme, None, rest),
    }
}

/// Positions (1-based) of the entries of a bootstrap list that carry user info, as in
/// `user:password@host:9092`. Kafka bootstrap addresses have none, so such an entry is a
/// credential pasted into the wrong place, and evbus refuses it rather than hand it to
/// librdkafka (which would echo it in every connection error).
pub fn brokers_with_userinfo(list: &str) -> Vec<usize> {
    list.split(',').enumerate().filter(|(_, e)| split_userinfo(e.trim()).1.is_some()).map(|(i, _)| i + 1).collect()
}

/// Remembers the user info of every entry of a bootstrap list as a secret (see
/// [`register_secret`]), so that it is masked even where the list is quoted whole.
pub fn register_broker_userinfo(list: &str) {
    for e in list.split(',') {
        if let (_, Some(u), _) = split_userinfo(e.trim()) {
            register_secret(u);
            if let Some((_, pw)) = u.split_once(':') {
                register_secret(pw);
            }
        }
    }
}

/// The bootstrap list with the user info of every entry masked, for display.
pub fn redact_brokers(list: &str) -> String {
    list.split(',')
        .map(|e| match split_userinfo(e) {
            (scheme, Some(_), host) => format!("{scheme}{MASK}@{host}"),
            _ => e.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
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
    }

    #[test]
    fn misspelled_and_spread_out_secret_names() {
        for k in [
            "sasl.passwd",
            "sasl.pasword",
            "sasl.passowrd",
            "SASL_PASSWORD",
            "sasl.secert",
            "basic.auth.user.info",
            "schema.registry.basic.auth.user.info",
            "sasl.oauthbearer.client.credentials",
            "ssl.keystore.key",
            "ssl_key",
            "api.key",
            "confluent.apikey",
            "sasl.oauthbearer.assertion.private.key.pem",
            "sasl.oauthbearer.assertion.private.key.passphrase",
            "access.token",
            "sasl.tokne",
        ] {
            assert!(is_secret_key(k), "{k} should be secret");
        }
        for k in [
            "key.serializer",
            "value.deserializer",
            "ssl.key.location",
            "ssl.keystore.location",
            "sasl.kerberos.keytab",
            "sasl.oauthbearer.token.endpoint.url",
            "sasl.oauthbearer.assertion.private.key.file",
            "security.protocol",
            "socket.keepalive.enable",
            "client.id",
            "group.id",
            "sasl.mechanism",
            "ssl.certificate.pem",
            "partitioner",
        ] {
            assert!(!is_secret_key(k), "{k} should not be secret");
        }
    }

    #[test]
    fn broker_userinfo_is_found_and_masked() {
        assert_eq!(brokers_with_userinfo("a:9092,b:9092"), Vec::<usize>::new());
        assert_eq!(brokers_with_userinfo("a:9092, bob:pw@b:9092,SASL_SSL://u:p@c:9093"), vec![2, 3]);
        assert_eq!(redact_brokers("a:9092,bob:hunter2@b:9092"), "a:9092,[redacted]@b:9092");
        assert_eq!(redact_brokers("SSL://u:p@c:9093"), "SSL://[redacted]@c:9093");
        assert_eq!(redact_brokers("127.0.0.1:9092"), "127.0.0.1:9092");
    }

    #[test]
    fn free_text_with_other_secret_words() {
        assert_eq!(redact_text("sasl.passwd=hunter2 x"), "sasl.passwd=[redacted] x");
        assert_eq!(redact_text("api.key: abc"), "api.key: [redacted]");
        assert_eq!(redact_text("basic.auth.user.info=bob:pw"), "basic.auth.user.info=[redacted]");
        assert_eq!(value_for_display("client.id", "evbus"), "evbus");
    }
}
