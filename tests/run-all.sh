#!/usr/bin/env bash
# Runs every AkkaMq test: each .NET test project of the solution, then the interop scripts
# under tests/interop (real third-party RocketMQ clients) when they exist.
# Prints the plain total as its last line, `N passed, N failed[, N skipped]`, and exits
# non-zero when any test fails or any suite cannot run.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
passed=0 failed=0 skipped=0

echo "== build"
if ! dotnet build AkkaMq.sln -nologo -v quiet > "$log" 2>&1; then
  cat "$log"
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== build.ps1"
# The PowerShell tasks are exercised once: build.ps1's build task must work as README says.
# PowerShell comes as a .NET global tool, installed here when missing.
pwsh_bin=$(command -v pwsh || true)
if [ -z "$pwsh_bin" ] && [ -x "$HOME/.dotnet/tools/pwsh" ]; then
  pwsh_bin="$HOME/.dotnet/tools/pwsh"
fi
if [ -z "$pwsh_bin" ]; then
  dotnet tool install --global PowerShell --version 7.6.10 > "$log" 2>&1 || cat "$log"
  pwsh_bin="$HOME/.dotnet/tools/pwsh"
fi
if [ -x "$pwsh_bin" ] && "$pwsh_bin" -NoProfile -NonInteractive -File build.ps1 build > "$log" 2>&1; then
  echo "build.ps1 build: passed"
  passed=$((passed + 1))
else
  cat "$log"
  echo "build.ps1 build: failed"
  failed=$((failed + 1)); status=1
fi

echo "== postgresql"
# The control-plane tests start a throw-away PostgreSQL server of their own (a temporary data
# directory on a free loopback port). Install the server binaries when missing, without starting
# any service and without creating Debian's default cluster on port 5432.
if ! ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null 2>&1; then
    mkdir -p /etc/postgresql-common
    grep -qs '^create_main_cluster *= *false' /etc/postgresql-common/createcluster.conf \
      || echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf
    policy_created=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\n# no service starts while packages install\nexit 101\n' > /usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d
      policy_created=1
    fi
    if DEBIAN_FRONTEND=noninteractive apt-get update -q > "$log" 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confold -o Dpkg::Options::=--force-confdef postgresql >> "$log" 2>&1; then
      echo "postgresql installed"
    else
      cat "$log"
      echo "postgresql could not be installed; the PostgreSQL tests will fail"
    fi
    if [ "$policy_created" -eq 1 ]; then
      rm -f /usr/sbin/policy-rc.d
    fi
  else
    echo "PostgreSQL server binaries missing and not installable here (needs root and apt-get)"
  fi
fi

echo "== chromium"
# The drill report test opens the HTML report in headless Chromium and reads back what its
# inline script measured. Install Debian's chromium package when no browser is on PATH; the
# package lists are refreshed only when the install fails without them.
if ! command -v chromium > /dev/null 2>&1 && ! command -v chromium-browser > /dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null 2>&1; then
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium > "$log" 2>&1 \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -q >> "$log" 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >> "$log" 2>&1; }; then
      echo "chromium installed"
    else
      cat "$log"
      echo "chromium could not be installed; the drill report browser test will fail"
    fi
  else
    echo "chromium missing and not installable here (needs root and apt-get)"
  fi
fi

echo "== dotnet test"
# VSTest prints one summary per test project:
#   Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42, Duration: 3 s - X.Tests.dll (net10.0)
# The failure drills (tests/AkkaMq.FailureTests) start three node processes each and run after
# the other projects, alone: beside them a loaded 2-core machine would time the failovers, not
# the product.
dotnet test AkkaMq.sln --no-build -nologo --filter "Category!=Failure" 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
echo "== failure drills"
dotnet test tests/AkkaMq.FailureTests --no-build -nologo 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -nE 's/^.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+), +Skipped: +([0-9]+),.*$/\2 \3 \4/p' "$log")
if grep -qE 'Test Run Aborted|The active test run was aborted' "$log"; then
  echo "a test host crashed"
  failed=$((failed + 1)); status=1
fi

if [ -x tests/interop/run.sh ]; then
  echo "== interop"
  # run.sh prints its own total as `N passed, N failed` on its last line.
  tests/interop/run.sh 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  read -r ip if_ < <(tail -n 1 "$log" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed.*$/\1 \2/p')
  if [ -z "${ip:-}" ]; then
    echo "interop scripts printed no total"
    failed=$((failed + 1)); status=1
  else
    passed=$((passed + ip)); failed=$((failed + if_))
  fi
fi

[ "$failed" -eq 0 ] || status=1
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
