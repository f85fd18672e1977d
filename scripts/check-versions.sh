#!/usr/bin/env bash
# Generates stripe-events from every spec in ../shared/stripe-openapi, type-checks the result
# (it is compiled, with the macro crate's event table from the same spec), and parses that
# version's own example objects through it. Each version builds in its own target directory so
# that switching does not invalidate the pinned build.
#   scripts/check-versions.sh [VERSION ...]   (default: every v1 spec-*.json in ../shared)
# The v2 specs (spec-v2-*.json) describe thin events only, which have no snapshot payloads to
# generate and check here: they are skipped, by name, with a line saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="$(cd .. && pwd)/shared/stripe-openapi"
versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  for f in "$shared"/spec-*.json; do
    v=$(basename "$f" .json)
    case "$v" in
      spec-v2-*) echo "=== $v: a v2 (thin-event) spec, skipped: no snapshot events to check" ;;
      *) versions+=("${v#spec-}") ;;
    esac
  done
fi
for v in "${versions[@]}"; do
  echo "=== API version $v"
  extra="" features=""
  if [ "$v" = 2018-11-08 ]; then
    # The legacy spec plus the Bitcoin events it has schemas for but does not list.
    extra="$PWD/tests/versions/extra-events-2018.toml" features="--features legacy-2018"
  fi
  # shellcheck disable=SC2086
  STRIPE_OPENAPI_SPEC="$shared/spec-$v.json" STRIPE_EVENTS_EXTRA="$extra" CARGO_TARGET_DIR="target/versions/$v" \
    cargo test --locked -p stripe-events-version-check $features -- --nocapture 2>&1 \
    | grep -vE '^\s+(Compiling|Running|Finished|Blocking|Checking)' || { echo "API version $v failed"; exit 1; }
done
