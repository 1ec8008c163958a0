//! How errors reach the terminal: every message `evbus::finish` prints goes through here, so
//! secrets are masked and untrusted text (topic names from manifests, dead letters and brokers)
//! cannot move the cursor or flip the text direction.

/// The text printed for an error: secrets masked, and every control or bidi character escaped.
/// Line breaks are kept (a manifest error lists one problem per line).
pub fn error_text(err: &anyhow::Error) -> String {
    message_text(&format!("{err:#}"))
}

/// [`error_text`] for a sentence that is not an error value (an outcome's explanation).
pub fn message_text(message: &str) -> String {
    super::sanitize::for_terminal_multiline(&super::redact::redact_text(message)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_escapes_and_redacts() {
        let e = anyhow::anyhow!("topic 'a\x1b[2J\0b\u{202e}' is missing\n  and sasl.password=pw1 too");
        assert_eq!(error_text(&e), "topic 'a\\x1b[2J\\x00b\\u{202e}' is missing\n  and sasl.password=[redacted] too");
        assert_eq!(message_text("lag over: a\x1b[2J"), "lag over: a\\x1b[2J");
    }
}
