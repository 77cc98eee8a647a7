"""`/metrics` (issue 15): the admin listener's Prometheus exposition, read with Prometheus' own text-format
parser (`prometheus_client.parser`), counts exactly the traffic a test sends: by route, status and ingress
protocol (HTTP/1.1, h2c, WebSocket), proxied requests too, flow-control blocks, reloads, and the standing of
endpoints and breakers."""

import asyncio
import json
import time
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect

from conftest import ECHO_IDL
from support.gateway import Gateway, write_routes
from support.h2conn import H2Connection
from support.processes import free_port
from test_http_proxy import upstream  # noqa: F401 (the stdlib HTTP echo server, as a fixture)


def scrape(admin_port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % admin_port, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = response.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def test_counts_match_the_traffic(sluice_bin, tmp_path, demo_backend, upstream):
    admin_port = free_port()
    dead = "127.0.0.1:%d" % free_port()
    routes = write_routes(tmp_path / "routes", {
        "services": [
            {"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
             "endpoints": [demo_backend.address], "timeout": "2s"},
            {"name": "web", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % upstream], "timeout": "5s"},
            # Two endpoints, one dead, with health checks: a cluster whose standing /metrics shows.
            {"name": "checked", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
             "endpoints": [demo_backend.address, dead], "timeout": "2s",
             "health_check": {"interval": "100ms", "timeout": "100ms", "healthy": 1, "unhealthy": 1}},
        ],
        "routes": [
            {"name": "say", "method": "POST", "path": "/v1/echo/{req.name}", "service": "echo", "call": "EchoService.Say",
             "body": "req"},
            {"name": "limited", "method": "POST", "path": "/v1/limited/{req.name}", "service": "echo",
             "call": "EchoService.Say", "body": "req"},
            {"method": "POST", "path": "/v1/checked/{req.name}", "service": "checked", "call": "EchoService.Say", "body": "req"},
            {"method": "*", "path": "/web/{rest=**}", "service": "web", "rewrite": "/{rest}"},
        ],
        "flow": [{"resource": "limited", "grade": "qps", "count": 2}],
        "circuit_breakers": [{"resource": "say", "strategy": "error_count", "threshold": 100, "stat_interval": "1s",
                              "recovery_timeout": "5s"}],
    })
    gw = Gateway.start(sluice_bin, routes, tmp_path / "gw.log",
                       extra=("--admin", "127.0.0.1:%d" % admin_port, "--websocket-path", "/ws", "--watch", "off"))
    try:
        before = scrape(admin_port)
        assert [v for (name, _), v in before.items() if name == "sluice_build_info"] == [1]

        for i in range(5):
            assert gw.post("/v1/echo/a%d" % i, {}).status == 200
        for _ in range(3):
            assert gw.get("/nowhere").status == 404
        limited = [gw.post("/v1/limited/x", {}).status for _ in range(6)]
        assert 429 in limited and set(limited) <= {200, 429}, limited
        for i in range(4):
            assert gw.get("/web/echo/%d" % i).status == 200

        h2 = H2Connection(gw.port).start()
        streams = [h2.request("POST", "/v1/echo/h%d" % i, {}) for i in range(3)]
        assert h2.wait_for_responses(streams)
        assert [h2.responses[s]["status"] for s in streams] == [200, 200, 200]
        h2.close()

        async def over_websocket():
            async with connect("ws://127.0.0.1:%d/ws" % gw.port) as ws:
                for i in range(2):
                    await ws.send(json.dumps({"id": i, "method": "POST", "path": "/v1/echo/w%d" % i, "body": {}}))
                    assert json.loads(await ws.recv())["status"] == 200
        asyncio.run(asyncio.wait_for(over_websocket(), 20))

        samples = scrape(admin_port)
        say = "say"
        assert value(samples, "sluice_requests_total", route=say, status="200", protocol="http1") == 5
        assert value(samples, "sluice_requests_total", route=say, status="200", protocol="h2") == 3
        assert value(samples, "sluice_requests_total", route=say, status="200", protocol="websocket") == 2
        assert value(samples, "sluice_request_duration_seconds_count", route=say) == 10
        assert value(samples, "sluice_request_duration_seconds_bucket", route=say, le="+Inf") == 10
        assert value(samples, "sluice_requests_total", route="(unmatched)", status="404", protocol="http1") == 3
        assert value(samples, "sluice_requests_total", route="limited", status="200", protocol="http1") == limited.count(200)
        assert value(samples, "sluice_requests_total", route="limited", status="429", protocol="http1") == limited.count(429)
        assert value(samples, "sluice_flow_blocked_total", route="limited", code="flow_blocked", rule="flow") == limited.count(429)
        assert value(samples, "sluice_flow_passed_total", route="limited") == limited.count(200)
        assert value(samples, "sluice_flow_passed_total", route=say) == 10  # its breaker's guard let every call through
        assert value(samples, "sluice_requests_total", route="* /web/{rest=**}", status="200", protocol="http1") == 4
        assert value(samples, "sluice_upstream_connections", service="web", endpoint="127.0.0.1:%d" % upstream) >= 1
        assert value(samples, "sluice_circuit_breaker_state", resource=say, strategy="error_count", state="closed") == 1
        assert value(samples, "sluice_circuit_breaker_state", resource=say, strategy="error_count", state="open") == 0

        # A reload counts, and keeps the counts.
        with urllib.request.urlopen(urllib.request.Request(
                "http://127.0.0.1:%d/admin/reload" % admin_port, method="POST"), timeout=10) as response:
            assert response.status == 200
        samples = scrape(admin_port)
        assert value(samples, "sluice_config_reloads_total", result="success") == 1
        assert value(samples, "sluice_requests_total", route=say, status="200", protocol="http1") == 5

        # The dead endpoint's health check holds it down.
        deadline = time.monotonic() + 15
        while True:
            samples = scrape(admin_port)
            usable = {dict(labels)["endpoint"]: v for (name, labels), v in samples.items()
                      if name == "sluice_upstream_endpoint_usable" and dict(labels)["service"] == "checked"}
            if usable == {demo_backend.address: 1, dead: 0}:
                break
            assert time.monotonic() < deadline, usable
            time.sleep(0.1)
        assert value(samples, "sluice_upstream_endpoint_in_flight", service="checked", endpoint=dead) == 0
        # Calls now go to the live endpoint only; each is an attempt counted on it.
        for i in range(3):
            assert gw.post("/v1/checked/c%d" % i, {}).status == 200
        samples = scrape(admin_port)
        assert value(samples, "sluice_upstream_attempts_total", service="checked", endpoint=demo_backend.address) == 3
        assert value(samples, "sluice_upstream_attempts_total", service="checked", endpoint=dead) == 0
        assert value(samples, "sluice_upstream_failures_total", service="checked", endpoint=demo_backend.address) == 0
        # The multiplexed TTHeader transport holds its connections to the live endpoint, none to the dead one.
        assert value(samples, "sluice_upstream_connections", service="checked", endpoint=demo_backend.address) >= 1
        assert value(samples, "sluice_upstream_connections", service="checked", endpoint=dead) == 0
    finally:
        gw.stop()


def test_metrics_off(sluice_bin, tmp_path, demo_backend):
    admin_port = free_port()
    routes = write_routes(tmp_path / "routes", {
        "services": [{"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                      "endpoints": [demo_backend.address], "timeout": "2s"}],
        "routes": [{"method": "POST", "path": "/v1/echo/{req.name}", "service": "echo", "call": "EchoService.Say", "body": "req"}],
    })
    gw = Gateway.start(sluice_bin, routes, tmp_path / "off.log", extra=("--admin", "127.0.0.1:%d" % admin_port, "--no-metrics"))
    try:
        assert gw.post("/v1/echo/a", {}).status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen("http://127.0.0.1:%d/metrics" % admin_port, timeout=10)
        assert refused.value.code == 404
        assert json.loads(refused.value.read())["error"]["code"] == "metrics_off"
    finally:
        gw.stop()
