//! Random valid instances of a JSON Schema, for producing realistic test events.
//!
//! Two layers: [`Plan`] + [`generate_value`] walk a precompiled plan (see `plan.rs`) and build a
//! value from an RNG without validating it; [`Generator`] wraps that with a seeded ChaCha RNG, the
//! schema's compiled validator (every returned value is checked, with a bounded number of
//! retries), and envelope filling (eventId, eventType, timestamp, producer, version).
//!
//! Determinism: the same seed, schema and `now` give byte-identical output, because the RNG is
//! ChaCha, plan nodes list properties in sorted order, and `serde_json::Map` is a `BTreeMap`.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::Schema;
mod fakes;
pub mod plan;
mod regexgen;
mod walk;

use super::resolve::{DirRetriever, DocSet, file_uri};
use fakes::Hint;
use plan::Node;
pub use plan::Plan;
use walk::{BUDGET, Fail, Gen};

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
    /// Envelope fields the schema pins with const/enum, which are left as generated.
    pinned: [bool; 5],
    /// Envelope fields whose filled value the schema rejected once; no longer filled.
    skip: [bool; 5],
    seq: u64,
}

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
            pinned,
            skip: [false; 5],
            seq: 0,
        })
    }

    /// One valid value. Envelope fields, when the value has them, are set from `fill` (the i-th
    /// call of this generator stamps `fill.now + i ms`).
    pub fn generate(&mut self, fill: &EnvelopeFill) -> anyhow::Result<Value> {
        let mut last = String::new();
        let mut attempts = 0;
        while attempts < MAX_ATTEMPTS {
            attempts += 1;
            let mut g = Gen { plan: &self.plan, rng: &mut self.rng, now: fill.now, budget: BUDGET };
            match g.node(self.plan.root, 0, Hint::None) {
                Ok(mut v) => {
                    let original = self.fill(&mut v, fill);
                    if self.validator.is_valid(&v) || self.unfill(&mut v, original) {
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

    /// Sets envelope fields; returns the values it replaced so [`Self::unfill`] can undo them.
    fn fill(&mut self, v: &mut Value, fill: &EnvelopeFill) -> [Option<Value>; 5] {
        let mut old: [Option<Value>; 5] = Default::default();
        let Value::Object(m) = v else { return old };
        if !(m.contains_key("eventType") || m.contains_key("eventId")) {
            return old;
        }
        let when = fill.now + Duration::milliseconds(i64::try_from(self.seq).unwrap_or(i64::MAX).min(1 << 40));
        for (i, field) in ENVELOPE.iter().enumerate() {
            if self.skip[i] || self.pinned[i] {
                continue;
            }
            let Some(cur) = m.get_mut(*field) else { continue };
            let new = match (i, &*cur) {
                (0, Value::String(_)) => Value::String(fakes::uuid(&mut self.rng)),
                (1, _) => match &self.event_type {
                    Some(t) => Value::String(t.clone()),
                    None => continue,
                },
                (2, Value::String(_)) => Value::String(crate::term::time::rfc3339(&when)),
                (2, Value::Number(_)) => Value::from(when.timestamp_millis()),
                (3, Value::String(_)) => Value::String(fill.producer.clone()),
                (4, Value::String(_)) => Value::String("1.0".into()),
                _ => continue,
            };
            old[i] = Some(std::mem::replace(cur, new));
        }
        old
    }

    /// Puts back generated values for filled fields the schema rejects, remembering them so later
    /// samples do not pay for the same mistake. True when that made `v` valid.
    fn unfill(&mut self, v: &mut Value, original: [Option<Value>; 5]) -> bool {
        let Value::Object(m) = v else { return false };
        for (i, o) in original.into_iter().enumerate() {
            let Some(o) = o else { continue };
            let filled = m.insert(ENVELOPE[i].to_string(), o);
            if self.validator.is_valid(&Value::Object(m.clone())) {
                self.skip[i] = true;
                return true;
            }
            if let Some(f) = filled {
                m.insert(ENVELOPE[i].to_string(), f);
            }
        }
        false
    }
}
