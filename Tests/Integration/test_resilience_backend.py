"""The controllable backend of the resilience tests, driven through Sluice as it is: one static endpoint."""

import pytest

from conftest import ECHO_IDL


@pytest.fixture
def backend(resilience_backends):
    (backend,) = resilience_backends(1)
    return backend


def echo_gateway(start_gateway, backend, transport):
    service = {"name": "echo", "idl": str(ECHO_IDL), "transport": transport, "codec": "binary",
               "endpoints": [backend.address], "timeout": "2s"}
    route = {"method": "POST", "path": "/echo/{req.name}", "service": "echo", "call": "EchoService.Say", "body": "req"}
    return start_gateway({"services": [service], "routes": [route]}, name="resilience-" + transport)


@pytest.mark.parametrize("transport", ["theader", "framed"])
def test_answers_fails_and_counts(start_gateway, backend, transport):
    gw = echo_gateway(start_gateway, backend, transport)

    ok = gw.post("/echo/ada", {"message": "hi"})
    assert ok.status == 200, ok
    assert ok.json == {"name": "ada", "message": "hi"}

    assert backend.set_mode(fail=1)["fail"] == 1
    failed = gw.post("/echo/bob", {"message": "hi"})
    assert 500 <= failed.status < 600, failed
    assert "told to fail" in failed.body.decode(), failed

    backend.set_mode(fail=1, close=True)
    dropped = gw.post("/echo/cy", {"message": "hi"})
    assert 500 <= dropped.status < 600, dropped

    stats = backend.stats()
    assert (stats["total"], stats["ok"], stats["failed"], stats["closed"]) == (3, 1, 1, 1)


def test_ratio_is_deterministic(start_gateway, backend):
    gw = echo_gateway(start_gateway, backend, "theader")
    backend.set_mode(fail=0.5)
    statuses = [gw.post("/echo/n%d" % i, {}).status for i in range(4)]
    assert [status >= 500 for status in statuses] == [False, True, False, True], statuses
    assert backend.stats()["failed"] == 2


def test_kill_and_restart_on_the_same_port(start_gateway, backend):
    gw = echo_gateway(start_gateway, backend, "theader")
    assert gw.post("/echo/a", {}).status == 200
    port = backend.port
    backend.kill()
    assert gw.post("/echo/b", {}).status >= 500
    backend.restart()
    assert backend.port == port
    assert gw.post("/echo/c", {}).status == 200
    assert backend.stats()["total"] == 1


def test_stalls_and_flags_at_start(start_gateway, resilience_backends):
    first, second = resilience_backends(2, stall_ms=50, stall_ratio=1)
    assert first.port != second.port
    gw = echo_gateway(start_gateway, second, "framed")
    assert gw.post("/echo/slow", {}).status == 200
    stats = second.stats()
    assert (stats["total"], stats["stalled"]) == (1, 1)
    # The helper's own wait for the port is a connection too.
    assert stats["connections"] >= 1
    assert stats["mode"]["stall_ms"] == 50
