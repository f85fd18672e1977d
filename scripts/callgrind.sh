#!/usr/bin/env bash
# Instructions per body of the report bench's throughput sides, counted by callgrind: a view
# of the same work that load on the machine does not move. For each side (HMAC alone,
# `serde_json::Value` parse, sonic-rs `Value` parse, our parser skipping the body, typed parse,
# verify + typed parse) the release bench runs one
# warm-up pass over the signed bodies uncounted, then PASSES passes (default 3) inside
# `callgrind_measured`, the only code callgrind counts (`--collect-atstart=no`,
# `--toggle-collect`); the count is divided by the bodies those passes went over.
# Prints `name<TAB>value<TAB>unit` lines; with --write also puts them into BENCHMARKS.md
# (between the callgrind markers). Needs valgrind (`apt-get install valgrind`). Counts are of
# the code paths taken under valgrind, whose CPU lacks some extensions of the real one (see
# BENCHMARKS.md).
#   scripts/callgrind.sh [--write] [PASSES]
set -euo pipefail
cd "$(dirname "$0")/.."
write=false
if [[ ${1:-} == --write ]]; then
  write=true
  shift
fi
passes=${1:-3}
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 1; }

exe=$(cargo bench --locked -q -p stripe-events --bench report --no-run --message-format=json |
  grep -o '"executable":"[^"]*/report-[^"]*"' | sed 's/^"executable":"//; s/"$//' | tail -n 1)
[[ -x $exe ]] || { echo "no report bench executable found" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
results=()
record() {
  printf '%s\t%s\t%s\n' "$1" "$2" "$3"
  results+=("$1 $2 $3")
}
for side in hmac value_parse sonic_value_parse skip_parse typed_parse verify_parse; do
  bodies=$(valgrind --tool=callgrind --callgrind-out-file="$out/$side.out" \
    --collect-atstart=no --toggle-collect='*callgrind_measured*' -q \
    "$exe" --callgrind "$side" "$passes" | awk -F'\t' '$1 == "callgrind_bodies" { print $2 }')
  instructions=$(awk '$1 == "summary:" || $1 == "totals:" { print $2; exit }' "$out/$side.out")
  [[ -n $bodies && -n $instructions && $instructions -gt 0 ]] ||
    { echo "$side: nothing counted (bodies '$bodies', instructions '$instructions')" >&2; exit 1; }
  record "${side}_instructions" "$(awk -v i="$instructions" -v b="$bodies" 'BEGIN { printf "%.0f", i / b }')" per_body
done

value() { printf '%s\n' "${results[@]}" | awk -v k="$1" '$1 == k { print $2 }'; }
record typed_vs_value_instructions \
  "$(awk -v v="$(value value_parse_instructions)" -v t="$(value typed_parse_instructions)" 'BEGIN { printf "%.2f", v / t }')" ratio
record typed_vs_sonic_instructions \
  "$(awk -v v="$(value sonic_value_parse_instructions)" -v t="$(value typed_parse_instructions)" 'BEGIN { printf "%.2f", v / t }')" ratio
record verify_parse_vs_bound_instructions \
  "$(awk -v h="$(value hmac_instructions)" -v t="$(value typed_parse_instructions)" -v f="$(value verify_parse_instructions)" \
    'BEGIN { printf "%.2f", (h + t) / f }')" ratio

if $write; then
  table=$(
    echo '| figure | value | unit |'
    echo '|---|---|---|'
    printf '%s\n' "${results[@]}" | awk '{ printf "| `%s` | %s | %s |\n", $1, $2, $3 }'
    echo
    echo "Counted $(date -u +%F) with $(valgrind --version), $(rustc --version), $passes passes over the bodies, by \`scripts/callgrind.sh --write\`."
  )
  TABLE=$table perl -0pi -e 's/(<!-- callgrind:begin -->\n).*?(<!-- callgrind:end -->)/$1$ENV{TABLE}\n$2/s' BENCHMARKS.md
  grep -q '<!-- callgrind:begin -->' BENCHMARKS.md || echo "BENCHMARKS.md has no callgrind markers" >&2
fi
