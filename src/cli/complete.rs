//! Dynamic shell completion candidates (topic, group and schema names) read from the local
//! manifest and schema directory, so completion works without a broker and never blocks the shell
//! on the network.
//!
//! clap_complete's engine calls these when the shell asks (`COMPLETE=bash evbus -- ...`, set up by
//! `source <(COMPLETE=bash evbus)`); any error means "no candidates", never a message, because
//! whatever is printed here ends up on the user's command line.

use clap_complete::engine::CompletionCandidate;

fn manifest() -> Option<crate::topics::manifest::Manifest> {
    crate::topics::manifest::load(&crate::config::completion_manifest()).ok()
}

/// Topic names declared in the manifest, with their descriptions as help (zsh and fish show it).
pub fn topic_names() -> Vec<CompletionCandidate> {
    manifest()
        .map(|m| {
            m.topics
                .iter()
                .map(|t| CompletionCandidate::new(t.name.clone()).help(t.description.clone().map(Into::into)))
                .collect()
        })
        .unwrap_or_default()
}

/// Consumer groups declared in the manifest.
pub fn group_names() -> Vec<CompletionCandidate> {
    manifest()
        .map(|m| {
            m.groups
                .iter()
                .map(|g| {
                    CompletionCandidate::new(g.name.clone()).help(Some(format!("{} topics", g.topics.len()).into()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Schema names: file stems of `schemas/*.json` in the working directory.
pub fn schema_names() -> Vec<CompletionCandidate> {
    let Ok(rd) = std::fs::read_dir("schemas") else { return Vec::new() };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".json")).map(str::to_string))
        .collect();
    names.sort();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// Context names from the config file (for `evbus config use` and `--context`).
pub fn context_names() -> Vec<CompletionCandidate> {
    let Some(file) = crate::config::config_path().and_then(|p| crate::config::load_file(&p).ok()) else {
        return Vec::new();
    };
    file.contexts
        .iter()
        .map(|(name, c)| CompletionCandidate::new(name.clone()).help(c.brokers.clone().map(Into::into)))
        .collect()
}
