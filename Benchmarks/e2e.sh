#!/usr/bin/env bash
# End-to-end HTTP/1.1 benchmark, in one run:
#   sluice: wrk -> `sluice run` (Benchmarks/routes) -> Thrift echo backend (`sluice demo --backend-only`)
#   nginx:  wrk -> nginx proxy (1 worker, keepalive upstream) -> nginx backend returning a static 1 KB JSON
# Both get the same 1 KB JSON POST (Benchmarks/payloads/echo-1k.json) over 64 keep-alive connections.
# For each proxy it prints and saves requests/s, p50, p99 and the proxy's own CPU time per request
# (utime+stime from /proc/PID/stat, measured around the timed run, divided by the requests wrk saw).
#
# Usage: Benchmarks/e2e.sh [--duration SECONDS] [--warmup SECONDS] [--connections N] [--wrk-threads N]
#                          [--rounds N] [--only sluice|nginx] [--event-loops N] [--pin] [--no-build]
#                          [--sluice-bin PATH] (use this sluice binary; implies --no-build)
#                          [--perf]   (also profile each proxy with `perf record -g` during the timed run;
#                                      the profile costs CPU, so its table row is not a clean measurement)
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"

DURATION=15
WARMUP=3
CONNECTIONS=64
WRK_THREADS=2
ROUNDS=1
ONLY=""
EVENT_LOOPS=1
PIN=0
BUILD=1
PERF=0
SLUICE_BIN=""

# Fixed ports: Benchmarks/routes/echo.yaml names the backend's, so it cannot be picked at run time.
SLUICE_PORT=18080
SLUICE_BACKEND_PORT=19090
NGINX_PORT=18081
NGINX_BACKEND_PORT=18082

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION="${2%s}"; shift 2 ;;
        --warmup) WARMUP="${2%s}"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --wrk-threads) WRK_THREADS="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --event-loops) EVENT_LOOPS="$2"; shift 2 ;;
        --pin) PIN=1; shift ;;
        --no-build) BUILD=0; shift ;;
        --perf) PERF=1; shift ;;
        --sluice-bin) SLUICE_BIN="$2"; BUILD=0; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 64 ;;
    esac
done

case "$ONLY" in ""|sluice|nginx) ;; *) echo "--only takes sluice or nginx" >&2; exit 64 ;; esac
for n in "$DURATION" "$WARMUP" "$CONNECTIONS" "$WRK_THREADS" "$ROUNDS" "$EVENT_LOOPS"; do
    case "$n" in ''|*[!0-9]*) echo "expected a whole number, got '$n'" >&2; exit 64 ;; esac
done

BODY_FILE="$HERE/payloads/echo-1k.json"
LUA="$HERE/wrk/post.lua"
OUT_DIR="$HERE/out"
CLK_TCK="$(getconf CLK_TCK)"

log() { printf '[e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- tools -------------------------------------------------------------------------------------------
ensure_tools() {
    local missing=()
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v curl >/dev/null || missing+=(curl)
    [ "$PERF" = 0 ] || command -v perf >/dev/null || missing+=(linux-perf)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# --- processes -----------------------------------------------------------------------------------------
STARTED_PIDS=()
WORK=""

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED_PIDS[@]}"; do
        # Give each process a moment to exit on its own, then insist.
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    STARTED_PIDS=()
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_started() {
    cleanup_keep_work=$WORK
    WORK=""
    cleanup
    WORK=$cleanup_keep_work
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() { # port, pid, name
    local i
    for i in $(seq 1 150); do
        port_in_use "$1" && return 0
        kill -0 "$2" 2>/dev/null || die "$3 exited before listening on 127.0.0.1:$1 (log: $WORK/$3.log)"
        sleep 0.1
    done
    die "$3 did not listen on 127.0.0.1:$1 within 15 s (log: $WORK/$3.log)"
}

require_free() { for p in "$@"; do port_in_use "$p" && die "127.0.0.1:$p is already in use"; done; return 0; }

# Runs "$@" in the background, optionally pinned to a CPU set, and records its pid in LAST_PID.
start_bg() { # name, cpus ("" = any), command...
    local name="$1" cpus="$2"
    shift 2
    if [ "$PIN" = 1 ] && [ -n "$cpus" ]; then
        taskset -c "$cpus" "$@" >"$WORK/$name.log" 2>&1 &
    else
        "$@" >"$WORK/$name.log" 2>&1 &
    fi
    LAST_PID=$!
    STARTED_PIDS+=("$LAST_PID")
}

# CPU time of a process and all its threads, in clock ticks, as "utime stime"; several pids are summed.
cpu_ticks() {
    local user=0 sys=0 pid fields
    for pid in "$@"; do
        # Field 2 (comm) may contain spaces: drop everything up to the last ')' so utime/stime are
        # fields 12 and 13 of what remains (14 and 15 of the whole line).
        fields="$(sed 's/^.*) //' "/proc/$pid/stat")"
        user=$((user + $(awk '{print $12}' <<<"$fields")))
        sys=$((sys + $(awk '{print $13}' <<<"$fields")))
    done
    echo "$user $sys"
}

# Microseconds of CPU per request from two "utime stime" readings: prints "total user sys".
cpu_per_request() { # before, after, requests
    awk -v b="$1" -v a="$2" -v n="$3" -v hz="$CLK_TCK" 'BEGIN {
        split(b, x, " "); split(a, y, " ")
        u = (y[1] - x[1]) * 1e6 / hz / n; s = (y[2] - x[2]) * 1e6 / hz / n
        printf "%.1f %.1f %.1f", u + s, u, s }'
}

# nginx's master plus its workers, so the proxy's CPU includes everything the proxy instance does.
nginx_pids() { echo "$1" $(pgrep -P "$1" || true); }

# --- wrk ----------------------------------------------------------------------------------------------
run_wrk() { # url, seconds, output file
    local cpus=""
    [ "$PIN" = 1 ] && cpus=1
    if [ -n "$cpus" ]; then
        BODY_FILE="$BODY_FILE" taskset -c "$cpus" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 5s \
            --latency -s "$LUA" "$1" >"$3" 2>&1
    else
        BODY_FILE="$BODY_FILE" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 5s \
            --latency -s "$LUA" "$1" >"$3" 2>&1
    fi
}

# wrk prints latencies as 812.00us / 1.23ms / 1.01s; normalise to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000; else if (v ~ /s$/) n = n * 1000
        printf "%.2f", n }'
}

# Sets W_REQUESTS, W_RPS, W_P50, W_P99, W_ERRORS from a wrk output file.
parse_wrk() {
    local f="$1"
    W_REQUESTS="$(awk '/requests in/ {print $1; exit}' "$f")"
    W_RPS="$(awk '/^Requests\/sec:/ {printf "%.0f", $2; exit}' "$f")"
    W_P50="$(to_ms "$(awk '$1 == "50%" {print $2; exit}' "$f")")"
    W_P99="$(to_ms "$(awk '$1 == "99%" {print $2; exit}' "$f")")"
    local non2xx socket
    non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF; exit}' "$f")"
    socket="$(awk -F'[ ,]+' '/Socket errors:/ {print $4 + $6 + $8 + $10; exit}' "$f")"
    W_ERRORS=$(( ${non2xx:-0} + ${socket:-0} ))
    [ -n "$W_REQUESTS" ] && [ -n "$W_RPS" ] || die "could not parse wrk output $f: $(cat "$f")"
}

# Warm-up, then the timed run with CPU sampled around it. Appends one row to ROWS.
measure() { # name, url, "proxy pids command", "backend pids command", raw output prefix
    local name="$1" url="$2" proxy_pids_cmd="$3" backend_pids_cmd="$4" raw="$5"
    log "$name: warm-up ${WARMUP}s"
    run_wrk "$url" "$WARMUP" "$raw-warmup.txt"
    local proxy_pids backend_pids load p0 p1 b0 b1
    proxy_pids="$($proxy_pids_cmd)"
    backend_pids="$($backend_pids_cmd)"
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    p0="$(cpu_ticks $proxy_pids)"
    b0="$(cpu_ticks $backend_pids)"
    log "$name: measuring ${DURATION}s, ${CONNECTIONS} connections, load average before: $load"
    local perf_pid=""
    if [ "$PERF" = 1 ]; then
        perf record -q -F 499 -g -o "$WORK/$name.perf.data" -p "$(tr ' ' ',' <<<"$proxy_pids")" \
            -- sleep "$DURATION" >"$WORK/$name.perf.log" 2>&1 &
        perf_pid=$!
        STARTED_PIDS+=("$perf_pid")
    fi
    run_wrk "$url" "$DURATION" "$raw.txt"
    p1="$(cpu_ticks $proxy_pids)"
    b1="$(cpu_ticks $backend_pids)"
    parse_wrk "$raw.txt"
    if [ -n "$perf_pid" ]; then
        wait "$perf_pid" 2>/dev/null || true
        perf_report "$name" "$raw-perf.txt"
    fi
    local proxy_us proxy_user proxy_sys backend_us
    read -r proxy_us proxy_user proxy_sys <<<"$(cpu_per_request "$p0" "$p1" "$W_REQUESTS")"
    backend_us="$(cpu_per_request "$b0" "$b1" "$W_REQUESTS" | cut -d' ' -f1)"
    ROWS+=("| $name | $W_RPS | $W_P50 | $W_P99 | $proxy_us | $proxy_user / $proxy_sys | $backend_us | $W_REQUESTS | $W_ERRORS | $load |")
    log "$name: $W_RPS req/s, p50 ${W_P50} ms, p99 ${W_P99} ms, proxy ${proxy_us} µs CPU/req, errors $W_ERRORS"
    [ "$W_ERRORS" = 0 ] || log "$name: WARNING: $W_ERRORS non-2xx responses or socket errors; see $raw.txt"
}

# Flat profile (self time) by symbol, Swift names demangled, plus a caller view of the top entries.
perf_report() { # name, output file
    local demangle=cat
    command -v swift >/dev/null && demangle="swift demangle --simplified"
    # head closes the pipe early on purpose: no pipefail here.
    (
        set +o pipefail
    {
        echo "# perf record -F 499 -g of $1 during the timed run; self time by symbol"
        perf report -i "$WORK/$1.perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null \
            | grep -v '^$' | grep -E '^ +[0-9]' | head -60
        echo
        echo "# inclusive time (children) by symbol"
        perf report -i "$WORK/$1.perf.data" --children --sort symbol --stdio -g none 2>/dev/null \
            | grep -E '^ +[0-9]' | head -60
    } | $demangle >"$2"
    ) || log "$1: perf report failed"
    log "$1: perf profile saved to $2"
}

# --- the two set-ups ------------------------------------------------------------------------------------
SLUICE_THREADS=""
SLUICE_LOOP_NOTE=""

build_sluice() {
    if [ -n "$SLUICE_BIN" ]; then
        [ -x "$SLUICE_BIN" ] || die "--sluice-bin $SLUICE_BIN is not an executable"
        return 0
    fi
    if [ "$BUILD" = 1 ]; then
        log "building sluice (release)"
        (cd "$ROOT" && swift build -c release --product sluice >&2)
    fi
    SLUICE_BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/sluice"
    [ -x "$SLUICE_BIN" ] || die "no release sluice binary at $SLUICE_BIN (run without --no-build)"
}

check_echo() { # url, name
    local status
    status="$(curl -sS -o "$WORK/$2-check.json" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary "@$BODY_FILE" "$1")" || die "$2: curl to $1 failed"
    [ "$status" = 200 ] || die "$2: POST $1 answered $status: $(head -c 400 "$WORK/$2-check.json")"
    # Both set-ups echo: the answer must be the request's JSON (same members and values).
    if command -v python3 >/dev/null; then
        python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
            "$BODY_FILE" "$WORK/$2-check.json" || die "$2: the answer is not the request's JSON: $(head -c 400 "$WORK/$2-check.json")"
    fi
    log "$2: sanity POST ok, $(wc -c <"$WORK/$2-check.json") byte response equal to the request JSON"
}

SLUICE_PID=""
SLUICE_BACKEND_PID=""
sluice_proxy_pids() { echo "$SLUICE_PID"; }
sluice_backend_pids() { echo "$SLUICE_BACKEND_PID"; }

run_sluice() { # round
    require_free "$SLUICE_PORT" "$SLUICE_BACKEND_PORT"
    start_bg sluice-backend 1 "$SLUICE_BIN" demo --backend-only --backend "127.0.0.1:$SLUICE_BACKEND_PORT"
    SLUICE_BACKEND_PID=$LAST_PID
    wait_for_port "$SLUICE_BACKEND_PORT" "$SLUICE_BACKEND_PID" sluice-backend

    local loop_args=()
    if "$SLUICE_BIN" run --help 2>&1 | grep -q -- '--event-loops'; then
        loop_args=(--event-loops "$EVENT_LOOPS")
        SLUICE_LOOP_NOTE="sluice run --event-loops $EVENT_LOOPS"
    else
        SLUICE_LOOP_NOTE="sluice run has no --event-loops flag: it runs one event loop per core ($(nproc))"
    fi
    start_bg sluice 0 "$SLUICE_BIN" run --routes "$HERE/routes" --listen "127.0.0.1:$SLUICE_PORT" \
        --log-level error "${loop_args[@]}"
    SLUICE_PID=$LAST_PID
    wait_for_port "$SLUICE_PORT" "$SLUICE_PID" sluice

    local url="http://127.0.0.1:$SLUICE_PORT/bench/echo"
    check_echo "$url" sluice
    measure sluice "$url" sluice_proxy_pids sluice_backend_pids "$RAW_PREFIX-sluice-r$1"
    SLUICE_THREADS="$(ls "/proc/$SLUICE_PID/task" | wc -l)"
    stop_started
}

write_nginx_conf() { # file, prefix, port, server body
    cat >"$1" <<EOF
worker_processes 1;
daemon off;
pid $2/nginx.pid;
error_log $2/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $2/client_body;
    proxy_temp_path $2/proxy;
    fastcgi_temp_path $2/fastcgi;
    uwsgi_temp_path $2/uwsgi;
    scgi_temp_path $2/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
$4
}
EOF
}

NGINX_PID=""
NGINX_BACKEND_PID=""
nginx_proxy_pids() { nginx_pids "$NGINX_PID"; }
nginx_backend_pids() { nginx_pids "$NGINX_BACKEND_PID"; }

run_nginx() { # round
    require_free "$NGINX_PORT" "$NGINX_BACKEND_PORT"
    local body
    # The backend answers every POST with the same 1 KB JSON it receives, like the Thrift echo.
    # `return` (not a static file) because nginx's static module refuses POST.
    body="$(tr -d '\n' <"$BODY_FILE" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"
    mkdir -p "$WORK/nginx-backend" "$WORK/nginx-proxy"
    write_nginx_conf "$WORK/nginx-backend/nginx.conf" "$WORK/nginx-backend" "$NGINX_BACKEND_PORT" "
    server {
        listen 127.0.0.1:$NGINX_BACKEND_PORT;
        location / {
            default_type application/json;
            return 200 '$body';
        }
    }"
    write_nginx_conf "$WORK/nginx-proxy/nginx.conf" "$WORK/nginx-proxy" "$NGINX_PORT" "
    upstream echo_backend {
        server 127.0.0.1:$NGINX_BACKEND_PORT;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://echo_backend;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
        }
    }"
    local nginx_bin
    nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
    start_bg nginx-backend 1 "$nginx_bin" -p "$WORK/nginx-backend" -c "$WORK/nginx-backend/nginx.conf"
    NGINX_BACKEND_PID=$LAST_PID
    wait_for_port "$NGINX_BACKEND_PORT" "$NGINX_BACKEND_PID" nginx-backend
    start_bg nginx 0 "$nginx_bin" -p "$WORK/nginx-proxy" -c "$WORK/nginx-proxy/nginx.conf"
    NGINX_PID=$LAST_PID
    wait_for_port "$NGINX_PORT" "$NGINX_PID" nginx

    local url="http://127.0.0.1:$NGINX_PORT/bench/echo"
    check_echo "$url" nginx
    measure nginx "$url" nginx_proxy_pids nginx_backend_pids "$RAW_PREFIX-nginx-r$1"
    stop_started
}

# --- main ---------------------------------------------------------------------------------------------
# From the repository root: `sluice demo` finds examples/ relative to it.
cd "$ROOT"
ensure_tools
[ -f "$BODY_FILE" ] || die "missing payload $BODY_FILE"
mkdir -p "$OUT_DIR"
WORK="$(mktemp -d /tmp/sluice-e2e.XXXXXX)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RAW_PREFIX="$OUT_DIR/wrk-$STAMP"
ROWS=()

[ "$ONLY" = nginx ] || build_sluice

for round in $(seq 1 "$ROUNDS"); do
    [ "$ONLY" = nginx ] || run_sluice "$round"
    [ "$ONLY" = sluice ] || run_nginx "$round"
done

REPORT="$OUT_DIR/e2e-$STAMP.md"
{
    echo "# Sluice vs nginx, HTTP/1.1, $(wc -c <"$BODY_FILE") byte JSON POST"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); host: $(nproc) cores, $(uname -sr)"
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- Sources 2>/dev/null || echo ' (Sources/ modified)'); sluice binary: ${SLUICE_BIN:-none}"
    echo "- wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency (after a ${WARMUP}s warm-up), rounds: $ROUNDS"
    echo "- pinning: $([ "$PIN" = 1 ] && echo 'proxy on CPU 0; backend and wrk on CPU 1' || echo 'none (all processes share all cores)')"
    echo "- nginx $(nginx -v 2>&1 | sed 's/^nginx version: //'): worker_processes 1, keepalive upstream (64), access_log off"
    if [ "$ONLY" != nginx ]; then
        echo "- sluice: $SLUICE_LOOP_NOTE; $SLUICE_THREADS threads in the process at the end of the run"
    fi
    echo "- CPU µs/req = (utime+stime of the proxy process(es), from /proc/PID/stat, over the timed run) / requests"
    echo
    echo "| proxy | requests/s | p50 ms | p99 ms | proxy CPU µs/req | user / sys | backend CPU µs/req | requests | errors | load avg before |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
} >"$REPORT"
cp "$REPORT" "$OUT_DIR/e2e-latest.md"
echo
cat "$REPORT"
log "saved $REPORT (raw wrk output: $RAW_PREFIX-*.txt)"
