#!/usr/bin/env bash
# Runs every test: unit, integration against the embedded broker and against a real Mosquitto.
# Prerequisite: mosquitto (apt-get install -y mosquitto); the tests start their own broker on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")"
results="$(mktemp -d)"
status=0
# One test assembly at a time (-m:1): on a 2-core runner, assemblies side by side starve each other's timing-sensitive
# tests (cloud deadlines, breaker windows); serial costs well under a minute.
dotnet test Edge.sln -c Release -m:1 --logger "trx" --results-directory "$results" "$@" || status=$?
# One closing line any CI can read, summed over every test assembly.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
    [[ -f "$trx" ]] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $status
