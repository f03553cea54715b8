#!/usr/bin/env bash
# The README's test command: builds everything and runs the whole suite, then prints one line of
# totals ("N passed, N failed, N skipped") so a run that executed nothing is visible.
# It installs and starts whatever the suite needs: the .NET SDK is checked here; private PostgreSQL
# and Redis servers come from eng/test-services.sh (installed from Debian's packages when missing,
# on free ports under a temporary directory, stopped at the end).
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK is required (see global.json for the version)." >&2
  exit 1
fi

log="$(mktemp)"
source eng/test-services.sh
trap 'stop_test_services; rm -f "$log"' EXIT
start_test_services

dotnet test --solution Gatehouse.slnx -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform prints one summary per test assembly; add them up.
sum() { grep -E "^\s+$1: [0-9]+" "$log" | awk '{ s += $2 } END { print s + 0 }'; }
passed=$(sum succeeded)
failed=$(sum failed)
skipped=$(sum skipped)
total=$(sum total)

if [ "$total" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "No tests were executed." >&2
  status=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
