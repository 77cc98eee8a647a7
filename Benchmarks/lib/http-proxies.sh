# Sourced by Benchmarks/e2e.sh: the reference set-ups, nginx (clients on HTTP/1.1, or on h2c for
# nginx-h2) and haproxy proxying the same POST to an nginx backend that answers with the same 1 KB JSON.
# Expects BODY_FILE, WORK, raw_prefix and load_of.

write_nginx_conf() { # file, prefix, server blocks
    cat >"$1" <<CONF
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
$3
}
CONF
}

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

# nginx's master plus its workers, so the CPU includes everything the instance does.
nginx_pids() { echo "$1" $(pgrep -P "$1" || true); }

NGINX_BACKEND_PID=""
NGINX_BACKEND_PORT=""
NGINX_STATUS_PORT=""
NGINX_STATUS_PROBES=0
nginx_backend_pids() { nginx_pids "$NGINX_BACKEND_PID"; }

# Accepted connections from stub_status, less the status requests' own connections.
nginx_backend_conns() {
    local accepts
    accepts="$(curl -sS "http://127.0.0.1:$NGINX_STATUS_PORT/" | awk 'NR == 3 {print $1}' || true)"
    NGINX_STATUS_PROBES=$((NGINX_STATUS_PROBES + 1))
    CONNS=""
    case "$accepts" in ''|*[!0-9]*) log "nginx-backend: unreadable stub_status" ;; *) CONNS=$((accepts - NGINX_STATUS_PROBES)) ;; esac
}

# A separate nginx instance (one worker) answering every POST with the JSON the benchmark sends, like
# the Thrift echo. Separate from the proxy so its work is not counted as the proxy's CPU and does not
# share the proxy's single worker. `return`, not a static file: nginx's static module refuses POST.
start_nginx_backend() {
    local body dir="$WORK/nginx-backend"
    body="$(tr -d '\n' <"$BODY_FILE" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"
    free_port; NGINX_BACKEND_PORT=$FREE_PORT
    free_port; NGINX_STATUS_PORT=$FREE_PORT
    NGINX_STATUS_PROBES=0
    mkdir -p "$dir"
    write_nginx_conf "$dir/nginx.conf" "$dir" "
    server {
        listen 127.0.0.1:$NGINX_BACKEND_PORT;
        location / {
            default_type application/json;
            return 200 '$body';
        }
    }
    server {
        listen 127.0.0.1:$NGINX_STATUS_PORT;
        location / { stub_status; }
    }"
    start_bg nginx-backend 1 "$(nginx_bin)" -p "$dir" -c "$dir/nginx.conf"
    NGINX_BACKEND_PID=$LAST_PID
    wait_for_port "$NGINX_BACKEND_PORT" "$NGINX_BACKEND_PID" nginx-backend
}

NGINX_PID=""
nginx_proxy_pids() { nginx_pids "$NGINX_PID"; }

# The proxy just started (LAST_PID) on PORT, in front of the nginx backend: check it, measure it, stop both.
measure_http_proxy() { # name, port, proxy pids function, round
    local url="http://127.0.0.1:$2/bench/echo"
    wait_for_port "$2" "$LAST_PID" "$1"
    check_echo "$url" "$1"
    measure "$1" "$url" "$3" nginx_backend_pids nginx_backend_conns "$(raw_prefix "$1" "$4")"
    stop_started
}

# nginx before 1.25.1 turns HTTP/2 on with a `listen` parameter (on a cleartext port: prior knowledge
# only); from 1.25.1 that parameter is deprecated for the `http2` directive, which keeps HTTP/1.1 beside.
nginx_h2c_listen() { # port
    local version
    version="$("$(nginx_bin)" -v 2>&1 | sed -n 's#^nginx version: nginx/##p')"
    if [ "$(printf '%s\n' 1.25.1 "$version" | sort -V | head -1)" = 1.25.1 ]; then
        echo "listen 127.0.0.1:$1; http2 on;"
    else
        echo "listen 127.0.0.1:$1 http2;"
    fi
}

run_nginx() { # set-up (nginx or nginx-h2), round
    start_nginx_backend
    local dir="$WORK/$1-proxy" port listen idle=64
    free_port; port=$FREE_PORT
    listen="listen 127.0.0.1:$port;"
    # Idle backend connections kept: one per request h2load keeps in flight, as 64 matches wrk's default
    # 64 connections, so neither row reconnects to the backend for want of an idle connection.
    [ "$1" = nginx-h2 ] && listen="$(nginx_h2c_listen "$port")" && idle=$((H2_CONNECTIONS * H2_STREAMS))
    mkdir -p "$dir"
    write_nginx_conf "$dir/nginx.conf" "$dir" "
    upstream echo_backend {
        server 127.0.0.1:$NGINX_BACKEND_PORT;
        keepalive $idle;
    }
    server {
        $listen
        location / {
            proxy_pass http://echo_backend;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
        }
    }"
    start_bg "$1" 0 "$(nginx_bin)" -p "$dir" -c "$dir/nginx.conf"
    NGINX_PID=$LAST_PID
    measure_http_proxy "$1" "$port" nginx_proxy_pids "$2"
}

HAPROXY_PID=""
haproxy_pids() { echo "$HAPROXY_PID"; }

# haproxy with one thread (like nginx's one worker), keep-alive on both sides and server connections
# reused across client connections (`http-reuse always`), in front of the same nginx backend.
run_haproxy() { # round
    start_nginx_backend
    local conf="$WORK/haproxy.cfg" port
    free_port; port=$FREE_PORT
    cat >"$conf" <<CONF
global
    nbthread 1
    maxconn 4096
defaults
    mode http
    option http-keep-alive
    http-reuse always
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend bench
    bind 127.0.0.1:$port
    default_backend echo
backend echo
    server nginx 127.0.0.1:$NGINX_BACKEND_PORT
CONF
    # -db: stay in the foreground, one process, so its pid is the whole proxy.
    start_bg haproxy 0 haproxy -db -f "$conf"
    HAPROXY_PID=$LAST_PID
    measure_http_proxy haproxy "$port" haproxy_pids "$1"
}
