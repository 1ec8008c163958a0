//! Reading one mapping of the manifest field by field: known keys, types and ranges, each
//! problem pushed with its `line:column` (escaped for the terminal) instead of stopping at the
//! first, as serde would.

use std::collections::BTreeMap;

use super::model::Problem;
use super::yaml::{Kind, Node, Pos};

/// Problems found so far. Every message is escaped for the terminal on the way in: manifests
/// can hold any text (`name: "\e[2J"`), and messages quote names and values.
pub(super) struct Problems(pub(super) Vec<Problem>);

impl Problems {
    pub(super) fn push(&mut self, at: Pos, message: impl AsRef<str>) {
        self.0.push(Problem {
            line: Some(at.line),
            column: Some(at.col),
            message: crate::term::sanitize::for_terminal(message.as_ref()).into_owned(),
        });
    }
}

/// The known fields of one mapping, each with the node of its key (for locations) and value.
pub(super) struct Fields<'n> {
    pub(super) pos: Pos,
    pub(super) entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    /// Reads a mapping, reporting keys that are not in `known` and keys given twice (at the
    /// second one). `None` (reported) when the node is not a mapping.
    pub(super) fn of(node: &'n Node, what: &str, known: &[&str], p: &mut Problems) -> Option<Fields<'n>> {
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
    pub(super) fn get(&self, name: &str) -> Option<(&'n Node, &'n Node)> {
        self.entries.iter().find(|(n, _, v)| *n == name && !v.is_null()).map(|(_, k, v)| (*k, *v))
    }

    pub(super) fn string(&self, name: &str, what: &str, p: &mut Problems) -> Option<String> {
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
    pub(super) fn int(&self, name: &str, what: &str, p: &mut Problems) -> Result<Option<(i64, Pos)>, ()> {
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

    pub(super) fn boolean(&self, name: &str, what: &str, p: &mut Problems) -> Option<bool> {
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
    pub(super) fn schema(&self, topic: &str, what: &str, p: &mut Problems) -> Option<String> {
        match self.get("schema") {
            Some((_, v)) if matches!(&v.kind, Kind::Scalar { text, plain: true } if text == "false") => None,
            Some((_, v)) if matches!(&v.kind, Kind::Scalar { text, plain: true } if text == "true") => {
                p.push(v.pos, format!("{what}: `schema` is a schema name, or false for none; not true"));
                Some(topic.to_string())
            }
            _ => Some(self.string("schema", what, p).unwrap_or_else(|| topic.to_string())),
        }
    }

    /// The `schemas` field: event type → schema name (or path), each a string.
    pub(super) fn event_schemas(&self, what: &str, p: &mut Problems) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some((k, v)) = self.get("schemas") else { return out };
        let Kind::Map(pairs) = &v.kind else {
            p.push(v.pos, format!("{what}: `schemas` maps event types to schemas, not {}", describe(v)));
            return out;
        };
        if pairs.is_empty() {
            p.push(k.pos, format!("{what}: `schemas` is empty (map each event type to its schema)"));
        }
        for (t, s) in pairs {
            let Some(ty) = t.scalar().filter(|t| !t.is_empty()) else {
                p.push(t.pos, format!("{what}: `schemas` keys are event types, not {}", describe(t)));
                continue;
            };
            match s.scalar().filter(|n| !n.is_empty() && !s.is_null()) {
                Some(_) if out.contains_key(ty) => {
                    p.push(t.pos, format!("{what}: event type '{ty}' is given twice in `schemas`"));
                }
                Some(name) => {
                    out.insert(ty.to_string(), name.to_string());
                }
                None => {
                    p.push(s.pos, format!("{what}: `schemas.{ty}` must be a schema name or path, not {}", describe(s)))
                }
            }
        }
        out
    }

    /// A list of strings, each with its position.
    pub(super) fn strings(&self, name: &str, what: &str, p: &mut Problems) -> Vec<(String, Pos)> {
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
    pub(super) fn config(&self, what: &str, p: &mut Problems) -> Vec<(String, Pos, &'n Node)> {
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
pub(super) fn label_of(list: &str, i: usize, node: &Node) -> String {
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
pub(super) fn describe(v: &Node) -> String {
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
pub(super) fn check_range(n: i64, lo: i64, hi: i64, what: &str, at: Pos, p: &mut Problems) -> Result<(), ()> {
    if (lo..=hi).contains(&n) {
        return Ok(());
    }
    p.push(at, format!("{what} must be between {lo} and {hi}, got {n}"));
    Err(())
}
