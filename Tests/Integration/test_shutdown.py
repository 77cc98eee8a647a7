"""Graceful shutdown (issue 15): on SIGTERM the gateway stops accepting, lets every request it accepted finish
with its real answer within the drain timeout, and cuts what is left when that runs out."""

import concurrent.futures
import http.client
import json
import signal
import time

from conftest import store_service
from support.gateway import Gateway, write_routes
from support.processes import port_is_closed
from test_failures import slow_routes


def post_slow(port, millis):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/slow", body=json.dumps({"millis": millis}), headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    except (ConnectionError, http.client.HTTPException) as error:
        return None, repr(error)
    finally:
        conn.close()


def start(sluice_bin, tmp_path, backend, drain):
    routes = write_routes(tmp_path / ("routes-" + drain), {
        "services": [store_service("s", backend.address, "framed", "binary", timeout="20s")],
        "routes": slow_routes("s"),
    })
    return Gateway.start(sluice_bin, routes, tmp_path / ("gw-%s.log" % drain),
                         extra=("--drain-timeout", drain, "--admin", "off"))


def test_sigterm_under_load_answers_every_accepted_request(sluice_bin, tmp_path, python_backends):
    gw = start(sluice_bin, tmp_path, python_backends["framed-binary"], "10s")
    assert gw.get("/ping").status == 200
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        calls = [pool.submit(post_slow, gw.port, 1500) for _ in range(6)]
        time.sleep(0.5)  # every request is in, and waiting on the backend
        gw.child.signal(signal.SIGTERM)
        results = [call.result(timeout=30) for call in calls]
    assert results == [(200, "slept 1500 ms")] * 6, results
    gw.child.proc.wait(timeout=15)
    assert gw.child.proc.returncode == 0, gw.child.text()
    assert port_is_closed(gw.port)


def test_the_drain_timeout_cuts_what_is_left(sluice_bin, tmp_path, python_backends):
    gw = start(sluice_bin, tmp_path, python_backends["framed-binary"], "500ms")
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(post_slow, gw.port, 8000)
        time.sleep(0.5)
        signalled = time.monotonic()
        gw.child.signal(signal.SIGTERM)
        gw.child.proc.wait(timeout=15)
        exited = time.monotonic() - signalled
        status, detail = slow.result(timeout=30)
    # Gone long before the 8 s call could have answered; the client saw its connection closed, not an answer.
    assert exited < 6, exited
    assert status is None, (status, detail)
    assert gw.child.proc.returncode == 0, gw.child.text()
    assert "drain timeout: closing connections still open" in gw.child.text()
