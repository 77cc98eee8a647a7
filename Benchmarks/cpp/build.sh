#!/usr/bin/env bash
# Builds the C++ echo servers e2e.sh uses as independent Thrift backends, against Debian's libthrift:
#   nonblocking-framed-server   TNonblockingServer, TFramedTransport + TBinaryProtocol
#   threaded-theader-server     TThreadedServer, THeaderProtocol over a plain TTransportFactory
#   grpc-echo-server            gRPC C++ (libgrpc++-dev), a generic service echoing any unary call's message;
#                               built only when libgrpc++-dev is installed (Benchmarks/install-deps.sh --grpc)
# The service code is generated here from examples/echo/echo.thrift with `thrift --gen cpp`; nothing
# generated is committed. Output goes to OUT_DIR (default Benchmarks/out/cpp); prints that directory.
# Needs thrift-compiler, libthrift-dev, libevent-dev, libboost-dev and g++ (Benchmarks/install-deps.sh installs them).
# Usage: Benchmarks/cpp/build.sh [OUT_DIR]
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$ROOT/Benchmarks/out/cpp}"
IDL="$ROOT/examples/echo/echo.thrift"
GEN="$OUT/gen-cpp"

for tool in thrift g++ pkg-config; do
    command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing; run Benchmarks/install-deps.sh" >&2; exit 1; }
done
pkg-config --exists thrift thrift-nb thrift-z libevent \
    || { echo "build.sh: libthrift-dev or libevent-dev is missing; run Benchmarks/install-deps.sh" >&2; exit 1; }

# Rebuilds only when the IDL, a source here or this script is newer than the binaries.
up_to_date() {
    local bin newest
    for bin in "$OUT/nonblocking-framed-server" "$OUT/threaded-theader-server"; do
        [ -x "$bin" ] || return 1
        for newest in "$IDL" "$HERE"/*.h "$HERE"/*.cpp "$HERE/build.sh"; do
            [ "$newest" -nt "$bin" ] && return 1
        done
    done
    return 0
}

if ! up_to_date; then
    rm -rf "$GEN"
    mkdir -p "$GEN"
    thrift --gen cpp:no_skeleton -out "$GEN" "$IDL"
    flags=(-std=c++17 -O2 -DNDEBUG -I"$GEN" -I"$HERE" $(pkg-config --cflags thrift))
    # The generated code is compiled once and linked into both servers.
    for unit in EchoService echo_types; do
        g++ "${flags[@]}" -c -o "$GEN/$unit.o" "$GEN/$unit.cpp"
    done
    generated=("$GEN/EchoService.o" "$GEN/echo_types.o")
    g++ "${flags[@]}" -o "$OUT/nonblocking-framed-server" "$HERE/nonblocking_framed_server.cpp" "${generated[@]}" \
        $(pkg-config --libs thrift-nb thrift libevent) -pthread
    # THeaderProtocol lives in libthriftz (it may compress with zlib).
    g++ "${flags[@]}" -o "$OUT/threaded-theader-server" "$HERE/threaded_theader_server.cpp" "${generated[@]}" \
        $(pkg-config --libs thrift-z thrift) -pthread
fi
if pkg-config --exists grpc++ && { [ ! -x "$OUT/grpc-echo-server" ] || [ "$HERE/grpc_echo_server.cpp" -nt "$OUT/grpc-echo-server" ]; }; then
    # Only the gRPC set-up needs it: a failure here leaves it out (e2e.sh says so) rather than the Thrift servers.
    g++ -std=c++17 -O2 -DNDEBUG -o "$OUT/grpc-echo-server" "$HERE/grpc_echo_server.cpp" $(pkg-config --cflags --libs grpc++) -pthread \
        || { echo "build.sh: grpc-echo-server did not build" >&2; rm -f "$OUT/grpc-echo-server"; }
fi
echo "$OUT"
