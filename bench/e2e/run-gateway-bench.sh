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
#   PROFILE       which Gatehouse to measure (default: plain)
#                   plain       routing to the mock, nothing else configured (the issue 2 baseline)
#                   all-stages  every stage on and on the miss path: a virtual key with RPM and TPM
#                               limits and a daily budget, deployment RPM/TPM/concurrency caps,
#                               2 retries with backoff, the circuit breaker, the response cache on
#                               for the model — and every request made unique (unique-body-chat.lua
#                               in a copy of the harness), so each one is a cache miss that goes
#                               upstream. Fixed-rate and TTFB runs are skipped (their bodies repeat).
#                   cache-hit   the response cache on for the model and the harness's identical
#                               requests: every call after the first is a hit
#                   tools       the harness's bodies with 50 BFCL tools added (make-tools-body.py,
#                               ~20 KB) and tool prefiltering on for every call: each call is read,
#                               ranked, narrowed to the kept tools + search_tools, and forwarded
#                   tools-embed as tools, ranked with the in-process local-minilm embeddings too:
#                               every call also embeds its user message (tools once, cached)
#                   tools-off   the same bodies with prefiltering off: what the tools alone cost
#                   journal-off as plain with the record journal off (Records:Journal=false): what the
#                               crash-safe journal and answer gate cost per call (plain has them on)
#   TOOL_COUNT    tools in the body for the tools profiles (50)
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
PROFILE="${PROFILE:-plain}"
case "$PROFILE" in
  plain|cache-hit|tools|tools-embed|tools-off|journal-off) ;;
  all-stages) export RATES="${RATES-}" TTFB_N="${TTFB_N:-0}" ;;
  *) echo "unknown PROFILE '$PROFILE' (plain, all-stages, cache-hit, tools, tools-embed, tools-off, journal-off)" >&2; exit 2 ;;
esac
GATEHOUSE_PORT="${GATEHOUSE_PORT:-5080}"
BENCH_KEY="${BENCH_KEY:-sk-bench-mock-key}"
export DURATION="${DURATION:-10}" WARMUP="${WARMUP:-3}" CONNECTIONS="${CONNECTIONS:-1 16 64}" \
       STREAM_CONNECTIONS="${STREAM_CONNECTIONS:-16 64}" RATES="${RATES-1000}" REPEAT="${REPEAT:-1}"
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

GATEHOUSE_EXTRA=""
case "$PROFILE" in
  plain|tools-off) DEPLOYMENT_EXTRA=""; MODEL_EXTRA="" ;;
  journal-off) DEPLOYMENT_EXTRA=""; MODEL_EXTRA=""; GATEHOUSE_EXTRA=',"Records":{"Journal":false}' ;;
  tools) DEPLOYMENT_EXTRA=""; MODEL_EXTRA=""; GATEHOUSE_EXTRA=',"Tools":{"Prefilter":true}' ;;
  tools-embed) DEPLOYMENT_EXTRA=""; MODEL_EXTRA=""; GATEHOUSE_EXTRA=',"Tools":{"Prefilter":true,"EmbeddingModel":"local-minilm","EmbeddingTimeoutMs":60000}' ;;
  cache-hit) DEPLOYMENT_EXTRA=""; MODEL_EXTRA=',"Cache":{"Enabled":true}' ;;
  all-stages)
    DEPLOYMENT_EXTRA=',"RequestsPerMinute":60000000,"TokensPerMinute":2000000000,"MaxConcurrency":4096,"Resilience":{"Retries":2,"RetryDelaySeconds":0.05}'
    MODEL_EXTRA=',"Cache":{"Enabled":true}' ;;
esac
cat > "$CONFIG" <<JSON
{"Gatehouse":{"Providers":{"mock":{"Type":"OpenAI","BaseUrl":"http://127.0.0.1:${MOCK_PORT}/v1","ApiKey":"sk-mock"}},
 "Deployments":{"mock-4o-mini":{"Provider":"mock","Model":"gpt-4o-mini","PriceAs":"gpt-4o-mini"${DEPLOYMENT_EXTRA}}},
 "Models":{"gpt-4o-mini":{"Deployments":["mock-4o-mini"]${MODEL_EXTRA}}}${GATEHOUSE_EXTRA}}}
JSON
GATEHOUSE_ENV="GATEHOUSE_CONFIG=$CONFIG GATEHOUSE_DATA_DIR=$DATA_DIR GATEHOUSE_MASTER_KEY=$BENCH_KEY Logging__LogLevel__Default=Warning"
LOAD_KEY="$BENCH_KEY"
RUN_HARNESS="$HARNESS_DIR"

if [ "$PROFILE" = all-stages ]; then
  # A virtual key with limits and a budget, made through the API on a short setup start. The
  # harness's smoke test sends the master key first (and passes as admin); its wrk loads send the
  # GATEWAY_HEADERS Authorization, which replaces the script's, so the load runs as this key.
  SETUP_PORT=$((GATEHOUSE_PORT + 1))
  env $GATEHOUSE_ENV ASPNETCORE_URLS="http://127.0.0.1:$SETUP_PORT" dotnet "$PUBLISH_DIR/Gatehouse.Server.dll" > "$OUT_DIR/setup.log" 2>&1 &
  SETUP_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$SETUP_PORT/health/ready" >/dev/null && break; sleep 0.2; done
  LOAD_KEY=$(curl -sf "http://127.0.0.1:$SETUP_PORT/api/keys" -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' \
    -d '{"name":"bench-all-stages","owner":"bench","requestsPerMinute":60000000,"tokensPerMinute":2000000000}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  KEY_ID=$(curl -sf "http://127.0.0.1:$SETUP_PORT/api/keys" -H "Authorization: Bearer $BENCH_KEY" \
    | python3 -c 'import json,sys; print([k["id"] for k in json.load(sys.stdin) if k["name"]=="bench-all-stages"][0])')
  curl -sf "http://127.0.0.1:$SETUP_PORT/api/budgets" -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench daily\",\"keyId\":\"$KEY_ID\",\"period\":\"day\",\"limitUsd\":1000000}" > "$OUT_DIR/budget.json"
  kill -TERM "$SETUP_PID"; wait "$SETUP_PID" || true

  # The harness, copied, with its wrk script replaced by the unique-body variant.
  RUN_HARNESS="$OUT_DIR/harness-unique"
  rm -rf "$RUN_HARNESS"; cp -r "$HARNESS_DIR" "$RUN_HARNESS"
  mv "$RUN_HARNESS/load/chat.lua" "$RUN_HARNESS/load/chat-base.lua"
  cp "$ROOT/bench/e2e/unique-body-chat.lua" "$RUN_HARNESS/load/chat.lua"
fi
if [ "$PROFILE" = tools ] || [ "$PROFILE" = tools-embed ] || [ "$PROFILE" = tools-off ]; then
  # The harness, copied, with tools added to its bodies (the direct baseline sends them too).
  RUN_HARNESS="$OUT_DIR/harness-tools"
  rm -rf "$RUN_HARNESS"; cp -r "$HARNESS_DIR" "$RUN_HARNESS"
  TOOLS_DATA=""
  for d in /work/shared/data/tool-selection "$ROOT/../shared/data/tool-selection"; do [ -f "$d/tools.jsonl" ] && TOOLS_DATA="$d" && break; done
  [ -n "$TOOLS_DATA" ] || { echo "tool-selection data not found" >&2; exit 1; }
  python3 "$ROOT/bench/e2e/make-tools-body.py" "$RUN_HARNESS/load" "$TOOLS_DATA/tools.jsonl" "${TOOL_COUNT:-50}"
fi
echo "$PROFILE" > "$OUT_DIR/profile.txt"

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
GATEWAY_CMD="env $GATEHOUSE_ENV ASPNETCORE_URLS=http://127.0.0.1:$GATEHOUSE_PORT dotnet $PUBLISH_DIR/Gatehouse.Server.dll" \
GATEWAY_HEADERS="Authorization: Bearer $LOAD_KEY" \
  run_one gatehouse gatehouse "$RUN_HARNESS/run.sh"

# What the cache did, from the records (hits, misses, coalesced calls), any failed calls, and what prefiltering sent.
python3 - "$DATA_DIR/gatehouse.db" > "$OUT_DIR/gatehouse-records.txt" <<'PY' || true
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute("SELECT COALESCE(cache_status,'none'), status_code, COUNT(*), ROUND(SUM(cost_pusd)/1e12, 6) FROM request_records GROUP BY 1, 2 ORDER BY 3 DESC"):
    print("cache=%s status=%s calls=%d cost_usd=%s" % row)
for row in db.execute("SELECT COUNT(*), AVG(tools_offered), AVG(tools_sent), SUM(tool_tokens_offered), SUM(tool_tokens_sent) FROM request_records WHERE tools_offered IS NOT NULL"):
    if row[0]:
        print("prefiltered calls=%d mean tools offered=%.1f sent=%.1f tool tokens offered=%d sent=%d" % row)
PY
cat "$OUT_DIR/gatehouse-records.txt" >&2

for peer in $PEERS; do
  case "$peer" in
    nginx-refproxy) run_one nginx-refproxy nginx-refproxy env -u GATEWAY_HEADERS "$RUN_HARNESS/peers/nginx-refproxy.sh" ;;
    portkey)        run_one portkey portkey env -u GATEWAY_HEADERS "$RUN_HARNESS/peers/portkey.sh" ;;
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
