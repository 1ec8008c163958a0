//! The terminal layer: output policy and the `Ui` (tables, progress, prompts), escaping of
//! untrusted text, and redaction of secrets. Nothing here talks to a broker.

pub mod json;
pub mod redact;
pub mod sanitize;
pub mod ui;
