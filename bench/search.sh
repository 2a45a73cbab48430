#!/usr/bin/env bash
# Search benchmark (issue 5): measurement only, not a timed test.
#
#   bench/search.sh [ARTICLES] [ROUNDS]
#
# Generates ARTICLES (default 100000) demo articles into a fresh SQLite database in a
# temporary directory, rebuilds the search index from it exactly as `dangjian reindex`
# does (reading the database, HTML to text, jieba, tantivy), and reports indexing
# articles/s; then runs 24 realistic queries in 4 shapes (relevance, newest first,
# page 5, channel filter) ROUNDS times (default 5) after one warm-up round and reports
# p50/p90/p99/max latency of the index query alone and of the index query plus the
# database check that /search does on every page of hits.
#
# Environment: CARGO_TARGET_DIR (default /var/tmp/dangjian-target).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/dangjian-target}
echo "# search benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -m)"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo run --quiet --release -p dangjian-web --example search_bench -- "${1:-100000}" "${2:-5}"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
