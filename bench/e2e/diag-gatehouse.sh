#!/usr/bin/env bash
# Quick A/B diagnosis of Gatehouse under load with runtime knobs, using the shared harness's mock,
# load script and ttfb probe (not run.sh). Same layout as run.sh: mock+loader on cpu0, Gatehouse on cpu1.
# For each variant (extra env for the gateway): 3 s warm-up, wrk c=$C for $D s, CPU ms/request
# from /proc/<pid>/stat, RSS at the end, then the sequential streaming first-event probe (ttfb.py).
#   usage: diag-gatehouse.sh PUBLISH_DIR CONFIG "label=ENV=val ENV2=val" ...   (label "base" = no extra env)
#   C (64) D (8) MODE (nonstream|stream)
set -euo pipefail
H="${HARNESS_DIR:-/work/shared/bench/gateway}"; PUB="$1"; CFG="$2"; shift 2
C="${C:-64}"; D="${D:-8}"; MODE="${MODE:-nonstream}"; PORT=5090
BODY="$H/load/request.json"; [ "$MODE" = stream ] && BODY="$H/load/request_stream.json"
HDRS="$(mktemp)"; echo "Authorization: Bearer sk-bench-mock-key" > "$HDRS"
MOCK_PID="$(MOCK_PORT=18080 MOCK_CPUS=0 "$H/mock/start-mock.sh" | tail -1)"
GW=""
cleanup() { [ -n "$GW" ] && kill -TERM "$GW" 2>/dev/null; wait 2>/dev/null; MOCK_PORT=18080 "$H/mock/stop-mock.sh" >/dev/null; rm -f "$HDRS"; }
trap cleanup EXIT
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
for variant in "$@"; do
  label="${variant%%=*}"; envs="${variant#*=}"; [ "$label" = "$variant" ] && envs=""
  data="$(mktemp -d)"
  env $envs GATEHOUSE_CONFIG="$CFG" GATEHOUSE_DATA_DIR="$data" GATEHOUSE_MASTER_KEY=sk-bench-mock-key \
      ASPNETCORE_URLS="http://127.0.0.1:$PORT" Logging__LogLevel__Default=Warning \
      taskset -c 1 dotnet "$PUB/Gatehouse.Server.dll" > "$data/gw.log" 2>&1 &
  GW=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
  URL="http://127.0.0.1:$PORT/v1/chat/completions"
  BODY_FILE="$BODY" HEADERS_FILE="$HDRS" taskset -c 0 wrk -t1 -c"$C" -d3s -s "$H/load/chat.lua" "$URL" > /dev/null 2>&1
  sleep 1
  t0="$(ticks $GW)"
  out="$(BODY_FILE="$BODY" HEADERS_FILE="$HDRS" taskset -c 0 wrk -t1 -c"$C" -d"${D}s" -s "$H/load/chat.lua" "$URL" 2>&1 | grep WRK_JSON | sed 's/^WRK_JSON //')"
  t1="$(ticks $GW)"
  rss="$(awk '/VmRSS/{print $2/1024}' "/proc/$GW/status")"; hwm="$(awk '/VmHWM/{print $2/1024}' "/proc/$GW/status")"
  sleep 1; i0="$(ticks $GW)"; sleep 3; i1="$(ticks $GW)"
  ttfb="$(taskset -c 0 python3 "$H/lib/ttfb.py" "$URL" "$H/load/request_stream.json" "$HDRS" 50 5)"
  python3 - "$label" "$out" "$t0" "$t1" "$rss" "$hwm" "$i0" "$i1" "$ttfb" "$MODE" "$C" <<'PY'
import json, os, sys
label, out, t0, t1, rss, hwm, i0, i1, ttfb, mode, c = sys.argv[1:]
w = json.loads(out); hz = os.sysconf("SC_CLK_TCK"); tt = json.loads(ttfb)
cpu_ms = (int(t1) - int(t0)) * 1000 / hz
ok = w["requests"] - w["err_status"]
print(f"{label:14s} {mode} c={c} rps={w['rps']:8.1f} non2xx={w['err_status']} p50={w['p50_ms']:.2f} p99={w['p99_ms']:.2f} ms "
      f"cpu/req={cpu_ms / max(ok, 1):.3f} ms rss={float(rss):.0f}MB hwm={float(hwm):.0f}MB idle_cpu={(int(i1) - int(i0)) * 1000 / hz / 3 / 10:.1f}% "
      f"ttfe_p50={tt['first_event_ms_p50']:.2f} ttfe_p99={tt['first_event_ms_p99']:.2f} ms")
PY
  kill -TERM "$GW"; wait "$GW" 2>/dev/null || true; GW=""; rm -rf "$data"
done
