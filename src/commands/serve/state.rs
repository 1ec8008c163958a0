//! What the collector last found, shared with the HTTP handlers: the latest collection and
//! health round, evbus's own counters, and whether it is ready.

use std::sync::{Arc, RwLock};

use crate::health::endpoint::Cached;
use crate::metrics::model::{Collection, SelfStats};

/// The collector writes it once per interval; every request reads it.
#[derive(Default)]
pub(super) struct State {
    /// evbus's own series (`evbus_up`, the collection counters).
    pub(super) stats: SelfStats,
    /// The last successful collection.
    pub(super) last: Option<Collection>,
    /// The last health round.
    pub(super) health: Option<Cached>,
}

impl State {
    /// Ready once a collection has succeeded (it stays ready while the broker is away: it is
    /// serving, and says the broker is down).
    pub(super) fn ready(&self) -> bool {
        self.stats.last_success_s.is_some()
    }
}

/// The state behind a lock the collector and the handlers share.
pub(super) type Shared = Arc<RwLock<State>>;
