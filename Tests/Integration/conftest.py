"""Fixtures for Sluice's integration tests.

Real Thrift servers (Apache Thrift's Python library, code generated at test time) on free loopback ports,
Sluice's own demo backend, and `sluice run` gateways over temporary route directories. Every process is
started in its own process group and stopped at the end of the session (or the test), so none leak.
"""

import json
import os
import pathlib
import shutil
import sys
import tempfile

import pytest

from support import codegen
from support.gateway import Gateway, write_routes
from support.processes import Child, wait_for_port

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
STORE_IDL = EXAMPLES / "store" / "store.thrift"
ECHO_IDL = EXAMPLES / "echo" / "echo.thrift"

# (name, transport, protocol) of the Python store servers.
PYTHON_BACKENDS = [
    ("theader", "theader", "binary"),
    ("framed-binary", "framed", "binary"),
    ("framed-compact", "framed", "compact"),
    ("buffered-binary", "buffered", "binary"),
]


@pytest.fixture(scope="session")
def sluice_bin():
    path = os.environ.get("SLUICE_BIN")
    if not path:
        pytest.fail("SLUICE_BIN is not set: run the integration tests through scripts/test.sh")
    if not os.access(path, os.X_OK):
        pytest.fail("SLUICE_BIN=%s is not an executable" % path)
    return path


@pytest.fixture(scope="session")
def workdir():
    path = pathlib.Path(tempfile.mkdtemp(prefix="sluice-it-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def gen_py(workdir):
    """Python code for the store IDL (and common.thrift), generated now, never committed."""
    out = workdir / "gen-py"
    codegen.generate_python(EXAMPLES / "store", "store.thrift", out)
    sys.path.insert(0, str(out))
    return out


class PythonBackend:
    def __init__(self, name, transport, protocol, child, port):
        self.name = name
        self.transport = transport
        self.protocol = protocol
        self.child = child
        self.port = port

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port


def start_python_backend(workdir, gen_py, name, transport, protocol, extra=()):
    child = Child([sys.executable, pathlib.Path(__file__).parent / "servers" / "store_server.py",
                   "--gen-dir", gen_py, "--transport", transport, "--protocol", protocol, *extra],
                  workdir / ("python-%s.log" % name))
    port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
    wait_for_port(port)
    return PythonBackend(name, transport, protocol, child, port)


@pytest.fixture(scope="session")
def python_backends(workdir, gen_py):
    """All four Python store servers, by name; shared by the whole session."""
    backends = {}
    try:
        for name, transport, protocol in PYTHON_BACKENDS:
            backends[name] = start_python_backend(workdir, gen_py, name, transport, protocol)
        yield backends
    finally:
        for backend in backends.values():
            backend.child.stop()


@pytest.fixture(params=[b[0] for b in PYTHON_BACKENDS])
def python_backend(request, python_backends):
    """Each Python store server in turn."""
    return python_backends[request.param]


@pytest.fixture
def private_python_backend(workdir, gen_py):
    """A THeader Python store server of the test's own, for tests that kill it."""
    backend = start_python_backend(workdir, gen_py, "private", "theader", "binary")
    yield backend
    backend.child.stop()


@pytest.fixture(scope="session")
def demo_backend(sluice_bin, workdir):
    """`sluice demo --backend-only` on a free port: Sluice's own Thrift server with the example handlers."""
    child = Child([sluice_bin, "demo", "--backend-only", "--backend", "127.0.0.1:0"], workdir / "demo-backend.log",
                  cwd=REPO)
    match = child.wait_for_line(r"backend listening on 127\.0\.0\.1:(\d+)", timeout=30)
    child.port = int(match.group(1))
    wait_for_port(child.port)
    child.address = "127.0.0.1:%d" % child.port
    yield child
    child.stop()


def store_service(name, backend_address, transport, protocol, timeout="2s", **extra):
    service = {"name": name, "idl": str(STORE_IDL), "protocol": "thrift", "transport": transport,
               "codec": protocol, "endpoints": [backend_address], "timeout": timeout}
    service.update(extra)
    return service


def store_routes(service, prefix):
    """The hand-written store routes of routes/store.yaml, for `service`, under `prefix`."""
    def route(method, path, call, **extra):
        r = {"method": method, "path": prefix + path, "service": service, "call": "StoreService." + call}
        r.update(extra)
        return r

    return [
        route("GET", "/ping", "ping"),
        route("GET", "/items/{req.id}", "getItem", headers={"x-user": "req.user"}, exceptions={"NotFound": 404}),
        route("POST", "/items", "createItem", body="req.item", query={"dry_run": "req.dry_run"},
              headers={"x-user": "req.user"}, exceptions={"Invalid": 422}),
        route("DELETE", "/items/{req.id}", "deleteItem", exceptions={"NotFound": 404}),
        route("GET", "/search", "search", query={"q": "req.q", "color": "req.color", "limit": "req.limit"}),
        route("POST", "/find", "find", body="selector", exceptions={"NotFound": 404, "Invalid": 422}),
        route("POST", "/echo", "echoItem", body="item"),
        route("POST", "/echo-strict", "echoItem", body="item", strict=True),
        route("POST", "/echo-names", "echoItem", body="item", options={"enums_as_names": True}),
        route("POST", "/echo-args", "echoItem", body="*"),
        route("POST", "/events", "logEvent", body="*"),
        route("GET", "/events", "events"),
        route("POST", "/fail", "fail", body="*"),
        route("POST", "/slow", "slow", body="*"),
        route("POST", "/void-as-object/{req.id}", "deleteItem", options={"void_as_empty_object": True},
              exceptions={"notFound": 410}),
    ]


@pytest.fixture(scope="session")
def gateway(sluice_bin, workdir, python_backends, demo_backend):
    """One `sluice run` with routes to every Python server (prefix /py/<name>, plus THeader with Compact
    at /py/theader-compact) and to the demo backend over TTHeader (/demo/ttheader)."""
    services = []
    routes = []
    for name, backend in python_backends.items():
        services.append(store_service("py-" + name, backend.address, backend.transport, backend.protocol))
        routes += store_routes("py-" + name, "/py/" + name)
    # The THeader server answers in the protocol each request names: Compact too.
    services.append(store_service("py-theader-compact", python_backends["theader"].address, "theader", "compact"))
    routes += store_routes("py-theader-compact", "/py/theader-compact")
    services.append(store_service("demo-ttheader", demo_backend.address, "ttheader", "binary"))
    routes += store_routes("demo-ttheader", "/demo/ttheader")
    services.append({"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                     "endpoints": [demo_backend.address], "timeout": "2s"})
    routes.append({"method": "POST", "path": "/echo/{req.name}", "service": "echo", "call": "EchoService.Say",
                   "body": "req", "query": {"verbose": "req.verbose"}, "headers": {"x-user": "req.user"}})
    # Generated from the IDL's api.* annotations (paths under /api), against the THeader Python server.
    services.append(store_service("py-api", python_backends["theader"].address, "theader", "binary",
                                  routes_from_idl=True))
    routes_dir = workdir / "routes-main"
    write_routes(routes_dir, {"services": services, "routes": routes})
    gw = Gateway.start(sluice_bin, routes_dir, workdir / "gateway-main.log")
    yield gw
    gw.stop()


@pytest.fixture
def start_gateway(sluice_bin, workdir):
    """Starts `sluice run` over a route document written for this test (with `extra` command-line arguments);
    stopped after it."""
    started = []

    def start(document, name="routes-test", extra=()):
        routes_dir = pathlib.Path(tempfile.mkdtemp(prefix=name + "-", dir=workdir))
        write_routes(routes_dir, document)
        gw = Gateway.start(sluice_bin, routes_dir, workdir / (routes_dir.name + ".log"), extra=extra)
        started.append(gw)
        return gw

    yield start
    for gw in started:
        gw.stop()


@pytest.fixture
def sluice(sluice_bin):
    """Runs the sluice binary to completion: returns CompletedProcess (text)."""
    import subprocess

    def run(*args, stdin=None, timeout=30):
        return subprocess.run([sluice_bin, *map(str, args)], input=stdin, capture_output=True, text=True,
                              timeout=timeout, cwd=REPO)

    return run


def pytest_report_header(config):
    return "sluice: %s" % os.environ.get("SLUICE_BIN", "(SLUICE_BIN not set)")


# json is re-exported for tests that build documents inline.
__all__ = ["json"]


@pytest.fixture(scope="session")
def dev_certs(workdir):
    """certs/make-dev-certs.sh run into a temporary folder: ca, server (localhost, 127.0.0.1), api
    (api.example.test) and client certificates and keys."""
    import subprocess

    out = workdir / "certs"
    subprocess.run(["bash", str(REPO / "certs" / "make-dev-certs.sh"), str(out)], check=True, capture_output=True)
    return out


@pytest.fixture
def resilience_backends(workdir):
    """Starts controllable EchoService backends (support/resilience.py): `start(count, **flags)` returns their
    handles; all are stopped after the test."""
    from support.resilience import start_resilience_backends

    started = []

    def start(count, **flags):
        backends = start_resilience_backends(workdir, count, **flags)
        started.extend(backends)
        return backends

    yield start
    for backend in started:
        backend.stop()


@pytest.fixture
def etcd(workdir):
    """A real etcd member (support/etcd.py), skipped where etcd-server is not installed."""
    import shutil

    from support.etcd import Etcd

    if not shutil.which("etcd"):
        pytest.skip("etcd is not installed (apt-get install etcd-server; scripts/install-test-deps.sh does it)")
    server = Etcd(workdir)
    server.start()
    yield server
    server.stop()
