//! One compiled schema ([`Schema`]): its validators (for a `Value` and, on first use, for a
//! [`Tape`]), every error of a document with its schema file and path ([`SchemaError`]), and the
//! one place validators are configured so both accept the same instances.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::anyhow;
use jsonschema::json::{Json, SerdeJson};
use serde_json::Value;

use super::formats::{DATE_TIME_LOCAL, is_date_time_local};
use super::resolve::{self, DirRetriever, file_uri, read_json};
use super::tape::{Tape, TapeDoc, TapeJson};

/// Why [`Schema::check_json`] rejected a document.
#[derive(Debug)]
pub enum JsonCheck {
    /// The bytes are not one JSON document; the parser's error says where.
    NotJson(serde_json::Error),
    /// Every validation error (never empty).
    Invalid(Vec<SchemaError>),
}

/// The one place validators are configured, so the `Value` and tape validators of a [`Schema`]
/// accept the same instances.
pub(super) fn build_validator<F: Json>(
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
    pub(super) path: PathBuf,
    pub(super) raw: Value,
    pub(super) validator: Arc<jsonschema::Validator>,
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
    pub(super) fn keyword_file(&self, absolute: Option<&str>) -> (Option<String>, Option<String>) {
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
pub(super) fn percent_decode(s: &str) -> String {
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

pub(super) fn find_event_type(v: &Value, depth: usize) -> Option<String> {
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
