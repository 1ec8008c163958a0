//! Topics that carry several event types: the manifest maps each event type to its schema
//! (`schemas:`), and a [`Discriminator`] says where a record names its type, either a field of
//! the event (`eventType`, the envelope style of Python and Java services) or a header
//! (`header:event-type`, the style of producers that keep the type out of the payload).
//!
//! A [`TopicSchema`] is what a command validates a topic's records against: one schema, or one
//! per event type. Picking by type (instead of one `oneOf` schema) lets an error name the schema
//! it checked, and an unknown type is reported as such with the known ones, not as a failure of
//! every branch. Pure: callers hand in the record's value and a way to read its headers.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::{JsonCheck, Schema, SchemaError, SchemaStore, TapeDoc};

/// Where a record names its event type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discriminator {
    /// A dot path into the event (`eventType`, `meta.type`); its value must be a string.
    Field(String),
    /// A record header, by name (`header:event-type`).
    Header(String),
}

impl Default for Discriminator {
    /// The envelope's `eventType` field.
    fn default() -> Self {
        Discriminator::Field(crate::record::envelope::FIELD.to_string())
    }
}

impl Discriminator {
    /// `header:NAME` or a dot path; the manifest's `discriminator:` text.
    pub fn parse(s: &str) -> Result<Discriminator, String> {
        if let Some(h) = s.strip_prefix("header:") {
            let h = h.trim();
            if h.is_empty() {
                return Err(format!("discriminator '{s}' names no header (write header:event-type)"));
            }
            return Ok(Discriminator::Header(h.to_string()));
        }
        if s.is_empty() || s.split('.').any(str::is_empty) {
            return Err(format!(
                "discriminator '{s}' is neither a dot path into the event (eventType) nor header:NAME"
            ));
        }
        Ok(Discriminator::Field(s.to_string()))
    }

    /// The manifest's `discriminator`, or the default `eventType` field when absent.
    pub fn of(text: Option<&str>) -> Result<Discriminator, String> {
        text.map_or_else(|| Ok(Discriminator::default()), Discriminator::parse)
    }

    /// The type named by the event `v` or by a header (`header` looks one up by name, the last
    /// one when repeated). A field that is not a string names no type.
    pub fn read(&self, v: Option<&Value>, header: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        match self {
            Discriminator::Header(h) => header(h),
            Discriminator::Field(path) => {
                let mut cur = v?;
                for part in path.split('.') {
                    cur = cur.get(part)?;
                }
                cur.as_str().map(str::to_string)
            }
        }
    }

    /// [`Discriminator::read`] on a parsed line (no `Value` is built).
    pub fn read_doc(&self, doc: &TapeDoc<'_>, header: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        match self {
            Discriminator::Header(h) => header(h),
            Discriminator::Field(path) => doc.str_at(path).map(str::to_string),
        }
    }
}

impl fmt::Display for Discriminator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Discriminator::Field(p) => write!(f, "field {p}"),
            Discriminator::Header(h) => write!(f, "header {h}"),
        }
    }
}

/// The schemas of one topic with several event types.
#[derive(Debug, Clone)]
pub struct ByType {
    /// Where each record names its type.
    pub discriminator: Discriminator,
    /// Event type → its compiled schema.
    pub types: BTreeMap<String, Schema>,
}

/// Why a record could not be checked or was rejected.
#[derive(Debug)]
pub enum Rejected {
    /// The value is not one JSON document.
    NotJson(serde_json::Error),
    /// The record names no event type (`ByType` only).
    NoType(String),
    /// The record names a type the topic does not map.
    UnknownType(String),
    /// Invalid against the schema picked (named when the topic has several).
    Invalid {
        /// `event type patient.created (schema patient-created)`, or `None` for a one-schema topic.
        picked: Option<String>,
        /// Every validation error (never empty).
        errors: Vec<SchemaError>,
    },
}

impl Rejected {
    /// The first `max` errors joined, with how many were left out: one line for a report.
    pub fn summary(&self, max: usize) -> String {
        match self {
            Rejected::NotJson(e) => format!("not JSON: {e}"),
            Rejected::NoType(m) | Rejected::UnknownType(m) => m.clone(),
            Rejected::Invalid { picked, errors } => {
                let shown: Vec<String> = errors.iter().take(max).map(ToString::to_string).collect();
                let more = if errors.len() > max { format!(" (+{} more)", errors.len() - max) } else { String::new() };
                match picked {
                    Some(p) => format!("{p}: {}{more}", shown.join("; ")),
                    None => format!("{}{more}", shown.join("; ")),
                }
            }
        }
    }
}

impl ByType {
    /// Loads every schema of `types` (event type → schema name or path) from `store`; an error
    /// names the event type whose schema is missing or broken.
    pub fn load(
        store: &SchemaStore,
        discriminator: Discriminator,
        types: &BTreeMap<String, String>,
    ) -> anyhow::Result<ByType> {
        let mut out = BTreeMap::new();
        for (t, name) in types {
            let s = store.load(name).map_err(|e| anyhow::anyhow!("event type {t}: {e:#}"))?;
            out.insert(t.clone(), s);
        }
        Ok(ByType { discriminator, types: out })
    }

    /// The known types, comma-separated, for messages.
    pub fn known(&self) -> String {
        self.types.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
    }

    /// The schema of event type `t`; an error names the known types.
    pub fn schema_of(&self, t: &str) -> Result<&Schema, String> {
        self.types.get(t).ok_or_else(|| format!("unknown event type '{t}' (known: {})", self.known()))
    }

    /// The schema a record with type `found` (as its discriminator read it) is checked against.
    pub fn pick(&self, found: Option<String>) -> Result<(String, &Schema), Rejected> {
        let Some(t) = found else {
            return Err(Rejected::NoType(format!(
                "no event type: the {} is missing or not a string (known types: {})",
                self.discriminator,
                self.known()
            )));
        };
        match self.types.get(&t) {
            Some(s) => Ok((t, s)),
            None => Err(Rejected::UnknownType(format!(
                "unknown event type '{t}' ({}); known: {}",
                self.discriminator,
                self.known()
            ))),
        }
    }
}

/// What a topic's records are validated against.
#[derive(Debug, Clone)]
pub enum TopicSchema {
    /// One schema for every record (it may itself be a `oneOf`).
    One(Schema),
    /// One schema per event type.
    ByType(ByType),
}

/// `event type T (schema NAME)`: how a picked schema is named in errors.
fn picked(t: &str, s: &Schema) -> String {
    format!("event type {t} (schema {})", s.name())
}

impl TopicSchema {
    /// Checks a record: its value (JSON bytes) and, for a header discriminator, its headers.
    pub fn check(&self, bytes: &[u8], header: &dyn Fn(&str) -> Option<String>) -> Result<(), Rejected> {
        match self {
            TopicSchema::One(s) => s.check_json(bytes).map_err(|e| match e {
                JsonCheck::NotJson(e) => Rejected::NotJson(e),
                JsonCheck::Invalid(errors) => Rejected::Invalid { picked: None, errors },
            }),
            TopicSchema::ByType(b) => {
                let v: Value = serde_json::from_slice(bytes).map_err(Rejected::NotJson)?;
                let (t, s) = b.pick(b.discriminator.read(Some(&v), header))?;
                s.validate(&v).map_err(|errors| Rejected::Invalid { picked: Some(picked(&t, s)), errors })
            }
        }
    }

    /// [`TopicSchema::check`] of a line already parsed into `doc` (`produce --input`).
    pub fn check_doc(
        &self,
        doc: &TapeDoc<'_>,
        bytes: &[u8],
        header: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), Rejected> {
        let (picked_name, s) = match self {
            TopicSchema::One(s) => (None, s),
            TopicSchema::ByType(b) => {
                let (t, s) = b.pick(b.discriminator.read_doc(doc, header))?;
                (Some(picked(&t, s)), s)
            }
        };
        s.check_doc(doc, bytes).map_err(|e| match e {
            JsonCheck::NotJson(e) => Rejected::NotJson(e),
            JsonCheck::Invalid(errors) => Rejected::Invalid { picked: picked_name, errors },
        })
    }

    /// The one schema, or the one of event type `t` when given; `--type` with a one-schema
    /// topic keeps that schema (its sampler then draws only events of that type).
    pub fn for_type(&self, t: Option<&str>) -> Result<&Schema, String> {
        match (self, t) {
            (TopicSchema::One(s), _) => Ok(s),
            (TopicSchema::ByType(b), Some(t)) => b.schema_of(t),
            (TopicSchema::ByType(b), None) => {
                b.types.values().next().ok_or_else(|| "the topic maps no event types".to_string())
            }
        }
    }

    /// The discriminator, for a topic with several event types.
    pub fn discriminator(&self) -> Option<&Discriminator> {
        match self {
            TopicSchema::One(_) => None,
            TopicSchema::ByType(b) => Some(&b.discriminator),
        }
    }
}
