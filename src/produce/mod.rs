//! Input for `evbus produce`: JSON Lines read once and validated without copying.

pub mod input;
