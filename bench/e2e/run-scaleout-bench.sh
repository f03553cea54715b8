#!/usr/bin/env bash
# The trading-platform load (issue 13): N distinct virtual keys, each with its own limits and daily
# budget, at a fixed arrival rate for a fixed time, against the shared harness's mock upstream, on
#   embedded   one Gatehouse on SQLite with in-process state (the default)
#   scaleout   REPLICAS Gatehouses on one PostgreSQL and one Redis (private servers, eng/test-services.sh)
# in one run on one machine. Prints p50/p95/p99 from each call's due time, errors, the limit and
# budget check, and CPU per answered call of the Gatehouse processes and of PostgreSQL + Redis.
#
#   MODES (embedded scaleout)  KEYS (5000)  RATE (1000 calls/s)  DURATION (60 s)  WARMUP (10 s)
#   IDLE (15 s of no calls before the run, whose CPU is reported as the fixed cost; 0 skips it)
#   REPLICAS (2)  RPM (600 per key)  TPM (200000 per key)  BUDGET (5 USD per key per day); 0 leaves a limit or the budget off
#   OUT_DIR (/tmp/gatehouse-scaleout/<timestamp>)  MOCK_PORT (18080)  BASE_PORT (5180)
# Only processes this script started (by PID) are stopped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
for d in /work/shared/bench/gateway "$ROOT/../shared/bench/gateway"; do [ -x "$d/run.sh" ] && HARNESS_DIR="${HARNESS_DIR:-$d}" && break; done
[ -x "${HARNESS_DIR:-}/run.sh" ] || { echo "harness not found; set HARNESS_DIR" >&2; exit 1; }
MODES="${MODES:-embedded scaleout}"; KEYS="${KEYS:-5000}"; RATE="${RATE:-1000}"; DURATION="${DURATION:-60}"; WARMUP="${WARMUP:-10}"
REPLICAS="${REPLICAS:-2}"; RPM="${RPM:-600}"; TPM="${TPM:-200000}"; BUDGET="${BUDGET:-5}"; IDLE="${IDLE:-15}"
MOCK_PORT="${MOCK_PORT:-18080}"; BASE_PORT="${BASE_PORT:-5180}"
OUT_DIR="${OUT_DIR:-/tmp/gatehouse-scaleout/$(date -u +%Y%m%dT%H%M%SZ)}"
MASTER=sk-scaleout-bench-master
mkdir -p "$OUT_DIR"

echo "[scaleout] publishing Gatehouse and the load generator (Release) to $OUT_DIR" >&2
dotnet publish "$ROOT/src/Gatehouse.Server" -c Release -o "$OUT_DIR/server" -nologo -v quiet >&2
dotnet publish "$ROOT/bench/Gatehouse.LoadTest" -c Release -o "$OUT_DIR/loadtest" -nologo -v quiet >&2
LOAD="dotnet $OUT_DIR/loadtest/Gatehouse.LoadTest.dll"
git -C "$ROOT" rev-parse HEAD > "$OUT_DIR/commit.txt" 2>/dev/null || true

PIDS=()
MOCK_STARTED=""
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$MOCK_STARTED" ] && MOCK_PORT=$MOCK_PORT "$HARNESS_DIR/mock/stop-mock.sh" >/dev/null 2>&1 || true
  stop_test_services
}
source "$ROOT/eng/test-services.sh"
trap cleanup EXIT
MOCK_PORT=$MOCK_PORT MOCK_CPUS=0-1 MOCK_WORKERS=1 "$HARNESS_DIR/mock/start-mock.sh" >/dev/null && MOCK_STARTED=1
if [[ " $MODES " == *" scaleout "* ]]; then
  start_test_services
  [ -n "${GATEHOUSE_TEST_POSTGRES:-}" ] && [ -n "${GATEHOUSE_TEST_REDIS:-}" ] || { echo "scaleout needs PostgreSQL and Redis" >&2; exit 1; }
fi

cat > "$OUT_DIR/gatehouse.json" <<JSON
{"Gatehouse":{"Providers":{"mock":{"Type":"OpenAI","BaseUrl":"http://127.0.0.1:${MOCK_PORT}/v1","ApiKey":"sk-mock"}},
 "Deployments":{"mock-4o-mini":{"Provider":"mock","Model":"gpt-4o-mini","PriceAs":"gpt-4o-mini"}},
 "Models":{"gpt-4o-mini":{"Deployments":["mock-4o-mini"]}}}}
JSON

# CPU seconds (user + system) of a process and, with "tree", of its direct children (PostgreSQL's backends).
cpu_seconds() {
  local pid=$1 tree=${2:-} total=0 p
  local pids="$pid"
  [ -n "$tree" ] && pids="$pid $(pgrep -P "$pid" | tr '\n' ' ')"
  for p in $pids; do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "scale=3; $total / $(getconf CLK_TCK)" | bc
}

start_replica() { # index extra-settings...
  local i=$1; shift
  local port=$((BASE_PORT + i)) data="$OUT_DIR/$MODE-data-$i"
  mkdir -p "$data"
  env GATEHOUSE_CONFIG="$OUT_DIR/gatehouse.json" GATEHOUSE_DATA_DIR="$data" GATEHOUSE_MASTER_KEY=$MASTER \
    Logging__LogLevel__Default=Warning ASPNETCORE_URLS="http://127.0.0.1:$port" \
    dotnet "$OUT_DIR/server/Gatehouse.Server.dll" "$@" > "$OUT_DIR/$MODE-replica-$i.log" 2>&1 &
  PIDS+=($!)
  REPLICA_PIDS+=($!)
  TARGETS="${TARGETS:+$TARGETS,}http://127.0.0.1:$port"
}

wait_ready() {
  local url
  for url in ${TARGETS//,/ }; do
    for _ in $(seq 1 300); do curl -sf "$url/health/ready" >/dev/null && continue 2; sleep 0.2; done
    echo "[scaleout] $url did not become ready" >&2; exit 1
  done
}

SUMMARY="$OUT_DIR/summary.md"
echo "| mode | replicas | rate | p50 ms | p95 ms | p99 ms | errors | refused | check | gatehouse CPU ms/call | PostgreSQL+Redis CPU ms/call |" > "$SUMMARY"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |" >> "$SUMMARY"
for MODE in $MODES; do
  REPLICA_PIDS=(); TARGETS=""
  case "$MODE" in
    embedded) start_replica 0; count=1 ;;
    scaleout)
      db="gh_bench_$(date +%s)"
      pg_host=$(sed -E 's/.*Host=([^;]+).*/\1/' <<<"$GATEHOUSE_TEST_POSTGRES"); pg_port=$(sed -E 's/.*Port=([^;]+).*/\1/' <<<"$GATEHOUSE_TEST_POSTGRES")
      psql -h "$pg_host" -p "$pg_port" -U gatehouse -d postgres -qc "CREATE DATABASE $db" >/dev/null
      for i in $(seq 0 $((REPLICAS - 1))); do
        start_replica "$i" --Gatehouse:Storage:Provider=PostgreSql \
          "--ConnectionStrings:Gatehouse=Host=$pg_host;Port=$pg_port;Username=gatehouse;Database=$db" \
          "--ConnectionStrings:Redis=$GATEHOUSE_TEST_REDIS" "--Gatehouse:Redis:KeyPrefix=bench-$db:"
      done
      count=$REPLICAS ;;
    *) echo "unknown mode $MODE" >&2; exit 2 ;;
  esac
  wait_ready
  first="${TARGETS%%,*}"; last="${TARGETS##*,}"
  echo "[scaleout] $MODE: $count replica(s) ready: $TARGETS" >&2
  $LOAD setup --api "$first" --master $MASTER --keys "$KEYS" --rpm "$RPM" --tpm "$TPM" --budget "$BUDGET" --out "$OUT_DIR/$MODE-keys.tsv" | tee "$OUT_DIR/$MODE-setup.txt"

  # The warm-up is a run of its own, so the CPU read around the measured run holds none of it.
  $LOAD run --targets "$TARGETS" --keys "$OUT_DIR/$MODE-keys.tsv" --rate "$RATE" --duration "$WARMUP" --warmup 0 --out "$OUT_DIR/$MODE-warmup.json" > "$OUT_DIR/$MODE-warmup.txt"

  # CPU with no calls at all for IDLE s: what the replicas and servers spend whatever the load (timers, heartbeats, writers).
  idle_gh=0; idle_sv=0
  if [ "$IDLE" -gt 0 ]; then
    for p in "${REPLICA_PIDS[@]}"; do idle_gh=$(echo "$idle_gh - $(cpu_seconds "$p")" | bc); done
    [ "$MODE" = scaleout ] && idle_sv=$(echo "0 - $(cpu_seconds "$(head -1 "$test_services_dir/postgres/postmaster.pid")" tree) - $(cpu_seconds "$(cat "$test_services_dir/redis/redis.pid")")" | bc)
    sleep "$IDLE"
    for p in "${REPLICA_PIDS[@]}"; do idle_gh=$(echo "$idle_gh + $(cpu_seconds "$p")" | bc); done
    [ "$MODE" = scaleout ] && idle_sv=$(echo "$idle_sv + $(cpu_seconds "$(head -1 "$test_services_dir/postgres/postmaster.pid")" tree) + $(cpu_seconds "$(cat "$test_services_dir/redis/redis.pid")")" | bc)
    echo "$MODE idle for $IDLE s: Gatehouse $(echo "scale=3; $idle_gh / $IDLE" | bc) cores, PostgreSQL+Redis $(echo "scale=3; $idle_sv / $IDLE" | bc) cores" | tee "$OUT_DIR/$MODE-idle.txt"
  fi
  gh_before=0; for p in "${REPLICA_PIDS[@]}"; do gh_before=$(echo "$gh_before + $(cpu_seconds "$p")" | bc); done
  sv_before=0
  if [ "$MODE" = scaleout ]; then
    sv_before=$(echo "$(cpu_seconds "$(head -1 "$test_services_dir/postgres/postmaster.pid")" tree) + $(cpu_seconds "$(cat "$test_services_dir/redis/redis.pid")")" | bc)
    rd_before=$(cpu_seconds "$(cat "$test_services_dir/redis/redis.pid")")
  fi
  $LOAD run --targets "$TARGETS" --keys "$OUT_DIR/$MODE-keys.tsv" --rate "$RATE" --duration "$DURATION" --warmup 0 --out "$OUT_DIR/$MODE-run.json" | tee "$OUT_DIR/$MODE-run.txt"
  gh_after=0; for p in "${REPLICA_PIDS[@]}"; do gh_after=$(echo "$gh_after + $(cpu_seconds "$p")" | bc); done
  sv_after=0
  if [ "$MODE" = scaleout ]; then
    sv_after=$(echo "$(cpu_seconds "$(head -1 "$test_services_dir/postgres/postmaster.pid")" tree) + $(cpu_seconds "$(cat "$test_services_dir/redis/redis.pid")")" | bc)
    rd_after=$(cpu_seconds "$(cat "$test_services_dir/redis/redis.pid")")
    # The servers' column split in two: Redis alone (the rest is PostgreSQL).
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(f'{sys.argv[2]}: of the servers, Redis alone {1000*float(sys.argv[3])/max(r[\"attempted\"],1):.2f} ms CPU per call')" \
      "$OUT_DIR/$MODE-run.json" "$MODE" "$(echo "$rd_after - $rd_before" | bc)" > "$OUT_DIR/$MODE-redis.txt"
  fi
  check=pass
  $LOAD check --api "$last" --master $MASTER --keys "$OUT_DIR/$MODE-keys.tsv" --run "$OUT_DIR/$MODE-run.json" | tee "$OUT_DIR/$MODE-check.txt" || check=FAIL
  python3 - "$OUT_DIR/$MODE-run.json" "$MODE" "$count" "$check" "$(echo "$gh_after - $gh_before" | bc)" "$(echo "$sv_after - $sv_before" | bc)" >> "$SUMMARY" <<'PY'
import json, sys
run = json.load(open(sys.argv[1])); mode, count, check, gh, sv = sys.argv[2:7]
calls = max(run["attempted"], 1)
err = 100.0 * run["errors"] / calls
print(f"| {mode} | {count} | {run['achievedRate']:.0f}/s of {run['targetRate']}/s | {run['p50Ms']:.1f} | {run['p95Ms']:.1f} | {run['p99Ms']:.1f} | "
      f"{run['errors']} ({err:.3f}%) | {run['refused']} | {check} | {1000*float(gh)/calls:.2f} | {1000*float(sv)/calls:.2f} |")
PY
  for p in "${REPLICA_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
done
cat "$OUT_DIR"/*-idle.txt "$OUT_DIR"/*-redis.txt >> "$SUMMARY" 2>/dev/null || true
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); loader, mock, PostgreSQL, Redis and Gatehouse share them" >> "$SUMMARY"
cat "$SUMMARY"
