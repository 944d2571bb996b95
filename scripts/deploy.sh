#!/usr/bin/env bash
# `make deploy`: a local Prefect server on 127.0.0.1 (its database under $MMKG_HOME/prefect),
# the work pool and deployment of prefect.yaml, and a process worker polling that pool.
# Pids and logs go to $MMKG_HOME/run; `make stop` (scripts/stop.sh) stops exactly these.
# MMKG_PREFECT_PORT: the server's port (default 4200; "auto" = a free one, retried if taken).
set -euo pipefail
cd "$(dirname "$0")/.."
export MMKG_HOME="${MMKG_HOME:-$PWD/.mmkg}"
export PREFECT_HOME="${PREFECT_HOME:-$MMKG_HOME/prefect}"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export MMKG_PROJECT_DIR="$PWD"  # prefect.yaml's pull step runs flows from here
BIN="${MMKG_BIN:-$PWD/.venv/bin}"
RUN="$MMKG_HOME/run"
mkdir -p "$RUN" "$PREFECT_HOME"

if [ -s "$RUN/server.pid" ] && kill -0 "$(cat "$RUN/server.pid")" 2>/dev/null; then
    echo "a server started by make deploy is already running (pid $(cat "$RUN/server.pid")); run make stop first" >&2
    exit 1
fi

free_port() { "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_server() {  # $1 = port; returns 0 once /api/health answers, 1 if the server exited
    "$BIN/prefect" server start --host 127.0.0.1 --port "$1" >"$RUN/server.log" 2>&1 &
    echo $! >"$RUN/server.pid"
    for _ in $(seq 1 360); do
        if ! kill -0 "$(cat "$RUN/server.pid")" 2>/dev/null; then return 1; fi
        if "$BIN/python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
            "http://127.0.0.1:$1/api/health" 2>/dev/null; then return 0; fi
        sleep 0.5
    done
    echo "the Prefect server did not answer within 180 s; see $RUN/server.log" >&2
    exit 1
}

requested="${MMKG_PREFECT_PORT:-4200}"
for attempt in 1 2 3 4 5; do
    port="$requested"; [ "$requested" = auto ] && port="$(free_port)"
    if start_server "$port"; then break; fi
    if [ "$requested" != auto ] || [ "$attempt" = 5 ]; then
        echo "the Prefect server exited at start (port $port taken?); see $RUN/server.log" >&2
        exit 1
    fi
done
export PREFECT_API_URL="http://127.0.0.1:$port/api"
echo "$PREFECT_API_URL" >"$RUN/api_url"

"$BIN/prefect" work-pool create mmkg-process --type process --overwrite >"$RUN/deploy.log" 2>&1
"$BIN/prefect" --no-prompt deploy --all >>"$RUN/deploy.log" 2>&1 || { cat "$RUN/deploy.log" >&2; exit 1; }
"$BIN/prefect" worker start --pool mmkg-process --type process >"$RUN/worker.log" 2>&1 &
echo $! >"$RUN/worker.pid"

cat <<MSG
Prefect server: http://127.0.0.1:$port (UI), API $PREFECT_API_URL
Deployment build-mmkg (nightly 03:00 UTC) is served by a process worker on pool mmkg-process.
Start a build now:
  PREFECT_API_URL=$PREFECT_API_URL $BIN/prefect deployment run build-mmkg/build-mmkg
Stop everything: make stop
MSG
