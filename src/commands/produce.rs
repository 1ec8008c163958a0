//! `evbus produce TOPIC`: sample events generated from a JSON Schema, or validated events from a
//! JSON Lines file, sent with an idempotent producer that is always flushed before exit.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use serde_json::{Value, json};

use super::App;
use crate::cli::{OutputFormat, ProduceArgs};
use crate::exit::{self, Exit};
use crate::kafka::CountingCtx;
use crate::schema::sample::{EnvelopeFill, Generator};
use crate::schema::{Schema, SchemaStore};

/// Parse `200/s`, `50/m`, `1000/h` or a bare number (per second) into events per second.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    let (n, unit) = s.split_once('/').unwrap_or((s, "s"));
    let n: f64 = n.trim().parse().map_err(|_| format!("--rate {s}: expected N/s, N/m or N/h"))?;
    let per = match unit.trim() {
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        other => return Err(format!("--rate {s}: unknown unit '{other}' (use s, m or h)")),
    };
    if !(n.is_finite() && n > 0.0) {
        return Err(format!("--rate {s}: must be positive"));
    }
    Ok(n / per)
}

/// The value at a dot path (`payload.userId`), as key text.
pub fn key_at(v: &Value, path: &str) -> Option<String> {
    let mut cur = v;
    for part in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Null | Value::Object(_) | Value::Array(_) => None,
        other => Some(other.to_string()),
    }
}

/// How each record's key is chosen.
enum KeyRule {
    None,
    Path(String),
    Literal(String),
}

impl KeyRule {
    fn key(&self, v: &Value) -> Result<Option<String>, String> {
        match self {
            KeyRule::None => Ok(None),
            KeyRule::Literal(k) => Ok(Some(k.clone())),
            KeyRule::Path(p) => key_at(v, p).map(Some).ok_or_else(|| format!("key path {p} not found in the event")),
        }
    }
}

struct Stats {
    sent: u64,
    failed: u64,
    first_error: Option<String>,
}

/// Sends records through a producer whose context counts delivery reports, so sending never
/// waits for acknowledgements one by one and costs no allocation per record beyond librdkafka's.
struct Sender {
    producer: BaseProducer<CountingCtx>,
    topic: String,
    bytes: u64,
    enqueued: u64,
    local_failed: u64,
    local_error: Option<String>,
    static_headers: Vec<(String, String)>,
}

impl Sender {
    fn new(producer: BaseProducer<CountingCtx>, topic: &str, static_headers: Vec<(String, String)>) -> Sender {
        Sender {
            producer,
            topic: topic.to_string(),
            bytes: 0,
            enqueued: 0,
            local_failed: 0,
            local_error: None,
            static_headers,
        }
    }

    async fn send(&mut self, key: Option<&str>, value: &[u8], event_type: &str) -> Result<()> {
        let mut headers = OwnedHeaders::new_with_capacity(2 + self.static_headers.len())
            .insert(Header { key: "event-type", value: Some(event_type) })
            .insert(Header { key: "content-type", value: Some("application/json") });
        for (k, v) in &self.static_headers {
            headers = headers.insert(Header { key: k, value: Some(v) });
        }
        let mut record: BaseRecord<str, [u8]> = BaseRecord::to(&self.topic).payload(value).headers(headers);
        if let Some(k) = key {
            record = record.key(k);
        }
        loop {
            match self.producer.send(record) {
                Ok(()) => {
                    self.bytes += value.len() as u64;
                    self.enqueued += 1;
                    // Serve delivery reports as we go, without blocking.
                    self.producer.poll(Duration::ZERO);
                    return Ok(());
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                    // librdkafka's queue is full: serve delivery reports until there is room.
                    record = r;
                    self.producer.poll(Duration::from_millis(5));
                    tokio::task::yield_now().await;
                }
                Err((e, _)) => {
                    self.local_failed += 1;
                    self.local_error.get_or_insert_with(|| e.to_string());
                    return Ok(());
                }
            }
        }
    }

    /// Flush (bounded by `timeout`) and count every delivery report; records without a report
    /// by then count as failed.
    async fn finish(self, timeout: Duration) -> Result<(Stats, u64)> {
        let producer = self.producer;
        let (producer, flushed) = tokio::task::spawn_blocking(move || {
            let r = producer.flush(timeout);
            (producer, r)
        })
        .await?;
        let ctx = producer.context();
        let delivered = ctx.delivered.load(Ordering::SeqCst);
        let mut failed = ctx.failed.load(Ordering::SeqCst) + self.local_failed;
        let mut first_error = ctx.first_error.lock().ok().and_then(|g| g.clone()).or(self.local_error);
        let missing = self.enqueued.saturating_sub(delivered + ctx.failed.load(Ordering::SeqCst));
        if missing > 0 {
            failed += missing;
            first_error.get_or_insert_with(|| match &flushed {
                Err(e) => format!("no delivery report within the timeout ({e})"),
                Ok(()) => "no delivery report".into(),
            });
        }
        if first_error.as_deref().is_some_and(|e| e.contains("timed out") || e.contains("unreachable"))
            && let Some(last) = ctx.inner.last_error()
        {
            first_error = Some(format!("{}; last broker error: {last}", first_error.unwrap_or_default()));
        }
        Ok((Stats { sent: delivered, failed, first_error }, self.bytes))
    }
}

/// One input line that failed, reported with its line number.
struct BadLine {
    line: usize,
    error: String,
}

pub async fn run(app: &App, a: ProduceArgs) -> Result<ExitCode> {
    if let Err(e) = crate::manifest::check_topic_name(&a.topic) {
        return Err(Exit::usage(format!("topic '{}': {e}", a.topic)));
    }
    let rate = a.rate.as_deref().map(parse_rate).transpose().map_err(Exit::usage)?;
    let static_headers: Vec<(String, String)> = a
        .headers
        .iter()
        .map(|h| crate::filter::parse_header_arg(h).map_err(|e| Exit::usage(format!("-H {h}: {e}"))))
        .collect::<Result<_>>()?;
    let manifest = app.manifest_opt(&a.manifest)?;
    let spec = manifest.as_ref().and_then(|m| m.topic(&a.topic));
    let key_rule = match (&a.key_literal, &a.key, spec.and_then(|s| s.key.clone())) {
        (Some(k), _, _) => KeyRule::Literal(k.clone()),
        (None, Some(p), _) => KeyRule::Path(p.clone()),
        (None, None, Some(p)) => KeyRule::Path(p),
        _ => KeyRule::None,
    };
    let schema_name = a.schema.clone().or_else(|| spec.map(|s| s.schema.clone())).unwrap_or_else(|| a.topic.clone());
    let store = SchemaStore::open(&a.schemas)?;
    let needs_schema = a.input.is_none() || !a.no_validate;
    let schema = if needs_schema {
        Some(store.load(&schema_name).with_context(|| {
            format!(
                "no schema for topic {} (pass --schema NAME|PATH{})",
                a.topic,
                if a.input.is_some() { " or --no-validate" } else { "" }
            )
        })?)
    } else {
        None
    };

    match &a.input {
        Some(input) => from_input(app, &a, input, schema.as_ref(), &key_rule, rate, static_headers).await,
        None => {
            samples(
                app,
                &a,
                schema.as_ref().ok_or_else(|| anyhow!("schema required"))?,
                &key_rule,
                rate,
                static_headers,
            )
            .await
        }
    }
}

fn stop_flag() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            s.store(true, Ordering::SeqCst);
        }
    });
    stop
}

async fn pace(start: Instant, i: u64, rate: Option<f64>) {
    if let Some(r) = rate {
        let due = start + Duration::from_secs_f64(i as f64 / r);
        if due > Instant::now() {
            tokio::time::sleep_until(due.into()).await;
        }
    }
}

/// The `event-type` header for events without an `eventType` field: the schema's event type,
/// else the topic name. Computed once per run.
fn default_event_type(schema: Option<&Schema>, topic: &str) -> String {
    schema.and_then(Schema::event_type).unwrap_or_else(|| topic.to_string())
}

fn event_type_of(v: &Value, fallback: &str) -> String {
    v.get("eventType").and_then(Value::as_str).unwrap_or(fallback).to_string()
}

async fn samples(
    app: &App,
    a: &ProduceArgs,
    schema: &Schema,
    key_rule: &KeyRule,
    rate: Option<f64>,
    static_headers: Vec<(String, String)>,
) -> Result<ExitCode> {
    let mut generator = Generator::new(schema, a.seed)?;
    let fill = EnvelopeFill {
        producer: a.producer.clone(),
        now: if a.seed.is_some() { super::schemas::seeded_epoch() } else { chrono::Utc::now() },
    };
    if a.dry_run {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        for _ in 0..a.count {
            let v = generator.generate(&fill)?;
            key_rule.key(&v).map_err(|e| anyhow!("{e} (schema {})", schema.path().display()))?;
            serde_json::to_writer(&mut out, &v)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        return Ok(exit::code(exit::OK));
    }
    app.settings.log_effective();
    let producer = app.settings.counting_producer(&[("partitioner", "murmur2_random")])?;
    let mut sender = Sender::new(producer, &a.topic, static_headers);
    let fallback_type = default_event_type(Some(schema), &a.topic);
    let stop = stop_flag();
    let pb = if a.count >= 1000 || rate.is_some() {
        app.ui.progress(a.count, "producing")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let start = Instant::now();
    let mut buf = Vec::with_capacity(1024);
    let mut generated = 0u64;
    for i in 0..a.count {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        pace(start, i, rate).await;
        let v = generator.generate(&fill)?;
        let key = key_rule.key(&v).map_err(|e| anyhow!("{e} (schema {})", schema.path().display()))?;
        buf.clear();
        serde_json::to_writer(&mut buf, &v)?;
        sender.send(key.as_deref(), &buf, &event_type_of(&v, &fallback_type)).await?;
        generated += 1;
        pb.inc(1);
    }
    pb.finish_and_clear();
    finish(app, a, sender, start, generated, stop.load(Ordering::Relaxed)).await
}

async fn finish(
    app: &App,
    a: &ProduceArgs,
    sender: Sender,
    start: Instant,
    attempted: u64,
    interrupted: bool,
) -> Result<ExitCode> {
    let (stats, bytes) = sender.finish(app.settings.timeout).await?;
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    if app.ui.format == OutputFormat::Json {
        app.ui.json(&json!({
            "topic": a.topic, "sent": stats.sent, "failed": stats.failed, "bytes": bytes,
            "elapsed_ms": (secs * 1000.0) as u64, "interrupted": interrupted,
        }))?;
    }
    app.ui.info(format!(
        "evbus: sent {} of {attempted} events ({} bytes) to {} in {:.2}s ({:.0} events/s){}",
        stats.sent,
        bytes,
        a.topic,
        secs,
        stats.sent as f64 / secs,
        if stats.failed > 0 { format!(", {} failed", stats.failed) } else { String::new() }
    ));
    if stats.failed > 0 {
        bail!(
            "{} of {attempted} events were not delivered to {}: {} (brokers: {})",
            stats.failed,
            a.topic,
            stats.first_error.unwrap_or_default(),
            app.settings.brokers
        );
    }
    if interrupted {
        return Ok(exit::code(exit::INTERRUPTED));
    }
    Ok(exit::code(exit::OK))
}

/// The input as something that can be read twice (validate everything, then send): files are
/// reopened, stdin is buffered in memory.
enum Input {
    File(std::path::PathBuf),
    Memory(Vec<u8>),
}

impl Input {
    fn open(spec: &str) -> Result<Input> {
        if spec == "-" {
            let mut buf = Vec::new();
            std::io::stdin().lock().read_to_end(&mut buf).context("cannot read stdin")?;
            Ok(Input::Memory(buf))
        } else {
            let p = std::path::PathBuf::from(spec);
            std::fs::metadata(&p).with_context(|| format!("cannot read {spec}"))?;
            Ok(Input::File(p))
        }
    }

    fn reader(&self) -> Result<Box<dyn BufRead + '_>> {
        Ok(match self {
            Input::File(p) => Box::new(std::io::BufReader::with_capacity(
                1 << 20,
                std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
            )),
            Input::Memory(b) => Box::new(std::io::Cursor::new(b.as_slice())),
        })
    }

    fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Memory(_) => "stdin".into(),
        }
    }
}

/// The non-blank lines of an input, trimmed, with their 1-based line numbers (blank lines count,
/// so numbers match what an editor shows).
struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    n: usize,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R) -> Self {
        Lines { reader, buf: Vec::with_capacity(4096), n: 0 }
    }

    fn next_line(&mut self) -> std::io::Result<Option<(usize, &[u8])>> {
        loop {
            self.buf.clear();
            if self.reader.read_until(b'\n', &mut self.buf)? == 0 {
                return Ok(None);
            }
            self.n += 1;
            if !self.buf.trim_ascii().is_empty() {
                return Ok(Some((self.n, self.buf.trim_ascii())));
            }
        }
    }
}

fn check_line(line: &[u8], schema: Option<&Schema>, key_rule: &KeyRule) -> Result<(), String> {
    if schema.is_none() && matches!(key_rule, KeyRule::None | KeyRule::Literal(_)) {
        // Nothing to look inside: checking the syntax without building a tree is several times faster.
        return serde_json::from_slice::<serde::de::IgnoredAny>(line).map(|_| ()).map_err(|e| format!("not JSON: {e}"));
    }
    let v: Value = serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(s) = schema
        && !s.is_valid(&v)
    {
        let errs = s.validate(&v).err().unwrap_or_default();
        let shown: Vec<String> = errs.iter().take(3).map(|e| e.to_string()).collect();
        let more = if errs.len() > 3 { format!(" (+{} more)", errs.len() - 3) } else { String::new() };
        return Err(format!("{}{more}", shown.join("; ")));
    }
    key_rule.key(&v)?;
    Ok(())
}

/// Validate every line, spreading batches of lines over the available cores (schema validation
/// is the expensive part of a file produce). Returns the number of events and the bad lines.
fn validate_input(input: &Input, schema: Option<&Schema>, key_rule: &KeyRule) -> Result<(usize, Vec<BadLine>)> {
    const BATCH: usize = 32_768;
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    let mut reader = Lines::new(input.reader()?);
    let mut bad = Vec::new();
    let mut total = 0usize;
    let mut buf: Vec<u8> = Vec::with_capacity(BATCH * 256);
    let mut lines: Vec<(usize, usize, usize)> = Vec::with_capacity(BATCH);
    loop {
        buf.clear();
        lines.clear();
        let mut eof = false;
        while lines.len() < BATCH {
            let Some((n, line)) = reader.next_line()? else {
                eof = true;
                break;
            };
            let start = buf.len();
            buf.extend_from_slice(line);
            lines.push((n, start, buf.len()));
        }
        total += lines.len();
        let check = |chunk: &[(usize, usize, usize)]| -> Vec<BadLine> {
            chunk
                .iter()
                .filter_map(|&(line, a, b)| {
                    check_line(&buf[a..b], schema, key_rule).err().map(|error| BadLine { line, error })
                })
                .collect()
        };
        if threads > 1 && lines.len() > 1024 {
            let per = lines.len().div_ceil(threads);
            let results: Vec<Vec<BadLine>> = std::thread::scope(|sc| {
                let handles: Vec<_> = lines.chunks(per).map(|c| sc.spawn(move || check(c))).collect();
                handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
            });
            bad.extend(results.into_iter().flatten());
        } else {
            bad.extend(check(&lines));
        }
        if eof {
            return Ok((total, bad));
        }
    }
}

/// Just the field `send` needs, without building the whole tree.
#[derive(serde::Deserialize)]
struct Head<'a> {
    #[serde(rename = "eventType", borrow, default)]
    event_type: Option<TypeField<'a>>,
}

/// `eventType` as found: any JSON is accepted (validation may be off), only a string is used.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum TypeField<'a> {
    Text(#[serde(borrow)] std::borrow::Cow<'a, str>),
    Other(serde::de::IgnoredAny),
}

impl Head<'_> {
    /// The `event-type` header, like [`event_type_of`] on the parsed value.
    fn event_type(self, fallback: &str) -> String {
        match self.event_type {
            Some(TypeField::Text(t)) => t.into_owned(),
            _ => fallback.to_string(),
        }
    }
}

async fn from_input(
    app: &App,
    a: &ProduceArgs,
    spec: &str,
    schema: Option<&Schema>,
    key_rule: &KeyRule,
    rate: Option<f64>,
    static_headers: Vec<(String, String)>,
) -> Result<ExitCode> {
    let input = Input::open(spec)?;
    let schema = if a.no_validate { None } else { schema };

    // Pass 1: validate every line before anything is sent.
    // The producer is created first so that its connection and idempotent-producer setup (a
    // broker round trip that takes ~0.5 s on some brokers) overlap the validation pass. It sends
    // nothing until pass 2, so an invalid file still leaves the topic untouched.
    let producer =
        if a.dry_run { None } else { Some(app.settings.counting_producer(&[("partitioner", "murmur2_random")])?) };
    let (total, bad) = validate_input(&input, schema, key_rule)?;
    for b in &bad {
        eprintln!("evbus: {}:{}: {}", input.name(), b.line, crate::sanitize::for_terminal(&b.error));
    }
    if !bad.is_empty() && !a.skip_invalid {
        bail!(
            "{} of {total} lines of {} are invalid; nothing was sent (--skip-invalid sends the valid ones)",
            bad.len(),
            input.name()
        );
    }
    if total == 0 {
        app.ui.warn(format!("{} has no events; nothing to send", input.name()));
        return Ok(exit::code(exit::OK));
    }

    // Pass 2: send the valid lines in order.
    let skip: std::collections::HashSet<usize> = bad.iter().map(|b| b.line).collect();
    if a.dry_run {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let mut lines = Lines::new(input.reader()?);
        while let Some((n, line)) = lines.next_line()? {
            if !skip.contains(&n) {
                out.write_all(line)?;
                out.write_all(b"\n")?;
            }
        }
        out.flush()?;
        return Ok(exit::code(exit::OK));
    }
    app.settings.log_effective();
    let producer = producer.ok_or_else(|| anyhow!("producer missing"))?;
    let mut sender = Sender::new(producer, &a.topic, static_headers);
    let stop = stop_flag();
    let to_send = (total - skip.len()) as u64;
    let pb = if to_send >= 1000 || rate.is_some() {
        app.ui.progress(to_send, "producing")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let start = Instant::now();
    let fallback_type = default_event_type(schema, &a.topic);
    let mut lines = Lines::new(input.reader()?);
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let Some((n, line)) = lines.next_line()? else { break };
        if skip.contains(&n) {
            continue;
        }
        // Already validated; read again only what the key and the event-type header need.
        let changed = |e: serde_json::Error| anyhow!("{}:{n}: changed while reading: {e}", input.name());
        let (key, event_type) = match key_rule {
            KeyRule::Path(_) => {
                let v: Value = serde_json::from_slice(line).map_err(changed)?;
                let key = key_rule.key(&v).map_err(|e| anyhow!("{}:{n}: {e}", input.name()))?;
                (key, event_type_of(&v, &fallback_type))
            }
            KeyRule::Literal(_) | KeyRule::None => {
                let h: Head = serde_json::from_slice(line).map_err(changed)?;
                let key = if let KeyRule::Literal(k) = key_rule { Some(k.clone()) } else { None };
                (key, h.event_type(&fallback_type))
            }
        };
        pace(start, i, rate).await;
        sender.send(key.as_deref(), line, &event_type).await?;
        i += 1;
        pb.inc(1);
    }
    pb.finish_and_clear();
    if !bad.is_empty() {
        app.ui.warn(format!("skipped {} invalid line(s) of {}", bad.len(), input.name()));
    }
    finish(app, a, sender, start, i, stop.load(Ordering::Relaxed)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(parse_rate("200/s").unwrap(), 200.0);
        assert_eq!(parse_rate("60/m").unwrap(), 1.0);
        assert_eq!(parse_rate("50").unwrap(), 50.0);
        assert!(parse_rate("0/s").is_err());
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("5/fortnight").unwrap_err().contains("unknown unit"));
    }

    #[test]
    fn key_paths() {
        let v = json!({"payload": {"userId": "u1", "n": 3, "arr": ["a", "b"], "obj": {}}});
        assert_eq!(key_at(&v, "payload.userId").as_deref(), Some("u1"));
        assert_eq!(key_at(&v, "payload.n").as_deref(), Some("3"));
        assert_eq!(key_at(&v, "payload.arr.1").as_deref(), Some("b"));
        assert_eq!(key_at(&v, "payload.obj"), None);
        assert_eq!(key_at(&v, "payload.missing"), None);
    }

    #[test]
    fn head_reads_the_event_type_like_the_full_parse() {
        for line in [
            r#"{"eventType":"a.b","x":1}"#,
            r#"{"eventType":5}"#,
            r#"{"x":{"eventType":"nested"}}"#,
            r#"{"eventType":null}"#,
            r#"{"eventType":"esc\"aped"}"#,
        ] {
            let h: Head = serde_json::from_slice(line.as_bytes()).unwrap();
            let v: Value = serde_json::from_str(line).unwrap();
            assert_eq!(h.event_type("fallback"), event_type_of(&v, "fallback"), "{line}");
        }
    }

    #[test]
    fn line_checks() {
        let rule = KeyRule::Path("id".into());
        assert!(check_line(b"{\"id\": 1}", None, &rule).is_ok());
        assert!(check_line(b"{\"id\": ", None, &rule).unwrap_err().starts_with("not JSON"));
        assert!(check_line(b"{\"x\": 1}", None, &rule).unwrap_err().contains("key path id"));
    }
}
