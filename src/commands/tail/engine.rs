//! tail's record engine: the stop rules per partition, the filter and validation verdicts, the
//! rendering into one reused output buffer, and what is shared by both ways of consuming
//! (records from the consumer's poll, broker errors, the outage watch).

use std::collections::HashSet;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use super::format::Format;
use super::schemas::SchemaSource;
use super::tuning::MAX_WARNINGS;
use crate::kafka::headers::HeaderPool;
use crate::kafka::reader::{Problem, Reader};
use crate::record::filter::{EvalError, Match, RecordFilter};
use crate::record::view::RecordView;
use crate::schema::select::TopicSchema;

#[derive(Debug, Clone, Copy)]
pub(super) struct PartState {
    /// High watermark captured at start (i64::MAX when not needed).
    pub(super) high: i64,
    pub(super) done: bool,
    /// The partition is one we follow (ids can have gaps in the vector).
    pub(super) known: bool,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Stats {
    pub(super) seen: u64,
    pub(super) matched: u64,
    pub(super) not_json: u64,
    pub(super) invalid: u64,
    /// Records the jq program could not finish on (too deep a recursion).
    pub(super) filter_failed: u64,
    /// Gaps: places where offsets were removed under the reader before it read them.
    pub(super) gaps: u64,
    /// Offsets those gaps skipped (records, and any transaction markers among them).
    pub(super) gap_offsets: u64,
}

impl Stats {
    pub(super) fn summary(&self, validate: bool) -> String {
        let mut s = format!("{} records seen, {} matched", self.seen, self.matched);
        if self.not_json > 0 {
            s.push_str(&format!(", {} not JSON (never match --filter/--type)", self.not_json));
        }
        if self.filter_failed > 0 {
            s.push_str(&format!(", {} where --filter did not finish (never match)", self.filter_failed));
        }
        if validate {
            s.push_str(&format!(", {} invalid", self.invalid));
        }
        if self.gaps > 0 {
            s.push_str(&format!(
                ", {} offset(s) removed before they were read ({} gap(s))",
                self.gap_offsets, self.gaps
            ));
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    Go,
    Stop,
}

pub(super) struct Limits {
    pub(super) idle: Option<Duration>,
    pub(super) deadline: Option<Instant>,
    pub(super) timeout: Duration,
}

/// Everything a record goes through once consumed, and the output not yet written.
pub(super) struct Engine {
    pub(super) format: Format,
    pub(super) filter: RecordFilter,
    pub(super) topic_names: Vec<String>,
    /// Per topic, when --validate.
    pub(super) schemas: Vec<Option<TopicSchema>>,
    /// Where the schemas of topics picked up later come from (--validate).
    pub(super) schema_source: Option<SchemaSource>,
    pub(super) only_invalid: bool,
    pub(super) parts: Vec<Vec<PartState>>,
    /// --exit or --until: stop once every partition is done.
    pub(super) track_done: bool,
    /// Reaching the start-time high watermark (or EOF) makes a partition done.
    pub(super) stop_at_high: bool,
    pub(super) until_ms: Option<i64>,
    pub(super) count: Option<u64>,
    pub(super) stats: Stats,
    /// Rendered output not yet written.
    pub(super) buf: Vec<u8>,
    /// Scratch for the pretty renderer (which produces text).
    pub(super) sbuf: String,
    pub(super) headers: HeaderPool,
    pub(super) warned: HashSet<String>,
    pub(super) ui: crate::term::ui::Ui,
    /// Since when every broker connection is down (the client reported it), if it is.
    pub(super) outage: Option<Instant>,
    pub(super) last_probe: Instant,
    /// The bootstrap list, for messages.
    pub(super) brokers: String,
    /// Partitions whose position left their log (topic, partition, position), to be reported
    /// and restarted once the batch that told us is released (see `gaps`).
    pub(super) out_of_range: Vec<(String, i32, i64)>,
    /// Group mode with `--from end`: the group's `auto.offset.reset` moves a position that left
    /// its log to the log end, not its start (see `gaps::report_resets`).
    pub(super) resets_to_end: bool,
}

impl Engine {
    pub(super) fn all_done(&self) -> bool {
        self.track_done && self.parts.iter().flatten().all(|p| !p.known || p.done)
    }

    /// Starts tracking partitions of a topic (a new topic when it is not followed yet) that
    /// appeared while the run follows. Returns the topic's index.
    pub(super) fn follow(&mut self, topic: &str, partitions: &[i32]) -> usize {
        let t = match self.topic_names.iter().position(|n| n == topic) {
            Some(t) => t,
            None => {
                self.topic_names.push(topic.to_string());
                self.parts.push(Vec::new());
                let schema = self.schema_source.as_ref().and_then(|s| s.load(topic, &self.ui));
                self.schemas.push(schema);
                self.topic_names.len() - 1
            }
        };
        let v = &mut self.parts[t];
        for &p in partitions {
            let Ok(idx) = usize::try_from(p) else { continue };
            if v.len() <= idx {
                v.resize(idx + 1, PartState { high: i64::MAX, done: true, known: false });
            }
            // Nothing was there at the start: a run that stops at the start's end never gets
            // here, and --until decides by time.
            v[idx] = PartState { high: i64::MAX, done: false, known: true };
        }
        t
    }

    /// True when the partition is one the run follows.
    pub(super) fn knows(&self, topic: &str, p: i32) -> bool {
        self.topic_names
            .iter()
            .position(|n| n == topic)
            .is_some_and(|t| usize::try_from(p).ok().and_then(|i| self.parts[t].get(i)).is_some_and(|s| s.known))
    }

    pub(super) fn mark_done(&mut self, t: usize, p: i32) {
        if let Some(st) = self.parts.get_mut(t).and_then(|v| v.get_mut(usize::try_from(p).ok()?)) {
            st.done = true;
        }
    }

    /// A partition reported EOF: it is caught up with (at least) the watermark captured at start.
    pub(super) fn eof(&mut self, t: usize, p: i32) -> Flow {
        if !self.stop_at_high {
            return Flow::Go;
        }
        self.mark_done(t, p);
        if self.all_done() { Flow::Stop } else { Flow::Go }
    }

    /// An EOF with the offset it was reached at: below the watermark captured at start it cannot
    /// mean the partition's records up to that mark were all read (an end reported for a stale
    /// fetch, or for another handle's partition), so it does not end the partition; the next end,
    /// after the rest is read, does. Without a captured mark it ends it as before.
    pub(super) fn eof_at(&mut self, t: usize, p: i32, offset: i64) -> Flow {
        let high = self.parts.get(t).and_then(|v| v.get(usize::try_from(p).ok()?)).map(|st| st.high);
        if self.stop_at_high && offset >= 0 && high.is_some_and(|h| h != i64::MAX && offset < h) {
            return Flow::Go;
        }
        self.eof(t, p)
    }

    /// EOF for a partition number without its topic (the group consumer's poll): only usable when
    /// exactly one followed topic still waits on that partition number.
    pub(super) fn eof_ambiguous(&mut self, p: i32) -> Flow {
        let Ok(idx) = usize::try_from(p) else { return Flow::Go };
        let waiting: Vec<usize> =
            (0..self.parts.len()).filter(|&t| self.parts[t].get(idx).is_some_and(|s| s.known && !s.done)).collect();
        match waiting.as_slice() {
            [t] => self.eof(*t, p),
            _ => Flow::Go,
        }
    }

    pub(super) fn warn_once(&mut self, msg: String) {
        if self.warned.len() < MAX_WARNINGS && self.warned.insert(msg.clone()) {
            self.ui.warn(msg);
        }
    }

    /// A record the stop rules leave out: its partition is already done (records past the end can
    /// still arrive from a prefetch) or it is newer than `--until`. It is not printed, so a group
    /// must not commit it either (the group's next run is where it belongs).
    pub(super) fn leaves_out(&self, t: usize, rec: &RecordView) -> bool {
        let done =
            self.parts.get(t).and_then(|v| v.get(usize::try_from(rec.partition).ok()?)).is_some_and(|st| st.done);
        (done && self.track_done) || matches!((self.until_ms, rec.timestamp_ms), (Some(u), Some(ts)) if ts > u)
    }

    /// Filters, validates and renders one record into `buf`.
    pub(super) fn record(&mut self, t: usize, rec: &RecordView) -> Flow {
        self.record_pre(t, rec, None)
    }

    /// [`Engine::record`] with the filter's verdict, when it was already computed.
    pub(super) fn record_pre(&mut self, t: usize, rec: &RecordView, pre: Option<Match>) -> Flow {
        self.stats.seen += 1;
        let p = rec.partition;
        let Some(st) = self.parts.get(t).and_then(|v| v.get(usize::try_from(p).ok()?)).copied() else {
            return Flow::Go;
        };
        if st.done && self.track_done {
            // Past the end we were asked to stop at (records can still arrive from a prefetch).
            return Flow::Go;
        }
        if let (Some(until), Some(ts)) = (self.until_ms, rec.timestamp_ms)
            && ts > until
        {
            self.mark_done(t, p);
            return if self.all_done() { Flow::Stop } else { Flow::Go };
        }

        let matched = match pre {
            Some(m) => m,
            None => evaluate(&self.filter, rec),
        };
        let mut flow = Flow::Go;
        match matched {
            Match::Yes => {
                let invalid = match self.schemas.get(t) {
                    Some(Some(schema)) => check(schema, rec.value, rec.headers),
                    _ => None,
                };
                if invalid.is_some() {
                    self.stats.invalid += 1;
                }
                if !self.only_invalid || invalid.is_some() {
                    self.stats.matched += 1;
                    self.render(rec, invalid);
                    if self.count.is_some_and(|c| self.stats.matched >= c) {
                        flow = Flow::Stop;
                    }
                }
            }
            Match::No => {}
            Match::NotJson => self.stats.not_json += 1,
            // The run is stopping; the record was not judged.
            Match::Failed(EvalError::Interrupted) => {}
            Match::Failed(e) => {
                self.stats.filter_failed += 1;
                if self.stats.filter_failed == 1 {
                    self.ui.warn(format!(
                        "--filter did not finish on {}/{}/{}: {e}; records it does not finish on do not match",
                        crate::term::sanitize::for_terminal(rec.topic),
                        rec.partition,
                        rec.offset
                    ));
                }
            }
        }

        if self.stop_at_high && rec.offset.saturating_add(1) >= st.high {
            self.mark_done(t, p);
            if self.all_done() {
                flow = Flow::Stop;
            }
        }
        flow
    }

    pub(super) fn render(&mut self, rec: &RecordView, invalid: Option<String>) {
        match &mut self.format {
            Format::Json { terminal } => {
                let start = self.buf.len();
                match invalid {
                    None => crate::record::render::to_json_line(rec, &mut self.buf),
                    Some(why) => crate::record::render::to_json_line_with(
                        rec,
                        &[("invalid", serde_json::Value::String(why))],
                        &mut self.buf,
                    ),
                }
                if *terminal {
                    crate::record::render::escape_json_for_terminal(&mut self.buf, start);
                }
            }
            Format::Pretty(opts) => {
                opts.invalid = invalid;
                self.sbuf.clear();
                crate::record::render::pretty(rec, opts, &mut self.sbuf);
                self.buf.extend_from_slice(self.sbuf.as_bytes());
            }
            Format::Raw { terminal: false } => {
                self.buf.extend_from_slice(rec.value.unwrap_or_default());
                self.buf.push(b'\n');
            }
            Format::Raw { terminal: true } => {
                // Raw bytes on a terminal could drive it; escape them like a template does.
                self.sbuf.clear();
                crate::term::sanitize::push_bytes_for_terminal(&mut self.sbuf, rec.value.unwrap_or_default(), true);
                self.buf.extend_from_slice(self.sbuf.as_bytes());
                self.buf.push(b'\n');
            }
            Format::Template { template, terminal } => {
                if *terminal {
                    template.render_for_terminal(rec, &mut self.buf);
                } else {
                    template.render(rec, &mut self.buf);
                }
            }
        }
    }

    /// Writes out what is buffered.
    pub(super) fn flush(&mut self, out: &mut impl io::Write) -> io::Result<()> {
        if !self.buf.is_empty() {
            out.write_all(&self.buf)?;
            out.flush()?;
            self.buf.clear();
        }
        Ok(())
    }
}

/// Every filter condition (nothing to parse when there is none).
pub(super) fn evaluate(filter: &RecordFilter, rec: &RecordView) -> Match {
    if filter.is_empty() { Match::Yes } else { filter.matches(rec, None) }
}

/// The validation verdict for a record: `None` when valid (tombstones are not validated). A
/// topic with several event types picks the schema by the record's discriminator (its value
/// field, or its last header of that name).
pub(super) fn check(
    schema: &TopicSchema,
    value: Option<&[u8]>,
    headers: &[(String, Option<Vec<u8>>)],
) -> Option<String> {
    let header = |name: &str| -> Option<String> {
        headers
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    match schema.check(value?, &header) {
        Ok(()) => None,
        Err(crate::schema::select::Rejected::NotJson(e)) => Some(format!("value is not JSON: {e}")),
        Err(r) => Some(r.summary(3)),
    }
}

/// Common end-of-iteration bookkeeping. Returns true when the run should end.
pub(super) fn should_stop(stop: &AtomicBool, limits: &Limits, last_record: Instant) -> bool {
    stop.load(Ordering::Relaxed)
        || limits.idle.is_some_and(|d| last_record.elapsed() >= d)
        || limits.deadline.is_some_and(|d| Instant::now() >= d)
}

/// Processes a record delivered by the consumer's own poll.
///
/// Returns the record's topic index unless the stop rules left the record out (see
/// [`Engine::leaves_out`]), and what to do next.
pub(super) fn process_polled(engine: &mut Engine, rec: &RecordView<'_>) -> (Option<usize>, Flow) {
    let Some(t) = engine.topic_names.iter().position(|n| n == rec.topic) else { return (None, Flow::Go) };
    let taken = !engine.leaves_out(t, rec);
    let flow = engine.record(t, rec);
    (taken.then_some(t), flow)
}

pub(super) fn report_problem(engine: &mut Engine, problem: Problem) {
    // Transport errors are retried by the client forever: the outage watch (see `watch_outage`)
    // says so on stderr, and bounds the wait of a run that has to end (--exit, --until).
    match problem {
        Problem::AllBrokersDown => {
            if engine.outage.is_none() {
                engine.outage = Some(Instant::now());
                engine.last_probe = Instant::now();
                engine.ui.warn(format!(
                    "lost the connection to every broker ({}); waiting for them to come back",
                    engine.brokers
                ));
            }
        }
        Problem::Transport => {}
        Problem::OutOfRange { topic, partition, offset } => engine.out_of_range.push((topic, partition, offset)),
        Problem::Other(text) => engine.warn_once(format!("consumer: {text}")),
    }
}

/// While the brokers are down: every second, ask for metadata to learn whether they are back
/// (a quiet topic brings no record to say so). A run that has to end (--exit, --until) fails
/// once the outage lasts `--timeout`; a follow run waits on and says when they are back.
pub(super) fn watch_outage(reader: &Reader, engine: &mut Engine, limits: &Limits) -> Result<()> {
    let Some(since) = engine.outage else { return Ok(()) };
    if engine.last_probe.elapsed() >= Duration::from_secs(1) {
        engine.last_probe = Instant::now();
        if reader.brokers_up(Duration::from_millis(500)) {
            engine.outage = None;
            engine.ui.info(format!(
                "evbus: the brokers are back after {}; resuming where the tail stopped",
                humantime::format_duration(Duration::from_secs(since.elapsed().as_secs()))
            ));
            return Ok(());
        }
    }
    if engine.track_done && since.elapsed() >= limits.timeout {
        let last = reader.last_error().map(|e| format!("; last broker error: {e}")).unwrap_or_default();
        bail!(
            "no broker answered for {} (brokers tried: {}{last})",
            humantime::format_duration(limits.timeout),
            engine.brokers
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line() {
        let s = Stats { seen: 10, matched: 3, not_json: 2, invalid: 1, ..Default::default() };
        assert_eq!(s.summary(false), "10 records seen, 3 matched, 2 not JSON (never match --filter/--type)");
        let s = Stats { seen: 10, matched: 3, filter_failed: 4, ..Default::default() };
        assert_eq!(s.summary(false), "10 records seen, 3 matched, 4 where --filter did not finish (never match)");
        assert_eq!(
            Stats { seen: 1, matched: 1, ..Default::default() }.summary(true),
            "1 records seen, 1 matched, 0 invalid"
        );
        assert_eq!(
            Stats { seen: 5, matched: 5, gaps: 2, gap_offsets: 174_000, ..Default::default() }.summary(false),
            "5 records seen, 5 matched, 174000 offset(s) removed before they were read (2 gap(s))"
        );
    }
}
