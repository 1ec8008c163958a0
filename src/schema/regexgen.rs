//! Turns JSON Schema `pattern`s into random-string generators (`rand_regex`).
//!
//! JSON Schema patterns are unanchored ECMA-262 regexes, while `rand_regex` rejects anchors and
//! samples Unicode classes such as `\d` over every script. We parse with `regex_syntax`, drop
//! look-around assertions (a string produced for the pattern body satisfies the anchored pattern
//! too), and narrow classes to printable ASCII where that leaves something, because ECMA `\d`/`\w`
//! are ASCII-only and a validator would reject a Devanagari digit.

use regex_syntax::hir::{Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition};

/// Longest pattern we try to compile; anything larger is almost certainly not meant for sampling.
const MAX_PATTERN_LEN: usize = 4096;

/// Compiles `pattern` for sampling; `max_repeat` bounds unbounded repetitions (`*`, `+`, `{n,}`).
pub(crate) fn compile(pattern: &str, max_repeat: u32) -> Result<rand_regex::Regex, String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!("pattern longer than {MAX_PATTERN_LEN} bytes"));
    }
    let hir = regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
        .map_err(|e| format!("unsupported regex syntax: {}", first_line(&e.to_string())))?;
    let hir = simplify(hir, 0).ok_or_else(|| "regex nested too deeply".to_string())?;
    rand_regex::Regex::with_hir(hir, max_repeat).map_err(|e| format!("cannot sample regex: {e}"))
}

fn first_line(s: &str) -> &str {
    s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(s)
}

fn simplify(hir: Hir, depth: usize) -> Option<Hir> {
    if depth > 200 {
        return None;
    }
    Some(match hir.into_kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Look(_) => Hir::empty(),
        HirKind::Class(Class::Unicode(c)) => Hir::class(Class::Unicode(ascii_unicode(c))),
        HirKind::Class(Class::Bytes(c)) => Hir::class(Class::Bytes(ascii_bytes(c))),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(simplify(*r.sub, depth + 1)?),
            ..r
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(simplify(*c.sub, depth + 1)?),
            ..c
        }),
        HirKind::Concat(v) => Hir::concat(v.into_iter().map(|h| simplify(h, depth + 1)).collect::<Option<_>>()?),
        HirKind::Alternation(v) => {
            Hir::alternation(v.into_iter().map(|h| simplify(h, depth + 1)).collect::<Option<_>>()?)
        }
    })
}

fn ascii_unicode(c: ClassUnicode) -> ClassUnicode {
    let mut narrowed = c.clone();
    narrowed.intersect(&ClassUnicode::new([ClassUnicodeRange::new(' ', '~')]));
    if narrowed.ranges().is_empty() { c } else { narrowed }
}

fn ascii_bytes(c: ClassBytes) -> ClassBytes {
    let mut narrowed = c.clone();
    narrowed.intersect(&ClassBytes::new([ClassBytesRange::new(b' ', b'~')]));
    if narrowed.ranges().is_empty() { c } else { narrowed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    fn samples(p: &str, n: usize) -> Vec<String> {
        let g = compile(p, 8).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        (0..n).map(|_| rng.sample::<Result<String, _>, _>(&g).unwrap()).collect()
    }

    #[test]
    fn anchored_patterns_produce_matching_ascii_strings() {
        let re = regex::Regex::new(r"^([01][0-9]|2[0-3]):[0-5][0-9]$").unwrap();
        for s in samples(r"^([01]\d|2[0-3]):[0-5]\d$", 200) {
            assert!(re.is_match(&s), "{s}");
        }
        for s in samples(r"^\w+@\w+\.com$", 50) {
            assert!(s.is_ascii(), "{s}");
        }
    }

    #[test]
    fn rejects_what_it_cannot_sample() {
        assert!(compile(r"(a)\1", 8).is_err());
        assert!(compile(r"(?=a)b", 8).is_err());
    }
}
