#!/usr/bin/env bash
# Regenerates the committed shell completion scripts (completions/) and man pages (docs/*.1) from
# the clap definitions. Run it after changing src/cli/; `cargo test --test it -- completions::` fails
# while they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --bin evbus
EVBUS="${CARGO_TARGET_DIR:-target}/debug/evbus"

mkdir -p completions
"$EVBUS" completions bash       > completions/evbus.bash
"$EVBUS" completions zsh        > completions/_evbus
"$EVBUS" completions fish       > completions/evbus.fish
"$EVBUS" completions powershell > completions/_evbus.ps1
"$EVBUS" completions elvish     > completions/evbus.elv

# Man pages are rendered by clap_mangen (a dev-dependency) inside the test, which rewrites them
# when EVBUS_BLESS=1.
EVBUS_BLESS=1 cargo test --quiet --test it -- completions::man_pages_are_in_sync >/dev/null

echo "gen-completions: wrote completions/ and docs/*.1"
