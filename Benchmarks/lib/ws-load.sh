# Sourced by Benchmarks/e2e.sh: the WebSocket RPC load (Benchmarks/ws/load.py, Python with `websockets`)
# and reading its figures, for the ws set-ups; a "request" of the table is one RPC message and its reply.
# Expects HERE, BODY_FILE, WS_SOCKETS, WS_IN_FLIGHT, WS_PROCESSES, PIN and WORK.

WS_LOAD="$HERE/ws/load.py"

run_ws() { # url, seconds, summary file, ["log"] (unused: the summary has the percentiles)
    local pin=()
    [ "$PIN" = 1 ] && pin=(taskset -c 1)
    # A failed run still leaves its summary for parse_ws to report.
    "${pin[@]}" python3 "$WS_LOAD" "$1" --body "$BODY_FILE" --seconds "$2" --sockets "$WS_SOCKETS" \
        --in-flight "$WS_IN_FLIGHT" --processes "$WS_PROCESSES" >"$3" 2>&1 || true
}

ws_note() { echo "$WS_SOCKETS sockets × $WS_IN_FLIGHT messages in flight, $WS_PROCESSES client processes"; }

ws_version() { python3 -c 'import websockets; print(websockets.__version__)' 2>/dev/null || echo '?'; }

# The set-up answers one RPC message over the WebSocket with status 200 and the request's body.
check_ws_echo() { # url, set-up
    local answer
    answer="$(python3 "$WS_LOAD" "$1" --body "$BODY_FILE" --check 2>&1)" || die "$2: $answer"
    log "$2: sanity message ok, $answer"
}

# Sets W_REQUESTS, W_RPS, W_P50, W_P99, W_ERRORS, like parse_wrk, from load.py's summary
#   messages: 12345 answered in 3.004 s, 4109.9 messages/s
#   latency ms: p50 1.52, p90 2.10, p99 3.40, max 10.20
#   errors: 0 (non-200 replies 0, closed sockets 0, unanswered 0, unmatched replies 0)
parse_ws() { # summary file
    local f="$1"
    W_REQUESTS="$(awk '/^messages:/ {print $2; exit}' "$f")"
    W_RPS="$(awk '/^messages:/ {printf "%.0f", $(NF - 1); exit}' "$f")"
    W_P50="$(awk -F'[ ,]+' '/^latency ms:/ {print $4; exit}' "$f")"
    W_P99="$(awk -F'[ ,]+' '/^latency ms:/ {print $8; exit}' "$f")"
    W_ERRORS="$(awk '/^errors:/ {print $2; exit}' "$f")"
    [ -n "$W_REQUESTS" ] && [ "$W_REQUESTS" -gt 0 ] && [ -n "$W_RPS" ] && [ -n "$W_P99" ] && [ -n "$W_ERRORS" ] \
        || die "could not parse the WebSocket load's output $f: $(cat "$f")"
}
