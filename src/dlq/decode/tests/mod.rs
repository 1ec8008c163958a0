//! Tests of dead-letter decoding: helpers shared by the per-convention files ([`common`]), one
//! file per convention, and what holds across conventions ([`across`]: precedence, unknown
//! records, presentation, robustness).

use super::header::*;
use super::*;

mod across;
mod common;
mod connect;
mod smallrye;
mod spring;
mod streams;
mod wrapper;

use common::*;
use connect::connect_full;
use spring::spring_full;
use streams::streams_full;
use wrapper::decode_v;
