//! How tail prints records, decided by its options and used by its engine: a leaf of its own so
//! the engine does not import the options file (which imports the start position, which imports
//! the engine's partition state).

use crate::record::render::{PrettyOpts, Template};

/// How records are printed.
pub(super) enum Format {
    /// JSON lines; on a terminal, control and bidi characters inside strings are `\uXXXX`.
    Json {
        terminal: bool,
    },
    Pretty(PrettyOpts),
    Raw {
        terminal: bool,
    },
    Template {
        template: Template,
        terminal: bool,
    },
}
