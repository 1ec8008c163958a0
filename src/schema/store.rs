//! A directory of schemas ([`SchemaStore`]): listing them, opening one by name, and checking
//! that every one of them compiles, so `schemas validate` can report them all at once.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::bail;
use jsonschema::json::SerdeJson;

use super::compiled::{Schema, build_validator};
use super::resolve::{DirRetriever, DocSet, file_uri, read_json};

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
