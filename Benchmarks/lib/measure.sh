# Sourced by Benchmarks/e2e.sh: the HTTP/1.1 load (wrk), the sanity check before a load, and one measured
# row with either load generator (lib/h2load.sh has h2load's). Expects BODY_FILE, LUA, WRK_THREADS,
# CONNECTIONS, WARMUP, DURATION, PIN, PERF, WORK, CLK_TCK and load_of (which generator a set-up uses).

run_wrk() { # url, seconds, output file
    local pin=()
    [ "$PIN" = 1 ] && pin=(taskset -c 1)
    BODY_FILE="$BODY_FILE" "${pin[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 5s \
        --latency -s "$LUA" "$1" >"$3" 2>&1
}

wrk_note() { echo "$CONNECTIONS connections"; }

# wrk prints latencies as 812.00us / 1.23ms / 1.01s; normalise to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000; else if (v ~ /s$/) n = n * 1000
        printf "%.2f", n }'
}

# Sets W_REQUESTS, W_RPS, W_P50, W_P99, W_ERRORS from a wrk output file. The percentiles are read from
# wrk's "Latency Distribution" (--latency), not from its mean ± stdev line.
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
    [ -n "$W_REQUESTS" ] && [ "$W_REQUESTS" -gt 0 ] && [ -n "$W_RPS" ] && grep -q '^ *99%' "$f" \
        || die "could not parse wrk output $f: $(cat "$f")"
}

# A set-up loaded by h2load gets the POST over HTTP/2 with prior knowledge and must answer over HTTP/2;
# one loaded over WebSocket gets the body as one RPC message instead (check_ws_echo).
check_echo() { # url, set-up
    local answer status version h2="" curl_args=()
    if [ "$(load_of "$2")" = ws ]; then
        check_ws_echo "$1" "$2"
        return
    fi
    [ "$(load_of "$2")" = h2load ] && h2=1 && curl_args=(--http2-prior-knowledge)
    local field
    while IFS= read -r field; do [ -z "$field" ] || curl_args+=(-H "$field"); done <<<"$(printf "%s" "${EXTRA_HEADERS:-}" | tr "|" "\n")"
    answer="$(curl -sS "${curl_args[@]}" -o "$WORK/$2-check.json" -w '%{http_code} %{http_version}' \
        -H 'Content-Type: application/json' --data-binary "@$BODY_FILE" "$1")" || die "$2: curl to $1 failed"
    read -r status version <<<"$answer"
    [ "$status" = 200 ] || die "$2: POST $1 answered $status: $(head -c 400 "$WORK/$2-check.json")"
    [ -z "$h2" ] || [ "$version" = 2 ] || die "$2: POST $1 was answered over HTTP/$version, not HTTP/2"
    # Every set-up echoes: the answer must be the request's JSON (same members and values).
    if command -v python3 >/dev/null; then
        # An envelope's reply is its "data".
        python3 -c 'import json, sys; a = json.load(open(sys.argv[2])); a = a["data"] if isinstance(a, dict) and set(a) == {"code", "msg", "data"} else a; sys.exit(json.load(open(sys.argv[1])) != a)' \
            "$BODY_FILE" "$WORK/$2-check.json" || die "$2: the answer is not the request's JSON: $(head -c 400 "$WORK/$2-check.json")"
    fi
    log "$2: sanity POST ok, $(wc -c <"$WORK/$2-check.json") byte response equal to the request JSON${h2:+ over HTTP/2}"
}

# Warm-up, then the timed run with CPU and backend connections sampled around it, the load from the
# set-up's generator (load_of: wrk or h2load, whose run_/parse_/_note functions match). Appends one row to
# ROWS. The pids functions print pids; the connections function sets CONNS to the backend's accepted
# connections so far (empty when it cannot tell). Connections are read outside the CPU window, so
# asking the backend does not count as the proxy's or backend's work.
measure() { # name, url, proxy pids function, backend pids function, connections function, raw output prefix
    local name="$1" url="$2" proxy_pids_fn="$3" backend_pids_fn="$4" conns_fn="$5" raw="$6" load
    load="$(load_of "$name")"
    log "$name: warm-up ${WARMUP}s"
    "run_$load" "$url" "$WARMUP" "$raw-warmup.txt"
    local proxy_pids backend_pids loadavg p0 p1 b0 b1 c0 c1
    proxy_pids="$($proxy_pids_fn)"
    backend_pids="$($backend_pids_fn)"
    loadavg="$(cut -d' ' -f1-3 /proc/loadavg)"
    $conns_fn
    c0=$CONNS
    p0="$(cpu_ticks $proxy_pids)"
    b0="$(cpu_ticks $backend_pids)"
    log "$name: measuring ${DURATION}s, $("${load}_note"), load average before: $loadavg"
    local perf_pid=""
    if [ "$PERF" = 1 ]; then
        perf record -q -F 499 -g -o "$WORK/$name.perf.data" -p "$(tr ' ' ',' <<<"$proxy_pids")" \
            -- sleep "$DURATION" >"$WORK/$name.perf.log" 2>&1 &
        perf_pid=$!
        STARTED_PIDS+=("$perf_pid")
    fi
    # "log": h2load keeps its per-request log of the timed run for the percentiles; wrk ignores it.
    "run_$load" "$url" "$DURATION" "$raw.txt" log
    p1="$(cpu_ticks $proxy_pids)"
    b1="$(cpu_ticks $backend_pids)"
    $conns_fn
    c1=$CONNS
    "parse_$load" "$raw.txt"
    if [ -n "$perf_pid" ]; then
        wait "$perf_pid" 2>/dev/null || true
        perf_report "$name" "$raw-perf.txt"
    fi
    local proxy_us proxy_user proxy_sys backend_us conns="n/a" conns_per_request="n/a"
    read -r proxy_us proxy_user proxy_sys <<<"$(cpu_per_request "$p0" "$p1" "$W_REQUESTS")"
    backend_us="$(cpu_per_request "$b0" "$b1" "$W_REQUESTS" | cut -d' ' -f1)"
    if [ -n "$c0" ] && [ -n "$c1" ]; then
        conns=$((c1 - c0))
        conns_per_request="$(awk -v c="$conns" -v n="$W_REQUESTS" 'BEGIN { printf "%.4f", c / n }')"
    fi
    ROWS+=("| $name | $W_RPS | $W_P50 | $W_P99 | $proxy_us | $proxy_user / $proxy_sys | $backend_us | $conns | $conns_per_request | $W_REQUESTS | $W_ERRORS | $loadavg |")
    log "$name: $W_RPS req/s, p99 ${W_P99} ms, proxy ${proxy_us} µs CPU/req, $conns new backend connections, errors $W_ERRORS"
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
