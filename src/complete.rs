//! Dynamic shell completion candidates (topic, group and schema names) read from the local
//! manifest and schema directory, so completion works without a broker.

use clap_complete::engine::CompletionCandidate;

fn manifest() -> Option<crate::manifest::Manifest> {
    let path = std::env::var_os("EVBUS_MANIFEST").map(std::path::PathBuf::from).unwrap_or_else(|| "topics.yaml".into());
    crate::manifest::load(&path).ok()
}

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

pub fn group_names() -> Vec<CompletionCandidate> {
    manifest()
        .map(|m| m.groups.iter().map(|g| CompletionCandidate::new(g.name.clone())).collect())
        .unwrap_or_default()
}

pub fn schema_names() -> Vec<CompletionCandidate> {
    let Ok(rd) = std::fs::read_dir("schemas") else { return Vec::new() };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".json")).map(str::to_string))
        .collect();
    names.sort();
    names.into_iter().map(CompletionCandidate::new).collect()
}
