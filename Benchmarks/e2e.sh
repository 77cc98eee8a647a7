#!/usr/bin/env bash
# End-to-end benchmark: the same 1 KB JSON POST (Benchmarks/payloads/echo-1k.json) through each set-up in
# turn, in one run; HTTP/1.1 from wrk over 64 keep-alive connections, h2c from h2load over 16
# connections × 8 streams for the two h2 set-ups, or WebSocket RPC messages from Benchmarks/ws/load.py
# (8 sockets × 8 in flight, 2 processes) for the ws set-up:
#   nginx                 nginx proxy (1 worker, keepalive upstream) -> nginx backend returning the JSON
#   haproxy               haproxy (1 thread, http-reuse always) -> the same nginx backend
#   sluice-ttheader-demo  sluice run -> TTHeader -> Sluice's own demo backend
#   sluice-ttheader-demo-rules  the same with five flow-control rules that never block (what checking costs)
#   sluice-ttheader-demo-plugins  the same with jwt_auth (RS256), cors and envelope on the route (what a public API's edge costs)
#   sluice-ttheader-demo-p2c3  the same spread over three demo backends by p2c, retries configured (what the
#                         cluster costs against one static endpoint)
#   sluice-theader-cpp    sluice run -> THeader  -> Apache Thrift C++ TThreadedServer (Benchmarks/cpp)
#   sluice-framed-cpp     sluice run -> Framed   -> Apache Thrift C++ TNonblockingServer (Benchmarks/cpp)
#   sluice-grpc-cpp       sluice run -> gRPC (h2c) -> gRPC C++ generic echo server (Benchmarks/cpp; needs
#                         libgrpc++-dev, skipped with a note when the server could not be built)
#   nginx-h2              nginx as above with clients on h2c (`listen ... http2`), HTTP/1.1 to the backend
#   sluice-h2-ttheader-demo  sluice-ttheader-demo with clients on h2c
#   sluice-http-proxy     sluice run, a `protocol: http` service -> the nginx backend of nginx and haproxy
#   sluice-ws-ttheader-demo  sluice-ttheader-demo with WebSocket RPC clients (one message = one request)
# Per row: requests/s, p50 and p99 (wrk's latency distribution, h2load's per-request log, or load.py's),
# the proxy's own CPU time per request (utime+stime from /proc/PID/stat over the timed run / requests),
# the backend's, and the backend connections accepted during the timed run. Prints a markdown table and
# saves it under Benchmarks/out/.
#
# Usage: Benchmarks/e2e.sh [--duration SECONDS] [--warmup SECONDS] [--rounds N] [--connections N]
#                          [--wrk-threads N] [--only SET-UP[,SET-UP...]] [--event-loops N] [--pin]
#                          [--h2-connections N] [--h2-streams N] [--h2-threads N] (h2load's -c, -m, -t)
#                          [--ws-sockets N] [--ws-in-flight N] [--ws-processes N] (load.py's sockets,
#                          messages in flight per socket, client processes)
#                          [--sluice-bin PATH] (use this sluice binary; implies --no-build) [--no-build]
#                          [--perf]   (also profile each proxy with `perf record -g` during the timed run;
#                                      the profile costs CPU, so its table row is not a clean measurement)
# --only takes set-up names from the list above, `sluice` for the three HTTP/1.1 Sluice ones in front of
# Thrift, `http` for nginx and haproxy, `proxy` for nginx, haproxy and sluice-http-proxy, `h2` for the two
# h2 set-ups, `ws` for the WebSocket one, or `grpc` for sluice-grpc-cpp. Missing tools are installed by
# Benchmarks/install-deps.sh (apt-get, and pip for Python's `websockets`).
# Everything listens on free ports of 127.0.0.1 only; every process started here is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
COMMAND_LINE="Benchmarks/e2e.sh${*:+ $*}"

ALL_SETUPS=(nginx haproxy sluice-ttheader-demo sluice-ttheader-demo-rules sluice-ttheader-demo-plugins sluice-ttheader-demo-p2c3 sluice-theader-cpp sluice-framed-cpp sluice-grpc-cpp nginx-h2
    sluice-h2-ttheader-demo sluice-http-proxy sluice-ws-ttheader-demo)
DURATION=15
WARMUP=3
CONNECTIONS=64
WRK_THREADS=2
H2_CONNECTIONS=16
H2_STREAMS=8
H2_THREADS=2
WS_SOCKETS=8
WS_IN_FLIGHT=8
WS_PROCESSES=2
ROUNDS=1
ONLY=""
EVENT_LOOPS=1
PIN=0
BUILD=1
PERF=0
SLUICE_BIN=""

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION="${2%s}"; shift 2 ;;
        --warmup) WARMUP="${2%s}"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --wrk-threads) WRK_THREADS="$2"; shift 2 ;;
        --h2-connections) H2_CONNECTIONS="$2"; shift 2 ;;
        --h2-streams) H2_STREAMS="$2"; shift 2 ;;
        --h2-threads) H2_THREADS="$2"; shift 2 ;;
        --ws-sockets) WS_SOCKETS="$2"; shift 2 ;;
        --ws-in-flight) WS_IN_FLIGHT="$2"; shift 2 ;;
        --ws-processes) WS_PROCESSES="$2"; shift 2 ;;
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

for n in "$DURATION" "$WARMUP" "$CONNECTIONS" "$WRK_THREADS" "$ROUNDS" "$EVENT_LOOPS" "$H2_CONNECTIONS" "$H2_STREAMS" "$H2_THREADS" \
    "$WS_SOCKETS" "$WS_IN_FLIGHT" "$WS_PROCESSES"; do
    case "$n" in ''|*[!0-9]*) echo "expected a whole number, got '$n'" >&2; exit 64 ;; esac
done
[ "$DURATION" -gt 0 ] && [ "$ROUNDS" -gt 0 ] || { echo "--duration and --rounds must be at least 1" >&2; exit 64; }
# h2load gives each thread at least one connection.
[ "$H2_STREAMS" -gt 0 ] && [ "$H2_THREADS" -gt 0 ] && [ "$H2_CONNECTIONS" -ge "$H2_THREADS" ] \
    || { echo "--h2-streams and --h2-threads must be at least 1, --h2-connections at least --h2-threads" >&2; exit 64; }
# load.py gives each process at least one socket.
[ "$WS_IN_FLIGHT" -gt 0 ] && [ "$WS_PROCESSES" -gt 0 ] && [ "$WS_SOCKETS" -ge "$WS_PROCESSES" ] \
    || { echo "--ws-in-flight and --ws-processes must be at least 1, --ws-sockets at least --ws-processes" >&2; exit 64; }

# The load generator of a set-up: h2load (h2c, prior knowledge) for the h2 ones, ws/load.py for the
# WebSocket one, wrk for the others.
load_of() { case "$1" in nginx-h2|sluice-h2-*) echo h2load ;; sluice-ws-*) echo ws ;; *) echo wrk ;; esac; }

# The set-ups to run, in the order of ALL_SETUPS.
SETUPS=()
selected() { # set-up
    [ -z "$ONLY" ] && return 0
    local word
    for word in ${ONLY//,/ }; do
        case "$word" in
            "$1") return 0 ;;
            sluice) case "$1" in sluice-ttheader-demo|sluice-theader-cpp|sluice-framed-cpp) return 0 ;; esac ;;
            http) case "$1" in nginx|haproxy) return 0 ;; esac ;;
            proxy) case "$1" in nginx|haproxy|sluice-http-proxy) return 0 ;; esac ;;
            h2) [ "$(load_of "$1")" = h2load ] && return 0 ;;
            ws) [ "$(load_of "$1")" = ws ] && return 0 ;;
            grpc) [ "$1" = sluice-grpc-cpp ] && return 0 ;;
        esac
    done
    return 1
}
for word in ${ONLY//,/ }; do
    case " ${ALL_SETUPS[*]} sluice http proxy h2 ws grpc " in *" $word "*) ;; *) echo "--only: unknown set-up '$word'" >&2; exit 64 ;; esac
done
for setup in "${ALL_SETUPS[@]}"; do selected "$setup" && SETUPS+=("$setup"); done
wants() { case " ${SETUPS[*]} " in *"$1"*) return 0 ;; esac; return 1; }
setups_of_load() { # wrk, h2load or ws: the selected set-ups it loads, one a line
    local setup
    for setup in "${SETUPS[@]}"; do [ "$(load_of "$setup")" = "$1" ] && echo "$setup"; done
    return 0
}
wants_load() { [ -n "$(setups_of_load "$1")" ]; }
LOADS=() # the load generators this run uses
list_loads() {
    LOADS=()
    for load in wrk h2load ws; do wants_load "$load" && LOADS+=("$load"); done
    return 0
}
list_loads
# Set-ups dropped before the run, each with its reason, for the report.
SKIPPED=()
skip_setup() { # set-up, reason
    local setup kept=()
    log "$1: skipped: $2"
    SKIPPED+=("$1 skipped: $2")
    for setup in "${SETUPS[@]}"; do [ "$setup" = "$1" ] || kept+=("$setup"); done
    SETUPS=("${kept[@]}")
    list_loads
}

BODY_FILE="$HERE/payloads/echo-1k.json"
LUA="$HERE/wrk/post.lua"
OUT_DIR="$HERE/out"
CLK_TCK="$(getconf CLK_TCK)"

. "$HERE/lib/processes.sh"
. "$HERE/lib/measure.sh"
. "$HERE/lib/h2load.sh"
. "$HERE/lib/ws-load.sh"
. "$HERE/lib/http-proxies.sh"
. "$HERE/lib/sluice.sh"

# From the repository root: `sluice demo` finds examples/ relative to it.
cd "$ROOT"
deps_args=()
[ "$PERF" = 1 ] && deps_args=(--perf)
wants_load ws && deps_args+=(--ws)
"$HERE/install-deps.sh" "${deps_args[@]}" >&2
[ -f "$BODY_FILE" ] || die "missing payload $BODY_FILE"
mkdir -p "$OUT_DIR"
WORK="$(mktemp -d /tmp/sluice-e2e.XXXXXX)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
# Raw output of the load generator: Benchmarks/out/<wrk or h2load>-<stamp>-<set-up>-r<round>*.txt
raw_prefix() { echo "$OUT_DIR/$(load_of "$1")-$STAMP-$1-r$2"; } # set-up, round
ROWS=()
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
TIME_START="$(date -u '+%Y-%m-%d %H:%M')"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- Sources 2>/dev/null || echo ' (Sources/ modified)')"

# libgrpc++-dev is large and only the gRPC set-up needs it; a machine that cannot install it still runs the rest.
if wants sluice-grpc-cpp; then
    "$HERE/install-deps.sh" --grpc >&2 || log "could not install libgrpc++-dev (Benchmarks/install-deps.sh --grpc)"
fi
wants sluice- && build_sluice
wants -cpp && build_cpp_backends
if wants sluice-grpc-cpp; then
    reason="$(grpc_backend_missing)"
    [ -z "$reason" ] || skip_setup sluice-grpc-cpp "$reason"
fi

for round in $(seq 1 "$ROUNDS"); do
    for setup in "${SETUPS[@]}"; do
        case "$setup" in
            nginx|nginx-h2) run_nginx "$setup" "$round" ;;
            haproxy) run_haproxy "$round" ;;
            sluice-*) run_sluice "$setup" "$round" ;;
        esac
    done
done

REPORT="$OUT_DIR/e2e-$STAMP.md"
{
    echo "Run $TIME_START–$(date -u '+%H:%M') UTC, $(nproc) cores, $(uname -sr), load average $LOAD_START at the start:"
    echo
    echo '```sh'
    case "$COMMAND_LINE" in *--sluice-bin*) ;; *) [ -z "$SLUICE_BIN" ] || echo "# sluice: $SLUICE_BIN" ;; esac
    echo "$COMMAND_LINE"
    echo '```'
    echo
    echo "- commit of this checkout: $COMMIT$(case "$COMMAND_LINE" in *--sluice-bin*) echo '; the sluice binary is the one --sluice-bin names' ;; esac)"
    wants_load wrk && echo "- wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency after a ${WARMUP}s warm-up; $ROUNDS round(s), set-ups in turn, one at a time"
    if wants_load h2load; then
        echo "- h2 rows ($(setups_of_load h2load | paste -sd, | sed 's/,/, /g')):" \
            "h2load $(h2load --version | awk '{print $2}') over h2c (prior knowledge), -t$H2_THREADS -c$H2_CONNECTIONS -m$H2_STREAMS" \
            "($((H2_CONNECTIONS * H2_STREAMS)) requests in flight) -D $DURATION after a ${WARMUP}s warm-up; p50 and p99 from its --log-file$(
            wants_load wrk || echo "; $ROUNDS round(s), set-ups in turn, one at a time")"
    fi
    if wants_load ws; then
        echo "- ws rows ($(setups_of_load ws | paste -sd, | sed 's/,/, /g')): WebSocket RPC from Benchmarks/ws/load.py" \
            "(Python $(python3 -c 'import platform; print(platform.python_version())'), websockets $(ws_version)), $WS_PROCESSES processes," \
            "$WS_SOCKETS sockets × $WS_IN_FLIGHT messages in flight ($((WS_SOCKETS * WS_IN_FLIGHT)) in all) for ${DURATION}s after a ${WARMUP}s warm-up;" \
            "requests are messages answered, errors non-200 replies, closed sockets and unanswered messages;" \
            "messages/s is bounded by the Python client, proxy CPU µs/req is the gateway's own per message$(
            wants_load wrk || wants_load h2load || echo "; $ROUNDS round(s), set-ups in turn, one at a time")"
    fi
    echo "- pinning: $([ "$PIN" = 1 ] && echo "proxy on CPU 0; backend and $(echo "${LOADS[*]}" | sed 's/ / and /g') on CPU 1" || echo 'none (all processes share all cores)')"
    if wants nginx || wants haproxy; then
        echo "- nginx $(nginx -v 2>&1 | sed 's/^nginx version: nginx\///'): worker_processes 1, keepalive upstream (64);" \
            "haproxy $(haproxy -v 2>/dev/null | awk 'NR == 1 {print $3}'): nbthread 1, http-reuse always; backend: one nginx worker returning the JSON"
        wants nginx-h2 && echo "- nginx-h2: the same nginx proxy with \`$(nginx_h2c_listen PORT)\` and upstream keepalive $((H2_CONNECTIONS * H2_STREAMS)) (one per request in flight)"
    fi
    if wants sluice-http-proxy; then
        echo "- sluice-http-proxy: a \`protocol: http\` service, pool max_idle 64 (routes/http-proxy/echo.yaml), in front of the same nginx backend$(
            wants nginx || wants haproxy || echo " (nginx $(nginx -v 2>&1 | sed 's/^nginx version: nginx\///'), one worker returning the JSON)")"
    fi
    if wants sluice-; then
        echo "- sluice: $SLUICE_LOOP_NOTE, $SLUICE_THREADS threads; C++ backends: Apache Thrift $(dpkg-query -W -f='${Version}' libthrift-dev 2>/dev/null || echo '?') from Debian"
    fi
    if wants sluice-ttheader-demo-p2c3; then
        echo "- sluice-ttheader-demo-p2c3: sluice-ttheader-demo over three demo backends, balancer p2c, retry max_attempts 3" \
            "(routes/ttheader-demo-p2c3/echo.yaml); backend CPU is the three backends', connections the first one's"
    fi
    if wants sluice-ttheader-demo-plugins; then
        echo "- sluice-ttheader-demo-plugins: sluice-ttheader-demo with jwt_auth (RS256 with a 2048-bit key, issuer and audience)," \
            "cors (an allowed Origin on every request) and envelope (routes/ttheader-demo-plugins/echo.yaml); every request" \
            "carries the token and the Origin"
    fi
    if wants sluice-ttheader-demo-rules; then
        echo "- sluice-ttheader-demo-rules: sluice-ttheader-demo with five flow-control rules that never block" \
            "(routes/ttheader-demo-rules/echo.yaml: route QPS, route error-ratio breaker, method concurrency, client-IP hot parameter, system QPS)"
    fi
    if wants sluice-grpc-cpp; then
        echo "- sluice-grpc-cpp: route POST /bench/echo -> sluice.bench.EchoService.Say (IDL/echo.proto, body \"*\"), gRPC over h2c on" \
            "2 connections (routes/grpc-cpp/echo.yaml); backend: gRPC C++ $(dpkg-query -W -f='${Version}' libgrpc++-dev 2>/dev/null || echo '?')" \
            "from Debian, a generic service echoing the request message; its accepts counted with strace"
    fi
    for note in "${SKIPPED[@]}"; do echo "- $note"; done
    echo "- proxy / backend CPU µs/req: utime+stime of the process(es) over the timed run / requests;" \
        "new backend conns: connections the backend accepted during the timed run"
    echo
    echo "| set-up | requests/s | p50 ms | p99 ms | proxy CPU µs/req | user / sys µs | backend CPU µs/req | new backend conns | conns/req | requests | errors | load avg before |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
} >"$REPORT"
cp "$REPORT" "$OUT_DIR/e2e-latest.md"
echo
cat "$REPORT"
raw_output=""
for load in "${LOADS[@]}"; do raw_output+="${raw_output:+; }$load output: $OUT_DIR/$load-$STAMP-*.txt"; done
log "saved $REPORT (raw $raw_output)"
