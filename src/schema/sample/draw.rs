//! Samples for a topic rather than a schema: a topic with several event types (`schemas:` in the
//! manifest) gets events of each type in turn at random, `--type T` only those of `T`, whether
//! the types are mapped one schema each or are the branches of one `oneOf` schema.

use anyhow::anyhow;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::{EnvelopeFill, Generator};
use crate::schema::select::TopicSchema;

/// Draws samples among a topic's event types.
pub struct Draw {
    gens: Vec<Generator>,
    /// Picks the type of each sample; its own stream, so a one-type draw samples exactly as the
    /// schema's [`Generator`] alone does.
    rng: ChaCha8Rng,
    /// Samples drawn: the next one is stamped this many ms after the first, whichever type.
    count: u64,
}

impl Draw {
    /// Generators for `topic`'s types, or for type `only`. An unknown `only` is an error naming
    /// the known types.
    pub fn new(topic: &TopicSchema, only: Option<&str>, seed: Option<u64>) -> anyhow::Result<Draw> {
        let gens = match (topic, only) {
            (TopicSchema::One(s), t) => vec![Generator::new(s, seed)?.only_type(t)],
            (TopicSchema::ByType(b), Some(t)) => vec![Generator::new(b.schema_of(t).map_err(|e| anyhow!(e))?, seed)?],
            (TopicSchema::ByType(b), None) => {
                let mut gens = Vec::with_capacity(b.types.len());
                for (i, s) in b.types.values().enumerate() {
                    gens.push(Generator::new(s, seed.map(|s| s.wrapping_add(i as u64)))?);
                }
                gens
            }
        };
        if gens.is_empty() {
            return Err(anyhow!("the topic maps no event types"));
        }
        let rng = ChaCha8Rng::seed_from_u64(seed.map_or_else(rand::random, |s| s ^ 0x7479_7065));
        Ok(Draw { gens, rng, count: 0 })
    }

    /// One valid event, of a type drawn at random.
    pub fn generate(&mut self, fill: &EnvelopeFill) -> anyhow::Result<Value> {
        let i = if self.gens.len() == 1 { 0 } else { self.rng.random_range(0..self.gens.len()) };
        // One clock for the topic: timestamps keep rising across types.
        self.gens[i].seq = self.count;
        let v = self.gens[i].generate(fill)?;
        self.count += 1;
        Ok(v)
    }
}
