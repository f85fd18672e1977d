#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 300 s each). Not part of CI.
#   scripts/fuzz.sh [SECONDS]
# Needs cargo-fuzz (installed here if missing). cargo-fuzz wants nightly features; on a stable
# toolchain RUSTC_BOOTSTRAP=1 enables them for this build only.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-300}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for target in signature_header event_parse; do
  echo "=== $target for ${seconds}s"
  # New inputs go to corpus/<target> (not committed); seeds/<target>, when there is one, holds
  # hand-written starting points (a valid event is hard to find from random bytes).
  mkdir -p "corpus/$target"
  seeds=()
  [ -d "seeds/$target" ] && seeds=("seeds/$target")
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048
done
