//! Consumer lag: a snapshot as data (`report`), its JSON shape (`json`) and text (`text`,
//! with the single cells in `cells`),
//! Burrow-style verdicts per partition and group over `--watch` windows (`verdict`, `watch`), and
//! lag measured in time (retention risk, catch-up estimates: `timelag`; which record dates which
//! committed offset: `first_records`). Pure: no broker, no terminal; the broker reading that fills
//! a snapshot is [`crate::kafka::lag`].

pub mod cells;
pub mod first_records;
pub mod json;
pub mod report;
pub mod text;
pub mod timelag;
pub mod verdict;
pub mod watch;
