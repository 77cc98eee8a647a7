"""Flow-control rules on `protocol: http` routes: requests proxied to a stdlib Python HTTP server through
`sluice run` are admitted before an upstream connection is taken, and the upstream's status is the call's
outcome (a 5xx is an error, another status only where a breaker lists it)."""

import json
import pathlib
import subprocess
import tempfile
import time

import pytest

from support.gateway import Gateway, write_routes
from test_http_proxy import upstream  # noqa: F401 (the stdlib upstream fixture)


@pytest.fixture(scope="module")
def gateway(upstream, sluice_bin, workdir):
    routes_dir = pathlib.Path(tempfile.mkdtemp(prefix="flow-proxy-", dir=workdir))
    write_routes(routes_dir, {
        "services": [{"name": "web", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % upstream]}],
        "routes": [
            {"name": "limited", "method": "GET", "path": "/limited/{rest=**}", "service": "web", "rewrite": "/{rest}"},
            {"name": "failing", "method": "GET", "path": "/failing", "service": "web", "rewrite": "/status"},
            {"name": "busy", "method": "GET", "path": "/busy", "service": "web", "rewrite": "/status"},
        ],
        "flow": [{"resource": "limited", "grade": "qps", "count": 2}],
        "circuit_breakers": [
            {"resource": "failing", "strategy": "error_count", "threshold": 1, "min_requests": 1,
             "stat_interval": "10s", "recovery_timeout": "1s"},
            {"resource": "busy", "strategy": "error_count", "threshold": 1, "min_requests": 1,
             "stat_interval": "10s", "recovery_timeout": "30s", "errors": ["http:429"]},
        ],
    })
    gw = Gateway.start(sluice_bin, routes_dir, workdir / "flow-proxy-gateway.log")
    yield gw
    gw.stop()


def get(url):
    result = subprocess.run(["curl", "-sS", "-i", url], capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.decode().partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in lines[1:] if ":" in line}
    return int(lines[0].split()[1]), headers, body


def test_a_qps_rule_holds_a_proxy_route_back_before_the_upstream(gateway):
    statuses = [get(gateway.url + "/limited/x")[0] for _ in range(4)]
    assert statuses.count(200) == 2 and statuses.count(429) == 2, statuses
    status, _, body = get(gateway.url + "/limited/x")
    assert status == 429
    error = json.loads(body)["error"]
    assert error["code"] == "flow_blocked" and error["rule"] == "flow" and error["resource"] == "limited"


def test_an_upstream_5xx_trips_a_breaker_and_it_closes_after_a_good_probe(gateway):
    assert get(gateway.url + "/failing?code=503")[0] == 503
    assert get(gateway.url + "/failing?code=502")[0] == 502
    status, headers, body = get(gateway.url + "/failing?code=200")
    assert status == 503
    assert json.loads(body)["error"]["code"] == "circuit_open"
    assert headers["retry-after"] == "1"
    time.sleep(1.1)  # the recovery timeout
    assert get(gateway.url + "/failing?code=200")[0] == 200  # the probe
    assert get(gateway.url + "/failing?code=500")[0] == 500


def test_a_4xx_counts_as_an_error_only_where_the_breaker_lists_it(gateway):
    for _ in range(3):
        assert get(gateway.url + "/failing?code=404")[0] == 404
    assert get(gateway.url + "/busy?code=429")[0] == 429
    assert get(gateway.url + "/busy?code=429")[0] == 429
    status, _, body = get(gateway.url + "/busy?code=200")
    assert status == 503 and json.loads(body)["error"]["resource"] == "busy"
