#!/usr/bin/env bash
# The system and Python packages the tests talk to: curl, openssl (development certificates), etcd (etcd-server), h2load
# (nghttp2-client), wrk (load for test_flow_control.py's QPS limit), Debian's Thrift compiler (generates the Python
# test servers' code at test time), g++, pkg-config and Debian's libthrift-dev, libevent-dev and libboost-dev (the Apache C++
# THeader server of test_theader_cpp.py, built by Benchmarks/cpp/build.sh), and from PyPI Apache Thrift's Python library (>= 0.23, the first with `uuid`),
# pytest, the `h2` HTTP/2 library (raw frames for the HTTP/2 defence tests), `websockets` and `prometheus_client` (its text-format parser),
# and Debian's chromium (headless, driven over the DevTools protocol by test_dashboard.py). Meant for a fresh Debian machine as root; safe to run again (skips what is already there).
set -euo pipefail

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

need_apt=()
command -v curl >/dev/null || need_apt+=(curl)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v h2load >/dev/null || need_apt+=(nghttp2-client)
command -v wrk >/dev/null || need_apt+=(wrk)
command -v protoc >/dev/null || need_apt+=(protobuf-compiler)
# protoc's own copies of the well-known types (google/protobuf/*.proto), which the differential tests import.
[ -f /usr/include/google/protobuf/any.proto ] || need_apt+=(libprotobuf-dev)
command -v thrift >/dev/null || need_apt+=(thrift-compiler)
# etcd v3 for the discovery tests (test_discovery.py: Kitex registry-etcd entries over the JSON gateway).
command -v etcd >/dev/null || need_apt+=(etcd-server)
command -v python3 >/dev/null || need_apt+=(python3)
if ! python3 -m pip --version >/dev/null 2>&1; then need_apt+=(python3-pip); fi
command -v g++ >/dev/null || need_apt+=(g++)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if ! command -v pkg-config >/dev/null || ! pkg-config --exists thrift thrift-nb thrift-z libevent; then
    need_apt+=(libthrift-dev libevent-dev)
fi
# Thrift's C++ headers include Boost's, and libthrift-dev does not depend on libboost-dev.
[ -f /usr/include/boost/version.hpp ] || need_apt+=(libboost-dev)
# Headless Chromium for the admin dashboard's browser test (test_dashboard.py).
command -v chromium >/dev/null || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Debian marks its Python as externally managed (PEP 668); these test-only packages go in anyway.
export PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
pip_install() { python3 -m pip install -q "$@"; }

# Python's thrift reads and writes `uuid` from 0.23 on (0.19 to 0.22 have it in other languages only), so an
# older copy is upgraded explicitly: a plain `pip install 'thrift>=…'` would leave any installed one in place.
python3 - <<'PY' 2>/dev/null || pip_install --upgrade 'thrift>=0.23'
from thrift.Thrift import TType
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.protocol.TCompactProtocol import TCompactProtocol
from thrift.transport.THeaderTransport import THeaderTransport
assert hasattr(TType, "UUID") and hasattr(TBinaryProtocol, "readUuid") and hasattr(TCompactProtocol, "readUuid")
PY
python3 -c 'import pytest' 2>/dev/null || pip_install 'pytest>=7'
# grpcio-tools bundles a protoc that reads editions (Debian's protoc 3.21 does not), for the .proto parser's differential tests.
python3 -c 'import grpc_tools.protoc' 2>/dev/null || pip_install grpcio-tools
# googleapis-common-protos ships google/api, google/rpc, google/type... as .proto files: a real-world corpus for that test.
python3 -c 'import google.api.annotations_pb2' 2>/dev/null || pip_install googleapis-common-protos
python3 -c 'import h2' 2>/dev/null || pip_install 'h2>=4'
# WebSocket clients and the upstream of test_http_proxy.py (the sync client and asyncio server appeared in 13.0).
python3 -c 'import websockets.sync.client, websockets.asyncio.server, websockets.asyncio.client' 2>/dev/null || pip_install 'websockets>=13'
python3 -c 'import google.protobuf' 2>/dev/null || pip_install 'protobuf>=4'
# The gRPC test peer of SluiceClient's gRPC tests (Tests/Integration/servers/grpc_test_server.py).
python3 -c 'import grpc' 2>/dev/null || pip_install 'grpcio>=1.60'
# Server reflection for the gRPC test servers (test_call_grpc.py's greeter_server.py): grpcio-reflection.
python3 -c 'import grpc_reflection.v1alpha.reflection' 2>/dev/null || pip_install 'grpcio-reflection>=1.60'
# Prometheus' own text-format parser, which reads the admin listener's /metrics in test_metrics.py.
python3 -c 'import prometheus_client.parser' 2>/dev/null || pip_install 'prometheus_client>=0.17'
# OpenTelemetry's own protobuf classes: test_tracing.py's OTLP/HTTP receiver decodes the spans Sluice exports.
python3 -c 'from opentelemetry.proto.collector.trace.v1 import trace_service_pb2' 2>/dev/null || pip_install 'opentelemetry-proto>=1.20'
# PyJWT and cryptography make the tokens (every algorithm, and the forged ones) test_plugins_jwt.py sends.
python3 -c 'import jwt, cryptography' 2>/dev/null || pip_install 'PyJWT>=2.8' 'cryptography>=41'

echo "test dependencies: curl $(curl --version | head -1 | cut -d' ' -f2), $(thrift --version)," \
     "python thrift $(python3 -c 'import importlib.metadata as m; print(m.version("thrift"))')," \
     "pytest $(python3 -c 'import pytest; print(pytest.__version__)')," \
     "websockets $(python3 -c 'import websockets; print(websockets.__version__)')"
