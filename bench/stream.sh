#!/usr/bin/env bash
# Streaming memory benchmark (issue 5): measurement only, not a timed test.
#
#   bench/stream.sh [SIZE_MB]
#
# Starts the release binary on an empty data directory, puts a SIZE_MB (default 1024)
# file of random bytes into the local media store, and samples the server's resident
# memory (VmRSS) every 50 ms while curl downloads the file: once whole, then as 32
# scattered 1 MB ranges (a player seeking). Prints RSS before, peak during, and the
# transfer rate. `/media/…` and `/video/{id}/stream` use the same tower-http file
# service (the latter after its permission check), so this is the video path's memory.
#
# Environment: CARGO_TARGET_DIR (default /var/tmp/dangjian-target).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/dangjian-target}
SIZE_MB=${1:-1024}
cargo build --quiet --release -p dangjian
BIN=$CARGO_TARGET_DIR/release/dangjian

tmp=$(mktemp -d)
pid=
sampler=
cleanup() {
    [[ -n "$sampler" ]] && kill "$sampler" 2>/dev/null || true
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/data/media/videos"
dd if=/dev/urandom of="$tmp/data/media/videos/big.webm" bs=1M count="$SIZE_MB" status=none
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" migrate --data "$tmp/data" >/dev/null
"$BIN" serve --listen "127.0.0.1:$port" --data "$tmp/data" >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
done
if ! curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then
    echo "the server did not start:" >&2
    cat "$tmp/server.log" >&2
    exit 1
fi
rss() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
url="http://127.0.0.1:$port/media/videos/big.webm"
# Warm the page cache so the figure is the server's, not the disk's.
cat "$tmp/data/media/videos/big.webm" >/dev/null
curl -s -o /dev/null -r 0-1023 "$url"
before=$(rss)
(while kill -0 "$pid" 2>/dev/null; do rss; sleep 0.05; done) >"$tmp/rss" &
sampler=$!

echo "# streaming benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -m)"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: ${SIZE_MB} MB of random bytes in the local media store"
echo "RSS before: $((before / 1024)) MB"
curl -s -o /dev/null -w 'whole file: %{size_download} bytes in %{time_total} s (%{speed_download} B/s), HTTP %{http_code}\n' "$url"
size=$((SIZE_MB * 1024 * 1024))
start=$(date +%s.%N)
for i in $(seq 0 31); do
    offset=$(( (size / 32) * i ))
    curl -s -o /dev/null -r "$offset-$((offset + 1048575))" "$url"
done
echo "32 scattered 1 MB ranges: $(echo "$(date +%s.%N) - $start" | bc) s"
sleep 0.2
kill "$sampler" 2>/dev/null || true
sampler=
peak=$(sort -n "$tmp/rss" | tail -n 1)
echo "RSS peak while streaming: $((peak / 1024)) MB (samples: $(wc -l <"$tmp/rss"))"
echo "RSS after: $(($(rss) / 1024)) MB"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
