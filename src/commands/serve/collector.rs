//! The collection loop: every `--interval`, one collection (metrics) and one health round,
//! concurrently, into the shared state. A failed collection is counted, logged once per change
//! of cause, and tried again at the next interval: the server outlives the broker.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::state::Shared;
use crate::app::App;
use crate::health::endpoint::Cached;
use crate::kafka::admin::Admin;
use crate::kafka::collect::collect;
use crate::kafka::health::{Options, round};
use crate::lag::report::Selection;
use crate::lag::watch::{Windows, judge};
use crate::metrics::model::Collection;
use crate::metrics::rates::produce_rates;
use crate::term::redact::redact_text;
use crate::topics::manifest::Manifest;

/// What the loop needs besides the application context.
pub(super) struct Collector<'a> {
    pub(super) app: &'a App,
    pub(super) admin: Arc<Admin>,
    pub(super) manifest: Option<&'a Manifest>,
    pub(super) interval: Duration,
    pub(super) window: usize,
    pub(super) retention_warn: f64,
    pub(super) shared: Shared,
}

impl Collector<'_> {
    /// Collect every interval, forever (the caller drops this future to stop it).
    pub(super) async fn run(self) {
        let start = Instant::now();
        let mut windows = Windows::new();
        // What was last logged, so a broker that stays down is one line, not one per interval.
        let mut failing: Option<String> = None;
        let mut warned: Option<String> = None;
        let mut ticks = tokio::time::interval(self.interval);
        // A collection slower than the interval delays the next one rather than bunching them.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let sel = Selection { retention_warn: self.retention_warn, ..Selection::default() };
        let opts = Options {
            strict: false,
            roundtrip: false,
            health_topic: String::new(),
            brokers_only: false,
            retention_warn: self.retention_warn,
            expect_brokers: None,
        };
        let settings = &self.app.settings;
        // The broker calls of a collection are each bounded by --timeout, but several run one
        // after the other: the whole is bounded too, so a collection always ends.
        let bound = settings.timeout * 3 + Duration::from_secs(1);
        loop {
            ticks.tick().await;
            let t0 = Instant::now();
            let at_ms = i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX);
            let (collected, health) = tokio::join!(
                tokio::time::timeout(bound, collect(settings, &self.admin, self.manifest, &sel)),
                round(settings, &self.admin, self.manifest, &opts, settings.timeout)
            );
            let collected = match collected {
                Ok(r) => r,
                Err(_) => Err(anyhow::anyhow!("no complete collection within {}", humantime::format_duration(bound))),
            };
            let took = t0.elapsed().as_secs_f64();
            let now_ms = chrono::Utc::now().timestamp_millis();
            let healthy = health.report.passes(false);
            let cached = Cached { report: health.report, seen: health.seen, at_ms: now_ms };
            let mut st = match self.shared.write() {
                Ok(st) => st,
                Err(poisoned) => poisoned.into_inner(),
            };
            st.stats.collections += 1;
            st.stats.last_duration_s = took;
            st.stats.healthy = Some(healthy);
            st.health = Some(cached);
            match collected {
                Ok(c) => {
                    let groups = c.snapshot.groups;
                    let verdicts = judge(&mut windows, &groups, at_ms, self.window);
                    // Groups and partitions that are gone leave their windows behind: forget them.
                    let live: HashSet<(&str, &str, i32)> = groups
                        .iter()
                        .flat_map(|g| {
                            g.partitions.iter().map(move |p| (g.name.as_str(), p.topic.as_str(), p.partition))
                        })
                        .collect();
                    windows.retain(|(g, t, p), _| live.contains(&(g.as_str(), t.as_str(), *p)));
                    let rates = match &st.last {
                        Some(prev) => produce_rates(&prev.cluster, prev.mono_ms, &c.cluster, at_ms),
                        None => Default::default(),
                    };
                    let mut notes = c.snapshot.warnings;
                    notes.extend(c.warnings);
                    st.last =
                        Some(Collection { mono_ms: at_ms, cluster: c.cluster, groups, verdicts, produce_rates: rates });
                    st.stats.up = true;
                    st.stats.last_success_s = Some(now_ms as f64 / 1000.0);
                    drop(st);
                    if failing.take().is_some() {
                        self.app.ui.info("evbus: serve: the brokers answer again");
                    }
                    let now = if notes.is_empty() { None } else { Some(notes.join("; ")) };
                    if now != warned
                        && let Some(n) = &now
                    {
                        self.app.ui.warn(redact_text(n));
                    }
                    warned = now;
                }
                Err(e) => {
                    st.stats.up = false;
                    st.stats.errors += 1;
                    drop(st);
                    let why = format!("collection failed: {e:#}");
                    if failing.as_ref() != Some(&why) {
                        self.app.ui.warn(redact_text(&why));
                    }
                    failing = Some(why);
                }
            }
        }
    }
}
