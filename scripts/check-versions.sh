#!/usr/bin/env bash
# Generates stripe-events from every spec in ../shared/stripe-openapi, type-checks the result
# (it is compiled, with the macro crate's event table from the same spec), and parses that
# version's own example objects through it. Each version builds in its own target directory so
# that switching does not invalidate the pinned build.
#   scripts/check-versions.sh [VERSION ...]   (default: every spec-*.json in ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
shared="$(cd .. && pwd)/shared/stripe-openapi"
versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  for f in "$shared"/spec-*.json; do v=$(basename "$f" .json); versions+=("${v#spec-}"); done
fi
for v in "${versions[@]}"; do
  echo "=== API version $v"
  STRIPE_OPENAPI_SPEC="$shared/spec-$v.json" CARGO_TARGET_DIR="target/versions/$v" \
    cargo test --locked -p stripe-events-version-check --test fixtures -- --nocapture 2>&1 \
    | grep -vE '^\s+(Compiling|Running|Finished|Blocking|Checking)' || { echo "API version $v failed"; exit 1; }
done
