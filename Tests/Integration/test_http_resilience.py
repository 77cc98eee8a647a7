"""`protocol: http` services through the client's cluster (issue 14 for HTTP upstreams): retries past a dead,
killed or slow endpoint and past a 503 (the request's body sent again intact), a non-idempotent route that
retries only what was never sent, the retry budget, a hedge past a stalled endpoint, outlier ejection, GET
health checks (over TLS too), every endpoint down answering 503 at once, and endpoints found in etcd, against
stdlib Python echo servers that can be told to fail (servers/http_echo_server.py)."""

import hashlib
import http.client
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from support.processes import Child, free_port, wait_for_port

SERVERS = pathlib.Path(__file__).parent / "servers"
# A third to a half of a quick sequential run is retried: more than the default budget allows (10 a second).
BUDGET = {"ratio": 1.0, "min_per_second": 1000}


class Upstream:
    def __init__(self, child, port, tls_ca=None):
        self.child = child
        self.port = port
        self.tls_ca = tls_ca

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls_ca else "http", self.port)

    def control(self, what):
        context = None
        if self.tls_ca:
            import ssl

            context = ssl.create_default_context(cafile=str(self.tls_ca))
        with urllib.request.urlopen("%s/control/%s" % (self.url, what), timeout=5, context=context) as response:
            return json.load(response)

    def fail(self, status=503):
        self.control("fail?status=%d" % status)

    def recover(self):
        self.control("recover")

    def counts(self):
        return self.control("count")


@pytest.fixture
def upstreams(workdir):
    started = []

    def start(count, script="http_echo_server.py", *args):
        made = []
        for _ in range(count):
            child = Child([sys.executable, SERVERS / script, *args],
                          workdir / ("http-resilience-%d.log" % len(started)))
            port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
            wait_for_port(port)
            started.append(child)
            made.append(Upstream(child, port))
        return made

    yield start
    for child in started:
        child.stop()


def gateway(start_gateway, endpoints, route=None, **service_keys):
    service = {"name": "web", "protocol": "http", "endpoints": endpoints, "timeout": "5s"}
    service.update(service_keys)
    if "discovery" in service_keys:
        del service["endpoints"]
    proxied = {"method": "*", "path": "/web/{rest=**}", "service": "web", "rewrite": "/{rest}"}
    proxied.update(route or {})
    return start_gateway({"services": [service], "routes": [proxied]}, name="http-resilience")


class Client:
    """One keep-alive connection to the gateway: one event loop, so one balancer and detector."""

    def __init__(self, gw):
        self.conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=20)

    def request(self, method="GET", path="/web/echo", body=None):
        headers = {"content-type": "application/octet-stream"} if body is not None else {}
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None

    def close(self):
        self.conn.close()


def dead_url():
    return "http://127.0.0.1:%d" % free_port()


def test_a_dead_endpoint_costs_no_request_whatever_the_method(start_gateway, upstreams):
    first, second = upstreams(2)
    # Not idempotent: only failures before anything was sent are retried, and a refused connect is one.
    gw = gateway(start_gateway, [first.url, dead_url(), second.url], balancer="round_robin",
                 retry={"max_attempts": 3, "on": ["connect_failure"], "backoff": {"base": "1ms", "max": "5ms"},
                        "budget": BUDGET})
    client = Client(gw)
    body = bytes(range(256)) * 40
    answered = set()
    for i in range(30):
        status, reply = client.request("POST", "/web/post%d" % i, body)
        assert status == 200, (i, reply)
        assert reply["body_sha256"] == hashlib.sha256(body).hexdigest()
        answered.add(reply["server_port"])
    assert answered == {first.port, second.port}
    client.close()


def test_an_h2c_service_goes_past_a_dead_endpoint_too(start_gateway, upstreams):
    first, second = upstreams(2, "h2_echo_server.py")
    gw = gateway(start_gateway, [first.url, dead_url(), second.url], balancer="round_robin", h2c=True,
                 retry={"max_attempts": 3, "on": ["connect_failure"], "backoff": {"base": "1ms", "max": "5ms"},
                        "budget": BUDGET})
    client = Client(gw)
    answered = set()
    for i in range(15):
        status, reply = client.request("POST", "/web/h2c%d" % i, b"over a stream")
        assert status == 200, (i, reply)
        answered.add(reply["server_port"])
    assert answered == {first.port, second.port}
    client.close()


def test_a_killed_endpoint_under_load_fails_no_request(start_gateway, upstreams):
    from test_resilience import SUPPORT_LUA

    group = upstreams(3)
    gw = gateway(start_gateway, [u.url for u in group], balancer="round_robin",
                 retry={"max_attempts": 3, "on": ["connect_failure", "reset"], "idempotent": True,
                        "backoff": {"base": "5ms", "max": "20ms"}, "budget": {"ratio": 0.5, "min_per_second": 50}},
                 outlier={"consecutive_failures": 3, "interval": "1s", "base_ejection": "30s",
                          "max_ejection_percent": 50})
    outcome = {}

    def load():
        outcome["wrk"] = subprocess.run(
            ["wrk", "-t2", "-c8", "-d4s", "-s", str(SUPPORT_LUA), gw.url + "/web/w"], capture_output=True, text=True,
            timeout=60, env={**os.environ, "WRK_POST_JSON": '{"message":"wrk"}'})

    loader = threading.Thread(target=load)
    loader.start()
    time.sleep(1.0)
    group[1].child.kill()
    loader.join()
    result = outcome["wrk"]
    assert result.returncode == 0, result.stderr
    ok, blocked, other = map(int, re.search(r"statuses: 2xx=(\d+) 429=(\d+) other=(\d+)", result.stdout).groups())
    assert ok > 0
    assert blocked + other == 0, "%d requests failed while an endpoint died" % (blocked + other)


def test_a_503_is_retried_elsewhere_with_its_body_on_an_idempotent_route(start_gateway, upstreams):
    good, bad = upstreams(2)
    bad.fail(503)
    gw = gateway(start_gateway, [good.url, bad.url], balancer="round_robin",
                 retry={"max_attempts": 2, "on": ["http:503"], "idempotent": True,
                        "backoff": {"base": "1ms", "max": "5ms"}, "budget": BUDGET})
    client = Client(gw)
    body = b"replay me " * 500
    for i in range(20):
        status, reply = client.request("PUT", "/web/put%d" % i, body)
        assert status == 200, reply
        assert reply["server_port"] == good.port
        assert reply["body_bytes"] == len(body) and reply["body_sha256"] == hashlib.sha256(body).hexdigest()
    # Round robin sent about half the first attempts to the failing endpoint; each was tried again.
    assert bad.counts()["failed"] >= 5, bad.counts()
    client.close()


def test_a_slow_endpoint_is_left_at_the_per_try_timeout(start_gateway, upstreams):
    fast, = upstreams(1)
    slow, = upstreams(1, "http_echo_server.py", "--delay-ms", "3000")
    gw = gateway(start_gateway, [fast.url, slow.url], balancer="round_robin",
                 retry={"max_attempts": 2, "per_try_timeout": "200ms", "on": ["timeout"], "idempotent": True,
                        "backoff": {"base": "1ms", "max": "5ms"}, "budget": BUDGET})
    client = Client(gw)
    for i in range(6):
        # The slow endpoint would answer after 3 s, with its own port.
        status, reply = client.request("GET", "/web/t%d" % i)
        assert status == 200 and reply["server_port"] == fast.port, reply
    # Each retried request's first attempt did reach the slow endpoint.
    assert slow.counts()["served"] >= 2
    client.close()


def test_the_budget_caps_retries_when_every_endpoint_fails(start_gateway, upstreams):
    group = upstreams(2)
    for upstream in group:
        upstream.fail(503)
    gw = gateway(start_gateway, [u.url for u in group], balancer="round_robin",
                 retry={"max_attempts": 3, "on": ["http:503"], "idempotent": True,
                        "backoff": {"base": "1ms", "max": "2ms"}, "budget": {"ratio": 0.1, "min_per_second": 5}})
    client = Client(gw)
    started = time.monotonic()
    statuses = [client.request()[0] for _ in range(100)]
    seconds = time.monotonic() - started
    client.close()
    assert statuses == [503] * 100
    attempts = sum(u.counts()["served"] for u in group)
    # One request in flight at a time: the ratio allows none, the floor 5 a second. Without a budget: 300.
    assert 100 < attempts <= 100 + 5 * (int(seconds) + 2), (attempts, seconds)


def test_a_hedge_answers_past_a_stalled_endpoint_and_the_loser_is_cut(start_gateway, upstreams):
    fast, = upstreams(1)
    stalled, = upstreams(1, "http_echo_server.py", "--delay-ms", "3000")
    gw = gateway(start_gateway, [stalled.url, fast.url], balancer="round_robin", timeout="10s",
                 hedge={"delay": "50ms", "max_extra": 1})
    client = Client(gw)
    body = b"hedged " * 300
    for i in range(6):
        # Half the first attempts go to the stalled endpoint, which would answer after 3 s with its own port.
        status, reply = client.request("POST", "/web/h%d" % i, body)
        assert status == 200 and reply["server_port"] == fast.port, reply
        assert reply["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert stalled.counts()["served"] >= 3  # the stalled endpoint had the first attempts: they were hedged
    client.close()


def test_a_route_that_is_not_idempotent_relays_the_503(start_gateway, upstreams):
    good, bad = upstreams(2)
    bad.fail(503)
    gw = gateway(start_gateway, [good.url, bad.url], balancer="round_robin",
                 retry={"max_attempts": 2, "on": ["http:503"], "backoff": {"base": "1ms", "max": "5ms"}})
    client = Client(gw)
    statuses = [client.request("POST", "/web/once", b"x")[0] for _ in range(10)]
    # Written and answered: a non-idempotent route does not send it again, and the client hears the 503.
    assert statuses.count(503) == 5 and statuses.count(200) == 5, statuses
    assert bad.counts()["failed"] == 5
    client.close()


def test_a_route_overrides_its_service_retry(start_gateway, upstreams):
    good, bad = upstreams(2)
    bad.fail(502)
    gw = gateway(start_gateway, [good.url, bad.url], balancer="round_robin",
                 route={"retry": {"max_attempts": 2, "on": ["http:5xx"], "idempotent": True,
                                  "backoff": {"base": "1ms", "max": "5ms"}, "budget": BUDGET}})
    client = Client(gw)
    for _ in range(10):
        status, reply = client.request()
        assert status == 200 and reply["server_port"] == good.port
    client.close()


def test_outlier_ejection_takes_a_failing_endpoint_out(start_gateway, upstreams):
    good, bad = upstreams(2)
    bad.fail(500)
    gw = gateway(start_gateway, [good.url, bad.url], balancer="round_robin",
                 outlier={"consecutive_failures": 3, "interval": "200ms", "base_ejection": "30s",
                          "max_ejection_percent": 50})
    client = Client(gw)
    statuses = [client.request()[0] for _ in range(40)]
    # Ejected after three failures on this connection's loop; no retry, so the client saw those three.
    assert statuses.count(500) == 3, statuses
    assert statuses[-30:] == [200] * 30
    client.close()


def test_health_checks_take_an_endpoint_out_and_bring_it_back(start_gateway, upstreams):
    good, flaky = upstreams(2)
    gw = gateway(start_gateway, [good.url, flaky.url], balancer="round_robin",
                 health_check={"interval": "200ms", "timeout": "200ms", "healthy": 1, "unhealthy": 1,
                               "path": "/healthz"})
    client = Client(gw)

    def answered_by(count=10):
        ports = []
        for _ in range(count):
            status, reply = client.request()
            ports.append(reply["server_port"] if status == 200 else status)
        return ports

    flaky.fail(503)  # its /healthz now answers 503 too
    deadline = time.monotonic() + 15
    while flaky.port in answered_by() or 503 in answered_by():
        assert time.monotonic() < deadline, "the failing endpoint was never marked down"
    assert answered_by(20) == [good.port] * 20
    flaky.recover()
    deadline = time.monotonic() + 15
    while flaky.port not in answered_by():
        assert time.monotonic() < deadline, "the recovered endpoint never came back"
    client.close()


def test_health_checks_probe_https_endpoints_over_tls(start_gateway, workdir, dev_certs):
    tls = ["--tls-cert", str(dev_certs / "server.crt"), "--tls-key", str(dev_certs / "server.key")]
    group = []
    try:
        for n in range(2):
            child = Child([sys.executable, SERVERS / "http_echo_server.py", *tls], workdir / ("https-health-%d.log" % n))
            port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
            wait_for_port(port)
            group.append(Upstream(child, port, tls_ca=dev_certs / "ca.crt"))
        good, flaky = group
        gw = gateway(start_gateway, [good.url, flaky.url], balancer="round_robin", tls={"ca": str(dev_certs / "ca.crt")},
                     health_check={"interval": "200ms", "timeout": "200ms", "healthy": 1, "unhealthy": 1,
                                   "path": "/healthz"})
        client = Client(gw)
        flaky.fail(503)
        deadline = time.monotonic() + 15
        streak = 0
        while streak < 10:
            assert time.monotonic() < deadline, "the failing endpoint was never marked down"
            status, reply = client.request()
            streak = streak + 1 if status == 200 and reply["server_port"] == good.port else 0
        # The probes reached both endpoints over TLS, verified against the service's CA.
        assert good.counts()["probes"] > 0 and flaky.counts()["probes"] > 0
        client.close()
    finally:
        for upstream in group:
            upstream.child.stop()


def test_every_endpoint_down_answers_503_at_once(start_gateway, upstreams):
    first, second = upstreams(2)
    gw = gateway(start_gateway, [first.url, second.url],
                 health_check={"interval": "200ms", "timeout": "200ms", "healthy": 1, "unhealthy": 1,
                               "path": "/healthz"})
    client = Client(gw)
    first.fail(503)
    second.fail(503)
    deadline = time.monotonic() + 15
    while True:
        status, reply = client.request()
        if status == 503 and "no endpoint" in reply.get("error", {}).get("message", ""):
            break
        assert time.monotonic() < deadline, "the endpoints were never both marked down"
        time.sleep(0.05)
    served = first.counts()["served"] + second.counts()["served"]
    for _ in range(5):
        # Answered by the pick that found no endpoint, not by a connect or a wait for one.
        status, reply = client.request()
        assert status == 503 and "all 2 endpoints are ejected or unavailable" in reply["error"]["message"], reply
    assert first.counts()["served"] + second.counts()["served"] == served  # none reached an upstream
    assert first.counts()["probes"] > 0 and second.counts()["probes"] > 0
    client.close()


def test_http_endpoints_follow_etcd_without_a_reload(start_gateway, upstreams, etcd):
    first, second = upstreams(2)
    etcd.register("127.0.0.1:%d" % first.port)
    gw = gateway(start_gateway, [], balancer="round_robin",
                 discovery={"etcd": {"endpoints": [etcd.address], "service": "echo"}})
    client = Client(gw)

    def answered_by(count=10):
        ports = []
        for _ in range(count):
            status, reply = client.request()
            assert status == 200, reply
            ports.append(reply["server_port"])
        return ports

    deadline = time.monotonic() + 10
    while client.request()[0] != 200:  # the first set arrives shortly after start
        assert time.monotonic() < deadline, "no endpoint discovered"
        time.sleep(0.05)
    assert set(answered_by()) == {first.port}
    etcd.register("127.0.0.1:%d" % second.port)
    deadline = time.monotonic() + 10
    while second.port not in answered_by():
        assert time.monotonic() < deadline, "a registered endpoint never got traffic"
    etcd.deregister("127.0.0.1:%d" % first.port)
    deadline = time.monotonic() + 10
    while first.port in answered_by():
        assert time.monotonic() < deadline, "a deregistered endpoint kept getting traffic"
    assert set(answered_by(20)) == {second.port}
    client.close()
