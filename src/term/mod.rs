//! The terminal layer: output policy and the `Ui` (tables, progress, prompts), escaping of
//! untrusted text, redaction of secrets, how errors, instants and Ctrl-C reach the user. Nothing
//! here talks to a broker.

mod error;
pub mod interrupt;
pub mod json;
pub mod redact;
pub mod sanitize;
pub mod time;
pub mod ui;

pub use error::{error_text, message_text};
