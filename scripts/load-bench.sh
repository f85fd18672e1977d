#!/usr/bin/env bash
# Issue 19's throughput and latency benchmark: deliveries per second and p50/p99 of the 200 for
# each receiver configuration, with `load/`'s loadgen (a Rust client on a current_thread
# runtime) on loopback, and in the same run the baseline receiver (`load/`'s `baseline`: axum,
# serde_json::Value, hmac, one INSERT per delivery) on the same stores.
#
#   scripts/load-bench.sh [--rounds 3] [--count 20000] [--max-seconds 20] [--warmup 2000]
#                         [--connections 50] [--duplicates 0] [--workers 16] [--drain-seconds 60]
#                         [--configs NAME,NAME...] [--perf] [--no-build] [--out DIR]
#
# Configurations (default: all): baseline-sqlite sqlite-inline sqlite-queue baseline-postgres
# postgres-inline-1 postgres-inline-2 postgres-inline-4 postgres-queue-1 postgres-queue-2
# postgres-queue-4 (the number is how many `stripe-events serve` processes share the database;
# loadgen spreads its connections over them in turn).
#
# Rounds are interleaved (every configuration once, then again) so that a noisy machine hurts
# all alike; the table gives the median of the rounds. Every configuration starts on a fresh
# SQLite file or a fresh PostgreSQL database (`loadbench_*`, dropped after) each round; every
# run is a warm-up of --warmup deliveries then --count deliveries or --max-seconds, whichever
# comes first. Servers listen on 127.0.0.1 only and are stopped (SIGTERM, then SIGKILL after
# 10 s) by the ids this script started them with.
#
# A configuration whose server refuses its flags (queue mode or a postgres:// --db not in the
# CLI yet) is skipped with the server's own message; the rest still runs.
#
# Environment: CARGO_TARGET_DIR (where the release binaries are built), PG_URL (admin URL,
# default postgres://postgres@127.0.0.1:5432/test), SERVE_RUST_LOG (the CLI's log filter during
# runs, default `warn`: no log line per delivery, as the baseline writes none), PORT_BASE
# (default 18500), LOAD_BENCH_FORCE (set: try every configuration even when `serve --help` does
# not show its flags). --perf records each server's profile with `perf record --call-graph dwarf` (the release
# binaries have no frame pointers) during its first
# measured run, into OUT/perf-CONFIG.data. Queue configurations also report how long the
# workers took to empty the queue after the run (`events list --status pending`, bounded by
# --drain-seconds). Output: OUT (default target/load-bench/DATE) holds
# results.tsv, the server logs and the loadgen lines.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

rounds=3 count=20000 max_seconds=20 warmup=2000 connections=50 duplicates=0 workers=16 drain_seconds=60
configs=all perf=false build=true out=""
while (($#)); do
  case $1 in
  --rounds) rounds=$2; shift 2 ;;
  --count) count=$2; shift 2 ;;
  --max-seconds) max_seconds=$2; shift 2 ;;
  --warmup) warmup=$2; shift 2 ;;
  --connections) connections=$2; shift 2 ;;
  --duplicates) duplicates=$2; shift 2 ;;
  --workers) workers=$2; shift 2 ;;
  --drain-seconds) drain_seconds=$2; shift 2 ;;
  --configs) configs=$2; shift 2 ;;
  --perf) perf=true; shift ;;
  --no-build) build=false; shift ;;
  --out) out=$2; shift 2 ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "load-bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
all_configs=(baseline-sqlite sqlite-inline sqlite-queue baseline-postgres
  postgres-inline-1 postgres-inline-2 postgres-inline-4 postgres-queue-1 postgres-queue-2 postgres-queue-4)
if [[ $configs == all ]]; then
  configs=("${all_configs[@]}")
else
  IFS=, read -r -a configs <<<"$configs"
  for c in "${configs[@]}"; do
    [[ " ${all_configs[*]} " == *" $c "* ]] || { echo "load-bench: unknown configuration $c" >&2; exit 2; }
  done
fi

target=${CARGO_TARGET_DIR:-$root/target}
[[ $target == /* ]] || target=$root/$target
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
port_base=${PORT_BASE:-18500}
secret=whsec_load_bench_$$
out=${out:-$root/target/load-bench/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
results=$out/results.tsv
: >"$results"

if $build; then
  echo "== building release binaries (stripe-events CLI, baseline, loadgen)" >&2
  cargo build --release --locked -q -p stripe-events-cli
  (cd load && cargo build --release --locked -q)
fi
cli=$target/release/stripe-events
baseline=$target/release/baseline
loadgen=$target/release/loadgen
for b in "$cli" "$baseline" "$loadgen"; do
  [[ -x $b ]] || { echo "load-bench: $b missing (build first, or drop --no-build)" >&2; exit 1; }
done

# What the CLI can do today: the issue's flags are checked in `serve --help`, and a server that
# still refuses them at start is skipped with its message (start_servers).
serve_help=$("$cli" serve --help 2>&1 || true)
has_processing=false has_postgres=false
[[ $serve_help == *--processing* ]] && has_processing=true
grep -qi 'postgres' <<<"$serve_help" && has_postgres=true
# LOAD_BENCH_FORCE=1: start every configuration whatever --help says (the server's own refusal
# still skips it).
if [[ -n ${LOAD_BENCH_FORCE:-} ]]; then has_processing=true has_postgres=true; fi
pg_ok=false pg_why=""
if ! command -v psql >/dev/null; then
  pg_why="psql not found (apt-get install postgresql-client)"
elif ! psql "$pg_url" -qAtc 'select 1' >/dev/null 2>"$out/psql.err"; then
  pg_why="PostgreSQL not reachable at $pg_url: $(head -n 1 "$out/psql.err")"
else
  pg_ok=true
fi

declare -A skipped=()
pids=() urls=() dbname="" db_arg=""

# The reason CONFIG cannot run, or nothing.
cannot_run() {
  local c=$1
  case $c in
  sqlite-queue) $has_processing || echo "the CLI's serve has no --processing yet (queue mode not on this branch)" ;;
  baseline-postgres) $pg_ok || echo "$pg_why" ;;
  postgres-*)
    if ! $pg_ok; then echo "$pg_why"
    elif ! $has_postgres; then echo "the CLI's serve --db takes no postgres:// URL yet (its --help does not mention PostgreSQL)"
    elif [[ $c == postgres-queue-* ]] && ! $has_processing; then echo "the CLI's serve has no --processing yet"
    fi ;;
  esac
}

pg_admin() { PGOPTIONS="-c client_min_messages=warning" psql "$pg_url" -v ON_ERROR_STOP=1 -qAtc "$1" >/dev/null; }
db_url() { sed -E "s#/[^/?]*(\?|$)#/$1\1#" <<<"${pg_url%/}"; }

# Starts CONFIG's server(s) for round R into pids/urls; returns 1 (with the reason recorded)
# if one exits before listening.
start_servers() {
  local c=$1 r=$2 dir=$out/run-$1-$2 n=1 i port db
  mkdir -p "$dir"
  pids=() urls=() dbname=""
  case $c in *-2) n=2 ;; *-4) n=4 ;; esac
  case $c in
  *postgres*)
    dbname=loadbench_${c//-/_}_r${r}_$$
    pg_admin "DROP DATABASE IF EXISTS $dbname" && pg_admin "CREATE DATABASE $dbname"
    db=$(db_url "$dbname") ;;
  baseline-sqlite) db=$dir/baseline.sqlite3 ;;
  *) db=$dir/serve.sqlite3 ;;
  esac
  db_arg=$db
  local mode=()
  case $c in
  *-inline*) $has_processing && mode=(--processing inline) ;;
  *-queue*) mode=(--processing queue --workers "$workers") ;;
  esac
  for ((i = 0; i < n; i++)); do
    port=$((port_base + (r % 10) * 100 + $(index_of "$c") * 5 + i))
    if [[ $c == baseline-* ]]; then
      "$baseline" --addr "127.0.0.1:$port" --db "$db" --secret "$secret" >"$dir/server$i.out" 2>"$dir/server$i.err" &
    else
      RUST_LOG=${SERVE_RUST_LOG:-warn} "$cli" serve --addr "127.0.0.1:$port" --db "$db" --secret "$secret" "${mode[@]}" \
        >/dev/null 2>"$dir/server$i.err" &
    fi
    pids+=($!)
    urls+=("http://127.0.0.1:$port/webhook")
    if ! wait_listening "$port" "$!"; then
      skipped[$c]="server exited before listening: $(head -c 300 "$dir/server$i.err" | tr '\n' ' ')"
      stop_servers
      return 1
    fi
  done
}

index_of() {
  local i
  for i in "${!all_configs[@]}"; do [[ ${all_configs[$i]} == "$1" ]] && echo "$i" && return; done
}

# Waits (up to 30 s) until PORT accepts connections, or PID exits.
wait_listening() {
  local port=$1 pid=$2 t
  for ((t = 0; t < 300; t++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "load-bench: port $port not listening after 30 s" >&2
  return 1
}

stop_servers() {
  local pid t
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for ((t = 0; t < 100; t++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  if [[ -n $dbname ]]; then
    pg_admin "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" || echo "load-bench: could not drop $dbname" >&2
    dbname=""
  fi
}
trap 'stop_servers' EXIT

# Seconds until `events list --status pending` is empty (">N" if still not after N s).
drain_time() {
  local db=$1 start left
  start=$(date +%s.%N)
  while :; do
    left=$("$cli" events list --db "$db" --status pending 2>/dev/null | wc -l)
    if ((left == 0)); then
      awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'
      return
    fi
    if awk -v s="$start" -v e="$(date +%s.%N)" -v m="$drain_seconds" 'BEGIN { exit !(e - s > m) }'; then
      echo ">$drain_seconds ($left pending)"
      return
    fi
    sleep 0.5
  done
}

# CPU seconds (user + system, all threads) the given processes have used.
cpu_of() {
  local total=0 pid ticks
  for pid in "$@"; do
    ticks=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + ticks))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}

field() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'; }

run_one() {
  local c=$1 r=$2 why line cpu0 cpu1 perf_pid="" url_args=()
  why=$(cannot_run "$c")
  if [[ -n $why ]]; then
    skipped[$c]=$why
    echo "load-bench: skipping $c: $why" >&2
    return 0
  fi
  if ! start_servers "$c" "$r"; then
    echo "load-bench: skipping $c: ${skipped[$c]}" >&2
    return 0
  fi
  for u in "${urls[@]}"; do url_args+=(--url "$u"); done
  "$loadgen" "${url_args[@]}" --secret "$secret" --count "$warmup" --max-seconds 20 \
    --connections "$connections" --duplicates "$duplicates" >"$out/run-$c-$r/warmup.txt" 2>&1 || true
  if $perf && ((r == 1)) && command -v perf >/dev/null; then
    perf record -q --call-graph dwarf,16384 -F 499 -o "$out/perf-$c.data" -p "$(IFS=,; echo "${pids[*]}")" 2>"$out/perf-$c.err" &
    perf_pid=$!
    sleep 0.3
  fi
  cpu0=$(cpu_of "${pids[@]}")
  line=$("$loadgen" "${url_args[@]}" --secret "$secret" --count "$count" --max-seconds "$max_seconds" \
    --connections "$connections" --duplicates "$duplicates" \
    --ok-ids "$out/run-$c-$r/ok-ids.txt" 2>"$out/run-$c-$r/loadgen.err") || true
  cpu1=$(cpu_of "${pids[@]}")
  if [[ -n $perf_pid ]]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; fi
  # Queue mode answers before the handlers run: how long the workers then take to empty the
  # queue (bounded by --drain-seconds) tells whether the 200s/s are sustainable.
  local drain=-
  if [[ $c == *-queue* ]]; then drain=$(drain_time "$db_arg"); fi
  stop_servers
  echo "$line" >"$out/run-$c-$r/loadgen.txt"
  if [[ -z $line ]]; then
    echo "load-bench: $c round $r: loadgen printed nothing ($(head -c 300 "$out/run-$c-$r/loadgen.err"))" >&2
    return 0
  fi
  local n ok server_us non200
  n=$(field deliveries "$line")
  ok=$(field status_200 "$line")
  non200=$((n - ${ok:-0} + $(field errors "$line")))
  server_us=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$n" 'BEGIN { printf "%.0f", n ? (b - a) * 1e6 / n : 0 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$r" "$(field rate "$line")" \
    "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$(field max_ms "$line")" "$n" "$non200" \
    "$server_us" "$(field loadgen_cpu_us_per_delivery "$line")" "$drain" >>"$results"
  printf 'load-bench: %-18s round %s: %s/s p50 %s ms p99 %s ms (non-200 or failed: %s; server CPU %s us/delivery; queue drained in %s s) [load %s]\n' \
    "$c" "$r" "$(field rate "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$non200" "$server_us" \
    "$drain" "$(cut -d' ' -f1 /proc/loadavg)" >&2
}

echo "== $rounds round(s) of ${configs[*]}; $count deliveries or ${max_seconds} s each, $connections connections, duplicates $duplicates; output in $out" >&2
for ((r = 1; r <= rounds; r++)); do
  for c in "${configs[@]}"; do
    [[ -n ${skipped[$c]:-} ]] && continue
    run_one "$c" "$r"
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "| configuration | rounds | deliveries/s | p50 ms | p99 ms | non-200 | server CPU us/delivery | loadgen CPU us/delivery | queue drained after (s) | deliveries/s of each round |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for c in "${configs[@]}"; do
  rows=$(awk -F'\t' -v c="$c" '$1 == c' "$results")
  if [[ -z $rows ]]; then
    echo "| $c | 0 | skipped: ${skipped[$c]:-no run} | | | | | | | |"
    continue
  fi
  col() { cut -f"$1" <<<"$rows" | median; }
  echo "| $c | $(wc -l <<<"$rows") | $(col 3) | $(col 4) | $(col 5) | $(cut -f8 <<<"$rows" | awk '{ s += $1 } END { print s }') | $(col 9) | $(col 10) | $(cut -f11 <<<"$rows" | paste -sd' ') | $(cut -f3 <<<"$rows" | paste -sd' ') |"
done
echo
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(rustc --version); $(date -u +%F)."
for c in "${!skipped[@]}"; do echo "skipped $c: ${skipped[$c]}"; done
