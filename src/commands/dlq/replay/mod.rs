//! `evbus dlq replay`: republish dead letters to their original topics, exactly where the last
//! run left off.
//!
//! [`run`] is the run from start to end, with why it keeps "nothing lost, no duplicates it can
//! prevent". [`setup`] checks the command line and works out the read ranges, [`send`] is the
//! loop (reading, sending, delivery accounting, saving the position), [`report`] prints the
//! summary, [`finish`] turns how it ended into an exit. The pure rules live in [`crate::dlq`]:
//! selection and the progress line in [`crate::dlq::select`], the counts and the JSON report in
//! [`crate::dlq::report`].

mod alone;
mod finish;
mod report;
mod run;
mod send;
mod setup;

pub(super) use alone::Outgoing;
pub(super) use run::run;
use run::{
    COMMIT_EVERY, COMMIT_EVERY_RECORDS, Dest, Done, Judged, Next, PLAN_PREVIEW, PURGE_GRACE, REPLAY_SOURCE,
    REPLAY_TIME, Replay, SKIPPED_SHOWN, WINDOW, recv_paced,
};
