"""A controllable EchoService backend (examples/echo/echo.thrift) for Sluice's resilience tests.

Usage: resilience_server.py --gen-dir DIR [--port N] [--control-port N] [--fail R] [--stall-ms N]
                            [--stall-ratio R] [--close]

Serves `EchoService.Say` (and `Echo`) on Apache Thrift's Python library, THeader and framed (Binary or
Compact) on the same port: Python's THeaderProtocol tells them apart by the first bytes and answers in the
client's own framing, which is what Sluice's `theader` and `framed` transports need. A thread per
connection, so a stalled call blocks nobody else.

A small HTTP control endpoint on another port changes behaviour while it runs:
  GET  /stats  -> {"total", "ok", "failed", "closed", "stalled", "connections", "mode"} (connections
               accepted, the starter's wait for the port included)
  POST /mode   {"fail": R, "stall_ms": N, "stall_ratio": R, "exception": true, "close": true}
               (keys left out keep their value; the counters are not reset, POST /reset does that)
Ratios are deterministic, not random: with ratio R, call n (from 1, counted since the last /mode) is picked
when floor(n*R) > floor((n-1)*R), so 0.5 picks every second call and 1 every call; tests can count exactly.
A stalled call sleeps `stall_ms` before its outcome. A failing call raises a TApplicationException
(INTERNAL_ERROR; echo.thrift declares no exception, so `exception` names that choice and is the default), or
with `close` drops its connection without a reply.

Prints `listening <port> control <control-port>` once both accept connections.
"""

import argparse
import json
import math
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Picker:
    """Deterministic ratio: picks call n when floor(n*R) moves."""

    def __init__(self, ratio):
        self.ratio = max(0.0, min(1.0, float(ratio)))
        self.n = 0

    def next(self):
        self.n += 1
        return math.floor(self.n * self.ratio) > math.floor((self.n - 1) * self.ratio)


class Control:
    """The mode and the counters, shared by every connection thread and the control endpoint."""

    COUNTERS = ("total", "ok", "failed", "closed", "stalled")

    def __init__(self, fail=0.0, stall_ms=0, stall_ratio=0.0, close=False):
        self.lock = threading.Lock()
        self.counts = dict.fromkeys(self.COUNTERS, 0)
        self.connections = 0
        self.mode = {}
        self.set_mode({"fail": fail, "stall_ms": stall_ms, "stall_ratio": stall_ratio, "exception": not close,
                       "close": close})

    def set_mode(self, update):
        unknown = set(update) - {"fail", "stall_ms", "stall_ratio", "exception", "close"}
        if unknown:
            raise ValueError("unknown mode keys: %s" % ", ".join(sorted(unknown)))
        with self.lock:
            self.mode.update(update)
            if update.get("close"):
                self.mode["exception"] = False
            elif update.get("exception"):
                self.mode["close"] = False
            self.fail_picker = Picker(self.mode["fail"])
            self.stall_picker = Picker(self.mode["stall_ratio"])
            return dict(self.mode)

    def reset(self):
        with self.lock:
            self.counts = dict.fromkeys(self.COUNTERS, 0)
            self.connections = 0

    def stats(self):
        with self.lock:
            return dict(self.counts, connections=self.connections, mode=dict(self.mode))

    def count(self, name):
        with self.lock:
            self.counts[name] += 1

    def begin_call(self):
        """Counts the call and decides it: (stall seconds, outcome in ok|exception|close)."""
        with self.lock:
            self.counts["total"] += 1
            stall = self.mode["stall_ms"] / 1000.0 if self.stall_picker.next() and self.mode["stall_ms"] > 0 else 0
            if stall:
                self.counts["stalled"] += 1
            if not self.fail_picker.next():
                return stall, "ok"
            return stall, "close" if self.mode["close"] else "exception"


def build_handler(control, ttypes, TApplicationException, TTransportException):
    class Handler:
        def Say(self, req):
            stall, outcome = control.begin_call()
            if stall:
                time.sleep(stall)
            if outcome == "exception":
                control.count("failed")
                raise TApplicationException(TApplicationException.INTERNAL_ERROR, "resilience_server: told to fail")
            if outcome == "close":
                control.count("closed")
                # The generated processor re-raises transport errors, and the server then drops the connection.
                raise TTransportException(TTransportException.END_OF_FILE, "resilience_server: told to close")
            control.count("ok")
            if req is None:  # a health check's call sends no arguments
                req = ttypes.Request(name="")
            return ttypes.Response(name=req.name, message=req.message, verbose=req.verbose, user=req.user)

        Echo = Say

    return Handler()


def control_server(control, port):
    class ControlHandler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/stats":
                return self.reply(200, control.stats())
            self.reply(404, {"error": "GET /stats"})

        def do_POST(self):
            length = int(self.headers.get("content-length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path == "/mode":
                    return self.reply(200, control.set_mode(body))
                if self.path == "/reset":
                    control.reset()
                    return self.reply(200, control.stats())
                self.reply(404, {"error": "POST /mode or /reset"})
            except (ValueError, TypeError) as error:
                self.reply(400, {"error": str(error)})

    server = ThreadingHTTPServer(("127.0.0.1", port), ControlHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen-dir", required=True, help="Python code generated from echo.thrift")
    parser.add_argument("--port", type=int, default=0, help="Thrift port (0: a free one)")
    parser.add_argument("--control-port", type=int, default=0, help="HTTP control port (0: a free one)")
    parser.add_argument("--fail", type=float, default=0.0, help="ratio of calls that fail")
    parser.add_argument("--stall-ms", type=int, default=0, help="how long a stalled call sleeps")
    parser.add_argument("--stall-ratio", type=float, default=0.0, help="ratio of calls that stall")
    parser.add_argument("--close", action="store_true", help="failing calls drop their connection")
    args = parser.parse_args()
    sys.path.insert(0, args.gen_dir)

    from thrift.Thrift import TApplicationException
    from thrift.protocol.THeaderProtocol import THeaderProtocolFactory
    from thrift.server import TServer
    from thrift.transport import TSocket, TTransport
    from thrift.transport.TTransport import TTransportException
    from thrift.transport.THeaderTransport import THeaderClientType

    from echo import EchoService
    from echo import ttypes

    control = Control(fail=args.fail, stall_ms=args.stall_ms, stall_ratio=args.stall_ratio, close=args.close)
    processor = EchoService.Processor(build_handler(control, ttypes, TApplicationException, TTransportException))
    pfactory = THeaderProtocolFactory(allowed_client_types=(
        THeaderClientType.HEADERS, THeaderClientType.FRAMED_BINARY, THeaderClientType.FRAMED_COMPACT))

    class CountingServerSocket(TSocket.TServerSocket):
        def accept(self):
            client = super().accept()
            control.count_connection()
            return client

    def count_connection():
        with control.lock:
            control.connections += 1

    control.count_connection = count_connection
    server_socket = CountingServerSocket(host="127.0.0.1", port=args.port, socket_family=socket.AF_INET)
    server = TServer.TThreadedServer(processor, server_socket, TTransport.TTransportFactoryBase(), pfactory,
                                     daemon=True)
    server_socket.listen()
    server_socket.listen = lambda: None
    port = server_socket.handle.getsockname()[1]
    control_port = control_server(control, args.control_port)
    print("listening %d control %d" % (port, control_port), flush=True)
    server.serve()


if __name__ == "__main__":
    main()
