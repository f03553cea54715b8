#!/usr/bin/env bash
# Three replicas on this machine (ports 8081-8083) against the PostgreSQL and Redis you name, for
# trying scale-out without containers. Stop them with Ctrl-C.
#   PG="Host=127.0.0.1;Port=5432;Database=gatehouse;Username=gatehouse;Password=..." REDIS=127.0.0.1:6379 \
#     samples/scale-out/run-local-replicas.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${PG:?set PG to an Npgsql connection string}" "${REDIS:?set REDIS to host:port}"
dotnet build "$ROOT/src/Gatehouse.Server" -c Release -nologo -v quiet
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
for i in 1 2 3; do
  GATEHOUSE_DATA_DIR="${TMPDIR:-/tmp}/gatehouse-replica-$i" GATEHOUSE_MASTER_KEY="${GATEHOUSE_MASTER_KEY:-sk-local-master}" \
  ConnectionStrings__Gatehouse="$PG" ConnectionStrings__Redis="$REDIS" Gatehouse__Storage__Provider=PostgreSql \
  ASPNETCORE_URLS="http://127.0.0.1:808$i" \
    dotnet run --no-build -c Release --project "$ROOT/src/Gatehouse.Server" &
  pids+=($!)
done
wait
