"""The admin listener (issue 15): health and readiness, the running routes and services, the effective
configuration with its secret redacted, the bearer token, and reloads by `POST /admin/reload` and SIGHUP
against real `sluice run` processes and backends."""

import http.client
import json
import signal
import time

from conftest import ECHO_IDL
from support.gateway import Gateway, start_with_config, write_routes
from support.processes import free_port


def admin(port, method, path, token=None, timeout=10):
    headers = {"Authorization": "Bearer " + token} if token else {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), (json.loads(body) if body else None)
    finally:
        conn.close()


def echo_routes(endpoints, path="/v1/echo/{req.name}", **service):
    document = {
        "services": [dict({"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                           "endpoints": endpoints, "timeout": "2s"}, **service)],
        "routes": [{"method": "POST", "path": path, "service": "echo", "call": "EchoService.Say", "body": "req"}],
    }
    return document


def start(sluice_bin, tmp_path, document, name="gw", extra=()):
    routes = write_routes(tmp_path / ("routes-" + name), document)
    port = free_port()
    gw = Gateway.start(sluice_bin, routes, tmp_path / (name + ".log"), extra=("--admin", "127.0.0.1:%d" % port, *extra))
    return gw, port, routes


def test_views_of_the_running_gateway(sluice_bin, tmp_path, demo_backend):
    gw, port, _ = start(sluice_bin, tmp_path, echo_routes([demo_backend.address]))
    try:
        assert "admin on http://127.0.0.1:%d" % port in gw.child.text()
        assert admin(port, "GET", "/healthz")[::2] == (200, {"status": "ok"})
        status, _, ready = admin(port, "GET", "/readyz")
        assert status == 200 and ready["ready"] is True, ready
        assert ready["services"]["echo"] == {"ready": True, "usable_endpoints": 1, "endpoints": 1}

        routes = admin(port, "GET", "/admin/routes")[2]["routes"]
        assert [(r["method"], r["path"], r["service"], r["call"], r["protocol"]) for r in routes] == \
            [("POST", "/v1/echo/{req.name}", "echo", "EchoService.Say", "thrift")]
        assert routes[0]["resource"] == "POST /v1/echo/{req.name}"
        assert routes[0]["origin"].endswith("routes-gw/routes.yaml:15:5"), routes[0]  # the route's mapping, as json.dumps lays it out

        services = admin(port, "GET", "/admin/services")[2]["services"]
        assert [s["name"] for s in services] == ["echo"]
        assert services[0]["transport"] == "ttheader" and services[0]["timeout_ms"] == 2000
        assert [e["address"] for e in services[0]["endpoints"]] == [demo_backend.address]
        assert services[0]["endpoints"][0]["connections"] == 0  # no call yet: the client connects on first use

        config = admin(port, "GET", "/admin/config")[2]
        assert config["admin"] == {"address": "127.0.0.1:%d" % port, "token": None}
        assert config["running"]["routes"] == 1 and config["running"]["services"] == ["echo"]
        assert config["reloads"] == {"succeeded": 0, "failed": 0, "last": None}

        status, headers, body = admin(port, "GET", "/admin/nothing")
        assert status == 404 and body["error"]["code"] == "not_found"
        status, headers, body = admin(port, "GET", "/admin/reload")
        assert status == 405 and headers["Allow"] == "POST"
    finally:
        gw.stop()


def test_cluster_endpoints_show_health_and_readiness_follows_them(sluice_bin, tmp_path, demo_backend):
    dead = "127.0.0.1:%d" % free_port()
    health = {"interval": "100ms", "timeout": "100ms", "healthy": 1, "unhealthy": 1}
    gw, port, _ = start(sluice_bin, tmp_path, echo_routes([demo_backend.address, dead], health_check=health))
    try:
        deadline = time.monotonic() + 15
        while True:
            endpoints = {e["address"]: e for e in admin(port, "GET", "/admin/services")[2]["services"][0]["endpoints"]}
            if endpoints[dead]["healthy"] is False and endpoints[demo_backend.address]["healthy"] is True:
                break
            assert time.monotonic() < deadline, endpoints
            time.sleep(0.1)
        assert endpoints[dead]["usable"] is False and endpoints[demo_backend.address]["usable"] is True
        assert endpoints[demo_backend.address]["in_flight"] == 0
        # Connections are the transport's (health probes have their own): none until a call, none to the dead one.
        assert gw.post("/v1/echo/c", {}).status == 200
        endpoints = {e["address"]: e for e in admin(port, "GET", "/admin/services")[2]["services"][0]["endpoints"]}
        assert endpoints[demo_backend.address]["connections"] >= 1 and endpoints[dead]["connections"] == 0, endpoints
        status, _, ready = admin(port, "GET", "/readyz")
        assert status == 200 and ready["services"]["echo"] == {"ready": True, "usable_endpoints": 1, "endpoints": 2}
    finally:
        gw.stop()

    # Every endpoint down: not ready, and the answer says which service.
    dead2 = "127.0.0.1:%d" % free_port()
    gw, port, _ = start(sluice_bin, tmp_path, echo_routes([dead, dead2], health_check=health), name="down")
    try:
        deadline = time.monotonic() + 15
        while True:
            status, _, ready = admin(port, "GET", "/readyz")
            if status == 503:
                break
            assert time.monotonic() < deadline, ready
            time.sleep(0.1)
        assert ready["ready"] is False
        assert ready["services"]["echo"] == {"ready": False, "usable_endpoints": 0, "endpoints": 2}
    finally:
        gw.stop()


def test_reload_by_post_and_by_sighup_and_a_refused_change(sluice_bin, tmp_path, demo_backend):
    # Not watching the files: each reload here is the one asked for.
    gw, port, routes = start(sluice_bin, tmp_path, echo_routes([demo_backend.address]), extra=("--watch", "off"))
    try:
        assert gw.post("/v1/echo/a", {}).status == 200
        write_routes(routes, echo_routes([demo_backend.address], path="/v2/echo/{req.name}"))
        status, _, body = admin(port, "POST", "/admin/reload")
        assert status == 200 and body["reloaded"] is True and body["trigger"] == "admin", body
        assert gw.post("/v2/echo/a", {}).status == 200
        assert gw.post("/v1/echo/a", {}).status == 404

        # A broken change: refused with its position, and the running routes stay.
        (routes / "routes.yaml").write_text(json.dumps(echo_routes([demo_backend.address], path="/v3/{req.nope}")))
        status, _, body = admin(port, "POST", "/admin/reload")
        assert status == 422 and body["reloaded"] is False, body
        line = next(n for n, text in enumerate((routes / "routes.yaml").read_text().splitlines(), 1) if "/v3/" in text)
        assert len(body["errors"]) == 1 and "routes.yaml:%d:" % line in body["errors"][0], body
        assert gw.post("/v2/echo/a", {}).status == 200
        last = admin(port, "GET", "/admin/config")[2]["reloads"]
        assert (last["succeeded"], last["failed"], last["last"]["errors"]) == (1, 1, body["errors"])
        assert "reload refused: " + body["errors"][0] in gw.child.text()

        # SIGHUP reloads too.
        write_routes(routes, echo_routes([demo_backend.address], path="/v4/echo/{req.name}"))
        gw.child.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while gw.post("/v4/echo/a", {}).status != 200:
            assert time.monotonic() < deadline, gw.child.text()
            time.sleep(0.05)
        # The routes swap before the reload is recorded: wait for the record too.
        while admin(port, "GET", "/admin/config")[2]["reloads"]["last"]["trigger"] != "signal":
            assert time.monotonic() < deadline, gw.child.text()
            time.sleep(0.05)
        last = admin(port, "GET", "/admin/config")[2]["reloads"]["last"]
        assert last["trigger"] == "signal" and last["reloaded"] is True
        assert gw.child.proc.poll() is None
    finally:
        gw.stop()


def test_token_and_a_public_address(sluice_bin, tmp_path, demo_backend, sluice):
    routes = write_routes(tmp_path / "routes", echo_routes([demo_backend.address]))
    port = free_port()
    config = tmp_path / "sluice.yaml"
    config.write_text('listeners: [{address: "127.0.0.1:0"}]\nroutes: %s\nadmin: {address: "127.0.0.1:%d", token: s3cret}\n'
                      % (routes, port))
    child, _ = start_with_config(sluice_bin, config, tmp_path / "token.log")
    try:
        assert admin(port, "GET", "/healthz")[0] == 200
        for path in ["/readyz", "/admin/routes", "/admin/services", "/admin/config"]:
            status, headers, body = admin(port, "GET", path)
            assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer"), (path, body)
            assert body["error"]["code"] == "unauthorized"
            assert admin(port, "GET", path, token="wrong")[0] == 401
            assert admin(port, "GET", path, token="s3cret")[0] == 200
        assert admin(port, "POST", "/admin/reload")[0] == 401
        config_view = admin(port, "GET", "/admin/config", token="s3cret")[2]
        assert config_view["admin"]["token"] == "[redacted]"
        assert "s3cret" not in json.dumps(config_view)
    finally:
        child.stop()

    public = tmp_path / "public.yaml"
    public.write_text('listeners: [{address: "127.0.0.1:0"}]\nroutes: %s\nadmin: {address: "0.0.0.0:%d"}\n' % (routes, port))
    result = sluice("run", "--config", public)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "public.yaml:3:18: the admin listener on 0.0.0.0:%d is reachable from other machines" % port in result.stderr


def test_admin_off_and_bad_addresses(sluice_bin, tmp_path, demo_backend, sluice):
    routes = write_routes(tmp_path / "routes", echo_routes([demo_backend.address]))
    gw = Gateway.start(sluice_bin, routes, tmp_path / "off.log", extra=("--admin", "off"))
    try:
        assert "admin on" not in gw.child.text()
        assert gw.post("/v1/echo/a", {}).status == 200
    finally:
        gw.stop()
    result = sluice("run", "--routes", routes, "--admin", "nowhere")
    assert result.returncode != 0 and "--admin must be host:port or 'off'" in result.stderr
    # A chosen address that is taken fails the start, naming it.
    taken = free_port()
    holder = Gateway.start(sluice_bin, routes, tmp_path / "holder.log", extra=("--admin", "127.0.0.1:%d" % taken))
    try:
        result = sluice("run", "--routes", routes, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:%d" % taken)
        assert result.returncode != 0
        assert "127.0.0.1:%d: the admin listener cannot listen" % taken in result.stderr, result.stderr
    finally:
        holder.stop()


def test_flow_view_counts_what_the_clients_saw(sluice_bin, tmp_path, demo_backend):
    document = echo_routes([demo_backend.address])
    document["routes"][0]["name"] = "say"
    document["flow"] = [{"resource": "say", "grade": "qps", "count": 3}]
    document["circuit_breakers"] = [{"resource": "say", "strategy": "error_ratio", "threshold": 0.5, "min_requests": 5,
                                     "stat_interval": "1s", "recovery_timeout": "5s"}]
    gw, port, _ = start(sluice_bin, tmp_path, document)
    try:
        statuses = [gw.post("/v1/echo/f%d" % i, {}).status for i in range(12)]
        assert set(statuses) <= {200, 429} and 429 in statuses, statuses
        flow = admin(port, "GET", "/admin/flow")[2]
        resources = {r["resource"]: r for r in flow["resources"]}
        say = resources["say"]
        assert len(say["seconds"]) == 60
        assert all(b["t"] - a["t"] == 1000 for a, b in zip(say["seconds"], say["seconds"][1:]))
        assert abs(say["seconds"][-1]["t"] - flow["now"]) <= 1000
        total = {key: sum(s[key] for s in say["seconds"]) for key in ("pass", "block", "success", "exception")}
        assert total == {"pass": statuses.count(200), "block": statuses.count(429), "success": statuses.count(200),
                         "exception": 0}, (total, statuses)
        assert say["concurrency"] == 0 and say["inbound"] is True
        assert say["breakers"] == [{"strategy": "error_ratio", "state": "closed"}]
        # The backend method is a resource too, but no rule watches it: not listed.
        assert "echo:EchoService.Say" not in resources, sorted(resources)
        assert sum(s["pass"] + s["block"] for s in flow["inbound"]["seconds"]) == len(statuses)
    finally:
        gw.stop()


def test_flow_view_p99_follows_the_slow_calls(sluice_bin, tmp_path, resilience_backends):
    # Every fifth call sleeps 300 ms at the backend; the others answer at once.
    (backend,) = resilience_backends(1, stall_ms=300, stall_ratio=0.2)
    document = echo_routes([backend.address])
    document["services"][0].update({"transport": "theader", "timeout": "5s"})
    document["routes"][0]["name"] = "say"
    document["flow"] = [{"resource": "say", "grade": "qps", "count": 1000}]
    gw, port, _ = start(sluice_bin, tmp_path, document)
    try:
        statuses = [gw.post("/v1/echo/p%d" % i, {}).status for i in range(10)]
        assert statuses == [200] * 10
        seconds = {r["resource"]: r for r in admin(port, "GET", "/admin/flow")[2]["resources"]}["say"]["seconds"]
        answered = [s for s in seconds if s["success"]]
        assert sum(s["success"] for s in answered) == 10
        assert all(s["p99_rt_ms"] is None for s in seconds if not s["success"])
        assert all(s["p99_rt_ms"] >= s["min_rt_ms"] and s["p99_rt_ms"] >= s["avg_rt_ms"] for s in answered), answered
        # A second holding a slow call has it as its p99 (fewer than 100 calls: the 99th percentile is the slowest).
        slow = [s for s in answered if s["p99_rt_ms"] >= 300]
        assert 1 <= len(slow) <= 2, answered
    finally:
        gw.stop()
