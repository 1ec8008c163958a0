//! The terminal layer: output policy and the `Ui` (tables, progress, prompts), escaping of
//! untrusted text, and redaction of secrets. Nothing here talks to a broker.

pub mod json;
pub mod redact;
pub mod sanitize;
pub mod ui;

/// The text `main` prints for an error: secrets masked, and every control or bidi character
/// escaped, as error messages quote topic names from manifests, dead letters and brokers.
/// Line breaks are kept (a manifest error lists one problem per line).
pub fn error_text(err: &anyhow::Error) -> String {
    sanitize::for_terminal_multiline(&redact::redact_text(&format!("{err:#}"))).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_escapes_and_redacts() {
        let e = anyhow::anyhow!("topic 'a\x1b[2J\0b\u{202e}' is missing\n  and sasl.password=pw1 too");
        assert_eq!(error_text(&e), "topic 'a\\x1b[2J\\x00b\\u{202e}' is missing\n  and sasl.password=[redacted] too");
    }
}
