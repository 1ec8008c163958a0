//! What a validated manifest is: topics and groups with defaults applied, and the error that
//! lists every problem of a manifest that is not valid.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// A validated manifest with defaults applied and config values normalised.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// File the manifest was read from, for messages.
    pub path: PathBuf,
    /// The `naming` regex every topic must match unless it says `naming: false`.
    pub naming: Option<String>,
    /// Declared topics, in file order.
    pub topics: Vec<TopicSpec>,
    /// Declared consumer groups, in file order.
    pub groups: Vec<GroupSpec>,
    /// `cluster: {brokers: N}`: how many brokers the cluster should have (`health` fails with fewer).
    pub cluster_brokers: Option<usize>,
}

/// One declared topic, with the manifest's defaults applied.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopicSpec {
    /// Topic name, unique in the manifest.
    pub name: String,
    /// Free text for people (and shell completion); not sent to Kafka.
    pub description: Option<String>,
    /// Wanted partition count; the topic's own, else `defaults.partitions`, else 1.
    pub partitions: i32,
    /// Wanted replication factor; the topic's own, else `defaults.replication_factor`, else 1.
    pub replication_factor: i16,
    /// Defaults merged with the topic's own keys, normalised to Kafka's strings.
    pub config: BTreeMap<String, String>,
    /// Schema name: `schemas/<schema>.json`; the topic name when not given; `None` for
    /// `schema: false` (the topic carries no schema: nothing to validate its records against).
    pub schema: Option<String>,
    /// Several event types on one topic (`schemas:`): event type → schema name or path, each
    /// record validated against the schema of its own type. Empty for a one-schema topic; when
    /// set, `schema` is `None`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub schemas: BTreeMap<String, String>,
    /// Where a record of a `schemas:` topic names its event type: a dot path into the event
    /// (`eventType`, the default) or `header:NAME`. `None` when not written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<String>,
    /// Dot path into the event whose value becomes the record key.
    pub key: Option<String>,
    /// Services that write the topic; informational, not enforced.
    pub producers: Vec<String>,
    /// Services that read the topic; informational, not enforced.
    pub consumers: Vec<String>,
    /// A dead-letter topic: the `dlq` commands read these when no topic is named.
    pub dlq: bool,
}

/// One declared consumer group.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupSpec {
    /// The group id.
    pub name: String,
    /// The group's type (`classic`, `consumer`, `share`, `streams`), when declared: `health`
    /// fails a group of another type, or a streams group on a cluster without them.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Topics the group reads; each is declared under `topics`.
    pub topics: Vec<String>,
    /// Lag above which `lag` reports the group as over, unless `--max-lag` is given.
    pub max_lag: Option<i64>,
}

impl Manifest {
    /// The declared topic named `name`, if any.
    pub fn topic(&self, name: &str) -> Option<&TopicSpec> {
        self.topics.iter().find(|t| t.name == name)
    }

    /// The declared group named `name`, if any.
    pub fn group(&self, name: &str) -> Option<&GroupSpec> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Topics marked `dlq: true`, in file order.
    pub fn dlq_topics(&self) -> impl Iterator<Item = &TopicSpec> {
        self.topics.iter().filter(|t| t.dlq)
    }
}

/// One problem found in a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line in the file; `None` when the problem is not tied to a place (e.g. unreadable file).
    pub line: Option<usize>,
    /// 1-based column, when the line is known.
    pub column: Option<usize>,
    /// What is wrong, with names and values escaped for the terminal.
    pub message: String,
}

/// All problems of one manifest file.
#[derive(Debug)]
pub struct ManifestError {
    /// The manifest file.
    pub path: PathBuf,
    /// Every problem found, not only the first.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "{} has {} problem{}:", self.path.display(), n, if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n  {}", self.path.display())?;
            if let Some(l) = p.line {
                write!(f, ":{l}")?;
                if let Some(c) = p.column {
                    write!(f, ":{c}")?;
                }
            }
            write!(f, ": {}", p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ManifestError {}

/// Most partitions a topic can have (Kafka's partition count is a signed 32-bit number).
pub const MAX_PARTITIONS: i64 = i32::MAX as i64;
/// Highest replication factor Kafka accepts (a signed 16-bit number).
pub const MAX_REPLICATION_FACTOR: i64 = i16::MAX as i64;
