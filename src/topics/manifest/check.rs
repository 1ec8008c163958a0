//! Reading and validating a manifest: the YAML into positioned nodes ([`super::yaml`]), then
//! every section checked field by field ([`super::fields`]), all problems listed at once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::fields::{Fields, Problems, check_range, describe, label_of};
use super::model::{GroupSpec, MAX_PARTITIONS, MAX_REPLICATION_FACTOR, Manifest, ManifestError, Problem, TopicSpec};
use super::yaml::{self, Kind, Node, Pos};
use crate::topics::{known_keys, units};

const ROOT_FIELDS: &[&str] = &["version", "cluster", "defaults", "naming", "topics", "groups"];
const CLUSTER_FIELDS: &[&str] = &["brokers"];
const DEFAULTS_FIELDS: &[&str] = &["partitions", "replication_factor", "config"];
const TOPIC_FIELDS: &[&str] = &[
    "name",
    "description",
    "partitions",
    "replication_factor",
    "config",
    "schema",
    "schemas",
    "discriminator",
    "key",
    "producers",
    "consumers",
    "dlq",
    "naming",
];
const GROUP_FIELDS: &[&str] = &["name", "type", "topics", "max_lag"];

/// The group types `groups[].type` takes (as `groups list` shows them).
const GROUP_TYPES: &[&str] = &["classic", "consumer", "share", "streams"];

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

    let cluster_brokers = check_cluster(&top, p);
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
    Some(Manifest { path: path.to_path_buf(), naming: naming_src, topics, groups, cluster_brokers })
}

/// `cluster`: what the cluster itself should look like (for now its broker count).
fn check_cluster(top: &Fields<'_>, p: &mut Problems) -> Option<usize> {
    let (_, c) = top.get("cluster")?;
    let c = Fields::of(c, "cluster", CLUSTER_FIELDS, p)?;
    match c.int("brokers", "cluster", p) {
        Ok(Some((n, at))) if check_range(n, 1, i32::MAX as i64, "cluster.brokers", at, p).is_ok() => Some(n as usize),
        _ => None,
    }
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
    let schemas = t.event_schemas(&label, p);
    let discriminator = t.string("discriminator", &label, p);
    let mut schema = t.schema(&name, &label, p);
    if !schemas.is_empty() || t.get("schemas").is_some() {
        if let Some((k, _)) = t.get("schema") {
            p.push(k.pos, format!("{label}: give `schema` (one schema) or `schemas` (one per event type), not both"));
        }
        schema = None;
    }
    if let Some(d) = &discriminator {
        let kat = t.get("discriminator").map_or(at, |(k, _)| k.pos);
        if let Err(m) = crate::schema::select::Discriminator::parse(d) {
            p.push(kat, format!("{label}: {m}"));
        } else if t.get("schemas").is_none() {
            p.push(kat, format!("{label}: `discriminator` picks among `schemas`, but the topic has none"));
        }
    }
    Some(TopicSpec {
        description: t.string("description", &label, p),
        partitions: partitions.clamp(1, MAX_PARTITIONS) as i32,
        replication_factor: rf.clamp(1, MAX_REPLICATION_FACTOR) as i16,
        config,
        schema,
        schemas,
        discriminator,
        key,
        producers: strings(t.strings("producers", &label, p)),
        consumers: strings(t.strings("consumers", &label, p)),
        dlq: t.boolean("dlq", &label, p).unwrap_or(false),
        name,
    })
}

/// `groups`: each with its topics (which must be declared under `topics`), `max_lag` and
/// optional `type`.
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
        let kind = g.string("type", &label, p);
        if let (Some(k), Some((_, v))) = (&kind, g.get("type"))
            && !GROUP_TYPES.contains(&k.as_str())
        {
            p.push(v.pos, format!("{label}: type must be one of {}, got '{k}'", GROUP_TYPES.join(", ")));
        }
        groups.push(GroupSpec { name, kind, topics: group_topics.into_iter().map(|(t, _)| t).collect(), max_lag });
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
