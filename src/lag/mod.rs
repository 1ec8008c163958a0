//! Consumer lag rules: Burrow-style verdicts per partition and group, and lag measured in time
//! (retention risk, catch-up estimates). Pure: no broker, no terminal.

pub mod timelag;
pub mod verdict;
