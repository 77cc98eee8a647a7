#!/usr/bin/env python3
"""A gRPC test peer for SluiceClient's gRPC tests: generic handlers with bytes in and out (no generated code).

Service `sluice.test.Test` on three servers in one process, all on 127.0.0.1:
  plain    h2c
  tls      h2 over TLS (--cert/--key), the same handlers
  limited  h2c with SETTINGS_MAX_CONCURRENT_STREAMS 1 (queueing tests)
Prints `PORTS <plain> <tls> <limited>` once serving, and exits when its stdin closes (the test process ended).
Exits 3 when grpcio is not installed.
"""
import argparse
import os
import sys
import threading
import time

try:
    import grpc
except ImportError:
    print("grpcio is not installed (pip install 'grpcio>=1.60')", file=sys.stderr)
    sys.exit(3)
from concurrent import futures

SERVICE = "sluice.test.Test"
lock = threading.Lock()
in_flight = 0
peak = 0
cancelled = 0


def echoed_metadata(context):
    """The request's `x-echo-*` metadata, to send back."""
    return [(key, value) for key, value in context.invocation_metadata() if key.startswith("x-echo")]


def echo(request, context):
    echoed = echoed_metadata(context)
    context.send_initial_metadata(echoed)
    remaining = context.time_remaining()
    context.set_trailing_metadata(echoed + [("x-deadline-ms", str(int(remaining * 1000)) if remaining else "none")])
    return request


def fail(request, context):
    # grpc-status-details-bin carries a serialized google.rpc.Status; any bytes do for the client.
    context.set_trailing_metadata([("grpc-status-details-bin", b"\x08\x05\x12\x0bnot found \xe2\x9c\x93")])
    context.abort(grpc.StatusCode.NOT_FOUND, "no such thing: 100% gone \u2713")


def empty(request, context):
    return b""


def slow(request, context):
    deadline = time.monotonic() + 5
    while context.is_active() and time.monotonic() < deadline:
        time.sleep(0.02)
    return request


def never(request, context):
    global cancelled
    done = threading.Event()

    def on_done():
        global cancelled
        with lock:
            cancelled += 1
        done.set()

    context.add_callback(on_done)
    done.wait(30)
    return request


def cancelled_count(request, context):
    with lock:
        return str(cancelled).encode()


def concurrency(request, context):
    """Sleeps a little, and answers the most calls this server ran at once so far."""
    global in_flight, peak
    with lock:
        in_flight += 1
        peak = max(peak, in_flight)
    time.sleep(0.15)
    with lock:
        in_flight -= 1
        return str(peak).encode()


def count_up(request, context):
    """Server streaming: the request is a count N (ASCII); answers N messages `message <i>`; a count followed by
    `!` then fails with ABORTED after them."""
    text = request.decode()
    failing = text.endswith("!")
    for index in range(int(text.rstrip("!") or "0")):
        yield f"message {index}".encode()
    if failing:
        context.abort(grpc.StatusCode.ABORTED, "stopped after the messages")


def join(requests, context):
    """Client streaming: the request messages joined with commas."""
    return b",".join(requests)


def echo_each(requests, context):
    """Bidirectional streaming: each request message back as it comes, prefixed."""
    for request in requests:
        yield b"echo " + request


def handlers():
    unary = {
        "Echo": echo,
        "Fail": fail,
        "Empty": empty,
        "Slow": slow,
        "Never": never,
        "CancelledCount": cancelled_count,
        "Concurrency": concurrency,
    }
    methods = {name: grpc.unary_unary_rpc_method_handler(function) for name, function in unary.items()}
    methods["CountUp"] = grpc.unary_stream_rpc_method_handler(count_up)
    methods["Join"] = grpc.stream_unary_rpc_method_handler(join)
    methods["EchoEach"] = grpc.stream_stream_rpc_method_handler(echo_each)
    return (grpc.method_handlers_generic_handler(SERVICE, methods),)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    arguments = parser.parse_args()
    with open(arguments.cert, "rb") as cert, open(arguments.key, "rb") as key:
        credentials = grpc.ssl_server_credentials([(key.read(), cert.read())])

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=64))
    server.add_generic_rpc_handlers(handlers())
    plain = server.add_insecure_port("127.0.0.1:0")
    secure = server.add_secure_port("127.0.0.1:0", credentials)
    server.start()

    limited_server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=16), options=[("grpc.max_concurrent_streams", 1)])
    limited_server.add_generic_rpc_handlers(handlers())
    limited = limited_server.add_insecure_port("127.0.0.1:0")
    limited_server.start()

    print(f"PORTS {plain} {secure} {limited}", flush=True)
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
