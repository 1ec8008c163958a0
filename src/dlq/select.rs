//! Pure parts of `evbus dlq replay`: deciding what happens to each dead letter, which topics it may
//! be written to ([`Targets`]), and tracking how far the replay may safely commit. (Its
//! `--since/--until/--rate` are parsed with the rest of the command line, in `cli::parse`.)
//!
//! Kept free of broker calls so the rules that decide whether data is lost or duplicated are unit
//! tested on their own.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use regex::Regex;

use crate::dlq::decode::Decoded;
use crate::record::filter::{EvalError, JqFilter};
use crate::record::view::RecordView;

/// The user's selection (`--topic`, `--error`, `--since/--until`, `--filter`).
///
/// Offsets (`--from-offset/--to-offset`) are not here: they become the read range, so the reader
/// never fetches records outside it and the saved position never jumps over them.
#[derive(Default)]
pub struct Selection {
    /// `--topic`: original topics to replay; empty means any.
    pub topics: Vec<String>,
    /// `--error`: must match the error class or the error message.
    pub error: Option<Regex>,
    /// `--since`, epoch ms: the dead letter's own timestamp (when it was dead-lettered) must be at or after it.
    pub since_ms: Option<i64>,
    /// `--until`, epoch ms, exclusive: the dead letter's own timestamp must be before it.
    pub until_ms: Option<i64>,
    /// Shared with the thread that evaluates it (see `replay`).
    pub filter: Option<Arc<JqFilter>>,
}

/// What happens to one dead letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Outside the selection: counts as done, the saved position moves past it.
    NotSelected,
    /// Selected, and the record says where it came from.
    Replay,
    /// Selected, but the record does not say where it came from (only `--to` can place it).
    NoOrigin(String),
    /// Unknown origin while `--topic`/`--error` are given: nobody can tell whether the record
    /// belongs to the selection, so it is neither replayed nor passed over.
    Undecidable(String),
}

/// The result of evaluating `--filter`; errors are reported by the caller once, not per record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterOutcome {
    /// The filter kept the record, or there is no `--filter`.
    Match,
    /// The filter rejected the record, or yielded nothing (e.g. the value is not JSON).
    NoMatch,
    /// The filter failed on this record; the record counts as not selected.
    Error(String),
    /// Ctrl-C stopped the evaluation: the record was not judged, so it is not done either.
    Interrupted,
}

/// `--filter` (when given) on one record; a record that is not JSON does not match.
pub fn filter_outcome(filter: Option<&JqFilter>, view: &RecordView) -> FilterOutcome {
    let Some(f) = filter else {
        return FilterOutcome::Match;
    };
    match f.matches_record(view, None) {
        Ok(Some(true)) => FilterOutcome::Match,
        Ok(Some(false)) | Ok(None) => FilterOutcome::NoMatch,
        Err(EvalError::Interrupted) => FilterOutcome::Interrupted,
        Err(e) => FilterOutcome::Error(e.to_string()),
    }
}

impl Selection {
    /// Whether the selection says anything about the records' origin or error, which an
    /// unknown-origin record cannot answer.
    fn has_origin_conditions(&self) -> bool {
        !self.topics.is_empty() || self.error.is_some()
    }

    /// Decides a record's fate. `filter` is the outcome of [`filter_outcome`] (run by the
    /// caller so that it can report filter errors).
    ///
    /// Unknown-origin records are judged by the conditions that can be evaluated on them (time,
    /// jq) only: `--topic` and `--error` cannot say whether such a record belongs to the
    /// selection, and treating it as "not selected" would let the saved position jump over it
    /// without anyone being told.
    pub fn verdict(&self, d: &Decoded, dlq_timestamp_ms: Option<i64>, filter: &FilterOutcome) -> Verdict {
        if let Some(since) = self.since_ms
            && dlq_timestamp_ms.is_none_or(|t| t < since)
        {
            return Verdict::NotSelected;
        }
        if let Some(until) = self.until_ms
            && dlq_timestamp_ms.is_none_or(|t| t >= until)
        {
            return Verdict::NotSelected;
        }
        if !matches!(filter, FilterOutcome::Match) {
            return Verdict::NotSelected;
        }
        let Some(topic) = &d.original_topic else {
            let reason = d.unknown_reason.clone().unwrap_or_else(|| "origin unknown".to_owned());
            return if self.has_origin_conditions() {
                Verdict::Undecidable(format!(
                    "unknown origin ({reason}), so --topic/--error cannot tell whether it is selected"
                ))
            } else {
                Verdict::NoOrigin(format!("unknown origin: {reason}"))
            };
        };
        if !self.topics.is_empty() && !self.topics.iter().any(|t| t == topic) {
            return Verdict::NotSelected;
        }
        if let Some(re) = &self.error {
            let class = d.error_class.as_deref().is_some_and(|c| re.is_match(c));
            let message = d.error_message.as_deref().is_some_and(|m| re.is_match(m));
            if !(class || message) {
                return Verdict::NotSelected;
            }
        }
        Verdict::Replay
    }
}

/// Per DLQ partition: how far everything is done (acknowledged by the broker, not selected, or
/// skipped), which is the offset that may be committed.
///
/// The committable offset is the smallest of: the next offset to be read, the smallest offset
/// still waiting for its acknowledgement (or whose delivery failed), and the offset the replay
/// stopped at. Deliveries complete out of order across destination partitions, so an offset
/// only counts once every offset before it is done too.
#[derive(Debug, Default)]
pub struct Tracker {
    parts: BTreeMap<i32, PartProgress>,
}

#[derive(Debug, Default)]
struct PartProgress {
    next_read: i64,
    pending: BTreeSet<i64>,
    failed: BTreeSet<i64>,
    blocked: Option<i64>,
    /// Acknowledged (by this run or, as its note says, an earlier one) and possibly past the
    /// committable offset: what the note beside the saved position lists.
    acked: BTreeSet<i64>,
    /// Passed over without a replay (not selected, skipped), by this run or, as the note says,
    /// earlier ones, and not replayed since: still waiting (see [`crate::dlq::ahead`]).
    passed: crate::dlq::ranges::Ranges,
    /// Acknowledged by this run (the offsets a `--pending` run takes off the passed-over list).
    acked_now: BTreeSet<i64>,
}

impl Tracker {
    /// `starts`: partition → the offset this run starts reading at.
    pub fn new(starts: impl IntoIterator<Item = (i32, i64)>) -> Tracker {
        Tracker {
            parts: starts
                .into_iter()
                .map(|(p, o)| (p, PartProgress { next_read: o, ..PartProgress::default() }))
                .collect(),
        }
    }

    fn part(&mut self, p: i32, offset: i64) -> &mut PartProgress {
        self.parts.entry(p).or_insert_with(|| PartProgress { next_read: offset, ..PartProgress::default() })
    }

    /// A record was read and needs no delivery (not selected, skipped).
    pub fn done(&mut self, p: i32, offset: i64) {
        let pp = self.part(p, offset);
        pp.next_read = pp.next_read.max(offset + 1);
    }

    /// A record was read and handed to the producer.
    pub fn sent(&mut self, p: i32, offset: i64) {
        let pp = self.part(p, offset);
        pp.next_read = pp.next_read.max(offset + 1);
        pp.pending.insert(offset);
    }

    /// A record was read and passed over without a replay: not selected by the filters, or
    /// skipped (`--skip-unknown`); done, and remembered as still waiting.
    pub fn passed(&mut self, p: i32, offset: i64) {
        let pp = self.part(p, offset);
        pp.next_read = pp.next_read.max(offset + 1);
        pp.passed.insert(offset);
    }

    /// Offsets earlier runs passed over (the note): still waiting until replayed. Only for a
    /// partition this run reads (one it does not keeps its note as it is).
    pub fn remember_passed(&mut self, p: i32, offsets: &crate::dlq::ranges::Ranges) {
        if let Some(pp) = self.parts.get_mut(&p) {
            pp.passed.extend(offsets);
        }
    }

    /// Whether passing over `offset` of partition `p` too leaves a list that fits beside the
    /// saved position: a run stops before a record it could not list (see
    /// [`crate::dlq::ahead`]) rather than go on past a position it cannot save.
    pub fn can_pass(&self, p: i32, offset: i64) -> bool {
        let Some(pp) = self.parts.get(&p) else { return true };
        if pp.passed.contains(offset - 1) || pp.passed.contains(offset + 1) || pp.passed.contains(offset) {
            return true;
        }
        let mut with = pp.passed.clone();
        with.insert(offset);
        crate::dlq::ahead::passed_fits(offset + 1, &with)
    }

    /// The broker acknowledged the record.
    pub fn acked(&mut self, p: i32, offset: i64) {
        if let Some(pp) = self.parts.get_mut(&p) {
            pp.pending.remove(&offset);
            pp.acked.insert(offset);
            pp.passed.remove(offset);
            pp.acked_now.insert(offset);
        }
    }

    /// Offsets of partition `p` this run replayed (acknowledged).
    pub fn acked_now(&self, p: i32) -> BTreeSet<i64> {
        self.parts.get(&p).map(|pp| pp.acked_now.clone()).unwrap_or_default()
    }

    /// A record an earlier run replayed (its note says so): done, and still listed in the note
    /// until the saved position passes it.
    pub fn replayed_before(&mut self, p: i32, offset: i64) {
        let pp = self.part(p, offset);
        pp.next_read = pp.next_read.max(offset + 1);
        pp.acked.insert(offset);
    }

    /// Offsets an earlier run acknowledged past its saved position (its note): kept in the
    /// note until the position passes them, whether or not this run reads them.
    pub fn remember(&mut self, p: i32, offsets: &BTreeSet<i64>) {
        if let Some(pp) = self.parts.get_mut(&p) {
            pp.acked.extend(offsets.iter().copied());
        }
    }

    /// A failed record is passed over after all (`--skip-refused`): done, and still waiting.
    pub fn pass_over(&mut self, p: i32, offset: i64) {
        if let Some(pp) = self.parts.get_mut(&p) {
            pp.failed.remove(&offset);
            pp.passed.insert(offset);
        }
    }

    /// The delivery failed: the offset stays not-done forever in this run.
    pub fn failed(&mut self, p: i32, offset: i64) {
        let pp = self.part(p, offset);
        pp.pending.remove(&offset);
        pp.failed.insert(offset);
    }

    /// The replay stopped at this record (it cannot be replayed); nothing from it on is done.
    pub fn block(&mut self, p: i32, offset: i64) {
        let pp = self.part(p, offset);
        pp.blocked = Some(pp.blocked.map_or(offset, |b| b.min(offset)));
    }

    /// Records sent and not yet acknowledged, across partitions (for tests of the tracker).
    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.parts.values().map(|p| p.pending.len()).sum()
    }

    /// Partition → the offset everything before which is done.
    pub fn committable(&self) -> BTreeMap<i32, i64> {
        self.parts.iter().map(|(p, pp)| (*p, pp.committable())).collect()
    }

    /// Partition → the committable offset and the note to save beside it (see
    /// [`crate::dlq::ahead`]); forgets acknowledgements the position has passed. Also returns how
    /// many acknowledged offsets did not fit into the notes (they would be sent again) and, per
    /// partition, a passed-over offset the position was held at because the note had no room left
    /// to remember it.
    #[allow(clippy::type_complexity, reason = "three plain maps, each documented above")]
    pub fn positions(&mut self) -> (BTreeMap<i32, (i64, String)>, usize, BTreeMap<i32, i64>) {
        let mut left_out = 0;
        let mut cuts = BTreeMap::new();
        let out = self
            .parts
            .iter_mut()
            .map(|(p, pp)| {
                let mut c = pp.committable();
                let mut e = crate::dlq::ahead::encode_all(c, c < pp.next_read, &pp.acked, &pp.passed);
                if let Some(cut) = e.passed_cut {
                    // Moving past `cut` would forget that it waits: hold the position there.
                    c = c.min(cut);
                    cuts.insert(*p, cut);
                    e = crate::dlq::ahead::encode_all(c, c < pp.next_read, &pp.acked, &pp.passed);
                }
                pp.acked = pp.acked.split_off(&c);
                left_out += e.acked_left_out;
                (*p, (c, e.note))
            })
            .collect();
        (out, left_out, cuts)
    }
}

impl PartProgress {
    fn committable(&self) -> i64 {
        let mut c = self.next_read;
        if let Some(first) = self.pending.first() {
            c = c.min(*first);
        }
        if let Some(first) = self.failed.first() {
            c = c.min(*first);
        }
        if let Some(b) = self.blocked {
            c = c.min(b);
        }
        c
    }
}

/// Why a topic is internal to Kafka or to a tool around it, or `None` for an ordinary topic.
///
/// A dead letter names its origin in headers or a JSON field that anyone producing to the DLQ
/// controls, so replaying "to where it came from" could write into `__consumer_offsets` or a
/// Streams changelog and corrupt the cluster's or an application's state. Besides
/// [`crate::topics::plan::is_internal`] (`__*`, `_confluent*`, `_schemas`) this covers any leading `_`
/// (the convention for tool topics), Kafka Streams' `-changelog`/`-repartition` topics, Kafka
/// Connect's default `connect-configs|offsets|status` and MirrorMaker 2's `*.internal` topics.
pub fn internal_topic(topic: &str) -> Option<&'static str> {
    if crate::topics::plan::is_internal(topic) || topic.starts_with('_') {
        Some("an internal topic")
    } else if topic.ends_with("-changelog") || topic.ends_with("-repartition") {
        Some("a Kafka Streams internal topic")
    } else if matches!(topic, "connect-configs" | "connect-offsets" | "connect-status") {
        Some("a Kafka Connect internal topic")
    } else if topic.ends_with(".internal") {
        Some("a MirrorMaker internal topic")
    } else {
        None
    }
}

/// Where replayed records may go: never into an internal topic unless `--allow-internal`
/// names it, and, with a manifest, only into topics it declares unless `--allow-undeclared`.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// `--allow-internal`: internal topics named explicitly.
    pub allow_internal: BTreeSet<String>,
    /// The manifest's path and topics, when there is one.
    pub manifest: Option<(String, BTreeSet<String>)>,
    /// `--allow-undeclared`: with a manifest, also allow topics it does not declare.
    pub allow_undeclared: bool,
}

impl Targets {
    /// `Err(reason)` when records must not be written to `topic`, naming the flag that allows it.
    pub fn check(&self, topic: &str) -> Result<(), String> {
        if let Some(what) = internal_topic(topic)
            && !self.allow_internal.contains(topic)
        {
            return Err(format!(
                "{topic} is {what}; evbus does not write there unless it is named with --allow-internal {topic}"
            ));
        }
        if !self.allow_undeclared
            && let Some((path, declared)) = &self.manifest
            && !declared.contains(topic)
        {
            return Err(format!("{topic} is not declared in {path} (--allow-undeclared replays to it anyway)"));
        }
        Ok(())
    }

    /// True when `topic` is allowed only because of --allow-undeclared, for the plan to say so.
    pub fn undeclared(&self, topic: &str) -> bool {
        self.manifest.as_ref().is_some_and(|(_, declared)| !declared.contains(topic))
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn internal_topics_are_refused_unless_named() {
        for t in [
            "__consumer_offsets",
            "__transaction_state",
            "_schemas",
            "_confluent-metrics",
            "_anything",
            "app-store-changelog",
            "app-KSTREAM-AGGREGATE-0000000003-repartition",
            "connect-offsets",
            "mm2-offset-syncs.b.internal",
            "a.checkpoints.internal",
        ] {
            assert!(internal_topic(t).is_some(), "{t}");
        }
        for t in ["orders", "orders_v2", "orders.changelog.v1", "connect-orders", "a__b"] {
            assert!(internal_topic(t).is_none(), "{t}");
        }
        let mut targets = Targets::default();
        let e = targets.check("__consumer_offsets").unwrap_err();
        assert!(e.contains("internal") && e.contains("--allow-internal __consumer_offsets"), "{e}");
        assert!(targets.check("orders").is_ok());
        targets.allow_internal.insert("__consumer_offsets".into());
        assert!(targets.check("__consumer_offsets").is_ok());
        assert!(targets.check("__transaction_state").is_err(), "only the named one");
    }

    #[test]
    fn with_a_manifest_only_declared_targets_unless_allowed() {
        let mut targets = Targets {
            manifest: Some(("topics.yaml".into(), BTreeSet::from(["orders".to_string()]))),
            ..Targets::default()
        };
        assert!(targets.check("orders").is_ok());
        let e = targets.check("payments").unwrap_err();
        assert_eq!(e, "payments is not declared in topics.yaml (--allow-undeclared replays to it anyway)");
        assert!(targets.undeclared("payments") && !targets.undeclared("orders"));
        targets.allow_undeclared = true;
        assert!(targets.check("payments").is_ok());
        // --allow-undeclared does not open internal topics.
        assert!(targets.check("__consumer_offsets").is_err());
    }

    use super::*;
    use crate::dlq::decode::{Convention, DlqRecord, decode};

    fn decoded(headers: &[(&str, &str)], value: &[u8]) -> Decoded {
        let h: Vec<(String, Option<Vec<u8>>)> =
            headers.iter().map(|(k, v)| ((*k).to_owned(), Some(v.as_bytes().to_vec()))).collect();
        let rec = DlqRecord {
            topic: "dlq",
            partition: 0,
            offset: 0,
            timestamp_ms: Some(1000),
            timestamp_type: Some(crate::record::view::TimestampType::CreateTime),
            key: None,
            value: Some(value),
            headers: &h,
        };
        decode(&rec)
    }

    fn connect(topic: &str, class: &str, message: &str) -> Decoded {
        decoded(
            &[
                ("__connect.errors.topic", topic),
                ("__connect.errors.exception.class.name", class),
                ("__connect.errors.exception.message", message),
            ],
            b"v",
        )
    }

    #[test]
    fn selection_by_topic_error_and_time() {
        let d = connect("orders", "org.apache.kafka.connect.errors.DataException", "Bad schema\nline 2");
        let all = Selection::default();
        let m = FilterOutcome::Match;
        assert_eq!(all.verdict(&d, Some(5), &m), Verdict::Replay);
        assert_eq!(all.verdict(&d, Some(5), &FilterOutcome::NoMatch), Verdict::NotSelected);
        assert_eq!(all.verdict(&d, Some(5), &FilterOutcome::Error("x".into())), Verdict::NotSelected);

        let topics = Selection { topics: vec!["payments".into(), "orders".into()], ..Default::default() };
        assert_eq!(topics.verdict(&d, None, &m), Verdict::Replay);
        let other = Selection { topics: vec!["payments".into()], ..Default::default() };
        assert_eq!(other.verdict(&d, None, &m), Verdict::NotSelected);

        let by_class = Selection { error: Some(Regex::new("DataExc").unwrap()), ..Default::default() };
        assert_eq!(by_class.verdict(&d, None, &m), Verdict::Replay);
        let by_message = Selection { error: Some(Regex::new("^line 2$").unwrap()), ..Default::default() };
        assert_eq!(by_message.verdict(&d, None, &m), Verdict::NotSelected);
        let by_message = Selection { error: Some(Regex::new("(?m)^line 2$").unwrap()), ..Default::default() };
        assert_eq!(by_message.verdict(&d, None, &m), Verdict::Replay);

        let window = Selection { since_ms: Some(10), until_ms: Some(20), ..Default::default() };
        assert_eq!(window.verdict(&d, Some(9), &m), Verdict::NotSelected);
        assert_eq!(window.verdict(&d, Some(10), &m), Verdict::Replay);
        assert_eq!(window.verdict(&d, Some(19), &m), Verdict::Replay);
        assert_eq!(window.verdict(&d, Some(20), &m), Verdict::NotSelected);
        assert_eq!(window.verdict(&d, None, &m), Verdict::NotSelected);
    }

    #[test]
    fn unknown_origin_is_never_just_not_selected() {
        let d = decoded(&[], b"plain text");
        assert_eq!(d.convention, Convention::Unknown);
        let m = FilterOutcome::Match;
        match Selection::default().verdict(&d, Some(1), &m) {
            Verdict::NoOrigin(r) => assert!(r.starts_with("unknown origin: no known DLQ headers"), "{r}"),
            v => panic!("{v:?}"),
        }
        let topics = Selection { topics: vec!["orders".into()], ..Default::default() };
        match topics.verdict(&d, Some(1), &m) {
            Verdict::Undecidable(r) => assert!(r.contains("cannot tell"), "{r}"),
            v => panic!("{v:?}"),
        }
        // Conditions that can be evaluated on the record itself still apply.
        let since = Selection { since_ms: Some(5), ..Default::default() };
        assert_eq!(since.verdict(&d, Some(1), &m), Verdict::NotSelected);
        assert_eq!(Selection::default().verdict(&d, Some(1), &FilterOutcome::NoMatch), Verdict::NotSelected);
    }

    #[test]
    fn tracker_commits_only_contiguous_done_offsets() {
        let mut t = Tracker::new([(0, 10), (1, 0)]);
        assert_eq!(t.committable(), BTreeMap::from([(0, 10), (1, 0)]));
        t.sent(0, 10);
        t.done(0, 11); // not selected
        t.sent(0, 12);
        t.sent(0, 13);
        assert_eq!(t.committable()[&0], 10);
        assert_eq!(t.in_flight(), 3);
        t.acked(0, 12); // out of order
        assert_eq!(t.committable()[&0], 10);
        t.acked(0, 10);
        assert_eq!(t.committable()[&0], 13);
        t.acked(0, 13);
        assert_eq!(t.committable()[&0], 14);
        assert_eq!(t.in_flight(), 0);
    }

    #[test]
    fn tracker_never_passes_a_failure_or_a_stop() {
        let mut t = Tracker::new([(0, 0)]);
        t.sent(0, 0);
        t.sent(0, 1);
        t.sent(0, 2);
        t.failed(0, 1);
        t.acked(0, 0);
        t.acked(0, 2);
        assert_eq!(t.committable()[&0], 1);

        let mut t = Tracker::new([(0, 0), (2, 5)]);
        t.sent(0, 0);
        t.acked(0, 0);
        t.done(0, 1);
        t.block(0, 2);
        t.done(2, 5);
        assert_eq!(t.committable(), BTreeMap::from([(0, 2), (2, 6)]));
    }

    #[test]
    fn a_refused_record_holds_the_line_and_the_note_lists_what_went_after_it() {
        let mut t = Tracker::new([(0, 0)]);
        for o in 0..6 {
            t.sent(0, o);
        }
        t.acked(0, 0);
        t.failed(0, 1);
        for o in 2..6 {
            t.acked(0, o);
        }
        let (pos, left, _) = t.positions();
        assert_eq!(pos[&0], (1, "evbus-replay/1 at=1 held acked=1+4".to_owned()));
        assert_eq!(left, 0);
        // The next run: the note's offsets count as done, the refused one still holds the line.
        let note = crate::dlq::ahead::decode(1, &pos[&0].1);
        let mut t = Tracker::new([(0, 1)]);
        t.sent(0, 1);
        for o in &note.acked {
            t.replayed_before(0, *o);
        }
        t.failed(0, 1);
        assert_eq!(t.positions().0[&0], pos[&0]);
        // Passed over (--skip-refused): the line moves past everything; the note now lists
        // only the record passed over, which still waits (health, --pending).
        t.pass_over(0, 1);
        assert_eq!(t.positions().0[&0], (6, "evbus-replay/1 at=6 passed=1+1".to_owned()));
    }

    #[test]
    fn records_passed_over_are_kept_until_replayed_and_hold_the_line_when_they_no_longer_fit() {
        // A filtered run: 0 and 2 not selected, 1 replayed.
        let mut t = Tracker::new([(0, 0)]);
        t.passed(0, 0);
        t.sent(0, 1);
        t.acked(0, 1);
        t.passed(0, 2);
        let (pos, _, cuts) = t.positions();
        assert_eq!(pos[&0], (3, "evbus-replay/1 at=3 passed=0+1,1+1".to_owned()));
        assert!(cuts.is_empty());
        // The next run carries them on, and adds its own.
        let note = crate::dlq::ahead::decode(3, &pos[&0].1);
        let mut t = Tracker::new([(0, 3)]);
        t.remember_passed(0, &note.passed);
        t.passed(0, 3);
        assert!(t.can_pass(0, 4));
        assert_eq!(t.positions().0[&0], (4, "evbus-replay/1 at=4 passed=0+1,1+2".to_owned()));
        // A partition this run does not read is left alone (its note stays as saved).
        t.remember_passed(7, &note.passed);
        assert!(!t.positions().0.contains_key(&7));

        // Every third record passed over, thousands of them: the position stops at the first
        // one the note has no room for, so none is forgotten.
        let mut t = Tracker::new([(0, 0)]);
        for o in 0..9000 {
            if o % 3 == 0 {
                t.passed(0, o);
            } else {
                t.done(0, o);
            }
        }
        let (pos, _, cuts) = t.positions();
        let (at, note) = &pos[&0];
        assert_eq!(cuts.get(&0), Some(at));
        assert!(*at > 0 && *at < 9000 && at % 3 == 0, "{at}");
        let back = crate::dlq::ahead::decode(*at, note).passed;
        assert_eq!(back.len(), (0..*at).filter(|o| o % 3 == 0).count() as u64);
        assert!(back.iter().all(|(s, e)| e == s + 1 && s % 3 == 0));
        // The run checks before passing over one more: no room past the cut, room within a run.
        assert!(!t.can_pass(0, 9003));
        assert!(t.can_pass(0, 8998), "extends the run of 8997");
    }
}
