//! JSON Schemas of the event platform: a directory of schemas ([`SchemaStore`]), compiled schemas
//! whose `$ref`s into sibling files resolve wherever the directory lives ([`Schema`]), validation
//! that reports every error ([`SchemaError`]), and realistic sample generation ([`sample`]).
//! JSON Lines input is validated on a reusable [`tape`] encoding of each line
//! ([`Schema::is_valid_tape`]), which costs far less than building a `Value` per line.
//!
//! Format keywords (`uuid`, `date-time`, `email`, ...) are asserted, not just annotations: an
//! event with a malformed eventId is a bug worth reporting. `$ref`s never touch the network; a
//! non-`file:` URI is mapped to the file of the same name in the schema's directory.

mod closest;
mod formats;
pub(crate) mod resolve;
pub mod sample;
pub mod select;
pub mod tape;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{anyhow, bail};
use jsonschema::json::{Json, SerdeJson};
use serde_json::Value;

pub use formats::{DATE_TIME_LOCAL, is_date_time_local};
use resolve::{DirRetriever, DocSet, file_uri, read_json};
pub use tape::{Tape, TapeDoc, TapeJson, TapeNode};

/// Why [`Schema::check_json`] rejected a document.
#[derive(Debug)]
pub enum JsonCheck {
    /// The bytes are not one JSON document; the parser's error says where.
    NotJson(serde_json::Error),
    /// Every validation error (never empty).
    Invalid(Vec<SchemaError>),
}

/// A directory of schemas, one `<name>.json` per event type.
#[derive(Debug, Clone)]
pub struct SchemaStore {
    dir: PathBuf,
}

impl SchemaStore {
    /// Opens `dir`. A missing directory is an empty store (nothing to list or check yet); a path
    /// that exists but is not a directory is an error.
    pub fn open(dir: &Path) -> anyhow::Result<SchemaStore> {
        if dir.exists() && !dir.is_dir() {
            bail!("schema directory {} is not a directory", dir.display());
        }
        Ok(SchemaStore { dir: dir.to_path_buf() })
    }

    /// The directory the store reads schemas from (it may not exist yet).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Sorted names (file stems) of every `*.json` file, including shared ones like `envelope`.
    pub fn names(&self) -> Vec<String> {
        self.files()
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect()
    }

    fn files(&self) -> std::io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(&self.dir)? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "json") && p.is_file() {
                out.push(p);
            }
        }
        out.sort();
        Ok(out)
    }

    /// Loads a schema by name (`<dir>/<name>.json`) or, when the argument contains a `/` or ends
    /// in `.json`, by path (a bare `x.json` that is not in the working directory is also looked
    /// up in the store).
    pub fn load(&self, name_or_path: &str) -> anyhow::Result<Schema> {
        let s = name_or_path;
        let looks_like_path = s.contains('/') || s.contains(std::path::MAIN_SEPARATOR) || s.ends_with(".json");
        let mut tried = Vec::new();
        if looks_like_path {
            tried.push(PathBuf::from(s));
            if !s.contains('/') && !s.contains(std::path::MAIN_SEPARATOR) {
                tried.push(self.dir.join(s));
            }
        } else {
            tried.push(self.dir.join(format!("{s}.json")));
        }
        if let Some(p) = tried.iter().find(|p| p.is_file()) {
            return Schema::from_file(p);
        }
        let tried_s = tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        let stem = s.trim_end_matches(".json").rsplit('/').next().unwrap_or(s);
        let mut near: Vec<(f64, String)> = self
            .names()
            .into_iter()
            .map(|n| (strsim::jaro_winkler(stem, &n), n))
            .filter(|(score, _)| *score > 0.85)
            .collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0));
        let hint = match near.first() {
            Some((_, n)) => format!("; did you mean '{n}'?"),
            None if !self.dir.is_dir() => format!("; schema directory {} does not exist", self.dir.display()),
            None => String::new(),
        };
        bail!("schema '{s}' not found (tried {tried_s}){hint}")
    }

    /// Every problem in the store, one message per problem, each naming its file: JSON syntax
    /// errors (`file:line:col`), `$ref`s that do not resolve, schemas that do not compile.
    pub fn check_all(&self) -> Vec<String> {
        let files = match self.files() {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => return vec![format!("{}: {e}", self.dir.display())],
        };
        let mut problems = Vec::new();
        for path in files {
            let raw = match read_json(&path) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let abs = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            let retriever = DirRetriever::new(abs.parent().unwrap_or(Path::new("/")));
            retriever.remember(&abs, Arc::new(raw.clone()));
            // Reference problems first: our message names the exact `$ref`, the validator's may not.
            if let Err(errs) = DocSet::load(&file_uri(&abs), &raw, retriever.clone()) {
                problems.extend(errs.into_iter().map(|e| format!("{}: {e}", path.display())));
                continue;
            }
            if let Err(e) = build_validator::<SerdeJson>(&abs, &raw, retriever) {
                problems.push(format!("{}: schema does not compile: {e}", path.display()));
            }
        }
        problems
    }
}

/// The one place validators are configured, so the `Value` and tape validators of a [`Schema`]
/// accept the same instances.
fn build_validator<F: Json>(
    abs: &Path,
    raw: &Value,
    retriever: DirRetriever,
) -> Result<jsonschema::Validator<F>, String> {
    jsonschema::options_for::<F>()
        .with_base_uri(file_uri(abs))
        .with_retriever(retriever)
        .should_validate_formats(true)
        .with_format(DATE_TIME_LOCAL, is_date_time_local)
        .build(raw)
        .map_err(|e| {
            // For a schema error the "instance" is the schema itself: say where in it.
            let at = e.instance_path().to_string();
            if at.is_empty() { e.to_string() } else { format!("at {at}: {e}") }
        })
}

/// A compiled schema. Cheap to clone (the validator is shared).
#[derive(Clone)]
pub struct Schema {
    name: String,
    path: PathBuf,
    raw: Value,
    validator: Arc<jsonschema::Validator>,
    /// The same schema compiled for [`Tape`] documents (validating one skips building a
    /// `Value`), on first use: only file input needs it.
    tape_validator: Arc<OnceLock<Result<jsonschema::Validator<TapeJson>, String>>>,
    retriever: DirRetriever,
    event_type: Option<String>,
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema").field("name", &self.name).field("path", &self.path).finish_non_exhaustive()
    }
}

impl Schema {
    /// Loads and compiles the schema in `path`; relative `$ref`s resolve against its directory.
    pub fn from_file(path: &Path) -> anyhow::Result<Schema> {
        let raw = read_json(path).map_err(|e| anyhow!(e))?;
        let abs = std::path::absolute(path)?;
        let retriever = DirRetriever::new(abs.parent().unwrap_or(Path::new("/")));
        retriever.remember(&abs, Arc::new(raw.clone()));
        let validator = build_validator::<SerdeJson>(&abs, &raw, retriever.clone())
            .map_err(|e| anyhow!("{}: schema does not compile: {e}", path.display()))?;
        let name =
            path.file_name().map(|f| f.to_string_lossy().trim_end_matches(".json").to_string()).unwrap_or_default();
        let event_type = find_event_type(&raw, 0);
        Ok(Schema {
            name,
            path: abs,
            raw,
            validator: Arc::new(validator),
            tape_validator: Arc::default(),
            retriever,
            event_type,
        })
    }

    /// The file stem, e.g. `auth.user.registered`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Absolute path of the schema file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema document as read from its file, before `$ref`s are resolved.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The `eventType` the schema pins with `const` (or a one-value `enum`), looking at the root
    /// `properties` and those of its `allOf` parts.
    pub fn event_type(&self) -> Option<String> {
        self.event_type.clone()
    }

    /// Every validation error (empty `Err` never happens).
    pub fn validate(&self, v: &Value) -> Result<(), Vec<SchemaError>> {
        let errors: Vec<SchemaError> = self.validator.iter_errors(v).map(|e| self.word(&e, 0)).collect();
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// The file a failing keyword is in (relative to this schema's directory when under it) and
    /// the keyword's pointer within that file, from its absolute location (`file:///…#/ptr`):
    /// a keyword reached through a `$ref` is in another file than the one validated against.
    fn keyword_file(&self, absolute: Option<&str>) -> (Option<String>, Option<String>) {
        let Some(uri) = absolute else { return (None, None) };
        let pointer = uri.split_once('#').map(|(_, f)| percent_decode(f));
        let file = resolve::uri_to_path(uri).map(|p| {
            let dir = self.path.parent().unwrap_or(Path::new(""));
            p.strip_prefix(dir).unwrap_or(&p).display().to_string()
        });
        (file, pointer)
    }

    /// Whether `v` passes, without collecting errors (cheaper than [`Schema::validate`]).
    pub fn is_valid(&self, v: &Value) -> bool {
        self.validator.is_valid(v)
    }

    /// [`Schema::is_valid`] of the line `doc` was parsed from, without building its `Value`.
    /// Errors are not reported here: re-check an invalid line with [`Schema::validate`].
    pub fn is_valid_tape(&self, doc: &TapeDoc<'_>) -> bool {
        let tape = self
            .tape_validator
            .get_or_init(|| build_validator::<TapeJson>(&self.path, &self.raw, self.retriever.clone()));
        match tape {
            Ok(v) => v.is_valid(doc.root()),
            // Built with the options the `Value` validator compiled with, so not expected; if it
            // happens, the `Value` path still gives the right verdict.
            Err(_) => self.validator.is_valid(&doc.to_value()),
        }
    }

    /// Checks JSON bytes (a record value) on a per-thread [`Tape`], so a valid document, the
    /// common case, costs no `Value`; only an invalid one is parsed again into a `Value` to word
    /// its errors. Verdicts and errors are those of `serde_json::from_slice` then
    /// [`Schema::validate`].
    pub fn check_json(&self, bytes: &[u8]) -> Result<(), JsonCheck> {
        thread_local! {
            static TAPE: std::cell::RefCell<Tape> = std::cell::RefCell::new(Tape::new());
        }
        TAPE.with_borrow_mut(|tape| match tape.parse(bytes) {
            Ok(doc) => self.check_doc(&doc, bytes),
            Err(e) => Err(JsonCheck::NotJson(e)),
        })
    }

    /// [`Schema::check_json`] of `bytes` already parsed into `doc`, for a caller that reads more
    /// from the document afterwards (`produce --input`: its key and event type).
    pub fn check_doc(&self, doc: &TapeDoc<'_>, bytes: &[u8]) -> Result<(), JsonCheck> {
        if self.is_valid_tape(doc) {
            return Ok(());
        }
        let v: Value = serde_json::from_slice(bytes).map_err(JsonCheck::NotJson)?;
        self.validate(&v).map_err(JsonCheck::Invalid)
    }

    pub(crate) fn retriever(&self) -> &DirRetriever {
        &self.retriever
    }
}

/// `%xx` escapes of a URI fragment decoded (a JSON pointer to `$defs` arrives as `%24defs`).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn find_event_type(v: &Value, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    if let Some(et) = v.get("properties").and_then(|p| p.get("eventType")) {
        if let Some(Value::String(c)) = et.get("const") {
            return Some(c.clone());
        }
        if let Some(Value::Array(e)) = et.get("enum")
            && let [Value::String(only)] = e.as_slice()
        {
            return Some(only.clone());
        }
    }
    v.get("allOf")?.as_array()?.iter().find_map(|p| find_event_type(p, depth + 1))
}

/// One validation failure. `instance_path` and `schema_path` are JSON pointers (`""` is the root).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SchemaError {
    /// Where in the document the failure is, e.g. `/payload/email`.
    pub instance_path: String,
    /// The schema keyword that failed, e.g. `/properties/payload/required`: a pointer into
    /// `schema_file` when that is known.
    pub schema_path: String,
    /// The schema file that keyword is in (`envelope.json` for one reached through a `$ref`),
    /// relative to the validated schema's directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_file: Option<String>,
    /// The validator's message, which may quote the offending value.
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_path.is_empty() { "/" } else { &self.instance_path };
        match &self.schema_file {
            Some(file) => write!(f, "at {at}: {} (schema {file}#{})", self.message, self.schema_path),
            None => write!(f, "at {at}: {} (schema {})", self.message, self.schema_path),
        }
    }
}

impl std::error::Error for SchemaError {}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod platform_tests;
