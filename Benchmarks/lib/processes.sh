# Sourced by Benchmarks/e2e.sh: logging, the processes the benchmark starts (all stopped on exit), free
# ports on 127.0.0.1, and CPU time read from /proc. Expects WORK (scratch directory) and PIN to be set.

log() { printf '[e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

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

# Stops every process started so far but keeps the scratch directory for the next set-up.
stop_started() {
    local keep=$WORK
    WORK=""
    cleanup
    WORK=$keep
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port nothing listens on, not handed out before in this run. Other sessions on the machine run their
# own servers, so ports are never fixed; the ephemeral range (32768+) is avoided so a client's outgoing
# connection cannot hold the port between this check and the server's bind.
TAKEN_PORTS=" "
free_port() { # sets FREE_PORT
    local port _
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 12000))
        case "$TAKEN_PORTS" in *" $port "*) continue ;; esac
        port_in_use "$port" && continue
        TAKEN_PORTS+="$port "
        FREE_PORT=$port
        return 0
    done
    die "found no free port on 127.0.0.1 in 20000-31999"
}

wait_for_port() { # port, pid, name
    local _
    for _ in $(seq 1 150); do
        port_in_use "$1" && return 0
        kill -0 "$2" 2>/dev/null || die "$3 exited before listening on 127.0.0.1:$1 (log: $(tail -5 "$WORK/$3.log"))"
        sleep 0.1
    done
    die "$3 did not listen on 127.0.0.1:$1 within 15 s (log: $(tail -5 "$WORK/$3.log"))"
}

# Runs "$@" in the background, pinned to a CPU set when --pin is on, logging to $WORK/NAME.log; the pid
# goes to LAST_PID and is stopped on exit.
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

# CPU time of processes and all their threads, in clock ticks, as "utime stime" summed over the pids.
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
