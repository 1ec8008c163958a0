//! `evbus completions SHELL`: which shell, and static or dynamic.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use clap::Args;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  evbus completions bash > ~/.local/share/bash-completion/completions/evbus
  evbus completions zsh > ~/.zfunc/_evbus          # with fpath+=(~/.zfunc) in ~/.zshrc
  evbus completions fish > ~/.config/fish/completions/evbus.fish
  evbus completions powershell >> $PROFILE
  source <(evbus completions bash --dynamic)      # also completes topic and group names

--dynamic prints the same as `COMPLETE=bash evbus`: a script that asks evbus for candidates, so
topic, group and schema names come from topics.yaml in the current directory.")]
pub struct CompletionsArgs {
    /// Shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
    /// Script that asks evbus at completion time (completes topic/group/schema names)
    #[arg(long)]
    pub dynamic: bool,
}
