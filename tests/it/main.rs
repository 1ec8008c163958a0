//! The integration suite: one test binary (so the 2-core machine links once) that runs the real
//! `evbus` binary against a real Apache Kafka broker (see `common`), one module per command.
#![allow(dead_code)]

mod broker;
mod common;

mod completions;
mod config;
mod dev;
mod dlq;
mod faults;
mod fuzz;
mod groups;
mod health;
mod hostile;
mod lag;
mod produce;
mod readme;
mod security;
mod tail;
mod terminal;
mod topics;
mod transactions;
