//! Size and nesting limits for jq programs, checked before jaq sees the program.
//!
//! jaq's lexer, parser and compiler recurse once per level of the program's syntax tree, and so
//! does evaluation (through path steps and nested terms). A program nested a few thousand levels
//! deep (`((((…`, `if … then if … then …`, `1+1+1+…`, `.a.a.a…`) therefore exhausted the stack
//! and aborted the process. [`check`] bounds that depth with a linear, non-recursive scan of the
//! text, so the recursion that follows stays within a stack sized for the limit (see
//! [`super::guard`]).
//!
//! How depth is counted, deliberately on the high side of what jaq really builds:
//!
//! * every bracket (`(`, `[`, `{`), string and string interpolation `\(…)` opens a level;
//! * every operator (`|`, `,`, `+`, `==`, `//`, `=`, `|=`, unary `-`, …), keyword (`if`, `then`,
//!   `and`, `as`, `reduce`, `def`, …), path step (`.`, `.a`, `..`) and separator (`:`, `;`,
//!   `?`) inside a level adds one to that level: jq parses a chain like `1+1+1` into nested
//!   terms (here two), and a chain is as deep as it is long;
//! * literals, variables and names of functions add nothing.
//!
//! So `.` is 1 level, `(.a)` is 2, `1+1+1` is 2 and `if .a then 1 else 2 end` is 5. The scanner
//! follows jaq's lexer (comments with backslash continuation, strings with escapes and
//! interpolation); where it is unsure it counts more, never less.

/// Longest program accepted, in bytes. Far above anything typed on a command line; it bounds
/// what a generated program (`--filter "$(cat filter.jq)"`) costs to scan and compile.
pub const MAX_PROGRAM_BYTES: usize = 64 * 1024;

/// Deepest program accepted, counted as described in the module docs. A program this deep
/// takes jaq about 11 KiB of stack per level to compile and up to 15 KiB per level to evaluate
/// in a debug build (a fifth of that optimised), so it needs about 30 MiB: well inside the
/// compile and evaluation stacks of [`super::guard`]. Legible programs are rarely deeper than
/// 50; a generated `IN(…)` over a list still fits about 2,000 values.
pub const MAX_DEPTH: usize = 2048;

/// What counts toward a level (see the module docs).
const KEYWORDS: &[&str] = &[
    "and", "or", "as", "def", "if", "then", "elif", "else", "end", "reduce", "foreach", "try", "catch", "label",
    "break", "import", "include",
];

/// One open bracket, string or interpolation.
struct Frame {
    /// Byte offset where it opened.
    start: usize,
    /// The byte that closes it; `"` for a string.
    close: u8,
    /// Operators, keywords, path steps and separators directly inside it.
    units: usize,
    /// Depth of its deepest closed child, and where that child's own nesting is deepest.
    deepest: usize,
    deepest_at: usize,
}

impl Frame {
    fn new(start: usize, close: u8) -> Frame {
        Frame { start, close, units: 0, deepest: 0, deepest_at: start }
    }
}

/// Checks the program against [`MAX_PROGRAM_BYTES`] and [`MAX_DEPTH`]; the error names the
/// limit, how far the program goes past it and where.
pub fn check(src: &str) -> Result<(), String> {
    if src.len() > MAX_PROGRAM_BYTES {
        return Err(format!(
            "jq: the program is {} bytes long; evbus accepts at most {MAX_PROGRAM_BYTES} bytes",
            src.len()
        ));
    }
    let (depth, at) = depth(src);
    if depth > MAX_DEPTH {
        return Err(format!(
            "jq: the program is nested {depth} levels deep (deepest at {}); evbus accepts at most {MAX_DEPTH} \
             levels, where every bracket, string, operator, keyword and path step adds one",
            super::errors::line_col(src, at)
        ));
    }
    Ok(())
}

/// The program's depth as counted in the module docs, and the byte offset where the deepest
/// nesting starts (the innermost bracket on the deepest path, or the start of the chain that
/// makes it deep).
pub fn depth(src: &str) -> (usize, usize) {
    let b = src.as_bytes();
    // The whole program behaves like a bracket that adds no level of its own; its `close` can
    // never match (0 is not a byte the scan closes on).
    let mut stack = vec![Frame::new(0, 0)];
    let mut i = 0;
    while i < b.len() {
        let in_string = stack.last().is_some_and(|f| f.close == b'"');
        if in_string {
            match b[i] {
                b'"' => {
                    close(&mut stack);
                    i += 1;
                }
                b'\\' if b.get(i + 1) == Some(&b'(') => {
                    stack.push(Frame::new(i, b')'));
                    i += 2;
                }
                // Any other escape is one character long; the digits of `\uXXXX` are plain text.
                b'\\' => i += 2,
                _ => i += 1,
            }
            continue;
        }
        let c = b[i];
        match c {
            b'#' => i = skip_comment(b, i),
            b'"' => {
                stack.push(Frame::new(i, b'"'));
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                let close = match c {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                stack.push(Frame::new(i, close));
                i += 1;
            }
            b')' | b']' | b'}' => {
                // jaq stops at a closer that does not match; closing anyway only ever counts
                // the rest of the text as well, which errs on the deep side.
                if stack.len() > 1 {
                    close(&mut stack);
                }
                i += 1;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                i = ident(b, i);
                // Module paths (`m::f`, `m::$x`) as in jaq's lexer.
                if b[i..].starts_with(b"::") {
                    i += 2;
                    if matches!(b.get(i), Some(b'@' | b'$')) {
                        i += 1;
                    }
                    i = ident(b, i);
                }
                if KEYWORDS.contains(&&src[start..i]) {
                    unit(&mut stack);
                }
            }
            b'$' | b'@' => i = ident(b, i + 1),
            b'0'..=b'9' => i = number(b, i),
            b'.' => {
                i += 1;
                if b.get(i) == Some(&b'.') {
                    i += 1;
                } else if b.get(i).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') {
                    i = ident(b, i);
                }
                unit(&mut stack);
            }
            b'|' | b'=' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%' => {
                // An operator is its first character and any following ones except `-`.
                i += 1;
                while b.get(i).is_some_and(|c| b"|=!<>+*/%".contains(c)) {
                    i += 1;
                }
                unit(&mut stack);
            }
            b':' | b';' | b',' | b'?' => {
                i += 1;
                unit(&mut stack);
            }
            // Whitespace, and characters jaq rejects (counting nothing for them cannot hide a
            // level: jaq stops lexing there).
            _ => i += 1,
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    let root = &stack[0];
    let at = if root.deepest > 0 { root.deepest_at } else { root.start };
    (root.units + root.deepest, at)
}

fn unit(stack: &mut [Frame]) {
    if let Some(f) = stack.last_mut() {
        f.units += 1;
    }
}

/// Closes the innermost frame, handing its depth to the enclosing one.
fn close(stack: &mut Vec<Frame>) {
    let Some(f) = stack.pop() else { return };
    let depth = 1 + f.units + f.deepest;
    let at = if f.deepest > 0 { f.deepest_at } else { f.start };
    if let Some(parent) = stack.last_mut()
        && depth > parent.deepest
    {
        parent.deepest = depth;
        parent.deepest_at = at;
    }
}

/// End of `[A-Za-z0-9_]*` from `i`.
fn ident(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
        i += 1;
    }
    i
}

/// End of a number (`12`, `1.5`, `2e-3`) from `i`, as jaq's lexer reads it.
fn number(b: &[u8], mut i: usize) -> usize {
    let digits = |b: &[u8], mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    i = digits(b, i);
    if b.get(i) == Some(&b'.') {
        i = digits(b, i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(b, i);
    }
    i
}

/// End of a comment starting at `i` (a `#`): jaq continues it onto the next line while a line
/// ends with an odd number of backslashes.
fn skip_comment(b: &[u8], mut i: usize) -> usize {
    loop {
        let end = b[i..].iter().position(|c| *c == b'\n').map_or(b.len(), |n| i + n);
        let mut line = &b[i..end];
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
        }
        let backslashes = line.iter().rev().take_while(|c| **c == b'\\').count();
        i = (end + 1).min(b.len());
        if backslashes % 2 == 0 || end == b.len() {
            return i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(src: &str) -> usize {
        depth(src).0
    }

    #[test]
    fn counts_levels_as_documented() {
        assert_eq!(d("."), 1);
        assert_eq!(d("(.a)"), 2);
        assert_eq!(d("1+1+1"), 2);
        assert_eq!(d("if .a then 1 else 2 end"), 5);
        assert_eq!(d(".a.b.c"), 3);
        assert_eq!(d("[.[] | select(.x)]"), 5, "[ + . + [ ] + | + .x inside select(...)");
        assert_eq!(d(""), 0);
        assert_eq!(d("length"), 0);
        assert_eq!(d(r#""plain""#), 1);
        assert_eq!(d(r#""a\(.b)c""#), 3);
        assert_eq!(d(r#""\"(((""#), 1, "escaped quote, brackets inside a string are text");
        assert_eq!(d("$__loc__ | @base64"), 1);
        assert_eq!(d("m::f | m::$x"), 1);
        assert_eq!(d("1.5e-3 - 2"), 1, "the exponent's sign is part of the number");
        assert_eq!(d("a//=b"), 1, "one operator token");
        assert_eq!(d("--1"), 2, "each unary minus is a term of its own");
    }

    #[test]
    fn comments_follow_jaqs_rules() {
        assert_eq!(d("# ((((\n."), 1);
        assert_eq!(d("# a \\\n ((((\n."), 1, "an odd number of backslashes continues the comment");
        assert_eq!(d("# a \\\\\n(.)"), 2, "an even number ends it");
        assert_eq!(d("# a \\\r\n ((( \r\n."), 1);
        assert_eq!(d("(. # )\n)"), 2);
        assert_eq!(d("# only a comment \\"), 0);
    }

    #[test]
    fn chains_after_a_deep_group_add_to_it() {
        // `(X) + 1 + 1` nests X under both additions.
        let deep = format!("{}.{}", "(".repeat(10), ")".repeat(10));
        assert_eq!(d(&deep), 11);
        assert_eq!(d(&format!("{deep} + 1 + 1")), 13);
        assert_eq!(d(&format!("[{deep}, 1, 1]")), 14);
    }

    #[test]
    fn unclosed_and_mismatched_brackets_still_count() {
        assert_eq!(d(&"(".repeat(5000)), 5000);
        assert_eq!(d(&"[".repeat(100)), 100);
        assert_eq!(d("(.]"), 2);
        assert_eq!(d(")))."), 1);
        assert_eq!(d(&format!("\"{}", "\\(".repeat(50))), 51);
    }

    #[test]
    fn reports_where_the_deepest_nesting_starts() {
        let (n, at) = depth("1 | [2, (3 | (.))]");
        assert_eq!(n, 7);
        assert_eq!(at, 13);
        let (_, at) = depth(&"1+".repeat(10));
        assert_eq!(at, 0, "a chain at the top starts at the start");
    }

    #[test]
    fn limits() {
        let at_limit = format!("{}1", "1+".repeat(MAX_DEPTH));
        assert_eq!(d(&at_limit), MAX_DEPTH);
        assert!(check(&at_limit).is_ok());
        let over = format!("{}1", "1+".repeat(MAX_DEPTH + 1));
        let e = check(&over).unwrap_err();
        assert_eq!(
            e,
            "jq: the program is nested 2049 levels deep (deepest at line 1, column 1); evbus accepts at most \
             2048 levels, where every bracket, string, operator, keyword and path step adds one"
        );

        let long = format!("\"{}\"", "x".repeat(MAX_PROGRAM_BYTES - 2));
        assert!(check(&long).is_ok());
        let e = check(&format!("{long} ")).unwrap_err();
        assert_eq!(e, "jq: the program is 65537 bytes long; evbus accepts at most 65536 bytes");

        let e = check(&format!(".a |\n  {}.{}", "(".repeat(3000), ")".repeat(3000))).unwrap_err();
        assert!(e.contains("3003 levels") && e.contains("line 2, column 3002"), "{e}");
    }
}
