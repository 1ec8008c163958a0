//! The sampler's front: a [`Plan`] compiled from a schema, [`generate_value`] over it, and the
//! [`Generator`] that checks every value against the schema's validator (a bounded number of
//! retries), draws among a topic's event types and fills the envelope.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::fakes::{self, Hint};
use super::plan::{Node, Plan};
use super::walk::{BUDGET, Fail, Gen};
use crate::schema::Schema;
use crate::schema::resolve::{DirRetriever, DocSet, file_uri};

/// Full attempts (generate + validate) before [`Generator::generate`] gives up.
const MAX_ATTEMPTS: usize = 100;

/// How to fill the envelope fields of generated events.
#[derive(Debug, Clone)]
pub struct EnvelopeFill {
    /// Goes into string `producer` fields (the service name to pretend to be).
    pub producer: String,
    /// Timestamp of the first event; each later one is 1 ms after the previous.
    pub now: DateTime<Utc>,
}

/// With `--seed`, timestamps start here instead of now, so output is byte-identical across runs.
pub fn seeded_epoch() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default() // 2026-01-01T00:00:00Z
}

impl Plan {
    /// Compiles `schema` (and every document its `$ref`s reach) for sampling.
    pub fn new(schema: &Schema) -> anyhow::Result<Plan> {
        let docs = DocSet::load(&file_uri(schema.path()), schema.raw(), schema.retriever().clone())
            .map_err(|e| anyhow!(e.join("; ")))
            .with_context(|| format!("cannot resolve schema {}", schema.path().display()))?;
        Plan::compile(&docs).map_err(|e| anyhow!("cannot sample schema {}: {e}", schema.path().display()))
    }

    /// Compiles an in-memory schema; relative `$ref`s resolve against files in `dir`.
    pub fn from_value(root: &Value, dir: &Path) -> anyhow::Result<Plan> {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let uri = file_uri(&dir.join("(inline).json"));
        let docs = DocSet::load(&uri, root, DirRetriever::new(&dir)).map_err(|e| anyhow!(e.join("; ")))?;
        Plan::compile(&docs).map_err(|e| anyhow!("cannot sample schema: {e}"))
    }
}

/// Builds one value from `plan` (unvalidated: constraints the plan cannot model, like a second
/// `pattern`, are only checked locally, so callers that need certainty validate the result).
/// Retries a few times when a random choice leads into an unsatisfiable corner.
pub fn generate_value<R: Rng + ?Sized>(plan: &Plan, rng: &mut R, now: DateTime<Utc>) -> anyhow::Result<Value> {
    let mut last = None;
    for _ in 0..10 {
        let mut g = Gen { plan, rng: &mut *rng, now, budget: BUDGET };
        match g.node(plan.root, 0, Hint::None) {
            Ok(v) => return Ok(v),
            Err(f) if f.fatal => {
                last = Some(f);
                break;
            }
            Err(f) => last = Some(f),
        }
    }
    let f = last.unwrap_or_else(|| Fail::new("#", "no attempt made"));
    bail!("cannot satisfy {}: {}", f.loc, f.why)
}

/// Envelope fields [`Generator`] overwrites, in the order they are reverted when a filled value
/// turns out to violate the schema.
const ENVELOPE: [&str; 5] = ["eventId", "eventType", "timestamp", "producer", "version"];

/// Generates valid, realistic instances of one schema.
pub struct Generator {
    name: String,
    plan: Plan,
    validator: Arc<jsonschema::Validator>,
    rng: ChaCha8Rng,
    event_type: Option<String>,
    /// `--type`: only events whose `eventType` is this one are kept (a `oneOf` of event types).
    only_type: Option<String>,
    /// Envelope fields the schema pins with const/enum, which are left as generated.
    pinned: [bool; 5],
    /// Envelope fields whose filled value the schema rejected [`GIVE_UP`] times and never
    /// accepted; no longer filled. A field accepted once stays filled (a `oneOf` may pin it in
    /// one branch and leave it free in another).
    skip: [bool; 5],
    rejected: [u8; 5],
    accepted: [bool; 5],
    pub(super) seq: u64,
}

/// Rejections of a filled envelope field, never accepted, after which it is no longer filled.
const GIVE_UP: u8 = 3;

impl Generator {
    /// `seed: None` seeds from the OS.
    pub fn new(schema: &Schema, seed: Option<u64>) -> anyhow::Result<Generator> {
        let plan = Plan::new(schema)?;
        let rng = ChaCha8Rng::seed_from_u64(seed.unwrap_or_else(rand::random));
        let mut pinned = [false; 5];
        if let Node::Leaf(root) = &plan.nodes[plan.root] {
            for (i, f) in ENVELOPE.iter().enumerate() {
                if let Some(p) = root.object.props.iter().find(|p| p.name == *f)
                    && let Node::Leaf(l) = &plan.nodes[p.node]
                {
                    pinned[i] = l.values.is_some();
                }
            }
        }
        Ok(Generator {
            name: schema.name().to_string(),
            plan,
            validator: schema.validator.clone(),
            rng,
            event_type: schema.event_type(),
            only_type: None,
            pinned,
            skip: [false; 5],
            rejected: [0; 5],
            accepted: [false; 5],
            seq: 0,
        })
    }

    /// Keeps only events of type `t` (`--type` on a schema that is a `oneOf` of event types):
    /// other draws are retried, within the attempts [`Generator::generate`] allows.
    pub fn only_type(mut self, t: Option<&str>) -> Generator {
        self.only_type = t.map(str::to_string);
        self
    }

    /// One valid value. Envelope fields, when the value has them and the schema leaves them
    /// free, are set from `fill` (the i-th call of this generator stamps `fill.now + i ms`).
    pub fn generate(&mut self, fill: &EnvelopeFill) -> anyhow::Result<Value> {
        let mut last = String::new();
        let mut attempts = 0;
        while attempts < MAX_ATTEMPTS {
            attempts += 1;
            let mut g = Gen { plan: &self.plan, rng: &mut self.rng, now: fill.now, budget: BUDGET };
            match g.node(self.plan.root, 0, Hint::None) {
                Ok(mut v) => {
                    if let Some(t) = &self.only_type
                        && v.get("eventType").and_then(Value::as_str) != Some(t)
                    {
                        last = format!("no branch of the schema generated eventType {t}");
                        continue;
                    }
                    let original = self.fill(&mut v, fill);
                    if self.validator.is_valid(&v) || self.unfill(&mut v, original, fill) {
                        self.seq += 1;
                        return Ok(v);
                    }
                    if let Some(e) = self.validator.iter_errors(&v).next() {
                        let ip = e.instance_path().to_string();
                        last = format!(
                            "generated value invalid at {} (schema {}): {e}",
                            if ip.is_empty() { "/" } else { &ip },
                            e.schema_path()
                        );
                    }
                }
                Err(f) => {
                    last = format!("cannot satisfy {}: {}", f.loc, f.why);
                    if f.fatal {
                        break;
                    }
                }
            }
        }
        bail!("schema '{}': no valid sample after {attempts} attempt(s); last problem: {last}", self.name)
    }

    /// When envelope field `i` (present as `cur`) is filled, the values to try in turn.
    fn fills_for(&mut self, i: usize, cur: &Value, fill: &EnvelopeFill) -> Vec<Value> {
        let when = fill.now + Duration::milliseconds(i64::try_from(self.seq).unwrap_or(i64::MAX).min(1 << 40));
        match (i, cur) {
            (0, Value::String(_)) => vec![Value::String(fakes::uuid(&mut self.rng))],
            (1, _) => self.event_type.iter().map(|t| Value::String(t.clone())).collect(),
            // A schema with `format: date-time-local` (or a pattern without an offset) takes the
            // second.
            (2, Value::String(_)) => {
                vec![Value::String(crate::term::time::rfc3339(&when)), Value::String(fakes::naive_micros(&when))]
            }
            (2, Value::Number(_)) => vec![Value::from(when.timestamp_millis())],
            (3, Value::String(_)) => vec![Value::String(fill.producer.clone())],
            (4, Value::String(_)) => vec![Value::String("1.0".into())],
            _ => Vec::new(),
        }
    }

    /// Sets envelope fields (each to its first fill); returns the values it replaced and the
    /// other fills to try, so [`Self::unfill`] can undo or retry them.
    fn fill(&mut self, v: &mut Value, fill: &EnvelopeFill) -> [Option<Value>; 5] {
        let mut old: [Option<Value>; 5] = Default::default();
        let Value::Object(m) = v else { return old };
        if !(m.contains_key("eventType") || m.contains_key("eventId")) {
            return old;
        }
        for (i, field) in ENVELOPE.iter().enumerate() {
            if self.skip[i] || self.pinned[i] {
                continue;
            }
            let Some(cur) = m.get(*field) else { continue };
            let cur = cur.clone();
            let Some(new) = self.fills_for(i, &cur, fill).into_iter().next() else { continue };
            if let Some(slot) = m.get_mut(*field) {
                old[i] = Some(std::mem::replace(slot, new));
            }
        }
        old
    }

    /// The filled value is invalid: goes back to the generated value, then fills its envelope
    /// fields one at a time, keeping each fill the schema accepts (a `const` the branch drew,
    /// a timestamp format, stay as generated). False when the generated value itself is invalid.
    fn unfill(&mut self, v: &mut Value, original: [Option<Value>; 5], fill: &EnvelopeFill) -> bool {
        let Value::Object(m) = v else { return false };
        let mut filled: Vec<usize> = Vec::new();
        for (i, o) in original.into_iter().enumerate() {
            if let Some(o) = o {
                m.insert(ENVELOPE[i].to_string(), o);
                filled.push(i);
            }
        }
        if !self.validator.is_valid(v) {
            return false;
        }
        for i in filled {
            let Some(cur) = v.get(ENVELOPE[i]).cloned() else { continue };
            let mut kept = false;
            for new in self.fills_for(i, &cur, fill) {
                let Value::Object(m) = v else { return false };
                m.insert(ENVELOPE[i].to_string(), new);
                if self.validator.is_valid(v) {
                    kept = true;
                    break;
                }
            }
            if kept {
                self.accepted[i] = true;
                continue;
            }
            let Value::Object(m) = v else { return false };
            m.insert(ENVELOPE[i].to_string(), cur);
            self.rejected[i] = self.rejected[i].saturating_add(1);
            if !self.accepted[i] && self.rejected[i] >= GIVE_UP {
                self.skip[i] = true;
            }
        }
        true
    }
}
