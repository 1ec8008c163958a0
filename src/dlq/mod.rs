//! Dead-letter rules: recognising where a dead letter came from and why it failed, and deciding
//! which dead letters a replay selects and where they go. Pure: no broker, no terminal.

pub mod decode;
pub mod select;
