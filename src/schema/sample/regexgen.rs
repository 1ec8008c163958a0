//! Turns JSON Schema `pattern`s into random-string generators (`rand_regex`).
//!
//! JSON Schema patterns are unanchored ECMA-262 regexes, while `rand_regex` rejects anchors and
//! samples Unicode classes such as `\d` over every script. We parse with `regex_syntax`, drop
//! look-around assertions (a string produced for the pattern body satisfies the anchored pattern
//! too), and narrow classes to printable ASCII where that leaves something, because ECMA `\d`/`\w`
//! are ASCII-only and a validator would reject a Devanagari digit.

use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition,
};

/// Longest pattern we try to compile; anything larger is almost certainly not meant for sampling.
const MAX_PATTERN_LEN: usize = 4096;
/// Counted repetitions above this (`a{1000000}`) would make huge strings; we refuse or cap them.
const MAX_COUNT: u32 = 10_000;

/// Compiles `pattern` for sampling; `max_repeat` bounds unbounded repetitions (`*`, `+`, `{n,}`).
/// When the pattern is fixed-length parts around one repetition of a fixed-length unit (`^[a-z]*$`, `^ID-[0-9]+$`, `^(ab|cd)*$`), that repetition's count is
/// narrowed so every sample has `min_len..=max_len` characters instead of hitting the window
/// by luck.
pub(crate) fn compile_sized(
    pattern: &str,
    max_repeat: u32,
    min_len: usize,
    max_len: Option<usize>,
) -> Result<rand_regex::Regex, String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!("pattern longer than {MAX_PATTERN_LEN} bytes"));
    }
    let hir = regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
        .map_err(|e| format!("unsupported regex syntax: {}", first_line(&e.to_string())))?;
    let hir =
        simplify(hir, 0).ok_or_else(|| format!("regex nested too deeply or repeating more than {MAX_COUNT} times"))?;
    let hir = if min_len > 0 || max_len.is_some() { fit_length(hir, min_len, max_len) } else { hir };
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
        HirKind::Repetition(r) => {
            if r.min > MAX_COUNT {
                return None;
            }
            // Capping the upper bound still only produces matching strings.
            let max = r.max.map(|m| m.min(MAX_COUNT.max(r.min)));
            Hir::repetition(Repetition { sub: Box::new(simplify(*r.sub, depth + 1)?), max, ..r })
        }
        HirKind::Capture(c) => Hir::capture(Capture { sub: Box::new(simplify(*c.sub, depth + 1)?), ..c }),
        HirKind::Concat(v) => Hir::concat(v.into_iter().map(|h| simplify(h, depth + 1)).collect::<Option<_>>()?),
        HirKind::Alternation(v) => {
            Hir::alternation(v.into_iter().map(|h| simplify(h, depth + 1)).collect::<Option<_>>()?)
        }
    })
}

fn unwrap_captures(h: &Hir) -> &Hir {
    match h.kind() {
        HirKind::Capture(c) => unwrap_captures(&c.sub),
        _ => h,
    }
}

fn fit_length(hir: Hir, min_len: usize, max_len: Option<usize>) -> Hir {
    let mut items: Vec<Hir> = match hir.kind() {
        HirKind::Concat(v) => v.clone(),
        _ => vec![hir.clone()],
    };
    let mut variable = None;
    let mut fixed = 0usize;
    for (i, it) in items.iter().enumerate() {
        let p = it.properties();
        match (p.minimum_len(), p.maximum_len()) {
            (Some(a), Some(b)) if a == b => fixed += a,
            _ if variable.is_none() => variable = Some(i),
            _ => return hir,
        }
    }
    let Some(i) = variable else { return hir };
    let HirKind::Repetition(r) = unwrap_captures(&items[i]).kind() else { return hir };
    let unit = match (r.sub.properties().minimum_len(), r.sub.properties().maximum_len()) {
        (Some(a), Some(b)) if a == b && a > 0 => a,
        _ => return hir,
    };
    let lo = (min_len.saturating_sub(fixed)).div_ceil(unit);
    let lo = u32::try_from(lo).unwrap_or(u32::MAX).max(r.min);
    let hi = match max_len {
        Some(m) if m < fixed => return hir,
        Some(m) => u32::try_from((m - fixed) / unit).unwrap_or(u32::MAX),
        None => u32::MAX,
    };
    let hi = r.max.map_or(hi, |x| x.min(hi));
    if lo > hi || lo > MAX_COUNT {
        return hir;
    }
    // Leave the upper end open when the schema does; `max_repeat` then bounds it as usual.
    let max = if hi == u32::MAX { None } else { Some(hi.min(lo.max(MAX_COUNT))) };
    items[i] = Hir::repetition(Repetition { min: lo, max, greedy: r.greedy, sub: r.sub.clone() });
    Hir::concat(items)
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
        let g = compile_sized(p, 8, 0, None).unwrap();
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
    fn single_repetition_is_sized_to_the_length_window() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for (p, min, max) in [("^[a-z]*$", 18, 18), ("^ID-[0-9]+$", 10, 12), ("^(ab|cd)*$", 8, 9), ("x+", 30, 30)] {
            let g = compile_sized(p, 8, min, Some(max)).unwrap();
            let re = regex::Regex::new(p).unwrap();
            for _ in 0..50 {
                let s: String = rng.sample::<Result<String, _>, _>(&g).unwrap();
                assert!(re.is_match(&s) && (min..=max).contains(&s.len()), "{p}: {s:?}");
            }
        }
    }

    #[test]
    fn rejects_what_it_cannot_sample() {
        assert!(compile_sized(r"(a)\1", 8, 0, None).is_err());
        assert!(compile_sized(r"(?=a)b", 8, 0, None).is_err());
        assert!(compile_sized(r"a{20000}", 8, 0, None).is_err());
        let capped = samples(r"^a{2,50000}$", 20);
        assert!(capped.iter().all(|s| (2..=10_000).contains(&s.len())));
    }
}
