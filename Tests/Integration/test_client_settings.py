"""The client settings of a route file (`connect_timeout`, `pool`, `connections`) and `sluice run --event-loops`,
each at a value other than its default, observed from outside: at the backend (through a relay that counts its
connections), in the error a request gets, and in the process's threads."""

import concurrent.futures
import os
import socket
import time

import pytest

from conftest import store_service
from support.counting_proxy import CountingProxy


def slow_route(service):
    return {"method": "POST", "path": "/slow", "service": service, "call": "StoreService.slow", "body": "*"}


def echo_route(service):
    return {"method": "POST", "path": "/echo", "service": service, "call": "StoreService.echoItem", "body": "item"}


@pytest.fixture
def counting_proxy():
    proxies = []

    def make(backend):
        proxy = CountingProxy(backend.port)
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.close()


def eventually(condition, within=15.0):
    """Polls `condition` every 50 ms until it holds or `within` seconds pass; returns whether it held."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def burst(gw, count, millis):
    """`count` concurrent slow calls; returns their statuses."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: gw.post("/slow", {"millis": millis}, timeout=30).status, range(count)))


@pytest.fixture
def blackhole():
    """A loopback port whose listener never accepts and whose accept queue is full: further SYNs go unanswered,
    so a connect to it neither succeeds nor fails until the connecting side gives up."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    fillers = []
    unanswered = 0
    # Until two connects in a row go unanswered: the queue is full, whatever the kernel's backlog rounding.
    while unanswered < 2 and len(fillers) < 16:
        filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        filler.settimeout(0.2)
        try:
            filler.connect(listener.getsockname())
            unanswered = 0
        except socket.timeout:
            unanswered += 1
        fillers.append(filler)
    assert unanswered == 2, "the accept queue did not fill"
    yield listener.getsockname()[1]
    for s in fillers + [listener]:
        s.close()


@pytest.mark.parametrize("transport", ["framed", "theader"])
def test_connect_timeout_below_the_request_timeout(start_gateway, blackhole, transport):
    service = store_service("s", "127.0.0.1:%d" % blackhole, transport, "binary", timeout="5s",
                            connect_timeout="300ms")
    gw = start_gateway({"services": [service], "routes": [slow_route("s")]})
    response = gw.post("/slow", {"millis": 1}, timeout=20)
    assert response.status == 504, response
    message = response.json["error"]["message"]
    assert message == "service 's' did not accept a connection in time", message
    # The client is told which service; the log says where and which timeout (300 ms, not the 1 s default).
    gw.child.wait_for_line(r"connecting to 127\.0\.0\.1:%d timed out after 300 ms" % blackhole, timeout=5)


def test_pool_max_total_caps_the_backend_connections(start_gateway, python_backends, counting_proxy):
    proxy = counting_proxy(python_backends["framed-binary"])
    service = store_service("s", proxy.address, "framed", "binary", timeout="20s",
                            pool={"max_total": 2, "max_idle": 2, "idle_timeout": "60s"})
    gw = start_gateway({"services": [service], "routes": [slow_route("s")]})
    assert burst(gw, 10, 200) == [200] * 10
    assert proxy.counts()["peak"] <= 2, proxy.counts()


def test_pool_keeps_a_burst_connections_until_the_idle_timeout_then_max_idle(start_gateway, python_backends,
                                                                                counting_proxy):
    proxy = counting_proxy(python_backends["framed-binary"])
    service = store_service("s", proxy.address, "framed", "binary", timeout="20s",
                            pool={"max_total": 8, "max_idle": 1, "idle_timeout": "3s"})
    # One event loop: one pool shard, so the limits apply undivided.
    gw = start_gateway({"services": [service], "routes": [slow_route("s")]}, extra=("--event-loops", "1"))
    assert burst(gw, 6, 300) == [200] * 6
    opened = proxy.counts()["accepted"]
    assert opened == 6, proxy.counts()
    # The burst ending closed nothing: a second one, right after, reuses every connection.
    assert burst(gw, 6, 300) == [200] * 6
    assert proxy.counts()["accepted"] == opened, proxy.counts()
    # The idle timer trims the pool down to max_idle, and that one outlives further timeouts.
    assert eventually(lambda: proxy.counts()["open"] == 1), proxy.counts()
    time.sleep(4)
    assert proxy.counts()["open"] == 1, proxy.counts()
    assert gw.post("/slow", {"millis": 1}).status == 200
    assert proxy.counts()["accepted"] == opened, proxy.counts()


def test_connections_is_the_number_of_multiplexed_connections(start_gateway, python_backends, counting_proxy):
    proxy = counting_proxy(python_backends["theader"])
    service = store_service("s", proxy.address, "theader", "binary", timeout="20s", connections=3)
    gw = start_gateway({"services": [service], "routes": [echo_route("s")]}, extra=("--event-loops", "1"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda i: gw.post("/echo", {"id": i, "name": "n"}, timeout=30).status, range(100)))
    assert statuses == [200] * 100
    assert proxy.counts() == {"accepted": 3, "open": 3, "peak": 3}


def event_loop_threads(pid):
    """Threads of process `pid` that are SwiftNIO event loops (NIO names them `NIO-ELT-<group>-#<n>`)."""
    names = []
    for task in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/comm" % (pid, task)) as comm:
            names.append(comm.read().strip())
    return sorted(name for name in names if name.startswith("NIO-ELT-"))


def test_event_loops_sets_the_number_of_event_loop_threads(start_gateway):
    # Not the default (one per core) on any machine.
    loops = (os.cpu_count() or 1) + 1
    gw = start_gateway({"services": [], "routes": []}, extra=("--event-loops", str(loops)))
    assert len(event_loop_threads(gw.child.proc.pid)) == loops
