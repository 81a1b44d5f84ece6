#!/usr/bin/env bash
# Interop tests: ali-ons, a RocketMQ client we did not write, against AkkaMq nodes that the
# tests start on free loopback ports. Installs its npm packages itself (npm ci). Expects the
# solution to be built (tests/run-all.sh builds it first). Last line: `N passed, N failed`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if { ! command -v node >/dev/null || ! command -v npm >/dev/null; } && command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
  echo "installing Node.js and npm (Debian packages) for the interop tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node and npm are needed for the interop tests"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "npm ci failed"
  echo "0 passed, 1 failed"
  exit 1
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
node --test --test-force-exit --test-reporter=tap --test-concurrency=1 ./*.test.js 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
pass=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$out" | tail -n 1)
fail=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$out" | tail -n 1)
if [ -z "$pass" ] || [ -z "$fail" ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
[ "$status" -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
