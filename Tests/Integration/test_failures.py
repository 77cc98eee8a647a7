"""Backends that die or dawdle: the gateway answers 502 / 504 promptly and keeps serving."""

import concurrent.futures
import signal
import time

from conftest import store_service
from support.processes import free_port, port_is_closed


def slow_routes(service):
    return [
        {"method": "POST", "path": "/slow", "service": service, "call": "StoreService.slow", "body": "*"},
        {"method": "GET", "path": "/ping", "service": service, "call": "StoreService.ping"},
    ]


def test_killed_backend_is_502_promptly(start_gateway, private_python_backend):
    backend = private_python_backend
    gw = start_gateway({
        "services": [store_service("s", backend.address, "theader", "binary", timeout="10s")],
        "routes": slow_routes("s"),
    })
    assert gw.get("/ping").status == 200
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        in_flight = pool.submit(gw.post, "/slow", {"millis": 8000})
        time.sleep(0.5)  # the slow call is now waiting on the backend
        started = time.monotonic()
        backend.child.kill()
        response = in_flight.result(timeout=10)
        assert response.status == 502, response
        assert time.monotonic() - started < 3.0  # not the 8 s answer nor the 10 s timeout
    started = time.monotonic()
    again = gw.get("/ping")
    assert again.status == 502, again
    assert time.monotonic() - started < 3.0
    assert again.json["error"]["code"]


def test_unreachable_backend_is_502_naming_the_service_not_the_address(start_gateway):
    port = free_port()
    gw = start_gateway({
        "services": [store_service("store-svc", "127.0.0.1:%d" % port, "framed", "binary")],
        "routes": slow_routes("store-svc"),
    })
    response = gw.get("/ping")
    assert response.status == 502, response
    error = response.json["error"]
    assert error["code"] == "bad_gateway"
    assert "store-svc" in error["message"], error
    # The client learns which service failed, not where it runs nor SwiftNIO's internals ...
    assert str(port) not in response.body.decode() and "127.0.0.1" not in response.body.decode(), error
    assert "Failure" not in error["message"] and "IPv4" not in error["message"], error
    # ... the operator's log has the detail.
    gw.child.wait_for_line(r"(?=.*backend call failed)(?=.*store-svc)(?=.*127\.0\.0\.1:%d)" % port, timeout=5)


def test_slow_backend_is_504_after_the_timeout(start_gateway, python_backends):
    backend = python_backends["framed-binary"]
    gw = start_gateway({
        "services": [store_service("s", backend.address, "framed", "binary", timeout="300ms")],
        "routes": slow_routes("s"),
    })
    started = time.monotonic()
    response = gw.post("/slow", {"millis": 6000})
    elapsed = time.monotonic() - started
    assert response.status == 504, response
    assert 0.25 < elapsed < 3.0  # the 300 ms timeout, with room for a loaded machine
    assert response.json["error"]["code"]
    fast = gw.post("/slow", {"millis": 1})
    assert fast.status == 200 and fast.json == "slept 1 ms"


def test_run_stops_cleanly_on_sigterm(start_gateway, python_backends):
    backend = python_backends["framed-binary"]
    gw = start_gateway({"services": [store_service("s", backend.address, "framed", "binary")],
                        "routes": slow_routes("s")})
    assert gw.get("/ping").status == 200
    started = time.monotonic()
    gw.child.signal(signal.SIGTERM)
    gw.child.proc.wait(timeout=10)
    assert gw.child.proc.returncode == 0, gw.child.text()
    assert time.monotonic() - started < 5
    assert port_is_closed(gw.port)


def test_run_stops_cleanly_on_sigint(start_gateway, python_backends):
    backend = python_backends["framed-binary"]
    gw = start_gateway({"services": [store_service("s", backend.address, "framed", "binary")],
                        "routes": slow_routes("s")})
    gw.child.signal(signal.SIGINT)
    gw.child.proc.wait(timeout=10)
    assert gw.child.proc.returncode == 0, gw.child.text()
