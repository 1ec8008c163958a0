//! How `evbus tail` prints a record: JSON lines, kcat-style templates, and a pretty view.
//!
//! Everything here works on a borrowed [`RecordView`](crate::record::view::RecordView), so the consumer can render straight out
//! of the client's message buffers without copying, and so the logic can be tested without a
//! broker.
//!
//! * [`to_json_line`] ([`json`]) is the machine format. It is on the hot path (> 1M records/s into a
//!   pipe), so it writes straight into a byte buffer and embeds JSON values verbatim after a
//!   cheap validation instead of building and re-serializing a tree.
//! * [`Template`] ([`template`](mod@template)) implements kcat's `-f` format tokens.
//! * [`pretty()`] ([`mod@pretty`]) is the human format; every untrusted string goes through
//!   [`crate::term::sanitize`] before it reaches the terminal.

mod json;
mod pretty;
mod template;
#[cfg(test)]
mod tests;

pub use json::{escape_json_for_terminal, push_json_str, to_json_line, to_json_line_with};
pub use pretty::{PrettyOpts, human_size, pretty};
pub use template::{Template, template};
