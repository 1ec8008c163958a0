//! `evbus produce TOPIC`: sample events generated from a JSON Schema, or validated events from a
//! JSON Lines file, sent with an idempotent producer that is always flushed before exit.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::json;

use crate::app::App;
use crate::cli::{OutputFormat, ProduceArgs};
use crate::exit::{Exit, Outcome};
use crate::kafka::Kind;
use crate::kafka::bulk::BulkSender;
use crate::kafka::compression::Compression;
use crate::produce::input::{self, Input, KeyRule};
use crate::schema::SchemaStore;
use crate::schema::sample::{Draw, EnvelopeFill, seeded_epoch};
use crate::schema::select::{ByType, Discriminator, TopicSchema};
use crate::term::json::write_json_line;

mod records;

/// The headers every record of a run carries: its event type (when it has one: the record's
/// own `eventType`, else `--type`; never the topic's name, which a dead-letter topic would then
/// stamp on every record it holds) and content type, then the `-H` ones; built per record
/// without allocating.
fn headers<'h>(
    event_type: Option<&'h [u8]>,
    static_headers: &'h [(String, String)],
) -> impl IntoIterator<Item = (&'h str, &'h [u8])> + Clone {
    event_type
        .map(|t| (crate::record::envelope::HEADER, t))
        .into_iter()
        .chain([("content-type", b"application/json".as_slice())])
        .chain(static_headers.iter().map(|(k, v)| (k.as_str(), v.as_bytes())))
}

/// `evbus produce`: sends sample events generated from a JSON Schema, or validated events from a JSON Lines file, to one topic.
pub async fn run(app: &App, a: ProduceArgs) -> Result<Outcome> {
    if let Err(e) = crate::topics::manifest::check_topic_name(&a.topic) {
        return Err(Exit::usage(format!("topic '{}': {e}", a.topic)));
    }
    let rate = a.rate.map(|r| r.per_second());
    let static_headers: Vec<(String, String)> = a
        .headers
        .iter()
        .map(|h| crate::record::filter::parse_header_arg(h).map_err(|e| Exit::usage(format!("-H {h}: {e}"))))
        .collect::<Result<_>>()?;
    let manifest = app.manifest_opt(&a.manifest)?;
    let spec = manifest.as_ref().and_then(|m| m.topic(&a.topic));
    if let Some(path) = &a.records {
        return records::run(app, &a, spec, path).await;
    }
    let key_rule = match (&a.key_literal, &a.key, spec.and_then(|s| s.key.clone())) {
        (Some(k), _, _) => KeyRule::Literal(k.clone()),
        (None, Some(p), _) => KeyRule::Path(p.clone()),
        (None, None, Some(p)) => KeyRule::Path(p),
        _ => KeyRule::None,
    };
    let store = SchemaStore::open(&a.schemas)?;
    let needs_schema = a.input.is_none() || !a.no_validate;
    let schema = if needs_schema { topic_schema(&a, spec, manifest.as_ref(), &store)? } else { None };
    if let (Some(TopicSchema::ByType(b)), Some(t)) = (&schema, &a.event_type) {
        b.schema_of(t).map_err(|e| Exit::usage(format!("--type {t}: {e}")))?;
    }

    match &a.input {
        Some(input) => from_input(app, &a, spec, input, schema.as_ref(), &key_rule, rate, static_headers).await,
        None => {
            samples(
                app,
                &a,
                spec,
                schema.as_ref().ok_or_else(|| anyhow!("schema required"))?,
                &key_rule,
                rate,
                static_headers,
            )
            .await
        }
    }
}

/// What the topic's events are checked against and sampled from: `--schema`, else the
/// manifest's `schemas:` (one schema per event type) or `schema:`, else the topic name. `None`
/// only for `schema: false` with `--input` (sent unvalidated); samples then need `--schema`.
fn topic_schema(
    a: &ProduceArgs,
    spec: Option<&crate::topics::manifest::TopicSpec>,
    manifest: Option<&crate::topics::manifest::Manifest>,
    store: &SchemaStore,
) -> Result<Option<TopicSchema>> {
    let hint = || {
        format!(
            "no schema for topic {} (pass --schema NAME|PATH{})",
            a.topic,
            if a.input.is_some() { " or --no-validate" } else { "" }
        )
    };
    if a.schema.is_none()
        && let Some(spec) = spec.filter(|s| !s.schemas.is_empty())
    {
        let d = Discriminator::of(spec.discriminator.as_deref()).map_err(|e| anyhow!(e))?;
        return Ok(Some(TopicSchema::ByType(ByType::load(store, d, &spec.schemas).with_context(hint)?)));
    }
    let schema_name = match (&a.schema, spec) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(spec)) => spec.schema.clone(),
        (None, None) => Some(a.topic.clone()),
    };
    match schema_name {
        Some(name) => Ok(Some(TopicSchema::One(store.load(&name).with_context(hint)?))),
        None if a.input.is_some() => Ok(None),
        None => Err(Exit::usage(format!(
            "topic {} has `schema: false` in {}: no schema to generate samples from; pass --schema NAME|PATH, \
             or send events from a file with --input",
            crate::term::sanitize::for_terminal(&a.topic),
            manifest.map_or_else(|| "the manifest".into(), |m| m.path.display().to_string())
        ))),
    }
}

async fn pace(start: Instant, i: u64, rate: Option<f64>) {
    if let Some(r) = rate {
        let due = start + Duration::from_secs_f64(i as f64 / r);
        if due > Instant::now() {
            tokio::time::sleep_until(due.into()).await;
        }
    }
}

/// The topic must exist before anything is sent: evbus never lets a broker auto-create one.
/// A missing topic declared in the manifest is created as declared; with `--create`, any missing
/// topic is created with the broker's defaults; otherwise it is an error with a hint.
async fn ensure_topic(
    app: &App,
    topic: &str,
    spec: Option<&crate::topics::manifest::TopicSpec>,
    create: bool,
) -> Result<()> {
    let admin = Arc::new(app.settings.admin()?);
    let md = admin.metadata(Some(topic)).await?;
    let found = md.topics.iter().find(|t| t.name == topic);
    match found.and_then(|t| t.error_kind().zip(t.error.as_deref())) {
        None if found.is_some_and(|t| !t.partitions.is_empty()) => return Ok(()),
        Some((Kind::NotAuthorized, _)) => {
            bail!("not authorized: Describe on topic '{}'", crate::term::sanitize::for_terminal(topic))
        }
        Some((kind, e)) if kind != Kind::UnknownTopic => {
            bail!("topic '{}' is not usable: {e}", crate::term::sanitize::for_terminal(topic))
        }
        _ => {}
    }
    let new = match (spec, create) {
        (Some(s), _) => (s.name.clone(), s.partitions, s.replication_factor, s.config.clone()),
        // -1: the broker's num.partitions and default.replication.factor (KIP-464).
        (None, true) => (topic.to_string(), -1, -1, Default::default()),
        (None, false) => {
            bail!(
                "topic '{}' does not exist; declare it in the manifest and run `evbus topics apply`, or pass --create",
                crate::term::sanitize::for_terminal(topic)
            );
        }
    };
    app.ui.info(format!(
        "evbus: creating topic {} ({})",
        crate::term::sanitize::for_terminal(topic),
        if spec.is_some() { "as the manifest declares it" } else { "--create: the broker's defaults" }
    ));
    let parts = new.1;
    for (name, r) in admin.create_topics(&[new]).await? {
        if let Err(e) = r {
            // Another producer may have created it meanwhile: that is fine.
            if e.kind() != Kind::AlreadyExists {
                bail!("could not create topic {}: {e}", crate::term::sanitize::for_terminal(&name));
            }
        }
    }
    admin.wait_for_leaders(&[(topic.to_string(), parts.max(1))]).await;
    Ok(())
}

/// The codec for this run (see [`crate::kafka::compression`]): the topic's own is looked up
/// only when neither `--compression` nor `-X` chose one; a topic not created yet has the
/// manifest's `compression.type`, if it declares one.
async fn compression(
    app: &App,
    a: &ProduceArgs,
    spec: Option<&crate::topics::manifest::TopicSpec>,
) -> Result<Compression> {
    let flag = a.compression.as_deref();
    let topic = if app.settings.codec_is_chosen(flag) {
        None
    } else {
        match app.settings.topic_compression(&a.topic).await? {
            Some(v) => Some(v),
            None => spec.and_then(|s| s.config.get("compression.type").cloned()),
        }
    };
    let c = app.settings.compression(flag, topic.as_deref().map(|v| (a.topic.as_str(), v)));
    app.settings.log_producer(&c);
    Ok(c)
}

fn new_sender(app: &App, a: &ProduceArgs, c: &Compression) -> Result<BulkSender> {
    Ok(BulkSender::new(&app.settings, &a.topic, c)?)
}

async fn samples(
    app: &App,
    a: &ProduceArgs,
    spec: Option<&crate::topics::manifest::TopicSpec>,
    schema: &TopicSchema,
    key_rule: &KeyRule,
    rate: Option<f64>,
    static_headers: Vec<(String, String)>,
) -> Result<Outcome> {
    let mut generator = Draw::new(schema, a.event_type.as_deref(), a.seed)?;
    let fill = EnvelopeFill {
        producer: a.producer.clone(),
        now: if a.seed.is_some() { seeded_epoch() } else { chrono::Utc::now() },
    };
    if a.dry_run {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        for _ in 0..a.count {
            let v = generator.generate(&fill)?;
            key_rule.key(&v).map_err(|e| anyhow!("{e} (a sample for topic {})", a.topic))?;
            write_json_line(&mut out, &v, app.ui.stdout_tty)?;
        }
        out.flush()?;
        return Ok(Outcome::Ok);
    }
    app.settings.log_effective();
    ensure_topic(app, &a.topic, spec, a.create).await?;
    let mut sender = new_sender(app, a, &compression(app, a, spec).await?)?;
    let stop = crate::term::interrupt::flag();
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
        let key = key_rule.key(&v).map_err(|e| anyhow!("{e} (a sample for topic {})", a.topic))?;
        buf.clear();
        serde_json::to_writer(&mut buf, &v)?;
        let event_type = crate::record::envelope::field_str(&v).or(a.event_type.as_deref());
        sender
            .send(key.as_deref().map(str::as_bytes), &buf, headers(event_type.map(str::as_bytes), &static_headers))
            .await?;
        if sender.stalled() {
            break;
        }
        generated += 1;
        pb.inc(1);
    }
    pb.finish_and_clear();
    finish(app, a, sender, start, generated, a.count, stop.load(Ordering::Relaxed)).await
}

/// `attempted` records were handed to the producer, of `total` the run meant to send.
async fn finish(
    app: &App,
    a: &ProduceArgs,
    sender: BulkSender,
    start: Instant,
    attempted: u64,
    total: u64,
    interrupted: bool,
) -> Result<Outcome> {
    let stalled = sender.stalled();
    let stats = sender.finish().await?;
    let bytes = stats.bytes;
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let not_sent = total.saturating_sub(attempted);
    // Written before the summary, whose line then still goes to stderr if stdout failed.
    let mut written = Ok(());
    if app.ui.format == OutputFormat::Json {
        written = app.ui.json(&json!({
            "topic": a.topic, "sent": stats.sent, "failed": stats.failed, "unknown": stats.unknown,
            "not_sent": not_sent, "bytes": bytes,
            "elapsed_ms": (secs * 1000.0) as u64, "events_per_s": (stats.sent as f64 / secs).round(),
            "interrupted": interrupted,
        }));
    }
    let mut tail = String::new();
    if stats.failed > 0 {
        tail.push_str(&format!(", {} failed (not stored)", stats.failed));
    }
    if stats.unknown > 0 {
        tail.push_str(&format!(
            ", {} unknown (in flight when the broker stopped answering: maybe stored)",
            stats.unknown
        ));
    }
    if not_sent > 0 && !interrupted {
        tail.push_str(&format!(", {not_sent} not sent"));
    }
    app.ui.info(format!(
        "evbus: sent {} of {attempted} events ({} bytes) to {} in {:.2}s ({:.0} events/s){tail}",
        stats.sent,
        bytes,
        a.topic,
        secs,
        stats.sent as f64 / secs,
    ));
    let written = match stats.sent {
        0 => written,
        sent => app.ui.applied_output(written, || format!("{sent} of {total} events stored in {}", a.topic)),
    };
    if stats.failed > 0 || stats.unknown > 0 || stalled {
        if let Err(e) = written {
            app.ui.warn(e.to_string());
        }
        bail!(
            "{} of {total} events were not acknowledged by {} ({} failed, {} unknown, {} not sent): {} (brokers: {})",
            total - stats.sent,
            a.topic,
            stats.failed,
            stats.unknown,
            not_sent,
            stats.first_error.unwrap_or_default(),
            app.settings.brokers
        );
    }
    written?;
    if interrupted {
        return Ok(Outcome::Interrupted);
    }
    Ok(Outcome::Ok)
}

#[allow(clippy::too_many_arguments)]
async fn from_input(
    app: &App,
    a: &ProduceArgs,
    topic_spec: Option<&crate::topics::manifest::TopicSpec>,
    spec: &str,
    schema: Option<&TopicSchema>,
    key_rule: &KeyRule,
    rate: Option<f64>,
    static_headers: Vec<(String, String)>,
) -> Result<Outcome> {
    let input = Input::open(spec)?;
    let schema = if a.no_validate { None } else { schema };

    // Check every line before anything is sent, planning each record's key and event type. When
    // the codec needs no look-up, the producer is created first so that its connection and
    // producer-id setup overlap the checks; it sends nothing until they pass, so an invalid file
    // leaves the topic untouched (and a broker that is down does not delay the verdict on it).
    let mut sender = None;
    if !a.dry_run && app.settings.codec_is_chosen(a.compression.as_deref()) {
        let c = app.settings.compression(a.compression.as_deref(), None);
        app.settings.log_producer(&c);
        sender = Some(new_sender(app, a, &c)?);
    }
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    let checks = input::Checks { schema, headers: &static_headers, event_type: a.event_type.as_deref() };
    let plan = input::plan(input.bytes(), checks, key_rule, threads, |r| input.release(r));
    for b in &plan.bad {
        eprintln!("evbus: {}:{}: {}", input.name(), b.line, crate::term::sanitize::for_terminal(&b.error));
    }
    if !plan.bad.is_empty() && !a.skip_invalid {
        bail!(
            "{} of {} lines of {} are invalid; nothing was sent (--skip-invalid sends the valid ones)",
            plan.bad.len(),
            plan.total,
            input.name()
        );
    }
    if plan.total == 0 {
        app.ui.warn(format!("{} has no events; nothing to send", input.name()));
        return Ok(Outcome::Ok);
    }

    let data = input.bytes();
    if !a.dry_run && sender.is_none() {
        sender = Some(new_sender(app, a, &compression(app, a, topic_spec).await?)?);
    }
    let Some(mut sender) = sender.take() else {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let mut window = input.window();
        for seg in 0..plan.segments() {
            for r in plan.segment(seg, data).records(data) {
                window.at(r.value);
                if app.ui.stdout_tty {
                    // Checked lines are JSON, so escaping keeps them JSON (see json_for_terminal).
                    let text = String::from_utf8_lossy(r.value);
                    out.write_all(crate::term::sanitize::json_for_terminal(&text).as_bytes())?;
                } else {
                    out.write_all(r.value)?;
                }
                out.write_all(b"\n")?;
            }
        }
        out.flush()?;
        return Ok(Outcome::Ok);
    };
    app.settings.log_effective();
    ensure_topic(app, &a.topic, topic_spec, a.create).await?;
    let stop = crate::term::interrupt::flag();
    let to_send = plan.len() as u64;
    let pb = if to_send >= 1000 || rate.is_some() {
        app.ui.progress(to_send, "producing")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let start = Instant::now();
    let literal = match key_rule {
        KeyRule::Literal(k) => Some(k.as_bytes()),
        _ => None,
    };
    let mut i = 0u64;
    // The producer copies each record: only the part of the file being sent needs to stay resident.
    let mut window = input.window();
    'send: for seg in 0..plan.segments() {
        let planned = plan.segment(seg, data);
        for r in planned.records(data) {
            if stop.load(Ordering::Relaxed) {
                break 'send;
            }
            window.at(r.value);
            pace(start, i, rate).await;
            let key = literal.or(r.key);
            let event_type = r.event_type.or(a.event_type.as_deref().map(str::as_bytes));
            sender.send(key, r.value, headers(event_type, &static_headers)).await?;
            if sender.stalled() {
                break 'send;
            }
            i += 1;
            // The bar redraws on its own clock; counting every record costs a clock read each.
            if i.is_multiple_of(1024) {
                pb.set_position(i);
            }
        }
    }
    pb.finish_and_clear();
    if !plan.bad.is_empty() {
        app.ui.warn(format!("skipped {} invalid line(s) of {}", plan.bad.len(), input.name()));
    }
    finish(app, a, sender, start, i, to_send, stop.load(Ordering::Relaxed)).await
}
