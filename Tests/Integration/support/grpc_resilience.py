"""Controllable grpcio backends (servers/grpc_resilience_server.py) for test_grpc_resilience.py: each reports
its counters, changes its mode, and can be killed, over the same HTTP control as support/resilience.py's."""

import pathlib
import sys

from support.processes import Child, wait_for_port
from support.resilience import ResilienceBackend

HERE = pathlib.Path(__file__).resolve().parent
SERVER = HERE.parent / "servers" / "grpc_resilience_server.py"
PROTO = HERE.parent / "grpc" / "resilience.proto"


class GRPCResilienceBackend(ResilienceBackend):
    """`port` serves gRPC (h2c), `control_port` the HTTP control; `stats()`, `set_mode()`, `reset()`, `kill()`
    as the Thrift backends'. Modes: unavailable_first=N, status=CODE, stall_ms=N, serving=bool."""

    def _start(self):
        args = [sys.executable, SERVER, "--port", self.port, "--control-port", self.control_port, "--name", self.name]
        self.child = Child(args, self.workdir / ("grpc-resilience-%s.log" % self.name))
        match = self.child.wait_for_line(r"listening (\d+) control (\d+)", timeout=20)
        self.port, self.control_port = int(match.group(1)), int(match.group(2))
        wait_for_port(self.port)


def start_grpc_backends(workdir, count):
    backends = []
    try:
        for index in range(count):
            backends.append(GRPCResilienceBackend(workdir, "g%d" % index, {}))
    except BaseException:
        for backend in backends:
            backend.stop()
        raise
    return backends
