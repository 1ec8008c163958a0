//! The README is executable truth (issue 15): every ```console block of README.md runs, in order,
//! against a real Apache Kafka broker of its own, with trycmd checking each command's exit status
//! and its shown output (stdout and stderr merged, as a terminal shows them; `...` on a line of
//! its own stands for any lines, `[..]` for the rest of a line). And every command's `--help` is a
//! snapshot in tests/cmd/help/.
//!
//! Blocks marked ```sh are not run (installs, shell pipes and redirections, Docker, the test
//! script itself): keep those few, and prefer a ```console block.
//!
//! Regenerating:
//! - help snapshots, after changing a help text in src/cli/:
//!   `TRYCMD=overwrite cargo test --test it -- readme::help` rewrites tests/cmd/help/*.stdout;
//!   review the diff. A new subcommand needs a tests/cmd/help/<evbus-sub-command>.toml (copy
//!   one) and an empty .stdout beside it (trycmd only overwrites files that exist);
//!   `every_command_has_a_help_snapshot` names the missing ones.
//! - In README.md, each command's shown output ends with a blank line (trycmd's markdown
//!   convention: the last newline before the next `$` or the fence is dropped).
//! - README.md: edit it by hand. The test runs a copy of it in a sandbox (a temporary directory
//!   with the repo's topics.yaml, schemas/ and tests/readme/'s files), so `TRYCMD=overwrite`
//!   does not touch README.md; a failure shows the line of README.md and the output expected and
//!   got.

use std::path::Path;
use std::time::Duration;

use clap::CommandFactory as _;

use crate::common::*;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn readme_examples_run_as_shown() {
    let b = Broker::private(BrokerOpts::default());
    let sandbox = tempfile::tempdir().unwrap();
    // trycmd runs README.md's commands in README.in/ (the sandbox's working directory).
    let md = sandbox.path().join("README.md");
    std::fs::copy(repo_root().join("README.md"), &md).unwrap();
    let work = sandbox.path().join("README.in");
    std::fs::create_dir(&work).unwrap();
    std::fs::copy(repo_root().join("topics.yaml"), work.join("topics.yaml")).unwrap();
    copy_dir(&repo_root().join("schemas"), &work.join("schemas"));
    copy_dir(&repo_root().join("tests/readme"), &work);

    trycmd::TestCases::new()
        .register_bin("evbus", trycmd::cargo::cargo_bin!("evbus"))
        .env("EVBUS_BROKERS", &b.bootstrap)
        .env("XDG_CONFIG_HOME", work.join(".config").display().to_string())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .timeout(Duration::from_secs(60))
        .case(&md);
}

/// `evbus ... --help` of every command, as tests/cmd/help/*.toml + .stdout.
#[test]
fn help() {
    trycmd::TestCases::new()
        .register_bin("evbus", trycmd::cargo::cargo_bin!("evbus"))
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .case(repo_root().join("tests/cmd/help/*.toml"));
}

/// The snapshot file of each command: `evbus-topics-apply.toml` for `evbus topics apply`.
fn help_files(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    let name = if prefix.is_empty() { cmd.get_name().to_string() } else { format!("{prefix}-{}", cmd.get_name()) };
    out.push(format!("{name}.toml"));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        help_files(sub, &name, out);
    }
}

#[test]
fn every_command_has_a_help_snapshot() {
    let mut want = Vec::new();
    help_files(&evbus::cli::Cli::command(), "", &mut want);
    let dir = repo_root().join("tests/cmd/help");
    let missing: Vec<&String> = want.iter().filter(|f| !dir.join(f).is_file()).collect();
    assert!(missing.is_empty(), "commands without a help snapshot in tests/cmd/help/: {missing:?}");
    let mut have: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".toml"))
        .collect();
    have.sort();
    want.sort();
    assert_eq!(have, want, "tests/cmd/help/ has snapshots of commands that no longer exist");
}
