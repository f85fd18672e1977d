#!/usr/bin/env bash
# Compile times of stripe-events on this machine, each from an empty target directory of its
# own (so nothing is shared with the normal build):
#   - clean release and debug builds of `stripe-events` (default features: every event type);
#   - the same release and debug builds with one small event group (`events-product`) instead
#     of all, and with no group at all (the floor no choice of features goes below: the
#     dependencies, the generator and its runs, the runtime);
#   - clean release builds with the API client (`client`, `client-rustls`) added;
#   - the crate's own compile in each (its dependencies already built; non-incremental, as
#     when an application builds it from crates.io);
#   - the rebuild of the example application (examples/shop) after editing one handler.
# Prints `name<TAB>seconds<TAB>s` lines; with --write also puts them into BENCHMARKS.md
# (between the compile-times markers). Takes a few minutes; run it on a quiet machine.
#   scripts/compile-times.sh [--write]
set -euo pipefail
cd "$(dirname "$0")/.."
root=target/compile-times
results=()

now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }
record() {
  printf '%s\t%s\ts\n' "$1" "$2"
  results+=("$1 $2 s")
}

# clean_build NAME ARGS...: an empty target dir, the build, then the crate's own compile
# (touching its source, so only stripe-events itself is compiled again).
clean_build() {
  local name=$1
  shift
  local dir=$root/$name
  rm -rf "$dir"
  local start
  start=$(now)
  CARGO_INCREMENTAL=0 cargo build --locked -q -p stripe-events --target-dir "$dir" "$@"
  record "clean_${name}" "$(since "$start")"
  touch stripe-events/src/lib.rs
  start=$(now)
  CARGO_INCREMENTAL=0 cargo build --locked -q -p stripe-events --target-dir "$dir" "$@"
  record "crate_only_${name}" "$(since "$start")"
}

cargo fetch --locked -q
clean_build release --release
clean_build debug
clean_build release_one_group --release --no-default-features --features events-product
clean_build debug_one_group --no-default-features --features events-product
clean_build release_no_groups --release --no-default-features
clean_build debug_no_groups --no-default-features
# The API client (feature `client`, plain HTTP) and with TLS (`client-rustls`), on top of the
# default features: what an application that fetches thin events pays.
clean_build release_client --release --features client
clean_build release_client_rustls --release --features client-rustls

# The example application, as its developer works on it: debug, incremental (cargo's
# default), one handler file touched between builds.
dir=$root/shop
rm -rf "$dir"
start=$(now)
cargo build --locked -q -p stripe-events-example-shop --target-dir "$dir"
record clean_example_app_debug "$(since "$start")"
# A real edit inside one handler's body (its log message), undone afterwards: touching the
# file without changing it would let incremental compilation skip nearly everything.
handlers=examples/shop/src/handlers.rs
cp "$handlers" "$root/handlers.rs.orig"
trap 'cp "$root/handlers.rs.orig" "$handlers"' EXIT
sed -i 's/"product {} created (event {})"/"product {} was created (event {})"/' "$handlers"
grep -q 'product {} was created' "$handlers" || { echo "the handler edit did not apply" >&2; exit 1; }
start=$(now)
cargo build --locked -q -p stripe-events-example-shop --target-dir "$dir"
record handler_touch_rebuild "$(since "$start")"
cp "$root/handlers.rs.orig" "$handlers"

value() { printf '%s\n' "${results[@]}" | awk -v k="$1" '$1 == k { print $2 }'; }
ratio() { awk -v a="$(value "$1")" -v b="$(value "$2")" 'BEGIN { printf "%.1f", a / b }'; }
record_ratio() { printf '%s\t%s\tratio\n' "$1" "$2"; results+=("$1 $2 ratio"); }
record_ratio all_vs_one_group_clean_release "$(ratio clean_release clean_release_one_group)"
record_ratio all_vs_one_group_clean_debug "$(ratio clean_debug clean_debug_one_group)"
record_ratio all_vs_one_group_crate_release "$(ratio crate_only_release crate_only_release_one_group)"
record_ratio all_vs_one_group_crate_debug "$(ratio crate_only_debug crate_only_debug_one_group)"
# The most any feature selection could save: all groups against none.
record_ratio all_vs_no_groups_clean_release "$(ratio clean_release clean_release_no_groups)"
record_ratio all_vs_no_groups_clean_debug "$(ratio clean_debug clean_debug_no_groups)"
# What the API client adds to a clean release build.
record_ratio client_vs_default_clean_release "$(ratio clean_release_client clean_release)"
record_ratio client_rustls_vs_default_clean_release "$(ratio clean_release_client_rustls clean_release)"

if [ "${1:-}" = --write ]; then
  table=$(
    echo "| figure | value | unit |"
    echo "|---|---|---|"
    for r in "${results[@]}"; do
      set -- $r
      echo "| \`$1\` | $2 | $3 |"
    done
    echo
    echo "Measured $(date -u +%Y-%m-%d) with $(rustc --version), $(nproc) cores, by \`scripts/compile-times.sh --write\`."
  )
  TABLE="$table" awk '
    /<!-- compile-times:begin -->/ { print; print ENVIRON["TABLE"]; skip = 1; next }
    /<!-- compile-times:end -->/ { skip = 0 }
    !skip { print }
  ' BENCHMARKS.md >BENCHMARKS.md.new
  mv BENCHMARKS.md.new BENCHMARKS.md
  echo "BENCHMARKS.md updated" >&2
fi
