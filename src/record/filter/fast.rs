//! Fast path for the most common `--filter` shape: `.a.b.c == LITERAL` (or `!=`).
//!
//! Such a program can be answered in one pass over the JSON bytes that walks the path and skips
//! everything else, instead of building a jq value tree for every record (which is
//! allocation-bound). It must give exactly the answer the jq path gives, for every record:
//!
//! * it validates what it skips exactly as strictly as the jq path parses it: every value goes
//!   through serde_json's `deserialize_any`, so out-of-range numbers (`1e400`), lone surrogate
//!   escapes (`"\ud800"`), bytes that are not UTF-8 and nesting past serde_json's 128 levels are
//!   rejected in skipped fields too (serde_json's `IgnoredAny` accepts all of them, which made
//!   `.role == "doctor"` and `(.role == "doctor")` select different records);
//! * it answers only when the document parsed and the comparison is decided; a document it
//!   rejects, or one where jq would raise an error (indexing a string or array), goes to the jq
//!   path, which then says "not JSON" or reports its error in its own words.
//!
//! A property test (`tests::fast_path_agrees_with_jq`) compares both paths on generated
//! records, invalid and extreme ones included.

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// A program of the form `.a.b.c == LITERAL` or `!=`, with a string (without escapes), `true`,
/// `false` or `null` literal. The semantics are jq's:
///
/// * `.k` on an object is its value for `k` (the last one when the key repeats), `null` when
///   missing; on `null` it is `null`; on anything else it is an error, and an erroring program
///   matches nothing, whichever the operator (deferred to jq, see the module docs);
/// * a tombstone is `null` input.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FastEq {
    path: Vec<String>,
    negate: bool,
    lit: Lit,
}

#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Bool(bool),
    Null,
}

/// What the path led to, reduced to what the comparison needs.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Leaf {
    Null,
    Bool(bool),
    /// A string; whether it equals the literal.
    Str(bool),
    /// A number, array or object: never equal to a supported literal.
    Other,
    /// jq would raise an error (indexing a string, number, boolean or array).
    Error,
}

/// Names jq reads as keywords, never as a path step; such programs go to jq.
const JQ_KEYWORDS: &[&str] = &[
    "and", "or", "not", "if", "then", "elif", "else", "end", "as", "def", "reduce", "foreach", "try", "catch", "label",
    "import", "include", "__loc__",
];

impl FastEq {
    /// The fast form of `src`, when it has the shape; `None` for anything else.
    pub(super) fn parse(src: &str) -> Option<FastEq> {
        let s = src.trim();
        let (lhs, rhs, negate) = match (s.find("=="), s.find("!=")) {
            (Some(i), None) => (&s[..i], &s[i + 2..], false),
            (None, Some(i)) => (&s[..i], &s[i + 2..], true),
            _ => return None,
        };
        let mut path = Vec::new();
        for (i, seg) in lhs.trim().split('.').enumerate() {
            if i == 0 {
                if !seg.is_empty() {
                    return None;
                }
                continue;
            }
            let mut chars = seg.chars();
            let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
            if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') || JQ_KEYWORDS.contains(&seg) {
                return None;
            }
            path.push(seg.to_string());
        }
        if path.is_empty() {
            return None;
        }
        let lit = match rhs.trim() {
            "true" => Lit::Bool(true),
            "false" => Lit::Bool(false),
            "null" => Lit::Null,
            other => {
                let inner = other.strip_prefix('"')?.strip_suffix('"')?;
                if inner.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
                    return None;
                }
                Lit::Str(inner.to_string())
            }
        };
        Some(FastEq { path, negate, lit })
    }

    /// jq's answer for a record value (`None` is a tombstone), or `None` when only jq can
    /// give it: the value is not JSON, or the program raises an error on it.
    pub(super) fn eval(&self, value: Option<&[u8]>) -> Option<bool> {
        let leaf = match value {
            None => Leaf::Null,
            Some(bytes) => {
                let lit = match &self.lit {
                    Lit::Str(s) => Some(s.as_str()),
                    _ => None,
                };
                let mut de = serde_json::Deserializer::from_slice(bytes);
                let leaf = Nav { path: &self.path, lit }.deserialize(&mut de).ok()?;
                de.end().ok()?;
                leaf
            }
        };
        let equal = match (leaf, &self.lit) {
            (Leaf::Error, _) => return None,
            (Leaf::Null, Lit::Null) => true,
            (Leaf::Bool(a), Lit::Bool(b)) => a == *b,
            (Leaf::Str(eq), Lit::Str(_)) => eq,
            _ => false,
        };
        Some(equal != self.negate)
    }
}

/// Walks `path` through a JSON document, skipping (but still validating) everything else.
struct Nav<'p> {
    path: &'p [String],
    lit: Option<&'p str>,
}

impl<'de> DeserializeSeed<'de> for Nav<'_> {
    type Value = Leaf;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Leaf, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Nav<'_> {
    type Value = Leaf;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Leaf, E> {
        Ok(Leaf::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Leaf, E> {
        Ok(if self.path.is_empty() { Leaf::Bool(b) } else { Leaf::Error })
    }
    fn visit_i64<E>(self, _: i64) -> Result<Leaf, E> {
        Ok(if self.path.is_empty() { Leaf::Other } else { Leaf::Error })
    }
    fn visit_u64<E>(self, _: u64) -> Result<Leaf, E> {
        Ok(if self.path.is_empty() { Leaf::Other } else { Leaf::Error })
    }
    fn visit_f64<E>(self, _: f64) -> Result<Leaf, E> {
        Ok(if self.path.is_empty() { Leaf::Other } else { Leaf::Error })
    }
    fn visit_str<E>(self, s: &str) -> Result<Leaf, E> {
        Ok(if self.path.is_empty() { Leaf::Str(self.lit == Some(s)) } else { Leaf::Error })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Leaf, A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(if self.path.is_empty() { Leaf::Other } else { Leaf::Error })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Leaf, A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            while map.next_key_seed(Skip)?.is_some() {
                map.next_value_seed(Skip)?;
            }
            return Ok(Leaf::Other);
        };
        // A missing key is null, and so is everything below it.
        let mut found = Leaf::Null;
        while let Some(hit) = map.next_key_seed(KeyIs(first))? {
            if hit {
                // Repeated keys: jq keeps the last.
                found = map.next_value_seed(Nav { path: rest, lit: self.lit })?;
            } else {
                map.next_value_seed(Skip)?;
            }
        }
        Ok(found)
    }
}

/// Discards a value after parsing it exactly as the jq path does (`deserialize_any`, not
/// `deserialize_ignored_any`, which skips numbers and escapes without checking them and has no
/// nesting limit).
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

/// Map-key seed answering "is this the key we look for?" without allocating.
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, s: &str) -> Result<bool, E> {
        Ok(s == self.0)
    }
}

#[cfg(test)]
mod tests;
