#!/usr/bin/env bash
# Installs the Debian packages mmkg needs (ffmpeg for media; python3 venv support) when missing.
# redis-server is the shared crawl frontier (crawl/redis_frontier.py) and its test.
set -euo pipefail

missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
else
  sudo_cmd=()
fi
echo "==> installing Debian packages: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
