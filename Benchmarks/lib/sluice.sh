# Sourced by Benchmarks/e2e.sh: Sluice in front of three Thrift backends and a gRPC one, one set-up each:
#   sluice-ttheader-demo  TTHeader + Binary -> `sluice demo --backend-only` (Sluice's own server)
#   sluice-theader-cpp    THeader + Binary  -> Apache Thrift C++ TThreadedServer + THeaderProtocol
#   sluice-framed-cpp     Framed + Binary   -> Apache Thrift C++ TNonblockingServer
#   sluice-grpc-cpp       gRPC over h2c     -> gRPC C++ generic echo server (skipped when it was not built)
# sluice-h2-ttheader-demo and sluice-ws-ttheader-demo, the first one with its clients on h2c or on
# WebSocket RPC (`--websocket-path /ws`), and sluice-http-proxy, a `protocol: http` service proxying to
# the nginx backend of lib/http-proxies.sh. Route files: Benchmarks/routes/<set-up without "sluice-" and
# "h2-" or "ws-">/. Expects ROOT, HERE, SLUICE_BIN, BUILD, EVENT_LOOPS, WORK, raw_prefix and load_of.

SLUICE_THREADS=""
SLUICE_LOOP_NOTE=""
CPP_BIN_DIR=""

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

build_cpp_backends() {
    log "building the C++ echo servers (Benchmarks/cpp/build.sh)"
    CPP_BIN_DIR="$("$HERE/cpp/build.sh" "$HERE/out/cpp")" || die "Benchmarks/cpp/build.sh failed"
}

# The gRPC backend needs libgrpc++-dev, which install-deps.sh only adds with --grpc and which a machine
# may not offer: without the server the set-up is dropped with a note in the report, the others still run.
# Prints nothing when the server is there, else the reason.
grpc_backend_missing() {
    [ -x "$CPP_BIN_DIR/grpc-echo-server" ] && return 0
    if pkg-config --exists grpc++ 2>/dev/null; then
        echo "Benchmarks/cpp/build.sh could not build grpc-echo-server (see its output above)"
    else
        echo "libgrpc++-dev is not installed (Benchmarks/install-deps.sh --grpc)"
    fi
}

# A copy of a committed route directory whose endpoint is the port the backend got, and whose `idl:`
# paths are absolute so they still resolve from the copy.
render_routes() { # committed directory, backend port, output directory[, port for :19092, port for :19093]
    local file
    mkdir -p "$3"
    for file in "$1"/*.yaml; do
        # A file naming several endpoints spells the second and third 127.0.0.1:19092 and :19093.
        sed -e "s#127\.0\.0\.1:19092#SECOND_ENDPOINT#g" -e "s#127\.0\.0\.1:19093#THIRD_ENDPOINT#g" \
            -e "s#127\.0\.0\.1:[0-9][0-9]*#127.0.0.1:$2#g" \
            -e "s#SECOND_ENDPOINT#127.0.0.1:${4:-$2}#g" -e "s#THIRD_ENDPOINT#127.0.0.1:${5:-$2}#g" \
            -e "s#^\( *idl: *\)\([^/ ].*\)#\1$1/\2#" "$file" >"$3/$(basename "$file")"
    done
}

# A fresh RSA key pair in directory $1 (bench.pub.pem, which the plugins set-up's jwt_auth names) and an RS256 token
# for it in BENCH_JWT, signed with openssl: what an identity provider would hand a client.
make_bench_jwt() { # directory
    local key="$1/bench.key.pem" header payload signature
    openssl genrsa -out "$key" 2048 2>/dev/null || die "openssl genrsa failed"
    openssl rsa -in "$key" -pubout -out "$1/bench.pub.pem" 2>/dev/null || die "openssl rsa -pubout failed"
    b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
    header="$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)"
    payload="$(printf '{"sub":"bench","iss":"https://auth.example.test","aud":"bench","exp":%d}' $(($(date +%s) + 86400)) | b64url)"
    signature="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" -binary | b64url)"
    BENCH_JWT="$header.$payload.$signature"
}

SLUICE_PID=""
BACKEND_PID=""
BACKEND_COUNTER=""
sluice_pids() { echo "$SLUICE_PID"; }
backend_pids() { echo "$BACKEND_PID"; }
EXTRA_BACKEND_PIDS=""
EXTRA_BACKEND_PORTS=()
all_backend_pids() { echo "$BACKEND_PID $EXTRA_BACKEND_PIDS"; }

# The C++ servers print `connections N` on SIGUSR1; wait for the new line.
cpp_backend_conns() {
    local log_file="$WORK/$BACKEND_COUNTER.log" before _
    before="$(grep -c '^connections ' "$log_file" || true)"
    CONNS=""
    kill -USR1 "$BACKEND_PID" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        if [ "$(grep -c '^connections ' "$log_file" || true)" -gt "$before" ]; then
            CONNS="$(awk '/^connections / {n = $2} END {print n}' "$log_file")"
            return 0
        fi
        sleep 0.05
    done
    log "$BACKEND_COUNTER: no connection count within 2.5 s"
}

# Sluice's demo backend and the gRPC C++ server have no counter of their own, so they run under strace
# tracing only accept (seccomp-bpf: no other syscall stops them); each successful accept is one line (or,
# when another thread's line came between, an `<... accept4 resumed>` line with the result).
traced_backend_conns() {
    CONNS=""
    [ -f "$WORK/$BACKEND_COUNTER-accepts.txt" ] || return 0
    CONNS="$(grep -cE 'accept4?(\(| resumed>).*\) += [0-9]+' "$WORK/$BACKEND_COUNTER-accepts.txt" || true)"
}

# strace may be missing, or ptrace refused (some containers): then the demo row says n/a.
strace_usable() {
    command -v strace >/dev/null && strace -qq -f --seccomp-bpf -e trace=accept -o /dev/null true 2>/dev/null
}

# Starts a backend under strace counting its accepts (traced_backend_conns), or untraced when strace
# cannot run; sets BACKEND_PID and BACKEND_COUNTER (the name, which names its log and accepts file).
start_accept_traced_backend() { # name, port, command...
    local name="$1" port="$2" traced=0
    shift 2
    BACKEND_COUNTER=$name
    strace_usable && traced=1
    if [ "$traced" = 1 ]; then
        start_bg "$name" 1 strace -f --seccomp-bpf -qq -z -e trace=accept,accept4 -e signal=none \
            -o "$WORK/$name-accepts.txt" "$@"
    else
        log "strace missing or not permitted: new backend connections of $name are not counted"
        start_bg "$name" 1 "$@"
    fi
    local tracer=$LAST_PID
    wait_for_port "$port" "$tracer" "$name"
    BACKEND_PID=$tracer
    # Under strace the backend is strace's child; its CPU, not strace's, is the backend's.
    [ "$traced" = 1 ] && BACKEND_PID="$(pgrep -P "$tracer" | head -1)"
    [ -n "$BACKEND_PID" ] || die "$name: no process under strace"
    # Stopped by pid too: strace may detach on SIGTERM instead of taking its child down with it.
    [ "$BACKEND_PID" = "$tracer" ] || STARTED_PIDS+=("$BACKEND_PID")
}

run_sluice() { # set-up, round
    local setup="$1" port backend_port conns_fn backend_pids_fn=backend_pids
    EXTRA_BACKEND_PORTS=()
    case "$setup" in
        sluice-http-proxy)
            start_nginx_backend
            backend_port=$NGINX_BACKEND_PORT
            backend_pids_fn=nginx_backend_pids
            conns_fn=nginx_backend_conns ;;
        sluice-ttheader-demo|sluice-ttheader-demo-rules|sluice-ttheader-demo-plugins|sluice-h2-ttheader-demo|sluice-ws-ttheader-demo)
            free_port; backend_port=$FREE_PORT
            start_accept_traced_backend sluice-backend "$backend_port" \
                "$SLUICE_BIN" demo --backend-only --backend "127.0.0.1:$backend_port"
            conns_fn=traced_backend_conns ;;
        sluice-ttheader-demo-p2c3)
            free_port; backend_port=$FREE_PORT
            start_accept_traced_backend sluice-backend "$backend_port" \
                "$SLUICE_BIN" demo --backend-only --backend "127.0.0.1:$backend_port"
            # Two more demo backends, untraced: the connections column counts the first one's only.
            EXTRA_BACKEND_PIDS=""
            EXTRA_BACKEND_PORTS=()
            local extra
            for extra in 2 3; do
                free_port
                start_bg "sluice-backend-$extra" 1 "$SLUICE_BIN" demo --backend-only --backend "127.0.0.1:$FREE_PORT"
                wait_for_port "$FREE_PORT" "$LAST_PID" "sluice-backend-$extra"
                EXTRA_BACKEND_PIDS+=" $LAST_PID"
                EXTRA_BACKEND_PORTS+=("$FREE_PORT")
            done
            backend_pids_fn=all_backend_pids
            conns_fn=traced_backend_conns ;;
        sluice-grpc-cpp)
            free_port; backend_port=$FREE_PORT
            start_accept_traced_backend grpc-echo-server "$backend_port" "$CPP_BIN_DIR/grpc-echo-server" "$backend_port"
            conns_fn=traced_backend_conns ;;
        sluice-theader-cpp|sluice-framed-cpp)
            free_port; backend_port=$FREE_PORT
            BACKEND_COUNTER="${setup#sluice-}-server"
            local server=threaded-theader-server
            [ "$setup" = sluice-framed-cpp ] && server=nonblocking-framed-server
            start_bg "$BACKEND_COUNTER" 1 "$CPP_BIN_DIR/$server" "$backend_port"
            BACKEND_PID=$LAST_PID
            wait_for_port "$backend_port" "$BACKEND_PID" "$BACKEND_COUNTER"
            conns_fn=cpp_backend_conns ;;
        *) die "unknown sluice set-up $setup" ;;
    esac

    local routes="${setup#sluice-}"
    routes="${routes#h2-}"
    render_routes "$HERE/routes/${routes#ws-}" "$backend_port" "$WORK/routes-$setup" "${EXTRA_BACKEND_PORTS[@]}"
    EXTRA_HEADERS=""
    if [ "$setup" = sluice-ttheader-demo-plugins ]; then
        make_bench_jwt "$WORK/routes-$setup"
        EXTRA_HEADERS="Authorization: Bearer $BENCH_JWT|Origin: https://shop.example.test"
    fi
    export EXTRA_HEADERS
    local extra_args=() url
    if "$SLUICE_BIN" run --help 2>&1 | grep -q -- '--event-loops'; then
        extra_args=(--event-loops "$EVENT_LOOPS")
        SLUICE_LOOP_NOTE="sluice run --event-loops $EVENT_LOOPS"
    else
        SLUICE_LOOP_NOTE="sluice run has no --event-loops flag: it runs one event loop per core ($(nproc))"
    fi
    free_port; port=$FREE_PORT
    url="http://127.0.0.1:$port/bench/echo"
    if [ "$(load_of "$setup")" = ws ]; then
        "$SLUICE_BIN" run --help 2>&1 | grep -q -- '--websocket-path' \
            || die "$setup: $SLUICE_BIN has no --websocket-path (WebSocket RPC)"
        extra_args+=(--websocket-path /ws)
        url="ws://127.0.0.1:$port/ws"
    fi
    start_bg sluice 0 "$SLUICE_BIN" run --routes "$WORK/routes-$setup" --listen "127.0.0.1:$port" \
        --log-level error "${extra_args[@]}"
    SLUICE_PID=$LAST_PID
    wait_for_port "$port" "$SLUICE_PID" sluice

    check_echo "$url" "$setup"
    measure "$setup" "$url" sluice_pids "$backend_pids_fn" "$conns_fn" "$(raw_prefix "$setup" "$2")"
    SLUICE_THREADS="$(ls "/proc/$SLUICE_PID/task" | wc -l)"
    stop_started
    EXTRA_HEADERS=""
}
