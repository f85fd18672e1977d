#!/usr/bin/env bash
# Generates stripe-events from every spec in ../shared/stripe-openapi, type-checks the result
# (it is compiled, with the macro crate's event table from the same spec), and parses that
# version's own example objects through it. Each version builds in its own target directory so
# that switching does not invalidate the pinned build.
#   scripts/check-versions.sh [VERSION ...]   (default: every spec-*.json in ../shared, then
#                                              `compatible`)
# `compatible`: the pinned 2024-04-10 build, strict and with every other v1 spec in ../shared as
# compatible API versions (STRIPE_EVENTS_COMPATIBLE), each parsing every fixtures file with its
# expected typed counts and exceptions (tests/versions/tests/compatible.rs).
# The v2 specs (spec-v2-*.json, or a VERSION given as v2-<version>) describe thin events only:
# each is generated beside the pinned v1 spec (STRIPE_OPENAPI_SPEC_V2) and its thin types are
# compiled, with serialize and schemars, lints denied (one small event group, so the v1 side
# costs little), then every thin type is parsed and dispatched (stripe-events/tests/thin_types.rs)
# and fetched from a loopback stand-in of Stripe's API (stripe-events/tests/fetch.rs, feature
# `client`). Their thin event tables are snapshots of the generator's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="$(cd .. && pwd)/shared/stripe-openapi"
versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  for f in "$shared"/spec-*.json; do
    v=$(basename "$f" .json)
    versions+=("${v#spec-}")
  done
  versions+=(compatible)
fi
for v in "${versions[@]}"; do
  if [ "$v" = compatible ]; then
    older=()
    for f in "$shared"/spec-20*.json; do
      o=$(basename "$f" .json); o="${o#spec-}"
      [ "$o" = 2024-04-10 ] || older+=("$o")
    done
    list=$(IFS=,; echo "${older[*]}")
    echo "=== 2024-04-10 pin, strict, then with compatible API versions $list"
    STRIPE_OPENAPI_SPEC="$shared/spec-2024-04-10.json" CARGO_TARGET_DIR="target/versions/2024-04-10" \
      cargo test --locked -q -p stripe-events-version-check --test compatible -- --nocapture 2>&1 \
      | grep -E '^fixtures|test result' || { echo "strict fixtures tally failed"; exit 1; }
    STRIPE_EVENTS_COMPATIBLE="$list" CARGO_TARGET_DIR="target/versions/compatible" \
      cargo test --locked -q -p stripe-events-version-check --test compatible -- --nocapture 2>&1 \
      | grep -E '^fixtures|test result' || { echo "compatible fixtures tally failed"; exit 1; }
    continue
  fi
  if [[ "$v" == v2-* ]]; then
    echo "=== v2 spec ${v#v2-}: thin event types generated and compiled"
    STRIPE_OPENAPI_SPEC_V2="$shared/spec-$v.json" CARGO_TARGET_DIR="target/versions/$v" \
      cargo clippy --locked -q -p stripe-events --no-default-features \
        --features events-product,serialize,schemars -- -D warnings \
      || { echo "v2 spec $v failed"; exit 1; }
    # Every thin type: a notification built from the generated tables, verified, parsed and
    # dispatched to a handler of its type.
    STRIPE_OPENAPI_SPEC_V2="$shared/spec-$v.json" CARGO_TARGET_DIR="target/versions/$v" \
      cargo test --locked -q -p stripe-events --no-default-features --features events-product \
        --test thin_types -- --nocapture 2>&1 | grep -E 'thin event types|test result' \
      || { echo "v2 spec $v: thin types failed"; exit 1; }
    # Every thin type of this spec fetched (event and related object, typed) from the loopback
    # stand-in of Stripe's API, examples built from the spec (tests/fetch.rs).
    STRIPE_OPENAPI_SPEC_V2="$shared/spec-$v.json" CARGO_TARGET_DIR="target/versions/$v" \
      cargo test --locked -q -p stripe-events --no-default-features \
        --features events-product,client --test fetch -- --nocapture 2>&1 | grep -E 'test result|thin types|FAILED|panicked' \
      || { echo "v2 spec $v: fetch tests failed"; exit 1; }
    echo "ok"
    continue
  fi
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
