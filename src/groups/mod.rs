//! Group operation rules, pure: where an offset reset moves each partition ([`reset`]), and what a
//! streams group's tasks and topology mean ([`streams`]).

pub mod reset;
pub mod streams;
