//! The integration suite: one test binary (so the 2-core machine links once) that runs the real
//! `evbus` binary against a real Apache Kafka broker (see `common`), one module per command.
#![allow(dead_code)]

// As in the binary: the jq programs `fuzz` runs in this process stop at the memory bound.
#[global_allocator]
static GLOBAL: evbus::record::filter::memory::Counting<std::alloc::System> =
    evbus::record::filter::memory::Counting(std::alloc::System);

mod architecture;
mod broker;
mod common;

mod cluster;
mod cluster_faults;
mod cluster_health;
mod completions;
mod config;
mod coordinator;
mod dev;
mod dlq;
mod export;
mod faults;
mod fuzz;
mod groups;
mod health;
mod hostile;
mod lag;
mod oracle;
mod oracle_configs;
mod platform;
mod produce;
mod readme;
mod reassign;
mod records;
mod secure_wire;
mod security;
mod seed004;
mod serve;
mod share;
mod streams;
mod tail;
mod terminal;
mod topics;
mod transactions;
mod wire;
