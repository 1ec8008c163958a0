//! Shell completions and man pages: the committed files match what the clap definitions generate
//! (so they never go stale), the scripts work in a real bash, dynamic completion offers the names
//! declared in topics.yaml, and every command's help has examples.
//!
//! After changing src/cli/: `scripts/gen-completions.sh` regenerates completions/ and docs/.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use clap::CommandFactory as _;
use clap_complete::{Generator as _, Shell};

const SHELLS: [Shell; 5] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish];

fn evbus_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("evbus")
}

#[test]
fn committed_completion_scripts_match_the_generator() {
    let mut stale = Vec::new();
    for shell in SHELLS {
        let file = repo_root().join("completions").join(shell.file_name("evbus"));
        let out = evbus_cmd().args(["completions", &shell.to_string()]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.len() > 1000, "{shell}: suspiciously short script");
        match std::fs::read(&file) {
            Ok(committed) if committed == out.stdout => {}
            Ok(_) => stale.push(format!("{} differs", file.display())),
            Err(e) => stale.push(format!("{}: {e}", file.display())),
        }
    }
    assert!(stale.is_empty(), "completion scripts are stale; run scripts/gen-completions.sh:\n{}", stale.join("\n"));
}

#[test]
fn man_pages_are_in_sync() {
    let docs = repo_root().join("docs");
    let tmp = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(evbus::cli::Cli::command(), tmp.path()).unwrap();
    let mut generated: Vec<String> =
        std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    generated.sort();
    assert!(
        generated.contains(&"evbus.1".to_string()) && generated.contains(&"evbus-dev-up.1".to_string()),
        "{generated:?}"
    );

    if std::env::var_os("EVBUS_BLESS").is_some() {
        std::fs::create_dir_all(&docs).unwrap();
        for old in list_man_pages(&docs) {
            std::fs::remove_file(docs.join(old)).unwrap();
        }
        for name in &generated {
            std::fs::copy(tmp.path().join(name), docs.join(name)).unwrap();
        }
        return;
    }
    let committed = list_man_pages(&docs);
    assert_eq!(committed, generated, "man pages added or removed; run scripts/gen-completions.sh");
    for name in &generated {
        let want = std::fs::read(tmp.path().join(name)).unwrap();
        let have = std::fs::read(docs.join(name)).unwrap();
        assert!(want == have, "docs/{name} is stale; run scripts/gen-completions.sh");
    }
    let main = std::fs::read_to_string(docs.join("evbus.1")).unwrap();
    assert!(main.contains(".TH evbus 1") && main.contains("topics") && main.contains("Exit codes"), "{main}");
}

fn list_man_pages(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("evbus") && n.ends_with(".1"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Run a bash snippet with the evbus binary's directory first on PATH.
fn bash(dir: &Path, script: &str) -> String {
    let bin_dir = evbus_path().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .current_dir(dir)
        .env("PATH", path)
        .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
        .env_remove("EVBUS_CONTEXT")
        .env_remove("EVBUS_CONFIG")
        .env_remove("EVBUS_MANIFEST")
        .args(["--norc", "--noprofile", "-c", script])
        .output()
        .expect("bash is needed for this test");
    assert!(out.status.success(), "bash failed: {}\n{}", String::from_utf8_lossy(&out.stderr), script);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A working directory with the repo's topics.yaml and schemas, like a user's checkout.
fn project_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(repo_root().join("topics.yaml"), d.path().join("topics.yaml")).unwrap();
    std::fs::create_dir(d.path().join("schemas")).unwrap();
    std::fs::write(d.path().join("schemas/auth.user.registered.json"), "{}").unwrap();
    std::fs::write(d.path().join("schemas/order.json"), "{}").unwrap();
    d
}

fn manifest_topics() -> Vec<String> {
    let m: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(repo_root().join("topics.yaml")).unwrap()).unwrap();
    m["topics"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

/// What clap_complete's bash adapter asks evbus: `COMPLETE=bash _CLAP_COMPLETE_INDEX=i evbus -- words...`.
fn dynamic_candidates(dir: &Path, words: &[&str]) -> Vec<String> {
    let out = evbus_cmd()
        .current_dir(dir)
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_IFS", "\n")
        .env_remove("EVBUS_MANIFEST")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // With an empty word clap_complete also offers the flags; the values are what matter here.
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.starts_with('-')).map(str::to_string).collect()
}

#[test]
fn dynamic_completion_offers_manifest_topics_groups_schemas_and_contexts() {
    let d = project_dir();
    let topics = manifest_topics();
    assert!(topics.len() > 10);

    // Every declared topic for `tail`, `produce` and `topics describe`.
    for words in [&["evbus", "tail", ""][..], &["evbus", "produce", ""], &["evbus", "topics", "describe", ""]] {
        let got = dynamic_candidates(d.path(), words);
        for t in &topics {
            assert!(got.contains(t), "{words:?}: {t} missing from {got:?}");
        }
    }
    // A prefix narrows it down.
    let got = dynamic_candidates(d.path(), &["evbus", "tail", "auth.user.reg"]);
    assert_eq!(got, vec!["auth.user.registered"]);
    // Groups for `lag`.
    let got = dynamic_candidates(d.path(), &["evbus", "lag", "notif"]);
    assert_eq!(got, vec!["notification-service"]);
    // Schemas from ./schemas for `schemas sample`.
    let got = dynamic_candidates(d.path(), &["evbus", "schemas", "sample", ""]);
    assert!(got.contains(&"auth.user.registered".to_string()) && got.contains(&"order".to_string()), "{got:?}");
    // Subcommands still complete.
    let got = dynamic_candidates(d.path(), &["evbus", "to"]);
    assert!(got.contains(&"topics".to_string()), "{got:?}");

    // Context names for `config use` and --context.
    std::fs::write(
        d.path().join("evbus.yaml"),
        "contexts:\n  staging: { brokers: 's:1' }\n  prod: { brokers: 'p:1' }\n",
    )
    .unwrap();
    let got = dynamic_candidates(d.path(), &["evbus", "config", "use", ""]);
    assert_eq!(got, vec!["prod", "staging"]);
    let got = dynamic_candidates(d.path(), &["evbus", "--context", "st"]);
    assert_eq!(got, vec!["staging"]);

    // The context's manifest is where names come from when it has one.
    std::fs::write(d.path().join("other.yaml"), "version: 1\ntopics:\n  - name: billing.invoice.sent\n").unwrap();
    std::fs::write(d.path().join("evbus.yaml"), "current: b\ncontexts:\n  b: { manifest: other.yaml }\n").unwrap();
    assert_eq!(dynamic_candidates(d.path(), &["evbus", "tail", ""]), vec!["billing.invoice.sent"]);

    // No manifest: no candidates and no noise on the command line.
    let empty = tempfile::tempdir().unwrap();
    assert!(dynamic_candidates(empty.path(), &["evbus", "tail", ""]).is_empty());
}

#[test]
fn dynamic_registration_script_completes_topic_names_in_a_real_bash() {
    let d = project_dir();
    // Both ways of getting the script register the same function for `evbus`.
    let via_env = evbus_cmd().env("COMPLETE", "bash").output().unwrap();
    assert!(String::from_utf8_lossy(&via_env.stdout).contains("_clap_complete_evbus"));
    let via_flag = evbus_cmd().args(["completions", "bash", "--dynamic"]).output().unwrap();
    let script = String::from_utf8_lossy(&via_flag.stdout);
    assert!(script.contains("_clap_complete_evbus") && script.contains("COMPLETE=\"bash\""), "{script}");

    // What bash does on `evbus tail auth.user.l<TAB>`.
    let out = bash(
        d.path(),
        r#"source <(evbus completions bash --dynamic)
COMP_WORDS=(evbus tail auth.user.l); COMP_CWORD=2; COMP_TYPE=9
_clap_complete_evbus evbus auth.user.l tail
printf '%s\n' "${COMPREPLY[@]}""#,
    );
    let mut got: Vec<&str> = out.lines().collect();
    got.sort();
    assert_eq!(got, vec!["auth.user.logged_in", "auth.user.logged_out"]);
}

#[test]
fn static_bash_script_completes_subcommands_and_values() {
    let d = tempfile::tempdir().unwrap();
    let file = repo_root().join("completions/evbus.bash");
    let out = bash(
        d.path(),
        &format!(
            r#"source {}
COMP_WORDS=(evbus to); COMP_CWORD=1; COMP_LINE="evbus to"; COMP_POINT=8
_evbus evbus to evbus
printf '%s\n' "${{COMPREPLY[@]}}"
echo ---
COMP_WORDS=(evbus completions ""); COMP_CWORD=2; COMP_LINE="evbus completions "; COMP_POINT=18
_evbus evbus "" completions
printf '%s\n' "${{COMPREPLY[@]}}""#,
            file.display()
        ),
    );
    let (first, second) = out.split_once("---\n").unwrap();
    assert_eq!(first.trim(), "topics");
    for sh in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(second.lines().any(|l| l.trim() == sh), "{sh} missing: {second}");
    }
}

#[test]
fn version_shows_evbus_and_librdkafka() {
    let out = evbus_cmd().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let re = regex::Regex::new(r"^evbus \d+\.\d+\.\d+ \(librdkafka \d+\.\d+\.\d+\)\n$").unwrap();
    assert!(re.is_match(&text), "{text:?}");
}

/// Every command and command group prints examples in its --help.
#[test]
fn every_command_help_has_examples() {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            out.push(p.clone());
            walk(sub, p, out);
        }
    }
    let mut all = Vec::new();
    walk(&evbus::cli::Cli::command(), Vec::new(), &mut all);
    assert!(all.len() > 20, "{all:?}");
    let mut missing = Vec::new();
    for path in &all {
        let out = evbus_cmd().args(path).arg("--help").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        if !(out.status.success() && text.contains("Example") && text.contains("evbus ")) {
            missing.push(path.join(" "));
        }
    }
    assert!(missing.is_empty(), "--help without examples: {missing:?}");
}
