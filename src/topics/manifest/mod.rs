//! The topics manifest (`topics.yaml`): parsing, defaults, unit normalisation and validation.
//!
//! Pure: knows nothing of brokers. Every command that reads the manifest goes through [`load`], so
//! a bad manifest is rejected the same way everywhere, with every problem listed at once and
//! located as `file:line:column`.
//!
//! The YAML is read by [`yaml`] into nodes that know their position, in one pass, with nesting
//! and alias expansion bounded; the fields are then checked one by one here instead of by serde,
//! whose first error (an unknown field, a wrong type) used to hide every other problem. Messages
//! quote names and values from the file, so they are escaped for the terminal as they are made.

mod yaml;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::topics::{known_keys, units};
use yaml::{Kind, Node, Pos};

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

const ROOT_FIELDS: &[&str] = &["version", "defaults", "naming", "topics", "groups"];
const DEFAULTS_FIELDS: &[&str] = &["partitions", "replication_factor", "config"];
const TOPIC_FIELDS: &[&str] = &[
    "name",
    "description",
    "partitions",
    "replication_factor",
    "config",
    "schema",
    "key",
    "producers",
    "consumers",
    "dlq",
    "naming",
];
const GROUP_FIELDS: &[&str] = &["name", "topics", "max_lag"];

/// Read and validate a manifest file.
pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
    let src = crate::limits::read(path, crate::limits::FILES).map_err(|e| ManifestError {
        path: path.to_path_buf(),
        problems: vec![Problem { line: None, column: None, message: format!("cannot read: {e}") }],
    })?;
    parse_bytes(&src, path)
}

/// Parse and validate manifest text; `path` is used in messages only.
pub fn parse(src: &str, path: &Path) -> Result<Manifest, ManifestError> {
    parse_bytes(src.as_bytes(), path)
}

/// Parse and validate a manifest's bytes (which must be UTF-8); `path` is used in messages only.
pub fn parse_bytes(src: &[u8], path: &Path) -> Result<Manifest, ManifestError> {
    let fail = |problems| ManifestError { path: path.to_path_buf(), problems };
    let text = match std::str::from_utf8(src) {
        Ok(text) => text,
        Err(e) => {
            let off = e.valid_up_to();
            let line_start = src[..off].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            // The prefix is valid UTF-8, so the column counts characters like an editor does.
            let col = String::from_utf8_lossy(&src[line_start..off]).chars().count() + 1;
            let line = src[..off].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(fail(vec![Problem {
                line: Some(line),
                column: Some(col),
                message: format!("not UTF-8: byte 0x{:02x} at byte offset {off} (save the file as UTF-8)", src[off]),
            }]));
        }
    };
    let root = match yaml::parse(text) {
        Ok(Some(root)) => root,
        Ok(None) => {
            return Err(fail(vec![Problem {
                line: None,
                column: None,
                message: "the manifest is empty (expected `version: 1` and `topics:`)".into(),
            }]));
        }
        Err(e) => {
            return Err(fail(vec![Problem {
                line: e.pos.map(|p| p.line),
                column: e.pos.map(|p| p.col),
                message: e.message,
            }]));
        }
    };
    let mut p = Problems(Vec::new());
    let manifest = check(&root, path, &mut p);
    match manifest {
        Some(m) if p.0.is_empty() => Ok(m),
        _ => {
            let mut problems = p.0;
            // Stable: problems on one spot keep the order they were found in.
            problems.sort_by_key(|p| (p.line.unwrap_or(0), p.column.unwrap_or(0)));
            Err(fail(problems))
        }
    }
}

/// Problems found so far. Every message is escaped for the terminal on the way in: manifests
/// can hold any text (`name: "\e[2J"`), and messages quote names and values.
struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, at: Pos, message: impl AsRef<str>) {
        self.0.push(Problem {
            line: Some(at.line),
            column: Some(at.col),
            message: crate::term::sanitize::for_terminal(message.as_ref()).into_owned(),
        });
    }
}

/// The known fields of one mapping, each with the node of its key (for locations) and value.
struct Fields<'n> {
    pos: Pos,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    /// Reads a mapping, reporting keys that are not in `known` and keys given twice (at the
    /// second one). `None` (reported) when the node is not a mapping.
    fn of(node: &'n Node, what: &str, known: &[&str], p: &mut Problems) -> Option<Fields<'n>> {
        let Kind::Map(pairs) = &node.kind else {
            p.push(node.pos, format!("{what} must be a mapping, not {}", node.kind_name()));
            return None;
        };
        let mut entries: Vec<(&'n str, &'n Node, &'n Node)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let Some(name) = k.scalar() else {
                p.push(k.pos, format!("{what}: keys must be field names, not {}", k.kind_name()));
                continue;
            };
            if !known.contains(&name) {
                let expected = known.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
                p.push(k.pos, format!("{what}: unknown field `{name}`, expected one of {expected}"));
            } else if entries.iter().any(|(n, _, _)| *n == name) {
                p.push(k.pos, format!("{what}: duplicate field `{name}`"));
            } else {
                entries.push((name, k, v));
            }
        }
        Some(Fields { pos: node.pos, entries })
    }

    /// The key and value of a field that is set (null counts as not set).
    fn get(&self, name: &str) -> Option<(&'n Node, &'n Node)> {
        self.entries.iter().find(|(n, _, v)| *n == name && !v.is_null()).map(|(_, k, v)| (*k, *v))
    }

    fn string(&self, name: &str, what: &str, p: &mut Problems) -> Option<String> {
        let (_, v) = self.get(name)?;
        match v.scalar() {
            Some(s) => Some(s.to_string()),
            None => {
                p.push(v.pos, format!("{what}: `{name}` must be a string, not {}", v.kind_name()));
                None
            }
        }
    }

    /// An integer field, with the position of its key; `Err(())` (reported) when it is not one.
    fn int(&self, name: &str, what: &str, p: &mut Problems) -> Result<Option<(i64, Pos)>, ()> {
        let Some((k, v)) = self.get(name) else { return Ok(None) };
        match &v.kind {
            Kind::Scalar { text, plain: true } => match parse_int(text) {
                Some(n) => Ok(Some((n, k.pos))),
                None => {
                    p.push(v.pos, format!("{what}: `{name}` must be an integer, got '{text}'"));
                    Err(())
                }
            },
            _ => {
                p.push(v.pos, format!("{what}: `{name}` must be an integer, not {}", describe(v)));
                Err(())
            }
        }
    }

    fn boolean(&self, name: &str, what: &str, p: &mut Problems) -> Option<bool> {
        let (_, v) = self.get(name)?;
        match &v.kind {
            Kind::Scalar { text, plain: true } if matches!(text.as_str(), "true" | "True" | "TRUE") => Some(true),
            Kind::Scalar { text, plain: true } if matches!(text.as_str(), "false" | "False" | "FALSE") => Some(false),
            _ => {
                p.push(v.pos, format!("{what}: `{name}` must be true or false, not {}", describe(v)));
                None
            }
        }
    }

    /// The `schema` field: a schema name, the topic name when absent, `None` for `false`. Only a
    /// plain `false` opts out: a quoted `"false"` names a schema file `false.json`, as any string.
    fn schema(&self, topic: &str, what: &str, p: &mut Problems) -> Option<String> {
        match self.get("schema") {
            Some((_, v)) if matches!(&v.kind, Kind::Scalar { text, plain: true } if text == "false") => None,
            Some((_, v)) if matches!(&v.kind, Kind::Scalar { text, plain: true } if text == "true") => {
                p.push(v.pos, format!("{what}: `schema` is a schema name, or false for none; not true"));
                Some(topic.to_string())
            }
            _ => Some(self.string("schema", what, p).unwrap_or_else(|| topic.to_string())),
        }
    }

    /// A list of strings, each with its position.
    fn strings(&self, name: &str, what: &str, p: &mut Problems) -> Vec<(String, Pos)> {
        let Some((_, v)) = self.get(name) else { return Vec::new() };
        let Kind::Seq(items) = &v.kind else {
            p.push(v.pos, format!("{what}: `{name}` must be a list, not {}", describe(v)));
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|i| match i.scalar() {
                Some(s) => Some((s.to_string(), i.pos)),
                None => {
                    p.push(i.pos, format!("{what}: `{name}` entries must be strings, not {}", i.kind_name()));
                    None
                }
            })
            .collect()
    }

    /// A `config:` mapping: key text, key position and value node, in file order.
    fn config(&self, what: &str, p: &mut Problems) -> Vec<(String, Pos, &'n Node)> {
        let Some((_, v)) = self.get("config") else { return Vec::new() };
        let Kind::Map(pairs) = &v.kind else {
            p.push(v.pos, format!("{what}: `config` must be a mapping, not {}", describe(v)));
            return Vec::new();
        };
        let mut out: Vec<(String, Pos, &'n Node)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match k.scalar() {
                Some(name) if out.iter().any(|(n, _, _)| n == name) => {
                    p.push(k.pos, format!("{what}: config key '{name}' is given twice"));
                }
                Some(name) => out.push((name.to_string(), k.pos, v)),
                None => p.push(k.pos, format!("{what}: config keys must be names, not {}", k.kind_name())),
            }
        }
        out
    }
}

/// `topics[3] 'orders.created'`: how messages name an entry, by its `name` when it has one.
fn label_of(list: &str, i: usize, node: &Node) -> String {
    let name = match &node.kind {
        Kind::Map(pairs) => pairs.iter().find(|(k, _)| k.scalar() == Some("name")).and_then(|(_, v)| v.scalar()),
        _ => None,
    };
    match name {
        Some(n) => format!("{list}[{i}] '{n}'"),
        None => format!("{list}[{i}]"),
    }
}

/// A scalar quoted as it was written, or the kind of node, for messages.
fn describe(v: &Node) -> String {
    match &v.kind {
        Kind::Scalar { text, plain: false } => format!("the string '{text}'"),
        Kind::Scalar { text, plain: true } => format!("'{text}'"),
        _ => v.kind_name().to_string(),
    }
}

/// A YAML integer (decimal, `0x`, `0o`; optional sign), or `None`. Values beyond i64 saturate,
/// so they are reported by the range checks with the rest.
fn parse_int(text: &str) -> Option<i64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (radix, digits) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let n = i128::from_str_radix(digits, radix).unwrap_or(i128::MAX);
    let n = if neg { -n } else { n };
    Some(n.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}

/// `Err` (reported) when `n` is outside `lo..=hi`.
fn check_range(n: i64, lo: i64, hi: i64, what: &str, at: Pos, p: &mut Problems) -> Result<(), ()> {
    if (lo..=hi).contains(&n) {
        return Ok(());
    }
    p.push(at, format!("{what} must be between {lo} and {hi}, got {n}"));
    Err(())
}

/// The manifest, if its structure could be read; every problem is pushed on the way, in the
/// order of the file's sections (version, naming, defaults, topics, groups).
fn check(root: &Node, path: &Path, p: &mut Problems) -> Option<Manifest> {
    let top = Fields::of(root, "the manifest", ROOT_FIELDS, p)?;

    match top.int("version", "the manifest", p) {
        Ok(Some((1, _))) | Err(()) => {}
        Ok(Some((v, at))) => p.push(at, format!("unsupported manifest version {v} (this evbus reads version 1)")),
        Ok(None) => p.push(top.pos, "missing field `version` (this evbus reads version 1)"),
    }

    let naming_src = top.string("naming", "the manifest", p);
    let naming = naming_src.as_ref().and_then(|n| match regex::Regex::new(n) {
        Ok(r) => Some(r),
        Err(e) => {
            let at = top.get("naming").map_or(top.pos, |(k, _)| k.pos);
            p.push(at, format!("`naming` is not a valid regex: {e}"));
            None
        }
    });

    let defaults = check_defaults(&top, p);
    let topic_nodes: &[Node] = match top.get("topics") {
        None => &[],
        Some((_, v)) => match &v.kind {
            Kind::Seq(items) => items,
            _ => {
                p.push(v.pos, format!("`topics` must be a list of topics, not {}", describe(v)));
                &[]
            }
        },
    };
    let mut topics = Vec::with_capacity(topic_nodes.len());
    // `.` and `_` collide in Kafka's metric names: the first name seen for each folded form.
    let mut seen: HashMap<String, String> = HashMap::with_capacity(topic_nodes.len());
    for (i, node) in topic_nodes.iter().enumerate() {
        if let Some(t) = check_topic(i, node, &defaults, naming.as_ref(), naming_src.is_some(), &mut seen, p) {
            topics.push(t);
        }
    }

    let declared: HashSet<&str> = topics.iter().map(|t| t.name.as_str()).collect();
    let groups = check_groups(&top, &declared, p);
    Some(Manifest { path: path.to_path_buf(), naming: naming_src, topics, groups })
}

/// What a topic gets when it does not say: `defaults` from the manifest, else 1, 1 and no config.
struct Defaults {
    partitions: i64,
    replication_factor: i64,
    config: BTreeMap<String, String>,
}

/// `defaults`; an invalid default is reported once, here, not under every topic.
fn check_defaults(top: &Fields<'_>, p: &mut Problems) -> Defaults {
    let mut d_out = Defaults { partitions: 1, replication_factor: 1, config: BTreeMap::new() };
    if let Some((_, d)) = top.get("defaults")
        && let Some(d) = Fields::of(d, "defaults", DEFAULTS_FIELDS, p)
    {
        if let Ok(Some((n, at))) = d.int("partitions", "defaults", p)
            && check_range(n, 1, MAX_PARTITIONS, "defaults.partitions", at, p).is_ok()
        {
            d_out.partitions = n;
        }
        if let Ok(Some((n, at))) = d.int("replication_factor", "defaults", p)
            && check_range(n, 1, MAX_REPLICATION_FACTOR, "defaults.replication_factor", at, p).is_ok()
        {
            d_out.replication_factor = n;
        }
        for (k, at, v) in d.config("defaults", p) {
            if !known_keys::is_known(&k) {
                let hint = known_keys::suggest(&k).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
                p.push(at, format!("defaults.config: unknown topic config key '{k}'{hint}"));
                continue;
            }
            match config_value(&k, v) {
                Ok(val) => {
                    d_out.config.insert(k, val);
                }
                Err(m) => p.push(v.pos, format!("defaults.config: {m}")),
            }
        }
    }

    d_out
}

/// One entry of `topics` (the `i`th), or `None` when it has no usable name. `seen` holds the first
/// name seen for each form with `.` and `_` folded together, to report collisions.
fn check_topic(
    i: usize,
    node: &Node,
    defaults: &Defaults,
    naming: Option<&regex::Regex>,
    has_naming_rule: bool,
    seen: &mut HashMap<String, String>,
    p: &mut Problems,
) -> Option<TopicSpec> {
    let what = label_of("topics", i, node);
    let t = Fields::of(node, &what, TOPIC_FIELDS, p)?;
    let (at, name) = match (t.get("name"), t.string("name", &what, p)) {
        (Some((k, _)), Some(name)) => (k.pos, name),
        (None, _) => {
            p.push(t.pos, format!("topics[{i}]: missing field `name`"));
            return None;
        }
        (Some(_), None) => return None,
    };
    let label = what;

    if let Err(m) = check_topic_name(&name) {
        p.push(at, format!("{label}: {m}"));
    }
    let collision_key = name.replace('.', "_");
    match seen.get(&collision_key) {
        Some(prev) if prev == &name => p.push(at, format!("{label}: duplicate topic")),
        Some(prev) => {
            p.push(at, format!("{label}: collides with '{prev}' (Kafka treats '.' and '_' alike in metric names)"))
        }
        None => {
            seen.insert(collision_key, name.clone());
        }
    }
    let naming_flag = t.boolean("naming", &label, p);
    if let Some(re) = naming
        && naming_flag != Some(false)
        && !re.is_match(&name)
    {
        p.push(
            at,
            format!("{label}: does not match the naming rule '{}' (add `naming: false` to exempt it)", re.as_str()),
        );
    }
    if naming_flag == Some(true) && !has_naming_rule {
        p.push(at, format!("{label}: `naming: true` but the manifest has no naming rule"));
    }

    let partitions = match t.int("partitions", &label, p) {
        Ok(Some((n, kat))) => {
            let _ = check_range(n, 1, MAX_PARTITIONS, &format!("{label}: partitions"), kat, p);
            n
        }
        _ => defaults.partitions,
    };
    let rf = match t.int("replication_factor", &label, p) {
        Ok(Some((n, kat))) => {
            let _ = check_range(n, 1, MAX_REPLICATION_FACTOR, &format!("{label}: replication_factor"), kat, p);
            n
        }
        _ => defaults.replication_factor,
    };

    let mut config = defaults.config.clone();
    for (k, kat, v) in t.config(&label, p) {
        if !known_keys::is_known(&k) {
            let hint = known_keys::suggest(&k).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
            p.push(kat, format!("{label}: unknown topic config key '{k}'{hint}"));
            return None;
        }
        match config_value(&k, v) {
            Ok(val) => {
                config.insert(k, val);
            }
            Err(m) => p.push(v.pos, format!("{label}: {m}")),
        }
    }
    let key = t.string("key", &label, p);
    if let Some(key) = &key
        && (key.is_empty() || key.split('.').any(str::is_empty))
    {
        let kat = t.get("key").map_or(at, |(k, _)| k.pos);
        p.push(kat, format!("{label}: key '{key}' is not a dot path like payload.userId"));
    }
    let strings = |v: Vec<(String, Pos)>| -> Vec<String> { v.into_iter().map(|(s, _)| s).collect() };
    Some(TopicSpec {
        description: t.string("description", &label, p),
        partitions: partitions.clamp(1, MAX_PARTITIONS) as i32,
        replication_factor: rf.clamp(1, MAX_REPLICATION_FACTOR) as i16,
        config,
        schema: t.schema(&name, &label, p),
        key,
        producers: strings(t.strings("producers", &label, p)),
        consumers: strings(t.strings("consumers", &label, p)),
        dlq: t.boolean("dlq", &label, p).unwrap_or(false),
        name,
    })
}

/// `groups`: each with its topics (which must be declared under `topics`) and `max_lag`.
fn check_groups(top: &Fields<'_>, declared: &HashSet<&str>, p: &mut Problems) -> Vec<GroupSpec> {
    let group_nodes: &[Node] = match top.get("groups") {
        None => &[],
        Some((_, v)) => match &v.kind {
            Kind::Seq(items) => items,
            _ => {
                p.push(v.pos, format!("`groups` must be a list of consumer groups, not {}", describe(v)));
                &[]
            }
        },
    };
    let mut groups = Vec::with_capacity(group_nodes.len());
    let mut group_names: HashSet<String> = HashSet::with_capacity(group_nodes.len());
    for (i, node) in group_nodes.iter().enumerate() {
        let what = label_of("groups", i, node);
        let Some(g) = Fields::of(node, &what, GROUP_FIELDS, p) else { continue };
        let (at, name) = match (g.get("name"), g.string("name", &what, p)) {
            (Some((k, _)), Some(name)) => (k.pos, name),
            (None, _) => {
                p.push(g.pos, format!("groups[{i}]: missing field `name`"));
                continue;
            }
            (Some(_), None) => continue,
        };
        let label = what;
        if name.trim().is_empty() {
            p.push(at, format!("groups[{i}]: empty group name"));
        }
        if !group_names.insert(name.clone()) {
            p.push(at, format!("{label}: duplicate group"));
        }
        let group_topics = g.strings("topics", &label, p);
        for (t, tat) in &group_topics {
            if !declared.contains(t.as_str()) {
                p.push(*tat, format!("{label}: topic '{t}' is not declared under topics"));
            }
        }
        let max_lag = match g.int("max_lag", &label, p) {
            Ok(Some((m, kat))) if m < 0 => {
                p.push(kat, format!("{label}: max_lag must be ≥ 0, got {m}"));
                None
            }
            Ok(Some((m, _))) => Some(m),
            _ => None,
        };
        groups.push(GroupSpec { name, topics: group_topics.into_iter().map(|(t, _)| t).collect(), max_lag });
    }

    groups
}

/// A config value as Kafka's string: scalars as written (YAML booleans in lower case).
fn config_value(key: &str, v: &Node) -> Result<String, String> {
    let s = match &v.kind {
        Kind::Scalar { text, plain: true } if matches!(text.as_str(), "True" | "TRUE") => "true".to_string(),
        Kind::Scalar { text, plain: true } if matches!(text.as_str(), "False" | "FALSE") => "false".to_string(),
        Kind::Scalar { text, .. } if !v.is_null() => text.clone(),
        _ => return Err(format!("{key}: value must be a string, number or boolean")),
    };
    units::normalize(key, &s)
}

/// Kafka's own rules for topic names (`org.apache.kafka.common.internals.Topic.validate`).
pub fn check_topic_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("topic name is empty".into());
    }
    if name == "." || name == ".." {
        return Err("topic name cannot be '.' or '..'".into());
    }
    if name.len() > 249 {
        return Err(format!("topic name is {} characters long, the maximum is 249", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        return Err(format!("illegal character {c:?} in topic name (allowed: a-z A-Z 0-9 . _ -)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fuzz;
