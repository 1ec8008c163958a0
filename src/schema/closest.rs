//! Validation errors worded for people. The validator says of a `oneOf` (or `anyOf`) that failed
//! only "{the whole event} is not valid under any of the schemas listed": the cause is in one of
//! the branches, and the event it quotes is cut off in any report. Here such an error becomes the
//! failure of the branch that came closest (the one that failed least, and not on a `const` or
//! `enum`, which is how a branch says "not my event type"), with that branch named and its own
//! failing keyword and schema path.

use std::path::Path;

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::compiled::percent_decode;
use super::{Schema, SchemaError, resolve};

/// How deep nested `oneOf`s are followed before the outer one is reported as is.
const MAX_DEPTH: usize = 8;

impl Schema {
    /// One validator error as a [`SchemaError`], a failed `oneOf`/`anyOf` replaced by its closest
    /// branch's first failure.
    pub(super) fn word(&self, e: &ValidationError<'_>, depth: usize) -> SchemaError {
        let (context, keyword) = match e.kind() {
            ValidationErrorKind::OneOfNotValid { context } => (context, "oneOf"),
            ValidationErrorKind::AnyOf { context } => (context, "anyOf"),
            _ => return self.plain(e),
        };
        if depth >= MAX_DEPTH || context.is_empty() {
            return self.plain(e);
        }
        let Some((i, errors)) =
            context.iter().enumerate().filter(|(_, errs)| !errs.is_empty()).min_by_key(|(_, errs)| distance(errs))
        else {
            return self.plain(e);
        };
        let inner = self.word(&errors[0], depth + 1);
        let name = self.branch_name(e, i).map(|n| format!(" ({n})")).unwrap_or_default();
        let more = match errors.len() {
            1 => String::new(),
            n => format!(" (+{} more in that branch)", n - 1),
        };
        let outer = e.instance_path().to_string();
        let at = if outer.is_empty() { "/".to_string() } else { outer };
        SchemaError {
            message: format!(
                "{}{more} [at {at}: matches none of the {} {keyword} branches; closest is branch {i}{name}]",
                inner.message,
                context.len()
            ),
            ..inner
        }
    }

    fn plain(&self, e: &ValidationError<'_>) -> SchemaError {
        let (schema_file, at) = self.keyword_file(e.absolute_keyword_location().map(|u| u.as_str()));
        SchemaError {
            instance_path: e.instance_path().to_string(),
            schema_path: at.unwrap_or_else(|| e.schema_path().to_string()),
            schema_file,
            message: e.to_string(),
        }
    }

    /// A name for branch `i` of the `oneOf`/`anyOf` that `e` reports: its `$ref`, its `title`, or
    /// the `eventType` it pins.
    fn branch_name(&self, e: &ValidationError<'_>, i: usize) -> Option<String> {
        let uri = e.absolute_keyword_location()?.as_str();
        let (doc_uri, fragment) = resolve::split_fragment(uri);
        let pointer = percent_decode(fragment.unwrap_or(""));
        let file = resolve::uri_to_path(doc_uri)?;
        let read;
        let doc: &Value = if file == self.path {
            &self.raw
        } else {
            read = resolve::read_json(Path::new(&file)).ok()?;
            &read
        };
        let branch = doc.pointer(&pointer)?.get(i)?;
        if let Some(r) = branch.get("$ref").and_then(Value::as_str) {
            return Some(r.to_string());
        }
        if let Some(t) = branch.get("title").and_then(Value::as_str) {
            return Some(t.to_string());
        }
        super::compiled::find_event_type(branch, 0).map(|t| format!("eventType {t}"))
    }
}

/// How far a branch is from matching: first whether it failed on a `const`/`enum` (the branch
/// is for another kind of event), then how many errors, then (negated) how deep into the event
/// the first one is (the deeper, the more of the event the branch accepted).
fn distance(errors: &[ValidationError<'_>]) -> (bool, usize, isize) {
    let pins = errors
        .iter()
        .any(|e| matches!(e.kind(), ValidationErrorKind::Constant { .. } | ValidationErrorKind::Enum { .. }));
    let depth = errors.iter().map(|e| e.instance_path().to_string().matches('/').count()).max().unwrap_or(0);
    (pins, errors.len(), -(depth as isize))
}
