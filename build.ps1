#!/usr/bin/env pwsh
# Build tasks for people with PowerShell; README's commands do the same without it.
#   ./build.ps1 build   compile the solution
#   ./build.ps1 test    run every test (same as: bash tests/run-all.sh)
#   ./build.ps1 run     run a standalone node from hocon/standalone.conf
#   ./build.ps1 cluster-up|cluster-down|cluster-status|cluster-logs
#                       the three-node loopback cluster of hocon/cluster/ (deploy/local-cluster.sh)
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'run', 'cluster-up', 'cluster-down', 'cluster-status', 'cluster-logs')]
    [string]$Task = 'build'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

switch ($Task) {
    'build' { dotnet build AkkaMq.sln }
    'test'  { bash tests/run-all.sh }
    'run'   { dotnet run --project src/AkkaMq.Node -- run --config hocon/standalone.conf }
    'cluster-up'     { bash deploy/local-cluster.sh up }
    'cluster-down'   { bash deploy/local-cluster.sh down }
    'cluster-status' { bash deploy/local-cluster.sh status }
    'cluster-logs'   { bash deploy/local-cluster.sh logs }
}
exit $LASTEXITCODE
