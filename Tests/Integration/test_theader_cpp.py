"""Sluice against Apache Thrift's C++ THeader server (libthrift's TThreadedServer + THeaderProtocol).

The server is Benchmarks/cpp/threaded_theader_server.cpp, built by Benchmarks/cpp/build.sh against the
system's libthrift (scripts/install-test-deps.sh installs it); the build is cached under .build/.

Apache's C++ THeader servers count the string bytes every request on a connection carries and never reset the
count (only flush() does, and only the output transport is flushed); at 100 MiB they close the connection
without answering the calls in flight, after a 14-byte THeader frame with no message. Sluice retires a THeader
connection after 64 MiB of requests, so no call meets that close.
"""

import concurrent.futures
import re
import signal
import subprocess
import time

import pytest

from conftest import ECHO_IDL, REPO
from support.processes import Child, free_port, wait_for_port

# Under the gateway's 1 MiB body limit; 120 of them carry more than the server's 100 MiB.
MESSAGE_BYTES = 1_000_000
CALLS = 120
PARALLEL = 4


@pytest.fixture(scope="module")
def cpp_theader_server(workdir):
    out = REPO / ".build" / "integration-cpp"
    build = subprocess.run(["bash", str(REPO / "Benchmarks" / "cpp" / "build.sh"), str(out)],
                           capture_output=True, text=True)
    if build.returncode != 0:
        pytest.fail("Benchmarks/cpp/build.sh failed (scripts/install-test-deps.sh installs g++ and "
                    "libthrift-dev):\n%s" % build.stderr)
    port = free_port()
    child = Child([out / "threaded-theader-server", str(port)], workdir / "cpp-theader.log")
    child.wait_for_line(r"listening 127\.0\.0\.1:%d" % port, timeout=20)
    wait_for_port(port)
    child.port = port
    yield child
    child.stop()


def accepted_connections(server):
    """The server's accept count: it prints `connections N` on SIGUSR1."""
    before = len(re.findall(r"^connections \d+$", server.text(), re.M))
    server.proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        counts = re.findall(r"^connections (\d+)$", server.text(), re.M)
        if len(counts) > before:
            return int(counts[-1])
        time.sleep(0.05)
    pytest.fail("the C++ server printed no connection count")


def test_more_than_100_mib_of_requests_on_one_connection_lose_no_call(start_gateway, cpp_theader_server):
    gw = start_gateway({
        "services": [{"name": "echo", "idl": str(ECHO_IDL), "protocol": "thrift", "transport": "theader",
                      "codec": "binary", "endpoints": ["127.0.0.1:%d" % cpp_theader_server.port],
                      "timeout": "20s", "connections": 1}],
        "routes": [{"method": "POST", "path": "/echo", "service": "echo", "call": "EchoService.Say",
                    "body": "req"}],
    })
    message = "m" * MESSAGE_BYTES
    # The fixture's port probe was a connection too.
    before = accepted_connections(cpp_theader_server)

    def one(n):
        response = gw.post("/echo", {"name": "call-%d" % n, "message": message}, timeout=60)
        ok = response.status == 200 and response.json == {"name": "call-%d" % n, "message": message}
        return None if ok else (n, response)

    with concurrent.futures.ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        failures = [f for f in pool.map(one, range(CALLS)) if f is not None]
    assert failures == []
    # One retirement at 64 MiB: the first connection and its successor.
    assert accepted_connections(cpp_theader_server) - before == 2
