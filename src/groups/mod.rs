//! Consumer-group operation rules: where an offset reset moves each partition. Pure.

pub mod reset;
