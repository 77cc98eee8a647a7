"""Controllable EchoService backends (servers/resilience_server.py) for the resilience tests.

`start_resilience_backends(workdir, count, **flags)` starts `count` of them on free ports and returns their
handles; each can report its counters, change its mode, be killed and be restarted on the same ports.
"""

import json
import pathlib
import sys
import urllib.request

from support import codegen
from support.processes import Child, wait_for_port

HERE = pathlib.Path(__file__).resolve().parent
SERVER = HERE.parent / "servers" / "resilience_server.py"
ECHO_IDL_DIR = HERE.parents[2] / "examples" / "echo"


def echo_gen_py(workdir):
    """Python code for echo.thrift, generated once per work directory."""
    out = pathlib.Path(workdir) / "gen-py-echo"
    if not (out / "echo" / "EchoService.py").exists():
        codegen.generate_python(ECHO_IDL_DIR, "echo.thrift", out)
    return out


class ResilienceBackend:
    """One resilience_server.py: `port` serves Thrift (THeader and framed), `control_port` its HTTP control."""

    def __init__(self, workdir, name, flags):
        self.workdir = pathlib.Path(workdir)
        self.name = name
        self.flags = flags
        self.port = 0
        self.control_port = 0
        self.child = None
        self._start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def _start(self):
        args = [sys.executable, SERVER, "--gen-dir", echo_gen_py(self.workdir),
                "--port", self.port, "--control-port", self.control_port]
        for key, value in self.flags.items():
            option = "--" + key.replace("_", "-")
            if value is True:
                args.append(option)
            elif value not in (False, None):
                args += [option, value]
        self.child = Child(args, self.workdir / ("resilience-%s.log" % self.name))
        match = self.child.wait_for_line(r"listening (\d+) control (\d+)", timeout=20)
        self.port, self.control_port = int(match.group(1)), int(match.group(2))
        wait_for_port(self.port)

    def _request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (self.control_port, path), data=data,
                                         method=method, headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def stats(self):
        """{"total", "ok", "failed", "closed", "stalled", "connections", "mode"}."""
        return self._request("GET", "/stats")

    def set_mode(self, **mode):
        """fail=R, stall_ms=N, stall_ratio=R, exception=True, close=True; returns the whole mode."""
        return self._request("POST", "/mode", mode)

    def reset(self):
        return self._request("POST", "/reset", {})

    def kill(self):
        """SIGKILL: connections drop, the port refuses until `restart()`."""
        self.child.kill()

    def restart(self):
        """Starts again on the same ports, with the start flags (the mode and counters start afresh)."""
        self.kill()
        self.child.stop()
        self._start()

    def stop(self):
        self.child.stop()


def start_resilience_backends(workdir, count, **flags):
    """`count` backends on free ports; `flags` are resilience_server.py's (fail=0.5, stall_ms=100, close=True)."""
    backends = []
    try:
        for index in range(count):
            backends.append(ResilienceBackend(workdir, "%d" % index, flags))
    except BaseException:
        for backend in backends:
            backend.stop()
        raise
    return backends
