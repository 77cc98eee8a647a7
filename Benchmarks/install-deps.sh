#!/usr/bin/env bash
# Installs what Benchmarks/e2e.sh needs, with apt-get, only when something is missing:
#   wrk, curl             the load and the sanity check
#   nghttp2-client        h2load, the load of the h2 set-ups
#   nginx, haproxy        the reference proxies and the HTTP backend
#   thrift-compiler, libthrift-dev, libevent-dev, libboost-dev (Thrift's headers include Boost's), g++, pkg-config
#                         the Apache Thrift C++ echo servers (Benchmarks/cpp/build.sh)
#   strace                counting the accepts of Sluice's demo backend, which has no counter of its own
#   linux-perf            only with --perf
#   libgrpc++-dev         only with --grpc: the gRPC C++ echo backend (Benchmarks/cpp/grpc_echo_server.cpp)
#   Python's websockets   only with --ws: the WebSocket load (Benchmarks/ws/load.py), with pip for the
#                         python3 on PATH, or Debian's python3-websockets where pip may not install (PEP 668)
# Usage: Benchmarks/install-deps.sh [--perf] [--ws] [--grpc]
set -euo pipefail

packages=(wrk nghttp2-client curl nginx haproxy thrift-compiler libthrift-dev libevent-dev libboost-dev g++ pkg-config strace)
ws=0
for arg in "$@"; do
    case "$arg" in
        --perf) packages+=(linux-perf) ;;
        --ws) ws=1 ;;
        --grpc) packages+=(libgrpc++-dev) ;;
        *) echo "install-deps.sh: unknown option $arg" >&2; exit 64 ;;
    esac
done

has_websockets() { python3 -c 'import websockets' 2>/dev/null; }

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "$ws" = 1 ] && ! has_websockets; then
    echo "install-deps.sh: installing Python's websockets" >&2
    python3 -m pip install --quiet 'websockets>=10' >&2 || missing+=(python3-websockets)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null || { echo "install-deps.sh: missing ${missing[*]}, and no apt-get to install them" >&2; exit 1; }
echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
[ "$ws" = 0 ] || has_websockets || { echo "install-deps.sh: python3 cannot import websockets (pip install websockets)" >&2; exit 1; }
