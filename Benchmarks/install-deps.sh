#!/usr/bin/env bash
# Installs what Benchmarks/e2e.sh needs, with apt-get, only when something is missing:
#   wrk, curl             the load and the sanity check
#   nghttp2-client        h2load, the load of the h2 set-ups
#   nginx, haproxy        the reference proxies and the HTTP backend
#   thrift-compiler, libthrift-dev, libevent-dev, libboost-dev (Thrift's headers include Boost's), g++, pkg-config
#                         the Apache Thrift C++ echo servers (Benchmarks/cpp/build.sh)
#   strace                counting the accepts of Sluice's demo backend, which has no counter of its own
#   linux-perf            only with --perf
# Usage: Benchmarks/install-deps.sh [--perf]
set -euo pipefail

packages=(wrk nghttp2-client curl nginx haproxy thrift-compiler libthrift-dev libevent-dev libboost-dev g++ pkg-config strace)
[ "${1:-}" = --perf ] && packages+=(linux-perf)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null || { echo "install-deps.sh: missing ${missing[*]}, and no apt-get to install them" >&2; exit 1; }
echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
