//! The house rules of ARCHITECTURE.md, checked against the source tree (no broker needed), so a
//! change that breaks the layering fails here instead of waiting for a reviewer to notice:
//!
//! - pure folders know nothing of the broker or the command line (no `crate::kafka`, rdkafka,
//!   clap, nor anything above them);
//! - a command never imports another command;
//! - no file under `src/commands/` uses rdkafka;
//! - `unsafe` lives in `src/kafka/` (FFI), apart from the listed non-FFI uses;
//! - librdkafka's C objects are freed by the FFI toolkit (`src/kafka/ffi.rs`: `Owned`), not by a
//!   destructor call of each file's own;
//! - a `mod.rs` only declares, re-exports and documents (today's exceptions are listed);
//! - every `src/...` folder ARCHITECTURE.md names exists.
//!
//! Each list of exceptions only shrinks: an exception that no longer breaks its rule fails the
//! test too, so the list is removed the day the last offender is fixed, and cannot hide a new one.

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Folders below `kafka/`: plain data and rules, tested without a broker or a terminal.
const PURE: &[&str] =
    &["config", "dlq", "groups", "health", "lag", "metrics", "produce", "record", "schema", "term", "topics"];

/// Files under `src/commands/` allowed to call rdkafka themselves: none since `kafka/` hands
/// every command finished values. A deliberate exception would be named here, with why.
const COMMANDS_USING_RDKAFKA: &[&str] = &[];

/// `unsafe` outside `src/kafka/` that is not FFI, with why it is there.
const UNSAFE_ELSEWHERE: &[(&str, &str)] = &[
    // A memory map of the --input file: the one way to read a large file without copying it.
    ("src/produce/input.rs", "memory-mapped --input"),
    // The counting global allocator that bounds a jq filter's memory.
    ("src/record/filter/memory.rs", "GlobalAlloc wrapper"),
];

/// Files that call a librdkafka destructor themselves rather than hand it to `ffi::Owned`, with why.
const DESTROYED_BY_HAND: &[(&str, &str)] = &[
    // A batch's messages sit in one reused C array that rd_kafka_consume_batch_queue fills; a
    // guard per message would cost an allocation per record on tail's fast path.
    ("src/kafka/queue.rs", "the batch's reused message array"),
];

/// `mod.rs` files that still hold more than declarations; to be split into named leaf files.
const MOD_RS_WITH_CODE: &[&str] = &[
    // Empty: every mod.rs only declares and re-exports. A file added here needs a reason.
];

/// Every `.rs` file under `dir`, as a path relative to the repository root.
fn rust_files(dir: &str) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(ROOT).join(dir), &mut out);
    let mut files: Vec<String> =
        out.iter().map(|p| p.strip_prefix(ROOT).unwrap().to_string_lossy().replace('\\', "/")).collect();
    files.sort();
    files
}

/// The file without its comments (line comments, doc comments), so that prose may name what
/// code must not use.
fn code_of(file: &str) -> String {
    let text = std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| match l.find(" //") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn uses(code: &str, pattern: &str) -> bool {
    regex::Regex::new(pattern).unwrap().is_match(code)
}

/// A call of a librdkafka destructor (handing one to `Owned::new` is not a call).
const DESTROY_CALL: &str = r"\brd_kafka_[A-Za-z0-9_]+_destroy\s*\(";

const RDKAFKA: &str = r"(^|[^A-Za-z0-9_])rdkafka(::|\s*;)";

#[test]
fn pure_layers_know_nothing_of_the_broker_the_command_line_or_the_commands() {
    let banned = r"(^|[^A-Za-z0-9_])(rdkafka|clap|clap_complete)(::|\s*;)|crate::(kafka|cli|commands|app)\b";
    let mut bad = Vec::new();
    for dir in PURE {
        for file in rust_files(&format!("src/{dir}")) {
            if uses(&code_of(&file), banned) {
                bad.push(file);
            }
        }
    }
    assert!(bad.is_empty(), "pure layers must not use kafka/, rdkafka, clap, cli/, commands/ or app: {bad:#?}");
}

/// The command a file under `src/commands/` belongs to (`None`: the dispatcher or the module).
fn command_of(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("src/commands/")?;
    match rest.split_once('/') {
        Some((dir, _)) => Some(dir),
        None => rest.strip_suffix(".rs").filter(|s| !matches!(*s, "mod" | "dispatch")),
    }
}

#[test]
fn no_command_imports_another_command() {
    let files = rust_files("src/commands");
    let commands: Vec<&str> = files.iter().filter_map(|f| command_of(f)).collect();
    let mut bad = Vec::new();
    for file in &files {
        let Some(own) = command_of(file) else { continue };
        let code = code_of(file);
        // The `super::` chain that leads to commands/: one from a file directly in commands/ (or a
        // folder's mod.rs), one more for each folder below that.
        let depth = file.matches('/').count() - 2;
        let up = "super::".repeat(if file.ends_with("/mod.rs") { depth } else { depth + 1 });
        for other in commands.iter().filter(|c| **c != own) {
            let via_crate = format!(r"crate::commands::{other}\b");
            let via_super = format!(r"(^|[^:A-Za-z0-9_]){up}{other}\b");
            if uses(&code, &via_crate) || uses(&code, &via_super) {
                bad.push(format!("{file} imports commands::{other}"));
            }
        }
    }
    bad.dedup();
    assert!(bad.is_empty(), "what two commands share belongs in a lower layer: {bad:#?}");
}

#[test]
fn commands_leave_rdkafka_to_kafka() {
    let files = rust_files("src/commands");
    let using: Vec<&String> = files.iter().filter(|f| uses(&code_of(f), RDKAFKA)).collect();
    let new: Vec<&&String> = using.iter().filter(|f| !COMMANDS_USING_RDKAFKA.contains(&f.as_str())).collect();
    assert!(new.is_empty(), "commands call the broker through kafka/, not rdkafka: {new:#?}");
    let fixed: Vec<&&str> = COMMANDS_USING_RDKAFKA.iter().filter(|f| !using.iter().any(|u| u == *f)).collect();
    assert!(
        fixed.is_empty(),
        "no longer use rdkafka (or are gone): remove them from COMMANDS_USING_RDKAFKA: {fixed:#?}"
    );
}

#[test]
fn unsafe_lives_in_kafka() {
    let mut using = Vec::new();
    for file in rust_files("src").into_iter().filter(|f| !f.starts_with("src/kafka/")) {
        if uses(&code_of(&file), r"\bunsafe\b") {
            using.push(file);
        }
    }
    let listed = |f: &String| UNSAFE_ELSEWHERE.iter().any(|(l, _)| l == f);
    let new: Vec<&String> = using.iter().filter(|f| !listed(f)).collect();
    assert!(new.is_empty(), "FFI and its `unsafe` belong in src/kafka/: {new:#?}");
    let fixed: Vec<&str> = UNSAFE_ELSEWHERE.iter().map(|(f, _)| *f).filter(|f| !using.iter().any(|u| u == f)).collect();
    assert!(fixed.is_empty(), "no `unsafe` left: remove them from UNSAFE_ELSEWHERE: {fixed:#?}");
}

#[test]
fn c_objects_are_freed_by_the_ffi_toolkit() {
    let files: Vec<String> = rust_files("src").into_iter().filter(|f| f != "src/kafka/ffi.rs").collect();
    let freeing: Vec<&String> = files.iter().filter(|f| uses(&code_of(f), DESTROY_CALL)).collect();
    let listed = |f: &String| DESTROYED_BY_HAND.iter().any(|(l, _)| l == f);
    let new: Vec<&&String> = freeing.iter().filter(|f| !listed(f)).collect();
    assert!(
        new.is_empty(),
        "hold C objects in ffi::Owned (src/kafka/ffi.rs) instead of freeing them by hand: {new:#?}"
    );
    let fixed: Vec<&str> =
        DESTROYED_BY_HAND.iter().map(|(f, _)| *f).filter(|f| !freeing.iter().any(|u| u == f)).collect();
    assert!(fixed.is_empty(), "no destructor call left: remove them from DESTROYED_BY_HAND: {fixed:#?}");
}

/// The statements of a `mod.rs` that are not declarations (`mod`, `use`, attributes).
fn not_declarations(file: &str) -> Vec<String> {
    statements_not_declaring(&code_of(file))
}

/// The statements of this code (without comments) that are not declarations.
fn statements_not_declaring(code: &str) -> Vec<String> {
    let decl = regex::Regex::new(r"(?s)^(pub(\([^)]*\))?\s+)?(mod\s+[A-Za-z0-9_]+|use\s+[^;]+);$").unwrap();
    let attr = regex::Regex::new(r"^#!?\[.*\]$").unwrap();
    // A `use` runs to its `;`, over several lines when it re-exports a list.
    let a_use = regex::Regex::new(r"^(pub(\([^)]*\))?\s+)?use\s").unwrap();
    let mut found = Vec::new();
    let mut stmt = String::new();
    for line in code.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if stmt.is_empty() && attr.is_match(line) {
            continue;
        }
        stmt.push_str(line);
        stmt.push(' ');
        let s = stmt.trim();
        let ended = if a_use.is_match(s) { s.ends_with(';') } else { s.ends_with([';', '}', '{']) };
        if ended {
            if !decl.is_match(s) {
                found.push(s.to_string());
            }
            stmt.clear();
        }
    }
    if !stmt.trim().is_empty() {
        found.push(stmt.trim().to_string());
    }
    found
}

#[test]
fn mod_rs_files_only_declare_and_re_export() {
    let mods: Vec<String> = rust_files("src").into_iter().filter(|f| f.ends_with("/mod.rs")).collect();
    let mut bad = Vec::new();
    let mut fixed = Vec::new();
    for file in &mods {
        let code = not_declarations(file);
        let listed = MOD_RS_WITH_CODE.contains(&file.as_str());
        if !code.is_empty() && !listed {
            bad.push(format!("{file}: {}", code[0]));
        }
        if code.is_empty() && listed {
            fixed.push(file.clone());
        }
    }
    assert!(bad.is_empty(), "a mod.rs is a face: move code into a named leaf file (e.g. guard.rs): {bad:#?}");
    assert!(fixed.is_empty(), "only declare now: remove them from MOD_RS_WITH_CODE: {fixed:#?}");
    let gone: Vec<&&str> = MOD_RS_WITH_CODE.iter().filter(|f| !mods.iter().any(|m| m == *f)).collect();
    assert!(gone.is_empty(), "no longer exist: remove them from MOD_RS_WITH_CODE: {gone:#?}");
}

#[test]
fn the_rules_see_what_they_look_for() {
    // The checks above would pass on nothing at all: show they catch what they are meant to.
    assert!(uses("use rdkafka::Message as _;", RDKAFKA));
    assert!(uses("let c: rdkafka::consumer::BaseConsumer;", RDKAFKA));
    assert!(uses("unsafe { sys::rd_kafka_queue_destroy(q) }", DESTROY_CALL));
    assert!(!uses("Owned::new(q, sys::rd_kafka_queue_destroy)", DESTROY_CALL));
    assert_eq!(command_of("src/commands/groups/guard.rs"), Some("groups"));
    assert_eq!(command_of("src/commands/lag.rs"), Some("lag"));
    assert_eq!(command_of("src/commands/dispatch.rs"), None);
    assert!(not_declarations("src/commands/mod.rs").is_empty());
    let face = "#![allow(dead_code)]\npub mod a;\nmod b;\npub use a::{\n    X,\n    Y,\n};\npub(crate) use b::*;\n";
    assert!(statements_not_declaring(face).is_empty());
    assert_eq!(statements_not_declaring(&format!("{face}const N: u8 = 1;\n")), ["const N: u8 = 1;"]);
    assert_eq!(statements_not_declaring(&format!("{face}fn f() {{\n}}\n")), ["fn f() {", "}"]);
}

#[test]
fn architecture_md_names_folders_that_exist() {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("ARCHITECTURE.md")).unwrap();
    let re = regex::Regex::new(r"\bsrc/[A-Za-z0-9_/.]*[A-Za-z0-9_]").unwrap();
    let named: Vec<&str> = re.find_iter(&doc).map(|m| m.as_str()).collect();
    assert!(named.len() >= 10, "ARCHITECTURE.md names the layers' folders: {named:?}");
    // Files a worked example adds do not exist yet; they are marked `(new)`.
    let missing: Vec<&&str> = named
        .iter()
        .filter(|p| !Path::new(ROOT).join(p).exists())
        .filter(|p| !doc.contains(&format!("{p} (new)")) && !doc.contains(&format!("{p}` (new)")))
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md names paths that do not exist: {missing:?}");
}
