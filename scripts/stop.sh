#!/usr/bin/env bash
# `make stop`: stop the worker and the server that `make deploy` started (their pid files only).
set -uo pipefail
cd "$(dirname "$0")/.."
RUN="${MMKG_HOME:-$PWD/.mmkg}/run"
for name in worker server; do
    pid_file="$RUN/$name.pid"
    [ -s "$pid_file" ] || continue
    pid="$(cat "$pid_file")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -INT "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        echo "stopped the Prefect $name (pid $pid)"
    fi
    rm -f "$pid_file"
done
rm -f "$RUN/api_url"
