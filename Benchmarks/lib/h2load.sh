# Sourced by Benchmarks/e2e.sh: the HTTP/2 load (h2load, cleartext prior knowledge) and reading its
# figures, for the h2 set-ups. Expects BODY_FILE, H2_THREADS, H2_CONNECTIONS, H2_STREAMS, PIN and WORK.

# The per-request log of a timed run lives in the scratch directory: it has a line per request, too
# large to keep beside the summaries in Benchmarks/out/.
h2load_request_log() { echo "$WORK/$(basename "$1" .txt).requests.tsv"; } # summary file

# Only the timed run (4th argument) writes the per-request log the percentiles come from.
run_h2load() { # url, seconds, summary file, ["log"]
    local pin=() log=()
    [ "$PIN" = 1 ] && pin=(taskset -c 1)
    [ "${4:-}" = log ] && log=(--log-file "$(h2load_request_log "$3")")
    "${pin[@]}" h2load -t"$H2_THREADS" -c"$H2_CONNECTIONS" -m"$H2_STREAMS" -D "$2" -d "$BODY_FILE" \
        -H 'content-type: application/json' "${log[@]}" "$1" >"$3" 2>&1
}

h2load_note() { echo "$H2_CONNECTIONS connections × $H2_STREAMS streams"; }

# Prints "p50 p99" in milliseconds (nearest rank) of the answered requests of an h2load --log-file:
# tab-separated start time, status (-1 for a stream that failed) and microseconds to the end of the
# response. h2load only reports mean and spread, so the percentiles are computed here.
request_log_percentiles() { # log file
    awk -F'\t' '$2 >= 0 {print $3}' "$1" | sort -n | awk '
        function rank(p,  r) { r = int(p * NR); if (r < p * NR) r++; return r < 1 ? 1 : r }
        { v[NR] = $1 }
        END { if (NR > 0) printf "%.2f %.2f", v[rank(0.50)] / 1000, v[rank(0.99)] / 1000 }'
}

# Sets W_REQUESTS, W_RPS, W_P50, W_P99, W_ERRORS, like parse_wrk, from h2load's summary
#   finished in 3.00s, 12345.67 req/s, 14.52MB/s
#   requests: 37037 total, 37165 started, 37037 done, 37037 succeeded, 0 failed, 0 errored, 0 timeout
# and the per-request log. `done` counts every answered request (wrk's "requests in"); `failed`
# includes non-2xx/3xx answers and streams that errored.
parse_h2load() { # summary file
    local f="$1" counts percentiles
    counts="$(awk -F'[ ,]+' '/^requests:/ {
        for (i = 2; i < NF; i++) { if ($(i + 1) == "done") d = $i; if ($(i + 1) == "failed") e = $i }
        print d, e; exit }' "$f")"
    read -r W_REQUESTS W_ERRORS <<<"$counts"
    W_RPS="$(awk '/^finished in/ {printf "%.0f", $4; exit}' "$f")"
    percentiles="$(request_log_percentiles "$(h2load_request_log "$f")")"
    read -r W_P50 W_P99 <<<"$percentiles"
    [ -n "$W_REQUESTS" ] && [ "$W_REQUESTS" -gt 0 ] && [ -n "$W_RPS" ] && [ -n "$W_ERRORS" ] && [ -n "$W_P99" ] \
        || die "could not parse h2load output $f: $(cat "$f")"
}
