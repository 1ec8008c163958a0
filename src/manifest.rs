//! The topics manifest (`topics.yaml`): parsing, defaults, unit normalisation and validation.
//!
//! Pure: knows nothing of brokers or terminals. Every command that reads the manifest goes through
//! [`load`], so a bad manifest is rejected the same way everywhere, with every problem listed at
//! once and located as `file:line:column` where we can find it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{topic_config, units};

/// A validated manifest with defaults applied and config values normalised.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub path: PathBuf,
    pub naming: Option<String>,
    pub topics: Vec<TopicSpec>,
    pub groups: Vec<GroupSpec>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopicSpec {
    pub name: String,
    pub description: Option<String>,
    pub partitions: i32,
    pub replication_factor: i16,
    /// Defaults merged with the topic's own keys, normalised to Kafka's strings.
    pub config: BTreeMap<String, String>,
    /// Schema name: `schemas/<schema>.json`.
    pub schema: String,
    /// Dot path into the event whose value becomes the record key.
    pub key: Option<String>,
    pub producers: Vec<String>,
    pub consumers: Vec<String>,
    pub dlq: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupSpec {
    pub name: String,
    pub topics: Vec<String>,
    pub max_lag: Option<i64>,
}

impl Manifest {
    pub fn topic(&self, name: &str) -> Option<&TopicSpec> {
        self.topics.iter().find(|t| t.name == name)
    }

    pub fn group(&self, name: &str) -> Option<&GroupSpec> {
        self.groups.iter().find(|g| g.name == name)
    }

    pub fn dlq_topics(&self) -> impl Iterator<Item = &TopicSpec> {
        self.topics.iter().filter(|t| t.dlq)
    }
}

/// One problem found in a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// All problems of one manifest file.
#[derive(Debug)]
pub struct ManifestError {
    pub path: PathBuf,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    version: u32,
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default)]
    naming: Option<String>,
    #[serde(default)]
    topics: Vec<RawTopic>,
    #[serde(default)]
    groups: Vec<RawGroup>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    partitions: Option<i64>,
    replication_factor: Option<i64>,
    #[serde(default)]
    config: BTreeMap<String, serde_yaml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    name: String,
    description: Option<String>,
    partitions: Option<i64>,
    replication_factor: Option<i64>,
    #[serde(default)]
    config: BTreeMap<String, serde_yaml::Value>,
    schema: Option<String>,
    key: Option<String>,
    #[serde(default)]
    producers: Vec<String>,
    #[serde(default)]
    consumers: Vec<String>,
    #[serde(default)]
    dlq: bool,
    /// `naming: false` exempts this topic from the naming rule.
    naming: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: String,
    #[serde(default)]
    topics: Vec<String>,
    max_lag: Option<i64>,
}

/// Read and validate a manifest file.
pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
    let src = std::fs::read_to_string(path).map_err(|e| ManifestError {
        path: path.to_path_buf(),
        problems: vec![Problem { line: None, column: None, message: format!("cannot read: {e}") }],
    })?;
    parse(&src, path)
}

/// Parse and validate manifest text; `path` is used in messages only.
pub fn parse(src: &str, path: &Path) -> Result<Manifest, ManifestError> {
    let err = |problems| ManifestError { path: path.to_path_buf(), problems };
    let raw: RawManifest = serde_yaml::from_str(src).map_err(|e| {
        let loc = e.location();
        // serde_yaml appends "at line L column C" itself; strip it since we print the location first.
        let msg = e.to_string();
        let msg = match msg.rfind(" at line ") {
            Some(i) if loc.is_some() => msg[..i].to_string(),
            _ => msg,
        };
        err(vec![Problem {
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
            message: msg,
        }])
    })?;
    let locator = Locator::new(src);
    let mut problems = Vec::new();
    let mut push = |line: Option<(usize, usize)>, message: String| {
        problems.push(Problem { line: line.map(|l| l.0), column: line.map(|l| l.1), message })
    };

    if raw.version != 1 {
        push(
            locator.key_line("version", 0),
            format!("unsupported manifest version {} (this evbus reads version 1)", raw.version),
        );
    }

    let naming = match &raw.naming {
        Some(n) => match regex::Regex::new(n) {
            Ok(r) => Some(r),
            Err(e) => {
                push(locator.key_line("naming", 0), format!("`naming` is not a valid regex: {e}"));
                None
            }
        },
        None => None,
    };

    let default_partitions = raw.defaults.partitions.unwrap_or(1);
    let default_rf = raw.defaults.replication_factor.unwrap_or(1);
    let mut default_config = BTreeMap::new();
    for (k, v) in &raw.defaults.config {
        let at = locator.key_line(k, 0);
        match config_value(k, v) {
            Ok(val) => {
                default_config.insert(k.clone(), val);
            }
            Err(m) => push(at, format!("defaults.config: {m}")),
        }
    }

    let mut topics = Vec::with_capacity(raw.topics.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut occurrences: HashMap<&str, usize> = HashMap::new();
    for (i, t) in raw.topics.iter().enumerate() {
        let nth = occurrences.entry(t.name.as_str()).or_default();
        let at = locator.name_line(&t.name, *nth);
        *nth += 1;
        let after = at.map(|a| a.0).unwrap_or(0);
        let label = format!("topics[{i}] '{}'", t.name);

        if let Err(m) = check_topic_name(&t.name) {
            push(at, format!("{label}: {m}"));
        }
        let collision_key = t.name.replace('.', "_");
        if let Some(prev) = seen.get(&collision_key) {
            if prev == &t.name {
                push(at, format!("{label}: duplicate topic"));
            } else {
                push(at, format!("{label}: collides with '{prev}' (Kafka treats '.' and '_' alike in metric names)"));
            }
        } else {
            seen.insert(collision_key, t.name.clone());
        }
        if let Some(re) = &naming
            && t.naming != Some(false)
            && !re.is_match(&t.name)
        {
            push(
                at,
                format!("{label}: does not match the naming rule '{}' (add `naming: false` to exempt it)", re.as_str()),
            );
        }
        if t.naming == Some(true) && naming.is_none() {
            push(at, format!("{label}: `naming: true` but the manifest has no naming rule"));
        }

        let partitions = t.partitions.unwrap_or(default_partitions);
        if !(1..=i32::MAX as i64).contains(&partitions) {
            push(
                locator.key_line("partitions", after).or(at),
                format!("{label}: partitions must be at least 1, got {partitions}"),
            );
        }
        let rf = t.replication_factor.unwrap_or(default_rf);
        if !(1..=i16::MAX as i64).contains(&rf) {
            push(
                locator.key_line("replication_factor", after).or(at),
                format!("{label}: replication_factor must be at least 1, got {rf}"),
            );
        }

        let mut config = default_config.clone();
        for (k, v) in &t.config {
            let kat = locator.key_line(k, after).or(at);
            if !topic_config::is_known(k) {
                let hint = topic_config::suggest(k).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
                push(kat, format!("{label}: unknown topic config key '{k}'{hint}"));
                continue;
            }
            match config_value(k, v) {
                Ok(val) => {
                    config.insert(k.clone(), val);
                }
                Err(m) => push(kat, format!("{label}: {m}")),
            }
        }
        if let Some(key) = &t.key
            && (key.is_empty() || key.split('.').any(str::is_empty))
        {
            push(at, format!("{label}: key '{key}' is not a dot path like payload.userId"));
        }

        topics.push(TopicSpec {
            name: t.name.clone(),
            description: t.description.clone(),
            partitions: partitions.clamp(1, i32::MAX as i64) as i32,
            replication_factor: rf.clamp(1, i16::MAX as i64) as i16,
            config,
            schema: t.schema.clone().unwrap_or_else(|| t.name.clone()),
            key: t.key.clone(),
            producers: t.producers.clone(),
            consumers: t.consumers.clone(),
            dlq: t.dlq,
        });
    }
    for k in raw.defaults.config.keys() {
        if !topic_config::is_known(k) {
            let hint = topic_config::suggest(k).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
            push(locator.key_line(k, 0), format!("defaults.config: unknown topic config key '{k}'{hint}"));
        }
    }

    let mut groups = Vec::new();
    let mut group_names = HashMap::new();
    for (i, g) in raw.groups.iter().enumerate() {
        let at = locator.group_line(&g.name);
        let label = format!("groups[{i}] '{}'", g.name);
        if g.name.trim().is_empty() {
            push(at, format!("groups[{i}]: empty group name"));
        }
        if group_names.insert(g.name.clone(), i).is_some() {
            push(at, format!("{label}: duplicate group"));
        }
        for t in &g.topics {
            if !raw.topics.iter().any(|x| &x.name == t) {
                push(at, format!("{label}: topic '{t}' is not declared under topics"));
            }
        }
        if let Some(m) = g.max_lag
            && m < 0
        {
            push(at, format!("{label}: max_lag must be ≥ 0, got {m}"));
        }
        groups.push(GroupSpec { name: g.name.clone(), topics: g.topics.clone(), max_lag: g.max_lag });
    }

    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.line.unwrap_or(0), p.column.unwrap_or(0)));
        return Err(err(problems));
    }
    Ok(Manifest { path: path.to_path_buf(), naming: raw.naming, topics, groups })
}

fn config_value(key: &str, v: &serde_yaml::Value) -> Result<String, String> {
    let s = match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
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

/// Finds where things are in the manifest text, since serde_yaml does not keep spans of values.
struct Locator<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    fn new(src: &'a str) -> Self {
        Locator { lines: src.lines().collect() }
    }

    fn section_start(&self, section: &str) -> usize {
        self.lines.iter().position(|l| l.trim_end() == format!("{section}:")).unwrap_or(0)
    }

    /// The `nth` `name: NAME` entry under `topics:`.
    fn name_line(&self, name: &str, nth: usize) -> Option<(usize, usize)> {
        let start = self.section_start("topics");
        let end = self
            .lines
            .iter()
            .position(|l| l.trim_end() == "groups:")
            .filter(|&g| g > start)
            .unwrap_or(self.lines.len());
        self.lines[start..end]
            .iter()
            .enumerate()
            .filter(|(_, l)| value_of(l, "name") == Some(name))
            .nth(nth)
            .map(|(i, l)| (start + i + 1, l.find("name").map(|c| c + 1).unwrap_or(1)))
    }

    fn group_line(&self, name: &str) -> Option<(usize, usize)> {
        let start = self.section_start("groups");
        self.lines
            .iter()
            .enumerate()
            .skip(start)
            .find(|(_, l)| value_of(l, "name") == Some(name))
            .map(|(i, l)| (i + 1, l.find("name").map(|c| c + 1).unwrap_or(1)))
    }

    /// First line at or after `after` (1-based) that sets `key`.
    fn key_line(&self, key: &str, after: usize) -> Option<(usize, usize)> {
        let from = after.saturating_sub(1);
        self.lines.iter().enumerate().skip(from).find_map(|(i, l)| {
            let pos = l.find(&format!("{key}:"))?;
            let before = &l[..pos];
            let ok = before.trim_start_matches([' ', '-', '{', ',']).is_empty()
                || before.ends_with(' ')
                || before.ends_with('{')
                || before.ends_with(',');
            ok.then_some((i + 1, pos + 1))
        })
    }
}

fn value_of<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let t = line.trim_start().trim_start_matches('-').trim_start();
    let rest = t.strip_prefix(key)?.trim_start().strip_prefix(':')?;
    let rest = rest.split(" #").next().unwrap_or(rest).trim();
    Some(rest.trim_matches(|c| c == '\'' || c == '"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Manifest, ManifestError> {
        parse(s, Path::new("topics.yaml"))
    }

    fn problems(s: &str) -> Vec<String> {
        match parse_str(s) {
            Ok(_) => panic!("expected problems"),
            Err(e) => e.to_string().lines().skip(1).map(|l| l.trim().to_string()).collect(),
        }
    }

    const GOOD: &str = r#"version: 1
defaults:
  partitions: 3
  replication_factor: 1
  config: { retention.ms: 7d }
naming: '^[a-z]+\.[a-z_]+\.[a-z_]+$'
topics:
  - name: auth.user.registered
    description: A new account was created
    partitions: 6
    config: { cleanup.policy: delete, retention.ms: 30d, segment.bytes: 512MiB }
    key: payload.userId
    producers: [auth-service]
    consumers: [notification-service, audit-service]
  - name: esante.dlq
    dlq: true
    naming: false
groups:
  - name: notification-service
    topics: [auth.user.registered]
    max_lag: 1000
"#;

    #[test]
    fn defaults_merge_and_units() {
        let m = parse_str(GOOD).unwrap();
        let t = m.topic("auth.user.registered").unwrap();
        assert_eq!(t.partitions, 6);
        assert_eq!(t.replication_factor, 1);
        assert_eq!(t.config["retention.ms"], "2592000000");
        assert_eq!(t.config["segment.bytes"], "536870912");
        assert_eq!(t.config["cleanup.policy"], "delete");
        assert_eq!(t.schema, "auth.user.registered");
        let d = m.topic("esante.dlq").unwrap();
        assert!(d.dlq);
        assert_eq!(d.partitions, 3);
        assert_eq!(d.config["retention.ms"], "604800000");
        assert_eq!(m.groups[0].max_lag, Some(1000));
        assert_eq!(m.dlq_topics().count(), 1);
    }

    #[test]
    fn yaml_syntax_error_has_line_and_column() {
        let p = problems("version: 1\ntopics:\n  - name: a.b.c\n    partitions: [\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("topics.yaml:"), "{p:?}");
        assert!(p[0].split(':').nth(1).unwrap().parse::<usize>().is_ok(), "{p:?}");
    }

    #[test]
    fn unknown_field_is_located() {
        let p = problems("version: 1\ntopics:\n  - name: a.b.c\n    partitons: 3\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("topics.yaml:4:5: "), "{p:?}");
        assert!(p[0].contains("unknown field `partitons`"), "{p:?}");
    }

    #[test]
    fn all_problems_at_once() {
        let src = r#"version: 1
naming: '^[a-z]+\.[a-z]+$'
topics:
  - name: good.one
  - name: good.one
  - name: good_one
  - name: Bad.Name
  - name: "bad name"
  - name: zero.parts
    partitions: 0
    replication_factor: 0
  - name: typo.config
    config: { retention.msx: 1d }
  - name: bad.retention
    config: { retention.ms: forever }
groups:
  - name: g1
    topics: [nope.topic]
"#;
        let p = problems(src);
        let all = p.join("\n");
        assert!(all.contains("topics.yaml:5:5: topics[1] 'good.one': duplicate topic"), "{all}");
        assert!(all.contains("'good_one': collides with 'good.one'"), "{all}");
        assert!(all.contains("'Bad.Name': does not match the naming rule"), "{all}");
        assert!(all.contains("'bad name': illegal character ' '"), "{all}");
        assert!(all.contains("partitions must be at least 1, got 0"), "{all}");
        assert!(all.contains("replication_factor must be at least 1, got 0"), "{all}");
        assert!(all.contains("unknown topic config key 'retention.msx' (did you mean 'retention.ms'?)"), "{all}");
        assert!(all.contains("retention.ms: 'forever'"), "{all}");
        assert!(all.contains("groups[0] 'g1': topic 'nope.topic' is not declared"), "{all}");
        assert!(all.contains("topics.yaml:13:"), "config typo located on its line: {all}");
    }

    #[test]
    fn topic_names() {
        assert!(check_topic_name("a.b-c_D9").is_ok());
        assert!(check_topic_name(".").is_err());
        assert!(check_topic_name("..").is_err());
        assert!(check_topic_name(&"a".repeat(249)).is_ok());
        assert!(check_topic_name(&"a".repeat(250)).is_err());
        assert!(check_topic_name("a/b").is_err());
        assert!(check_topic_name("").is_err());
    }

    #[test]
    fn repo_manifest_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("topics.yaml");
        let m = load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.topics.len(), 34);
        assert_eq!(m.dlq_topics().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["esante.dlq"]);
        assert!(m.topic("auth.user.registered").is_some());
        assert!(m.topic("audit.log.created").is_some());
    }
}
