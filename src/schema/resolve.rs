//! Finding schema documents: path <-> `file:` URI conversion, RFC 3986 reference resolution, JSON
//! loading with `file:line:col` errors, the offline retriever the validator uses to follow `$ref`s
//! into sibling files, and [`DocSet`], which loads every document a schema reaches and rewrites its
//! `$ref`s into absolute `doc#pointer` form so the sample generator can inline them anywhere.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// Keywords whose values are instance data, not subschemas: `$id`/`$ref` found inside them mean
/// nothing and must not be registered or rewritten.
const DATA_KEYWORDS: &[&str] = &["const", "enum", "default", "examples"];

/// Reads and parses a JSON file; the error names the file and, for syntax errors, `line:col`.
pub(crate) fn read_json(path: &Path) -> Result<Value, String> {
    let text =
        crate::limits::read_to_string(path, crate::limits::FILES).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        // serde_json appends " at line L column C" to its message; we move that into the prefix.
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        format!("{}:{}:{}: {msg}", path.display(), e.line(), e.column())
    })
}

/// The `file:` URI of an absolute path, percent-encoding anything that is not safe in a path.
pub(crate) fn file_uri(path: &Path) -> String {
    let s = path.to_string_lossy();
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-._~/!$&'()*+,;=:@".contains(c) {
            out.push(c);
        } else if c == '\\' {
            out.push('/');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes `%XX` escapes; invalid escapes are kept verbatim.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(v) = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The local path of a `file:` URI (fragment and query ignored).
pub(crate) fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let rest = rest.split(['#', '?']).next().unwrap_or(rest);
    // `file://host/path` is not something we can open; `file:///path` has an empty host.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    Some(PathBuf::from(percent_decode(path)))
}

/// Splits `uri#fragment` into its parts.
pub(crate) fn split_fragment(uri: &str) -> (&str, Option<&str>) {
    match uri.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (uri, None),
    }
}

fn scheme_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() => {}
        _ => return None,
    }
    for (i, c) in chars {
        if c == ':' {
            return Some(i);
        }
        if !(c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.') {
            return None;
        }
    }
    None
}

fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = path.split('/').collect();
    let last = segs.len().saturating_sub(1);
    for (i, seg) in segs.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if path.starts_with('/') && !joined.starts_with('/') { format!("/{joined}") } else { joined }
}

/// Resolves `reference` against the absolute `base` (RFC 3986 section 5.2, without query subtleties).
pub(crate) fn resolve_uri(base: &str, reference: &str) -> String {
    if scheme_len(reference).is_some() {
        let (u, f) = split_fragment(reference);
        return match f {
            Some(f) => format!("{}#{f}", u),
            None => u.to_string(),
        };
    }
    let (base_nofrag, _) = split_fragment(base);
    let (ref_path, ref_frag) = split_fragment(reference);
    let with_frag = |s: String| match ref_frag {
        Some(f) => format!("{s}#{f}"),
        None => s,
    };
    if ref_path.is_empty() {
        return with_frag(base_nofrag.to_string());
    }
    let Some(sl) = scheme_len(base_nofrag) else {
        // A relative base cannot anchor anything; treat the reference as-is.
        return reference.to_string();
    };
    let scheme = &base_nofrag[..sl];
    let after = &base_nofrag[sl + 1..];
    let (authority, base_path) = if let Some(rest) = after.strip_prefix("//") {
        let end = rest.find('/').unwrap_or(rest.len());
        (Some(&rest[..end]), &rest[end..])
    } else {
        (None, after)
    };
    let prefix = match authority {
        Some(a) => format!("{scheme}://{a}"),
        None => format!("{scheme}:"),
    };
    if let Some(r) = ref_path.strip_prefix("//") {
        return with_frag(format!("{scheme}://{r}"));
    }
    let base_path = base_path.split('?').next().unwrap_or(base_path);
    let merged = if ref_path.starts_with('/') {
        ref_path.to_string()
    } else {
        match base_path.rfind('/') {
            Some(i) => format!("{}{}", &base_path[..=i], ref_path),
            None if authority.is_some() => format!("/{ref_path}"),
            None => ref_path.to_string(),
        }
    };
    with_frag(format!("{prefix}{}", remove_dot_segments(&merged)))
}

/// Escapes one JSON pointer token.
pub(crate) fn escape_token(t: &str) -> String {
    t.replace('~', "~0").replace('/', "~1")
}

/// Offline retriever: `file:` URIs are read from disk, and any other URI (typically an `https://`
/// `$id` base) is mapped to the file of the same name in the schema directory, so schemas with
/// consistent ids work without a network. Parsed documents are cached for the process lifetime.
#[derive(Clone)]
pub(crate) struct DirRetriever {
    inner: Arc<RetrieverInner>,
}

struct RetrieverInner {
    dir: PathBuf,
    cache: Mutex<HashMap<PathBuf, Arc<Value>>>,
}

impl DirRetriever {
    pub(crate) fn new(dir: &Path) -> DirRetriever {
        DirRetriever { inner: Arc::new(RetrieverInner { dir: dir.to_path_buf(), cache: Mutex::new(HashMap::new()) }) }
    }

    /// Seeds the cache so the root document is not read twice.
    pub(crate) fn remember(&self, path: &Path, value: Arc<Value>) {
        if let Ok(mut c) = self.inner.cache.lock() {
            c.insert(path.to_path_buf(), value);
        }
    }

    /// Which file a URI stands for, if any.
    pub(crate) fn locate(&self, uri: &str) -> Result<PathBuf, String> {
        let (u, _) = split_fragment(uri);
        if let Some(p) = uri_to_path(u) {
            return Ok(p);
        }
        let last = u.split(['?']).next().unwrap_or(u).rsplit('/').next().unwrap_or("");
        let last = percent_decode(last);
        if !last.is_empty() && !last.contains(['\\', ':']) && last != ".." {
            let p = self.inner.dir.join(&last);
            if p.is_file() {
                return Ok(p);
            }
            let pj = self.inner.dir.join(format!("{last}.json"));
            if pj.is_file() {
                return Ok(pj);
            }
        }
        Err(format!(
            "cannot retrieve {u}: only local files are resolved (no network), and {} has no file named after it",
            self.inner.dir.display()
        ))
    }

    pub(crate) fn fetch(&self, uri: &str) -> Result<Arc<Value>, String> {
        let path = self.locate(uri)?;
        if let Ok(c) = self.inner.cache.lock()
            && let Some(v) = c.get(&path)
        {
            return Ok(v.clone());
        }
        if !path.is_file() {
            return Err(format!("{}: no such file", path.display()));
        }
        let v = Arc::new(read_json(&path)?);
        self.remember(&path, v.clone());
        Ok(v)
    }
}

impl jsonschema::Retrieve for DirRetriever {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.fetch(uri.as_str()).map(|v| (*v).clone()).map_err(|e| e.into())
    }
}

/// Every document reachable from a root schema, with `$ref`s rewritten to absolute canonical
/// `doc-uri#json-pointer` strings (anchors and embedded `$id` resources resolved), so subschemas
/// can be moved around and merged without losing track of what they point at.
pub(crate) struct DocSet {
    pub(crate) root: String,
    docs: HashMap<String, Value>,
    /// `$id` resource URIs and `uri#anchor` names -> (document key, pointer).
    aliases: HashMap<String, (String, String)>,
    retriever: DirRetriever,
    /// Documents registered but not yet rewritten.
    pending: VecDeque<String>,
}

impl DocSet {
    /// Loads `root` (already parsed, living at `root_uri`) and everything its `$ref`s reach.
    /// On failure, returns one message per `$ref` that does not resolve.
    pub(crate) fn load(root_uri: &str, root: &Value, retriever: DirRetriever) -> Result<DocSet, Vec<String>> {
        let mut set = DocSet {
            root: root_uri.to_string(),
            docs: HashMap::new(),
            aliases: HashMap::new(),
            retriever,
            pending: VecDeque::new(),
        };
        let mut errs = Vec::new();
        set.register(root_uri, root.clone());
        while let Some(key) = set.pending.pop_front() {
            // Rewrite a copy: the original must stay registered so self-references resolve.
            let mut doc = set.docs.get(&key).cloned().unwrap_or(Value::Null);
            let base = key.clone();
            set.rewrite(&key, &mut doc, &base, &mut String::new(), &mut errs, 0);
            set.docs.insert(key, doc);
        }
        if errs.is_empty() { Ok(set) } else { Err(errs) }
    }

    pub(crate) fn retriever(&self) -> &DirRetriever {
        &self.retriever
    }

    /// Looks up a canonical `doc#pointer` reference.
    pub(crate) fn get(&self, canonical: &str) -> Option<&Value> {
        let (doc, frag) = split_fragment(canonical);
        let v = self.docs.get(doc)?;
        match frag {
            None | Some("") => Some(v),
            Some(p) => v.pointer(&percent_decode(p)),
        }
    }

    fn register(&mut self, key: &str, doc: Value) {
        let mut found = Vec::new();
        scan_ids(&doc, key, &mut String::new(), &mut found, 0);
        for (alias, ptr) in found {
            self.aliases.entry(alias).or_insert((key.to_string(), ptr));
        }
        self.docs.insert(key.to_string(), doc);
        self.pending.push_back(key.to_string());
    }

    /// Turns an absolute reference into its canonical `doc#pointer` form, loading the target
    /// document on first use.
    fn canonical(&mut self, abs: &str) -> Result<String, String> {
        let (u, frag) = split_fragment(abs);
        let (doc, prefix) = if let Some((d, p)) = self.aliases.get(u) {
            (d.clone(), p.clone())
        } else if self.docs.contains_key(u) {
            (u.to_string(), String::new())
        } else {
            let v = self.retriever.fetch(u)?;
            self.register(u, (*v).clone());
            match self.aliases.get(u) {
                Some((d, p)) => (d.clone(), p.clone()),
                None => (u.to_string(), String::new()),
            }
        };
        let pointer = match frag {
            None | Some("") => prefix,
            Some(f) if f.starts_with('/') => format!("{prefix}{}", percent_decode(f)),
            Some(anchor) => {
                let key = format!("{u}#{anchor}");
                match self.aliases.get(&key) {
                    Some((_, p)) => p.clone(),
                    None => return Err(format!("anchor #{anchor} not found in {u}")),
                }
            }
        };
        let target = format!("{doc}#{pointer}");
        if self.get(&target).is_none() {
            return Err(format!("{} has nothing at #{pointer}", short_name(&doc)));
        }
        Ok(target)
    }

    fn rewrite(
        &mut self,
        key: &str,
        v: &mut Value,
        base: &str,
        ptr: &mut String,
        errs: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 256 {
            errs.push(format!("{}#{ptr}: schema nesting too deep", short_name(key)));
            return;
        }
        match v {
            Value::Object(map) => {
                let base = match map.get("$id").and_then(Value::as_str) {
                    Some(id) => split_fragment(&resolve_uri(base, id)).0.to_string(),
                    None => base.to_string(),
                };
                for kw in ["$ref", "$dynamicRef"] {
                    if let Some(Value::String(r)) = map.get(kw) {
                        let abs = resolve_uri(&base, r);
                        match self.canonical(&abs) {
                            Ok(canon) => {
                                map.insert(kw.to_string(), Value::String(canon));
                            }
                            Err(e) => {
                                errs.push(format!("{kw} \"{r}\" at {}#{ptr} does not resolve: {e}", short_name(key)))
                            }
                        }
                    }
                }
                for (k, child) in map.iter_mut() {
                    if DATA_KEYWORDS.contains(&k.as_str()) || k == "$ref" || k == "$dynamicRef" {
                        continue;
                    }
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&escape_token(k));
                    self.rewrite(key, child, &base, ptr, errs, depth + 1);
                    ptr.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&i.to_string());
                    self.rewrite(key, child, base, ptr, errs, depth + 1);
                    ptr.truncate(len);
                }
            }
            _ => {}
        }
    }
}

/// The file name of a document key, for messages.
pub(crate) fn short_name(key: &str) -> String {
    let (u, _) = split_fragment(key);
    match uri_to_path(u) {
        Some(p) => p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| u.to_string()),
        None => u.to_string(),
    }
}

/// Collects `$id` resources and `$anchor`/`$dynamicAnchor` names with their pointers.
fn scan_ids(v: &Value, base: &str, ptr: &mut String, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 256 {
        return;
    }
    match v {
        Value::Object(map) => {
            let mut base = base.to_string();
            if let Some(id) = map.get("$id").and_then(Value::as_str) {
                base = split_fragment(&resolve_uri(&base, id)).0.to_string();
                out.push((base.clone(), ptr.clone()));
            }
            for kw in ["$anchor", "$dynamicAnchor"] {
                if let Some(a) = map.get(kw).and_then(Value::as_str) {
                    out.push((format!("{base}#{a}"), ptr.clone()));
                }
            }
            for (k, child) in map {
                if DATA_KEYWORDS.contains(&k.as_str()) {
                    continue;
                }
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&escape_token(k));
                scan_ids(child, &base, ptr, out, depth + 1);
                ptr.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&i.to_string());
                scan_ids(child, base, ptr, out, depth + 1);
                ptr.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_references() {
        let base = "file:///a/b/c.json";
        assert_eq!(resolve_uri(base, "d.json"), "file:///a/b/d.json");
        assert_eq!(resolve_uri(base, "../x.json#/y"), "file:///a/x.json#/y");
        assert_eq!(resolve_uri(base, "#/defs"), "file:///a/b/c.json#/defs");
        assert_eq!(resolve_uri(base, "/z.json"), "file:///z.json");
        assert_eq!(resolve_uri("https://h/s/e.json", "f.json"), "https://h/s/f.json");
        assert_eq!(resolve_uri(base, "urn:x:y"), "urn:x:y");
        assert_eq!(resolve_uri("https://h", "f.json"), "https://h/f.json");
    }

    #[test]
    fn file_uris_round_trip_odd_characters() {
        let p = Path::new("/tmp/my dir/é#1.json");
        let u = file_uri(p);
        assert!(!u.contains(' ') && !u[7..].contains('#'), "{u}");
        assert_eq!(uri_to_path(&u).unwrap(), p);
        assert_eq!(uri_to_path(&resolve_uri(&u, "x.json")).unwrap(), Path::new("/tmp/my dir/x.json"));
    }
}
