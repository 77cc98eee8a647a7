#!/usr/bin/env python3
"""A controllable grpcio backend for the gRPC resilience tests (grpc/resilience.proto, hand-encoded messages):
`sluice.resilience.Echo/Say` (unary) and `/Watch` (three replies), and `grpc.health.v1.Health/Check`.

An HTTP control port (JSON) sets its mode and reads its counters:
  GET  /stats  {"total", "ok", "failed", "stalled", "watch", "timeouts_ms": [...], "mode"}
  POST /mode   {"unavailable_first": N, "status": CODE, "stall_ms": N, "serving": bool}; returns the mode
Prints `listening <port> control <port>` once serving; exits when killed.
"""
import argparse
import json
import sys
import threading
import time
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import grpc
except ImportError:
    print("grpcio is not installed (pip install 'grpcio>=1.60')", file=sys.stderr)
    sys.exit(3)

lock = threading.Lock()
mode = {"unavailable_first": 0, "status": 0, "stall_ms": 0, "serving": True}
stats = {"total": 0, "ok": 0, "failed": 0, "stalled": 0, "watch": 0, "timeouts_ms": []}
NAME = "?"


def varint(value):
    out = bytearray()
    value &= (1 << 64) - 1
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data, index):
    shift = result = 0
    while True:
        byte = data[index]
        index += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, index
        shift += 7


def request_name(data):
    index = 0
    while index < len(data):
        tag, index = read_varint(data, index)
        if tag & 7 == 2:
            length, index = read_varint(data, index)
            if tag >> 3 == 1:
                return data[index:index + length].decode()
            index += length
        elif tag & 7 == 0:
            _, index = read_varint(data, index)
        else:
            return ""
    return ""


def reply(name, timeout_ms):
    name_bytes, server = name.encode(), NAME.encode()
    return (b"\x0a" + varint(len(name_bytes)) + name_bytes + b"\x12" + varint(len(server)) + server
            + b"\x18" + varint(timeout_ms))


def arrived(context):
    remaining = context.time_remaining()
    timeout_ms = -1 if remaining is None or remaining > 1e6 else int(remaining * 1000)
    with lock:
        stats["total"] += 1
        stats["timeouts_ms"].append(timeout_ms)
        unavailable = mode["unavailable_first"] > 0
        if unavailable:
            mode["unavailable_first"] -= 1
        status, stall_ms = mode["status"], mode["stall_ms"]
    return timeout_ms, unavailable, status, stall_ms


def say(request, context):
    timeout_ms, unavailable, status, stall_ms = arrived(context)
    if unavailable or status:
        with lock:
            stats["failed"] += 1
        code = grpc.StatusCode.UNAVAILABLE if unavailable else next(c for c in grpc.StatusCode if c.value[0] == status)
        context.abort(code, "%s says %s" % (NAME, code.name))
    if stall_ms:
        with lock:
            stats["stalled"] += 1
        deadline = time.monotonic() + stall_ms / 1000
        while context.is_active() and time.monotonic() < deadline:
            time.sleep(0.005)
    with lock:
        stats["ok"] += 1
    return reply(request_name(request), timeout_ms)


def watch(request, context):
    timeout_ms, unavailable, _, _ = arrived(context)
    with lock:
        stats["watch"] += 1
    if unavailable:
        context.abort(grpc.StatusCode.UNAVAILABLE, "%s says UNAVAILABLE" % NAME)
    for index in range(3):
        yield reply("%s-%d" % (request_name(request), index), timeout_ms)


def health(request, context):
    with lock:
        serving = mode["serving"]
    return b"\x08" + varint(1 if serving else 2)


def identity(data):
    return data


class Control(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with lock:
            self.answer({**stats, "mode": dict(mode)})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"{}")
        with lock:
            if self.path == "/reset":
                stats.update(total=0, ok=0, failed=0, stalled=0, watch=0, timeouts_ms=[])
            else:
                mode.update(body)
            self.answer(dict(mode))


def main():
    global NAME
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--control-port", type=int, default=0)
    parser.add_argument("--name", default="backend")
    args = parser.parse_args()
    NAME = args.name
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=64))
    server.add_generic_rpc_handlers([
        grpc.method_handlers_generic_handler("sluice.resilience.Echo", {
            "Say": grpc.unary_unary_rpc_method_handler(say, identity, identity),
            "Watch": grpc.unary_stream_rpc_method_handler(watch, identity, identity),
        }),
        grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
            "Check": grpc.unary_unary_rpc_method_handler(health, identity, identity),
        }),
    ])
    port = server.add_insecure_port("127.0.0.1:%d" % args.port)
    server.start()
    control = ThreadingHTTPServer(("127.0.0.1", args.control_port), Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    print("listening %d control %d" % (port, control.server_address[1]), flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
