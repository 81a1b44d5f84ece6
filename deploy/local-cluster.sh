#!/usr/bin/env bash
# The three-node cluster of hocon/cluster/ on loopback, as background processes.
#
#   deploy/local-cluster.sh up       build once (Release), start node-a, node-b, node-c, wait until ready
#   deploy/local-cluster.sh status   each node's process and its /health/ready answer
#   deploy/local-cluster.sh logs     follow the three logs (logs node-b: one of them)
#   deploy/local-cluster.sh down     SIGTERM to exactly the started processes, wait until they exit
#
# Pid files and logs are in data/cluster/run/, stores and the control-state journal in
# data/cluster/ (as the node files say). Paths are taken from the repository root, whatever the
# current directory. Environment: AKKAMQ_LOG_LEVEL reaches the nodes; READY_TIMEOUT (seconds,
# default 120) bounds the wait of `up`, STOP_TIMEOUT (default 60) the wait of `down` for each node.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUN_DIR="data/cluster/run"
NODES=(node-a node-b node-c)
BIN_DIR="src/AkkaMq.Node/bin/Release/net10.0"
READY_TIMEOUT="${READY_TIMEOUT:-120}"
STOP_TIMEOUT="${STOP_TIMEOUT:-60}"

conf_of() { echo "hocon/cluster/$1.conf"; }
pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$RUN_DIR/$1.log"; }

# host:port of a node's health endpoint, read from its file (akkamq.health.listen).
health_of() {
  local line
  line="$(grep -E '^[[:space:]]*health\.listen[[:space:]]*=' "$(conf_of "$1")" | head -n 1 || true)"
  line="${line#*\"}"
  echo "${line%%\"*}"
}

# The pid in a node's pid file when that process is alive and is this node's akkamq (a pid
# reused by another program is not ours); nothing otherwise.
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$(conf_of "$1")"; then
    echo "$pid"
  fi
}

# "<http status> <body>" of GET http://<host:port><path>; "down" when nothing answers.
http_get() {
  local hostport="$1" path="$2"
  if command -v curl >/dev/null 2>&1; then
    local out
    if out="$(curl -s -m 3 -w '\n%{http_code}' "http://$hostport$path")"; then
      echo "${out##*$'\n'} ${out%$'\n'*}"
    else
      echo "down"
    fi
    return 0
  fi
  # Without curl: one HTTP/1.0 request over bash's /dev/tcp (the server closes after answering).
  local host="${hostport%:*}" port="${hostport##*:}" reply
  if reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$0" >&3 && cat <&3' \
      "$host" "$port" "$path" 2>/dev/null)" && [[ -n "$reply" ]]; then
    local status="${reply%%$'\r'*}"
    status="${status#* }"
    echo "${status%% *} ${reply#*$'\r\n\r\n'}"
  else
    echo "down"
  fi
}

akkamq_command() {
  if [[ -x "$BIN_DIR/akkamq" ]]; then
    echo "$BIN_DIR/akkamq"
  else
    echo "dotnet $BIN_DIR/akkamq.dll"
  fi
}

cmd_up() {
  echo "building src/AkkaMq.Node (Release)..."
  dotnet build -c Release src/AkkaMq.Node -nologo -v quiet
  mkdir -p "$RUN_DIR"
  local node pid akkamq
  akkamq="$(akkamq_command)"
  for node in "${NODES[@]}"; do
    pid="$(running_pid "$node")"
    if [[ -n "$pid" ]]; then
      echo "$node: already running (pid $pid)"
      continue
    fi
    # shellcheck disable=SC2086 # akkamq may be "dotnet <dll>"
    nohup $akkamq run --config "$(conf_of "$node")" >>"$(log_file "$node")" 2>&1 </dev/null &
    echo $! >"$(pid_file "$node")"
    echo "$node: started (pid $!), log $(log_file "$node")"
  done
  wait_ready
  cmd_status
}

wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT)) node pending
  echo "waiting up to ${READY_TIMEOUT}s for every node to be ready..."
  while ((SECONDS < deadline)); do
    pending=0
    for node in "${NODES[@]}"; do
      if [[ -z "$(running_pid "$node")" ]]; then
        echo "$node is not running; its log ends with:" >&2
        tail -n 20 "$(log_file "$node")" >&2 || true
        return 1
      fi
      [[ "$(http_get "$(health_of "$node")" /health/ready)" == 200* ]] || pending=1
    done
    ((pending == 0)) && return 0
    sleep 1
  done
  echo "not every node was ready within ${READY_TIMEOUT}s (see status and logs)" >&2
  return 1
}

cmd_status() {
  local node pid health answer
  for node in "${NODES[@]}"; do
    pid="$(running_pid "$node")"
    health="$(health_of "$node")"
    if [[ -n "$pid" ]]; then
      printf '%s: running (pid %s)\n' "$node" "$pid"
    elif [[ -f "$(pid_file "$node")" ]]; then
      printf '%s: not running (stale pid file %s)\n' "$node" "$(pid_file "$node")"
    else
      printf '%s: not running\n' "$node"
    fi
    answer="$(http_get "$health" /health/ready)"
    printf '  http://%s/health/ready -> %s\n' "$health" "$answer"
  done
}

cmd_down() {
  local node pid deadline
  for node in "${NODES[@]}"; do
    pid="$(running_pid "$node")"
    if [[ -z "$pid" ]]; then
      echo "$node: not running"
      rm -f "$(pid_file "$node")"
      continue
    fi
    if kill -TERM "$pid" 2>/dev/null; then
      echo "$node: SIGTERM sent to pid $pid"
    fi
  done
  for node in "${NODES[@]}"; do
    [[ -f "$(pid_file "$node")" ]] || continue
    pid="$(cat "$(pid_file "$node")")"
    deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$node: pid $pid still running after ${STOP_TIMEOUT}s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    else
      echo "$node: stopped"
    fi
    rm -f "$(pid_file "$node")"
  done
}

cmd_logs() {
  local files=() node
  if [[ $# -gt 0 ]]; then
    files=("$(log_file "$1")")
  else
    for node in "${NODES[@]}"; do files+=("$(log_file "$node")"); done
  fi
  exec tail -n 50 -F "${files[@]}"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  *)
    echo "usage: $0 up|down|status|logs [node-a|node-b|node-c]" >&2
    exit 2
    ;;
esac
