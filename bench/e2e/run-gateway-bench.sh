#!/usr/bin/env bash
# End-to-end load benchmark: Gatehouse vs. the mock upstream called directly, then the nginx
# reference proxy and the Portkey gateway, all with the shared harness (../shared/bench/gateway)
# and the same parameters in one session. Prints the one-line summary of each run at the end.
#
#   HARNESS_DIR   shared harness (default: /work/shared/bench/gateway, else ../shared/bench/gateway)
#   OUT_DIR       where the three result directories go (default: /tmp/gatehouse-e2e/<timestamp>)
#   PEERS         which peers to run after Gatehouse (default: "nginx-refproxy portkey"; "" = none)
#   GATEHOUSE_PORT (5080)
#   BENCH_KEY     Gatehouse master key used for the load (default: sk-bench-mock-key). run.sh's loaders
#                 always send "Authorization: Bearer sk-bench-mock-key"; wrk and h2load let
#                 GATEWAY_HEADERS override it, but the curl smoke test sends BOTH headers and Gatehouse
#                 reads the first, so any other master key fails the smoke test and every gateway run is
#                 skipped. Using the loaders' own key as the master key keeps all three loaders consistent.
#   Every run.sh variable passes through; defaults here are the short, bounded set:
#   DURATION=10 WARMUP=3 CONNECTIONS="1 16 64" STREAM_CONNECTIONS="16 64" RATES="1000" REPEAT=1
#
# Only processes started by run.sh (by PID) are stopped; nothing else is touched.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ -z "${HARNESS_DIR:-}" ]; then
  for d in /work/shared/bench/gateway "$ROOT/../shared/bench/gateway"; do [ -x "$d/run.sh" ] && HARNESS_DIR="$d" && break; done
fi
[ -x "${HARNESS_DIR:-}/run.sh" ] || { echo "harness not found; set HARNESS_DIR" >&2; exit 1; }
HARNESS_DIR="$(cd "$HARNESS_DIR" && pwd)"

TS="$(date -u +%Y%m%dT%H%M%SZ)"
OUT_DIR="${OUT_DIR:-/tmp/gatehouse-e2e/$TS}"
PEERS="${PEERS-nginx-refproxy portkey}"
GATEHOUSE_PORT="${GATEHOUSE_PORT:-5080}"
BENCH_KEY="${BENCH_KEY:-sk-bench-mock-key}"
export DURATION="${DURATION:-10}" WARMUP="${WARMUP:-3}" CONNECTIONS="${CONNECTIONS:-1 16 64}" \
       STREAM_CONNECTIONS="${STREAM_CONNECTIONS:-16 64}" RATES="${RATES:-1000}" REPEAT="${REPEAT:-1}"
MOCK_PORT="${MOCK_PORT:-18080}"

for t in wrk nginx h2load; do
  command -v "$t" >/dev/null || { echo "missing $t: apt-get install -y --no-install-recommends nginx libnginx-mod-http-lua wrk nghttp2-client" >&2; exit 1; }
done

mkdir -p "$OUT_DIR"
PUBLISH_DIR="$OUT_DIR/gatehouse-publish"
DATA_DIR="$OUT_DIR/gatehouse-data"
CONFIG="$OUT_DIR/gatehouse.bench.json"
mkdir -p "$DATA_DIR"

echo "[e2e] publishing Gatehouse (Release) to $PUBLISH_DIR" >&2
dotnet publish "$ROOT/src/Gatehouse.Server" -c Release -o "$PUBLISH_DIR" -nologo -v quiet >&2

cat > "$CONFIG" <<JSON
{"Gatehouse":{"Providers":{"mock":{"Type":"OpenAI","BaseUrl":"http://127.0.0.1:${MOCK_PORT}/v1","ApiKey":"sk-mock"}},
 "Deployments":{"mock-4o-mini":{"Provider":"mock","Model":"gpt-4o-mini","PriceAs":"gpt-4o-mini"}},
 "Models":{"gpt-4o-mini":{"Deployments":["mock-4o-mini"]}}}}
JSON

git -C "$ROOT" rev-parse HEAD > "$OUT_DIR/commit.txt" 2>/dev/null || true
dotnet --info > "$OUT_DIR/dotnet-info.txt" 2>&1 || true

CHILD=""
trap '[ -n "$CHILD" ] && kill -TERM "$CHILD" 2>/dev/null; wait; exit 130' INT TERM
run_one() { # name results-subdir command...   (run.sh in the background so a TERM here reaches it)
  local name=$1 sub=$2 rc=0; shift 2
  echo "[e2e] === $name ===" >&2
  RESULTS_DIR="$OUT_DIR/$sub" "$@" > "$OUT_DIR/$sub.log" 2>&1 &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=""
  [ "$rc" = 0 ] || echo "[e2e] $name: run.sh exited with $rc (see $OUT_DIR/$sub.log)" >&2
  grep -E 'smoke|SKIP|ERROR' "$OUT_DIR/$sub.log" >&2 || true
}

GATEWAY_NAME=gatehouse \
GATEWAY_URL="http://127.0.0.1:$GATEHOUSE_PORT" \
GATEWAY_CMD="env GATEHOUSE_CONFIG=$CONFIG GATEHOUSE_DATA_DIR=$DATA_DIR GATEHOUSE_MASTER_KEY=$BENCH_KEY ASPNETCORE_URLS=http://127.0.0.1:$GATEHOUSE_PORT Logging__LogLevel__Default=Warning dotnet $PUBLISH_DIR/Gatehouse.Server.dll" \
GATEWAY_HEADERS="Authorization: Bearer $BENCH_KEY" \
  run_one gatehouse gatehouse "$HARNESS_DIR/run.sh"

for peer in $PEERS; do
  case "$peer" in
    nginx-refproxy) run_one nginx-refproxy nginx-refproxy env -u GATEWAY_HEADERS "$HARNESS_DIR/peers/nginx-refproxy.sh" ;;
    portkey)        run_one portkey portkey env -u GATEWAY_HEADERS "$HARNESS_DIR/peers/portkey.sh" ;;
    *) echo "[e2e] unknown peer $peer" >&2 ;;
  esac
done

echo "[e2e] summaries ($OUT_DIR):"
for sub in gatehouse $PEERS; do
  if [ -f "$OUT_DIR/$sub/summary.md" ]; then
    printf '%-16s %s\n' "$sub" "$(grep -v '^$' "$OUT_DIR/$sub/summary.md" | tail -1)"
  else
    printf '%-16s %s\n' "$sub" "(no summary)"
  fi
done | tee "$OUT_DIR/summaries.txt"
