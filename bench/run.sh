#!/usr/bin/env bash
# Performance baseline of the portal (issue 7): measurement only.
#
#   bench/run.sh [sqlite|postgres|all]
#
# `all` runs SQLite, then PostgreSQL, then writes both sets of figures side by side to
# bench/results-side-by-side-<date>.md.
#
# Builds the release binary, generates 100,000 demo articles into a fresh database,
# measures start-up, then drives the portal pages with wrk and compares each page with
# nginx serving the very same bytes as a static file. Everything runs on 127.0.0.1.
# Prints a Markdown summary and writes it to bench/results-<backend>-<date>.md.
#
# Environment (all optional):
#   CARGO_TARGET_DIR   where cargo builds (default /var/tmp/dangjian-target)
#   DJ_BENCH_PG        PostgreSQL server URL without database
#                      (default postgres://postgres@127.0.0.1:5432, trust auth assumed)
#   DJ_BENCH_PG_DB    PostgreSQL database to recreate (default dj_bench)
#   DJ_BENCH_DATA      data directory prefix; "-<backend>" is appended
#                      (default /var/tmp/dangjian-bench)
#   DJ_BENCH_ARTICLES  number of demo articles (default 100000)
#   DJ_BENCH_DURATION  seconds of each measured wrk run (default 10)
#   DJ_BENCH_PG_VACUUM=1  run VACUUM (ANALYZE) after the demo load (postgres only): what
#                      autovacuum does on a stock server soon after a bulk load, for
#                      servers where it is off. Results go to
#                      results-postgres-vacuumed-<date>.md
#   DJ_BENCH_EXACT_N   requests of the exact view-count check (default: about two
#                      seconds' worth of the article page, 200 to 5000)
#   DJ_BENCH_QUIET_BUDGET  seconds in all to wait for other load to pass (default 600)
#   DJ_BENCH_RETRIES   repeats of a run disturbed by other load (default 2)
set -euo pipefail

BACKEND=${1:-sqlite}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "$BACKEND" in
    sqlite | postgres) ;;
    all)
        "$0" sqlite
        "$0" postgres
        DATE=$(date +%F)
        PGV=postgres
        [[ "${DJ_BENCH_PG_VACUUM:-0}" == 1 ]] && PGV=postgres-vacuumed
        A="$ROOT/bench/figures-sqlite-$DATE.tsv"
        B="$ROOT/bench/figures-$PGV-$DATE.tsv"
        OUT="$ROOT/bench/results-side-by-side-$DATE.md"
        {
            echo "# dangjian benchmark — SQLite and PostgreSQL side by side — $DATE"
            echo
            echo "Details, raw wrk output and CPU splits: results-sqlite-$DATE.md and results-$PGV-$DATE.md."
            echo
            echo "| measure | SQLite | PostgreSQL |"
            echo "| --- | --- | --- |"
            awk -F'\t' 'NR == FNR { b[$1] = $2; next } { printf "| %s | %s | %s |\n", $1, $2, ($1 in b) ? b[$1] : "" }' "$B" "$A"
        } >"$OUT"
        cat "$OUT"
        exit 0
        ;;
    *)
        echo "usage: $0 [sqlite|postgres|all]" >&2
        exit 2
        ;;
esac

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/dangjian-target}
BIN="$CARGO_TARGET_DIR/release/dangjian"
PG_BASE=${DJ_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PG_DB=${DJ_BENCH_PG_DB:-dj_bench}
ARTICLES=${DJ_BENCH_ARTICLES:-100000}
DURATION=${DJ_BENCH_DURATION:-10}
WARMUP=2
THREADS=2
CONNS=16
CONNS_HIGH=64
DATA="${DJ_BENCH_DATA:-/var/tmp/dangjian-bench}-$BACKEND"
DATE=$(date +%F)
PG_VACUUM=${DJ_BENCH_PG_VACUUM:-0}
VARIANT=$BACKEND
if [[ "$BACKEND" == postgres && "$PG_VACUUM" == 1 ]]; then
    VARIANT=postgres-vacuumed
fi
RESULTS="$ROOT/bench/results-$VARIANT-$DATE.md"

SERVER_PID=""
NGINX_PID=""
TMP=""

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 200; i++)); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.05
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server $SERVER_PID did not stop within 10 s; killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

cleanup() {
    local rc=$?
    stop_server
    if [[ -n "$NGINX_PID" ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 100; i++)); do
            kill -0 "$NGINX_PID" 2>/dev/null || break
            sleep 0.05
        done
        kill -KILL "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    if [[ -n "$TMP" && -d "$TMP" ]]; then
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Microseconds since the epoch without forking (bash >= 5).
now_us() { echo "${EPOCHREALTIME/./}"; }

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    die "no free port found"
}

# ---------------------------------------------------------------------------- tools
install_missing() {
    local need=()
    command -v wrk >/dev/null 2>&1 || need+=(wrk)
    command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
    command -v curl >/dev/null 2>&1 || need+=(curl)
    if [[ "$BACKEND" == postgres ]]; then
        command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
    fi
    ((${#need[@]} == 0)) && return
    log "installing ${need[*]} from Debian packages"
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install ${need[*]}"
        sudo=(sudo)
    fi
    # Keep the package's maintainer scripts from starting the system nginx service.
    local made_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
        "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
    if ((made_policy)); then
        "${sudo[@]}" rm -f /usr/sbin/policy-rc.d
    fi
    # The package enables nginx.service for the next boot; this script only ever runs
    # its own nginx, so leave the system service disabled.
    if [[ " ${need[*]} " == *" nginx "* ]]; then
        if [[ -d /run/systemd/system ]]; then
            "${sudo[@]}" systemctl disable nginx.service >&2 || true
        else
            "${sudo[@]}" rm -f /etc/systemd/system/multi-user.target.wants/nginx.service
        fi
    fi
}
install_missing
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

env | grep -q '^DANGJIAN_' && log "note: DANGJIAN_* variables are set and apply to this run: $(env | grep '^DANGJIAN_' | cut -d= -f1 | tr '\n' ' ')"

TMP=$(mktemp -d /tmp/dangjian-bench.XXXXXX)
chmod 755 "$TMP"

# ---------------------------------------------------------------------------- build
log "building the release binary"
(cd "$ROOT" && cargo build --release -p dangjian)
[[ -x "$BIN" ]] || die "no binary at $BIN"

# ---------------------------------------------------------------------------- database
DB_ARGS=(--data "$DATA")
DB_DESC="SQLite at $DATA/dangjian.db"
if [[ "$BACKEND" == postgres ]]; then
    log "recreating database $PG_DB on $PG_BASE"
    psql "$PG_BASE/postgres" -v ON_ERROR_STOP=1 -qX -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
    psql "$PG_BASE/postgres" -v ON_ERROR_STOP=1 -qX -c "CREATE DATABASE $PG_DB" >/dev/null
    DB_ARGS+=(--database "$PG_BASE/$PG_DB")
    DB_DESC="PostgreSQL $(psql "$PG_BASE/postgres" -qXAt -c 'SHOW server_version') at $PG_BASE/$PG_DB"
fi
rm -rf "$DATA"
mkdir -p "$DATA"

# Run the program from the temp dir so that no ./dangjian.toml of the caller applies.
cd "$TMP"

log "generating $ARTICLES demo articles"
t0=$(now_us)
timeout 1200 "$BIN" "${DB_ARGS[@]}" demo --articles "$ARTICLES" >"$TMP/demo.out" 2>&1 || {
    cat "$TMP/demo.out" >&2
    die "demo failed"
}
t1=$(now_us)
DEMO_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
DEMO_OUT=$(tr -d '\r' <"$TMP/demo.out" | sed '/^[[:space:]]*$/d' | paste -sd ';' - | sed 's/;/; /g')
log "demo: $DEMO_S s ($DEMO_OUT)"
# The search index, built the way a new node builds it (serve would do it on its first
# start; timing it here keeps it out of the start-up figures).
log "building the search index (dangjian reindex)"
t0=$(now_us)
timeout 1200 "$BIN" "${DB_ARGS[@]}" reindex >"$TMP/reindex.out" 2>&1 || {
    cat "$TMP/reindex.out" >&2
    die "reindex failed"
}
t1=$(now_us)
INDEX_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
INDEX_OUT=$(tr -d '\r' <"$TMP/reindex.out" | sed '/^[[:space:]]*$/d' | tail -n 1)
INDEXED=$(grep -o '[0-9]* 篇已发布文章' <<<"$INDEX_OUT" | grep -o '^[0-9]*' || echo 0)
INDEX_RATE=$(awk -v n="$INDEXED" -v s="$INDEX_S" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print 0 }')
log "reindex: $INDEX_S s, $INDEXED articles, $INDEX_RATE articles/s"
if [[ "$BACKEND" == postgres ]]; then
    PG_AUTOVACUUM=$(psql "$PG_BASE/$PG_DB" -qXAt -c 'SHOW autovacuum')
    DB_DESC="$DB_DESC (autovacuum $PG_AUTOVACUUM"
    if [[ "$PG_VACUUM" == 1 ]]; then
        log "running VACUUM (ANALYZE) on $PG_DB"
        psql "$PG_BASE/$PG_DB" -v ON_ERROR_STOP=1 -qX -c 'VACUUM (ANALYZE)' >/dev/null
        DB_DESC="$DB_DESC; VACUUM (ANALYZE) run by this script after the demo load)"
    else
        DB_DESC="$DB_DESC; no VACUUM by this script)"
    fi
fi

# ---------------------------------------------------------------------------- start-up
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

# Polls URL every 10 ms until it answers 2xx; prints ms since $1 (start in µs).
wait_ok() {
    local start=$1 url=$2 deadline
    deadline=$(($(now_us) + 60000000))
    while :; do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            awk -v a="$start" -v b="$(now_us)" 'BEGIN { printf "%.0f", (b - a) / 1000 }'
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || die "server exited; see log: $(tail -n 5 "$TMP/server.log")"
        (($(now_us) < deadline)) || die "no answer from $url within 60 s"
        sleep 0.01
    done
}

start_server() {
    local n=$1 start
    start=$(now_us)
    "$BIN" "${DB_ARGS[@]}" serve --listen "127.0.0.1:$PORT" >>"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    HEALTHZ_MS[n]=$(wait_ok "$start" "$BASE/healthz")
    HOME_MS[n]=$(wait_ok "$start" "$BASE/")
    log "start $n: /healthz after ${HEALTHZ_MS[n]} ms, / after ${HOME_MS[n]} ms (pid $SERVER_PID)"
}

declare -a HEALTHZ_MS HOME_MS
start_server 1
stop_server
start_server 2
rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
RSS_IDLE_KB=$(rss_kb "$SERVER_PID" VmRSS)

# ---------------------------------------------------------------------------- targets
fetch() { curl -fsS --max-time 10 "$1"; }
CH="$BASE/channel/dongtai"
fetch "$CH" >"$TMP/ch1.html"
PAGER=$(grep -o '共 [0-9]* 条，第 [0-9]*/[0-9]* 页' "$TMP/ch1.html" | sed -n 1p) ||
    die "no pager total on /channel/dongtai"
CH_TOTAL=${PAGER#共 }
CH_TOTAL=${CH_TOTAL%% *}
CH_PAGES=${PAGER##*/}
CH_PAGES=${CH_PAGES%% *}
# Pinned rows (置顶) come first; the first unpinned row is the newest article.
first_article() { grep '<li>' "$1" | grep -v 'class="pin"' | grep -o 'href="/article/[0-9]*"' | sed -n 1p | grep -o '[0-9]*'; }
NEWEST_ID=$(first_article "$TMP/ch1.html") || die "no article on /channel/dongtai"
MID_PAGE=$(((CH_PAGES + 1) / 2))
fetch "$CH?page=$MID_PAGE" >"$TMP/chmid.html"
MID_ID=$(first_article "$TMP/chmid.html") || die "no article on page $MID_PAGE"
fetch "$CH?page=$CH_PAGES" >"$TMP/chlast.html"
OLDEST_ID=$(grep -o 'href="/article/[0-9]*"' "$TMP/chlast.html" | tail -n 1 | grep -o '[0-9]*') || OLDEST_ID="?"
log "dongtai: $CH_TOTAL articles, $CH_PAGES pages; newest $NEWEST_ID, middle (page $MID_PAGE) $MID_ID, oldest $OLDEST_ID"

ART="$BASE/article/$NEWEST_ID"
ART_MID="$BASE/article/$MID_ID"

views_of() {
    fetch "$1" | grep -o '<span id="view-count">[0-9]*</span>' | grep -o '[0-9][0-9]*' | sed -n 1p
}

# ---------------------------------------------------------------------------- nginx
WWW="$TMP/www"
mkdir -p "$WWW" "$TMP/nginx"
# Reading the count is itself a view (and is included in the number it shows).
VIEWS_0=$(views_of "$ART")
# Saving the page for nginx is a view too.
fetch "$ART" >"$WWW/article.html"
fetch "$ART_MID" >"$WWW/article-mid.html"
fetch "$BASE/" >"$WWW/home.html"
cp "$TMP/ch1.html" "$WWW/channel.html"
cp "$TMP/chlast.html" "$WWW/channel-last.html"
chmod 755 "$WWW"
chmod 644 "$WWW"/*.html

NGINX_PORT=$(free_port)
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    types { text/html html; }
    default_type text/html;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WWW;
    }
}
EOF
"$NGINX" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
NGINX_PID=$!
NG="http://127.0.0.1:$NGINX_PORT"
for ((i = 0; i < 500; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$NG/home.html" 2>/dev/null && break
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(cat "$TMP/nginx/error.log")"
    sleep 0.01
done
curl -fsS -o /dev/null --max-time 1 "$NG/home.html" || die "nginx does not answer"
log "nginx $NGINX_PID on $NG"

# ---------------------------------------------------------------------------- CPU noise
# The machine may be shared (builds, tests). Each measured run records how much CPU
# went to processes other than the server, nginx and wrk, and before each run the
# script waits (within a total budget) for the machine to be quiet.
CLK_TCK=$(getconf CLK_TCK)
QUIET_BUDGET=${DJ_BENCH_QUIET_BUDGET:-600}
QUIET_WAITED=0
# Busy ticks of all CPUs (user, nice, system, steal; interrupt time left out).
cpu_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $9 }' /proc/stat; }
# "PID TICKS" (utime + stime of all threads) for each given process still alive.
pid_ticks() {
    local pid
    for pid in "$@"; do
        awk -v p="$pid" '{ sub(/.*\) /, ""); print p, $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || true
    done
}
our_pids() {
    [[ -n "$SERVER_PID" ]] && echo "$SERVER_PID"
    # The PostgreSQL backends serving the benchmark database do the server's work.
    if [[ "$BACKEND" == postgres ]]; then
        psql "$PG_BASE/postgres" -qXAt -c \
            "SELECT pid FROM pg_stat_activity WHERE datname = '$PG_DB' AND pid <> pg_backend_pid()" 2>/dev/null || true
    fi
    if [[ -n "$NGINX_PID" ]]; then
        echo "$NGINX_PID"
        pgrep -P "$NGINX_PID" || true
    fi
}
wait_quiet() {
    local b0 b1 busy n=0
    while ((QUIET_WAITED < QUIET_BUDGET)); do
        b0=$(cpu_busy)
        sleep 1
        b1=$(cpu_busy)
        busy=$(awk -v d=$((b1 - b0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d / hz }')
        if (($(awk -v b="$busy" 'BEGIN { print (b < 0.25) ? 1 : 0 }'))); then
            return 0
        fi
        ((n % 30 == 0)) && log "machine busy (${busy} cores in use by others); waiting for quiet"
        n=$((n + 1))
        QUIET_WAITED=$((QUIET_WAITED + 1))
    done
    log "quiet-wait budget of ${QUIET_BUDGET} s used up; measuring anyway"
}
declare -A NOISE

# ---------------------------------------------------------------------------- wrk
# wrk_run LABEL URL CONNS: 2 s warm-up, then the measured run with --latency. When
# other processes took more than 0.3 cores during the measured run, the pair is repeated
# (at most DJ_BENCH_RETRIES times). Leaves the kept run in $TMP/wrk-LABEL.txt and sets
# SENT: responses wrk counted over every warm-up and run of this call.
RETRIES=${DJ_BENCH_RETRIES:-2}
declare -a RUN_LABELS=()
declare -A ATTEMPTS
wrk_run() {
    local label=$1 url=$2 c=$3 b0 b1 o t0 t1 wrk_cpu others attempt=0 pids0 pids1
    SENT=0
    while :; do
        attempt=$((attempt + 1))
        wait_quiet
        log "wrk $label: -c$c $url (attempt $attempt)"
        wrk -t"$THREADS" -c"$c" -d"${WARMUP}s" "$url" >"$TMP/warm-$label.txt"
        SENT=$((SENT + $(awk '/requests in/ { print $1 }' "$TMP/warm-$label.txt")))
        pids0=$(our_pids)
        # shellcheck disable=SC2086 # one pid per word
        pid_ticks $pids0 >"$TMP/ticks0"
        b0=$(cpu_busy)
        t0=$(now_us)
        local TIMEFORMAT='%3U %3S'
        { time wrk -t"$THREADS" -c"$c" -d"${DURATION}s" --latency "$url" >"$TMP/wrk-$label.txt"; } 2>"$TMP/time-$label.txt"
        t1=$(now_us)
        b1=$(cpu_busy)
        # A backend that started during the run counts from zero; one that ended
        # during it is lost (its time shows up under "others").
        pids1=$(printf '%s\n%s\n' "$pids0" "$(our_pids)" | sort -u)
        # shellcheck disable=SC2086
        pid_ticks $pids1 >"$TMP/ticks1"
        o=$(awk 'NR == FNR { a[$1] = $2; next } { d += $2 - (($1 in a) ? a[$1] : 0) } END { print d + 0 }' "$TMP/ticks0" "$TMP/ticks1")
        SENT=$((SENT + $(awk '/requests in/ { print $1 }' "$TMP/wrk-$label.txt")))
        wrk_cpu=$(awk '{ print $1 + $2 }' "$TMP/time-$label.txt")
        # wall s, machine busy cores, ours (server or nginx) cores, wrk cores, others cores
        NOISE[$label]=$(awk -v w="$((t1 - t0))" -v b=$((b1 - b0)) -v o="$o" -v k="$wrk_cpu" -v hz="$CLK_TCK" 'BEGIN {
            w /= 1e6; other = b / hz - o / hz - k; if (other < 0) other = 0
            printf "%.1f\t%.2f\t%.2f\t%.2f\t%.2f", w, b / hz / w, o / hz / w, k / w, other / w }')
        others=$(cut -f5 <<<"${NOISE[$label]}")
        if ((attempt <= RETRIES)) && (($(awk -v x="$others" 'BEGIN { print (x > 0.3) ? 1 : 0 }'))); then
            log "other processes used $others cores during $label; repeating it"
            continue
        fi
        break
    done
    ATTEMPTS[$label]=$attempt
    RUN_LABELS+=("$label")
    {
        echo "### $label (-t$THREADS -c$c -d${DURATION}s $url; attempt $attempt)"
        echo
        echo '```'
        cat "$TMP/wrk-$label.txt"
        echo '```'
        echo
    } >>"$TMP/raw.md"
}

# Fields of a measured run: reqs rps p50ms p99ms transfer non2xx sockerr
wrk_fields() {
    awk '
        function ms(v) {
            if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
            if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
            if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60000 }
            if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
            return v + 0
        }
        /requests in/        { reqs = $1 }
        /^Requests\/sec:/    { rps = $2 }
        /^Transfer\/sec:/    { tr = $2 }
        $1 == "50%"          { p50 = ms($2) }
        $1 == "99%"          { p99 = ms($2) }
        /Non-2xx or 3xx/     { non2xx = $NF }
        /Socket errors:/     { sub(/.*Socket errors: /, ""); gsub(/,/, ""); err = $0 }
        END {
            if (non2xx == "") non2xx = 0
            if (err == "") err = "none"
            printf "%s\t%.0f\t%.2f\t%.2f\t%s\t%s\t%s\n", reqs, rps, p50, p99, tr, non2xx, err
        }' "$TMP/wrk-$1.txt"
}
field() { wrk_fields "$1" | cut -f"$2"; }

declare -A RSS_AFTER
# Article, newest, 16 connections — bracketed by view-count reads. Every request to the
# article after the first read counts: the save for nginx, each warm-up and run, and the
# second read (a page shows the count including its own view).
wrk_run art16 "$ART" "$CONNS"
SENT_16=$SENT
sleep 2
VIEWS_1=$(views_of "$ART")
RSS_AFTER[art16]=$(rss_kb "$SERVER_PID" VmRSS)
EXPECT_1=$((1 + SENT_16 + 1))
GOT_1=$((VIEWS_1 - VIEWS_0))
# wrk stops with up to CONNS requests in flight per invocation; the server serves and
# counts those, wrk does not.
SLACK_1=$((2 * CONNS * ATTEMPTS[art16]))

# Article, newest, 64 connections — bracketed again.
wrk_run art64 "$ART" "$CONNS_HIGH"
SENT_64=$SENT
sleep 2
VIEWS_2=$(views_of "$ART")
RSS_AFTER[art64]=$(rss_kb "$SERVER_PID" VmRSS)
EXPECT_2=$((SENT_64 + 1))
GOT_2=$((VIEWS_2 - VIEWS_1))
SLACK_2=$((2 * CONNS_HIGH * ATTEMPTS[art64]))

# An exact count: curl sends exactly EXACT_N requests, 16 at a time, and each completes.
EXACT_N=${DJ_BENCH_EXACT_N:-$(awk -v r="$(field art16 2)" 'BEGIN { n = 2 * r; if (n < 200) n = 200; if (n > 5000) n = 5000; printf "%d", n }')}
for ((i = 0; i < EXACT_N; i++)); do
    printf 'url = "%s"\noutput = "/dev/null"\n' "$ART"
done >"$TMP/curl-exact.cfg"
log "exact view-count check: $EXACT_N requests, $CONNS in parallel"
curl -s --parallel --parallel-immediate --parallel-max "$CONNS" -w '%{http_code}\n' -K "$TMP/curl-exact.cfg" >"$TMP/curl-exact.out"
EXACT_OK=$(grep -c '^200$' "$TMP/curl-exact.out" || true)
sleep 2
VIEWS_3=$(views_of "$ART")
EXPECT_3=$((EXACT_N + 1))
GOT_3=$((VIEWS_3 - VIEWS_2))

wrk_run artmid "$ART_MID" "$CONNS"
RSS_AFTER[artmid]=$(rss_kb "$SERVER_PID" VmRSS)
wrk_run home "$BASE/" "$CONNS"
RSS_AFTER[home]=$(rss_kb "$SERVER_PID" VmRSS)
wrk_run ch1 "$CH" "$CONNS"
RSS_AFTER[ch1]=$(rss_kb "$SERVER_PID" VmRSS)
wrk_run chlast "$CH?page=$CH_PAGES" "$CONNS"
RSS_AFTER[chlast]=$(rss_kb "$SERVER_PID" VmRSS)
# Search: a common word (many hits, first page of 10) and a two-word query.
SEARCH_Q1="%E5%85%9A%E5%BB%BA"                                  # 党建
SEARCH_Q2="%E5%AD%A6%E4%B9%A0%20%E6%95%99%E8%82%B2"             # 学习 教育
fetch "$BASE/search?q=$SEARCH_Q1" >"$TMP/search.html"
SEARCH_HITS=$(grep -o '找到相关结果 <strong>[0-9]*' "$TMP/search.html" | grep -o '[0-9]*$' || echo 0)
wrk_run search1 "$BASE/search?q=$SEARCH_Q1" "$CONNS"
wrk_run search2 "$BASE/search?q=$SEARCH_Q2" "$CONNS"
RSS_AFTER[search]=$(rss_kb "$SERVER_PID" VmRSS)
HWM_KB=$(rss_kb "$SERVER_PID" VmHWM)

# nginx: the same bytes as static files.
wrk_run ng-art16 "$NG/article.html" "$CONNS"
wrk_run ng-art64 "$NG/article.html" "$CONNS_HIGH"
wrk_run ng-artmid "$NG/article-mid.html" "$CONNS"
wrk_run ng-home "$NG/home.html" "$CONNS"
wrk_run ng-ch1 "$NG/channel.html" "$CONNS"
wrk_run ng-chlast "$NG/channel-last.html" "$CONNS"

SERVER_ERRORS=$(grep -cE ' (ERROR|WARN) ' "$TMP/server.log" || true)
SERVER_ERROR_LINES=$(grep -E ' (ERROR|WARN) ' "$TMP/server.log" | sed 's/\x1b\[[0-9;]*m//g' | head -n 5 || true)
stop_server

# ---------------------------------------------------------------------------- report
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
bytes() { wc -c <"$WWW/$1" | tr -d ' '; }
yesno() { if [[ "$1" == 1 ]]; then echo met; else echo "**not met**"; fi; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? 1 : 0 }'; }

declare -A PAGE_NAME=(
    [art16]="article (newest, id $NEWEST_ID)"
    [art64]="article (newest, id $NEWEST_ID), 64 conns"
    [artmid]="article (middle, id $MID_ID)"
    [home]="home /"
    [ch1]="/channel/dongtai page 1"
    [chlast]="/channel/dongtai page $CH_PAGES (last)"
)
# The same pages named without ids, to line up runs on different databases.
declare -A STABLE_NAME=(
    [art16]="article (newest), 16 conns"
    [art64]="article (newest), 64 conns"
    [artmid]="article (middle of the channel), 16 conns"
    [home]="home /, 16 conns"
    [ch1]="channel page 1, 16 conns"
    [chlast]="channel last page, 16 conns"
)
declare -A PAGE_FILE=([art16]=article.html [art64]=article.html [artmid]=article-mid.html
    [home]=home.html [ch1]=channel.html [chlast]=channel-last.html)
declare -A PAGE_CONNS=([art16]=$CONNS [art64]=$CONNS_HIGH [artmid]=$CONNS [home]=$CONNS [ch1]=$CONNS [chlast]=$CONNS)
PAGES=(art16 art64 artmid home ch1 chlast)

CPU_MODEL=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | sed -n 1p)
MEM_TOTAL=$(free -h | awk '/^Mem:/ { print $2 }')
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain 2>/dev/null | wc -l | tr -d ' ')
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')
WRK_VERSION=$( (wrk -v 2>&1 || true) | sed -n 1p | awk '{ print $2 }')

LAST_P50_RATIO=$(ratio "$(field chlast 3)" "$(field ch1 3)")
LAST_P99_RATIO=$(ratio "$(field chlast 4)" "$(field ch1 4)")
# Cores the server (or nginx) used during a run, and its requests per CPU-second.
cores() { cut -f3 <<<"${NOISE[$1]}"; }
per_cpu() { awk -v r="$(field "$1" 2)" -v c="$(cores "$1")" 'BEGIN { if (c > 0) printf "%.0f", r / c; else print 0 }'; }
ART_RATIO=$(ratio "$(field art16 2)" "$(field ng-art16 2)")
HOME_RATIO=$(ratio "$(field home 2)" "$(field ng-home 2)")
CH1_RATIO=$(ratio "$(field ch1 2)" "$(field ng-ch1 2)")
CHLAST_RATIO=$(ratio "$(field chlast 2)" "$(field ng-chlast 2)")
HWM_MB=$(mb "$HWM_KB")
# match GOT EXPECT SLACK
match() {
    local d=$(($1 - $2))
    if ((d == 0)); then
        echo "exact"
    elif ((d > 0 && d <= $3)); then
        echo "not exact: +$d (within the $3 requests wrk may leave in flight)"
    else
        echo "**mismatch: $d**"
    fi
}
MATCH_1=$(match "$GOT_1" "$EXPECT_1" "$SLACK_1")
MATCH_2=$(match "$GOT_2" "$EXPECT_2" "$SLACK_2")
MATCH_3=$(match "$GOT_3" "$EXPECT_3" 0)

{
    echo "# dangjian benchmark — $VARIANT — $DATE"
    echo
    echo "- Machine: $(nproc) CPUs ($CPU_MODEL), $MEM_TOTAL RAM; load generator on the same machine"
    echo "- Code: commit $COMMIT ($DIRTY uncommitted paths in the working tree), release build"
    echo "- Database: $DB_DESC"
    echo "- Tools: wrk $WRK_VERSION (-t$THREADS, ${WARMUP} s warm-up then ${DURATION} s), nginx $NGINX_VERSION (worker_processes 2, sendfile, access_log off)"
    echo
    echo "## Data and start-up"
    echo
    echo "| measure | value |"
    echo "| --- | --- |"
    echo "| \`demo --articles $ARTICLES\` | $DEMO_S s (program says: $DEMO_OUT) |"
    echo "| 1st start (right after demo): process start → first 200 from /healthz | ${HEALTHZ_MS[1]} ms |"
    echo "| 1st start: process start → first 200 from / | ${HOME_MS[1]} ms |"
    echo "| 2nd start (existing database): → /healthz | ${HEALTHZ_MS[2]} ms |"
    echo "| 2nd start (existing database): → / | ${HOME_MS[2]} ms |"
    echo "| dongtai channel | $CH_TOTAL articles, $CH_PAGES pages (\"$PAGER\") |"
    echo
    echo "## Throughput and latency (wrk -t$THREADS, ${DURATION} s)"
    echo
    echo "| page | conns | bytes | req/s | p50 ms | p99 ms | transfer/s | non-2xx | socket errors | nginx req/s | nginx p50 ms | nginx p99 ms | ratio to nginx |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for p in "${PAGES[@]}"; do
        IFS=$'\t' read -r _ rps p50 p99 tr non2xx err < <(wrk_fields "$p")
        IFS=$'\t' read -r _ nrps np50 np99 _ _ _ < <(wrk_fields "ng-$p")
        echo "| ${PAGE_NAME[$p]} | ${PAGE_CONNS[$p]} | $(bytes "${PAGE_FILE[$p]}") | $rps | $p50 | $p99 | $tr | $non2xx | $err | $nrps | $np50 | $np99 | $(ratio "$rps" "$nrps")× |"
    done
    echo
    echo "Last page vs first page of dongtai: p50 ${LAST_P50_RATIO}×, p99 ${LAST_P99_RATIO}×."
    echo
    echo "### Per CPU-second"
    echo
    echo "On a shared machine the throughput ratio depends on how much CPU other processes left to each side. This table divides each run's req/s by the cores the server (with its PostgreSQL backends) or nginx used during it (from /proc; see the CPU table below), which is steadier: requests served per CPU-second."
    echo
    echo "| page | server cores | server req per CPU-s | nginx cores | nginx req per CPU-s | ratio per CPU-s |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for p in "${PAGES[@]}"; do
        echo "| ${PAGE_NAME[$p]} | $(cores "$p") | $(per_cpu "$p") | $(cores "ng-$p") | $(per_cpu "ng-$p") | $(ratio "$(per_cpu "$p")" "$(per_cpu "ng-$p")")× |"
    done
    echo
    echo "## Search"
    echo
    echo "Index built by \`dangjian reindex\` right after the demo: $INDEX_S s for $INDEXED articles = **$INDEX_RATE articles/s** (program says: $INDEX_OUT)."
    echo
    echo "| query | conns | req/s | p50 ms | p99 ms | non-2xx |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for p in search1 search2; do
        IFS=$'\t' read -r _ rps p50 p99 _ non2xx _ < <(wrk_fields "$p")
        q=$([[ $p == search1 ]] && echo "党建 ($SEARCH_HITS hits)" || echo "学习 教育")
        echo "| /search?q=$q | $CONNS | $rps | $p50 | $p99 | $non2xx |"
    done
    echo
    echo "## Memory (VmRSS of the server)"
    echo
    echo "| when | MB |"
    echo "| --- | --- |"
    if [[ "$BACKEND" == postgres ]]; then
        echo "| (the PostgreSQL server's own memory is not included) | |"
    fi
    echo "| idle after 2nd start | $(mb "$RSS_IDLE_KB") |"
    for p in "${PAGES[@]}"; do
        echo "| after ${PAGE_NAME[$p]} | $(mb "${RSS_AFTER[$p]}") |"
    done
    echo "| after the search runs | $(mb "${RSS_AFTER[search]}") |"
    echo "| peak (VmHWM) | $HWM_MB |"
    echo
    echo "## View count under load (article $NEWEST_ID)"
    echo
    echo "| bracket | counter increase | requests counted by the client | result |"
    echo "| --- | --- | --- | --- |"
    echo "| wrk 16 conns: save curl + wrk warm-up and run ($SENT_16, ${ATTEMPTS[art16]} attempt(s)) + reading curl | $GOT_1 ($VIEWS_0 → $VIEWS_1) | $EXPECT_1 | $MATCH_1 |"
    echo "| wrk 64 conns: wrk warm-up and run ($SENT_64, ${ATTEMPTS[art64]} attempt(s)) + reading curl | $GOT_2 ($VIEWS_1 → $VIEWS_2) | $EXPECT_2 | $MATCH_2 |"
    echo "| curl, exactly $EXACT_N requests, $CONNS in parallel ($EXACT_OK answered 200) + reading curl | $GOT_3 ($VIEWS_2 → $VIEWS_3) | $EXPECT_3 | $MATCH_3 |"
    echo
    echo "wrk reports completed responses (\"N requests in\"); when it stops, up to one request per connection is still in flight, which the server serves and counts but wrk does not. The curl row has no such gap: every request completes."
    echo
    echo "## Targets of issue 7"
    echo
    echo "| target | measured | |"
    echo "| --- | --- | --- |"
    echo "| article ≥ 0.6× nginx (16 conns) | ${ART_RATIO}× (per CPU-second: $(ratio "$(per_cpu art16)" "$(per_cpu ng-art16)")×) | $(yesno "$(ge "$ART_RATIO" 0.6)") |"
    echo "| home ≥ 0.5× nginx | ${HOME_RATIO}× | $(yesno "$(ge "$HOME_RATIO" 0.5)") |"
    echo "| channel page 1 ≥ 0.5× nginx | ${CH1_RATIO}× | $(yesno "$(ge "$CH1_RATIO" 0.5)") |"
    echo "| channel last page ≥ 0.5× nginx | ${CHLAST_RATIO}× | $(yesno "$(ge "$CHLAST_RATIO" 0.5)") |"
    echo "| last page within 2× first-page latency (channel of $CH_TOTAL articles) | p50 ${LAST_P50_RATIO}×, p99 ${LAST_P99_RATIO}× | $(yesno "$(($(le "$LAST_P50_RATIO" 2) * $(le "$LAST_P99_RATIO" 2)))") |"
    echo "| article p99 ≤ 5 ms at 16 conns | $(field art16 4) ms | $(yesno "$(le "$(field art16 4)" 5)") |"
    echo "| RSS ≤ 200 MB | peak $HWM_MB MB | $(yesno "$(le "$HWM_MB" 200)") |"
    echo "| start to first response ≤ 1 s (2nd start, /) | ${HOME_MS[2]} ms | $(yesno "$(le "${HOME_MS[2]}" 1000)") |"
    echo "| demo 100k ≤ 60 s | $DEMO_S s | $(yesno "$(le "$DEMO_S" 60)") |"
    echo "| search p99 ≤ 20 ms (issue 5; 党建, 16 conns) | $(field search1 4) ms | $(yesno "$(le "$(field search1 4)" 20)") |"
    echo "| indexing ≥ 2,000 articles/s (issue 5) | $INDEX_RATE | $(yesno "$(ge "$INDEX_RATE" 2000)") |"
    echo
    echo "## Server log"
    echo
    echo "$SERVER_ERRORS WARN/ERROR lines during the run."
    if [[ -n "$SERVER_ERROR_LINES" ]]; then
        echo
        echo '```'
        echo "$SERVER_ERROR_LINES"
        echo '```'
    fi
    echo
    echo "## CPU during each measured run (cores; the machine has $(nproc))"
    echo
    echo "Before each run the script waited for under 0.25 cores of other load (waited ${QUIET_WAITED} s in all, budget ${QUIET_BUDGET} s); a run during which others took more than 0.3 cores was repeated (at most $RETRIES times; the last attempt is the one reported)."
    echo "\"server or nginx\" includes the PostgreSQL backends connected to the benchmark database; \"others\" = machine busy − server/nginx − wrk: load from unrelated processes (approximate)."
    echo
    echo "| run | attempts | wall s | machine busy | server or nginx | wrk | others |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for p in "${RUN_LABELS[@]}"; do
        IFS=$'\t' read -r w b o k x <<<"${NOISE[$p]}"
        echo "| $p | ${ATTEMPTS[$p]} | $w | $b | $o | $k | $x |"
    done
    echo
    echo "## Raw wrk output"
    echo
    cat "$TMP/raw.md"
} >"$TMP/summary.md"

# The headline figures as "measure<TAB>value", for the side-by-side table of `all`.
{
    printf 'commit\t%s\n' "$COMMIT"
    printf 'demo --articles %s (s)\t%s\n' "$ARTICLES" "$DEMO_S"
    printf 'start → first 200 from / on the existing database (ms)\t%s\n' "${HOME_MS[2]}"
    for p in "${PAGES[@]}"; do
        IFS=$'\t' read -r _ rps p50 p99 _ _ _ < <(wrk_fields "$p")
        IFS=$'\t' read -r _ nrps _ _ _ _ _ < <(wrk_fields "ng-$p")
        printf '%s: req/s (p50 / p99 ms)\t%s (%s / %s)\n' "${STABLE_NAME[$p]}" "$rps" "$p50" "$p99"
        printf '%s: ratio to nginx (nginx req/s)\t%s× (%s)\n' "${STABLE_NAME[$p]}" "$(ratio "$rps" "$nrps")" "$nrps"
        printf '%s: ratio to nginx per CPU-second\t%s×\n' "${STABLE_NAME[$p]}" "$(ratio "$(per_cpu "$p")" "$(per_cpu "ng-$p")")"
    done
    printf 'last ÷ first channel page latency (p50 / p99)\t%s× / %s×\n' "$LAST_P50_RATIO" "$LAST_P99_RATIO"
    printf 'server RSS idle / peak (MB)\t%s / %s\n' "$(mb "$RSS_IDLE_KB")" "$HWM_MB"
    printf 'search index build (articles/s)\t%s\n' "$INDEX_RATE"
    for p in search1 search2; do
        IFS=$'\t' read -r _ rps p50 p99 _ _ _ < <(wrk_fields "$p")
        printf 'search %s: req/s (p50 / p99 ms)\t%s (%s / %s)\n' "$p" "$rps" "$p50" "$p99"
    done
    printf 'exact view-count check (curl, %s requests)\t%s\n' "$EXACT_N" "$MATCH_3"
} >"$ROOT/bench/figures-$VARIANT-$DATE.tsv"

cp "$TMP/summary.md" "$RESULTS"
cat "$TMP/summary.md"
log "written $RESULTS"
