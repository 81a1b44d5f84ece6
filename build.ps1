#!/usr/bin/env pwsh
# Build tasks for people with PowerShell; README's commands do the same without it.
#   ./build.ps1 build   compile the solution
#   ./build.ps1 test    run every test (same as: bash tests/run-all.sh)
#   ./build.ps1 run     run a standalone node from hocon/standalone.conf
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'run')]
    [string]$Task = 'build'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

switch ($Task) {
    'build' { dotnet build AkkaMq.sln }
    'test'  { bash tests/run-all.sh }
    'run'   { dotnet run --project src/AkkaMq.Node -- run --config hocon/standalone.conf }
}
exit $LASTEXITCODE
