#!/usr/bin/env bash
# stripe-events vs async-stripe-webhook on this machine. See README.md.
#
#   ./run.sh              # both parts
#   ./run.sh throughput   # verify + typed parse on the same signed bodies (a few seconds)
#   ./run.sh builds       # clean release build times (many minutes; use a quiet machine)
#
# Figures go to stdout as `name<TAB>value<TAB>unit` lines; cargo's output, and which bodies a
# library could not type, go to stderr.
set -euo pipefail
cd "$(dirname "$0")"

what=${1:-all}
case $what in
all | throughput | builds) ;;
*)
    echo "usage: $0 [all|throughput|builds]" >&2
    exit 2
    ;;
esac

report() { printf '%s\t%s\t%s\n' "$1" "$2" "$3"; }

report rustc "$(rustc --version)" version
report cargo "$(cargo --version)" version
report cpus "$(nproc)" cores
if [[ -n ${RUSTFLAGS:-}${CARGO_ENCODED_RUSTFLAGS:-} ]]; then
    echo "warning: RUSTFLAGS is set; the figures are not with cargo's defaults" >&2
fi
# Everything this workspace needs, downloaded before anything is timed. Not --locked: the
# committed Cargo.lock pins async-stripe, and stripe-events (a path dependency) may have gained
# a dependency since it was written.
cargo fetch

throughput() {
    cargo run --release -p compare-bench
}

# One clean release build: an empty target dir of its own, wall-clock seconds.
clean_build() {
    local name=$1 package=$2
    local dir=target/clean-$name
    rm -rf "$dir"
    local start end
    start=$(date +%s.%N)
    RUSTC_WRAPPER= CARGO_BUILD_RUSTC_WRAPPER= CARGO_INCREMENTAL=0 \
        cargo build --release --offline -p "$package" --target-dir "$dir"
    end=$(date +%s.%N)
    report "build_${name//-/_}_s" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')" s
}

builds() {
    # Each builds/* package only depends on one crate, with the features its Cargo.toml lists
    # (cargo takes no feature flags for packages outside the workspace, so
    # `-p async-stripe-webhook --all-features` is not possible here).
    clean_build ours build-ours                     # stripe-events, default features
    clean_build theirs-default build-theirs-default # async-stripe-webhook, default features (none)
    clean_build theirs-typed build-theirs-typed     # + full + async-stripe-reserve (as the bench)
    clean_build theirs-all build-theirs-all         # + every feature
}

case $what in
throughput) throughput ;;
builds) builds ;;
all)
    throughput
    builds
    ;;
esac
