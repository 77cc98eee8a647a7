"""`protocol: http` services over several upstreams (issue 14's balancers for HTTP): weighted endpoints,
least-request choice away from a slow upstream, and consistent hashing on a header, over HTTP/1.1 and h2c,
against stdlib Python echo servers that say which of them answered (servers/http_echo_server.py,
servers/h2_echo_server.py)."""

import http.client
import json
import pathlib
import sys
import threading

import pytest

from support.processes import Child, wait_for_port

SERVERS = pathlib.Path(__file__).parent / "servers"


@pytest.fixture
def upstreams(workdir):
    """Starts echo upstreams (`script` with `args`); returns their ports. Stopped after the test."""
    started = []

    def start(count, script="http_echo_server.py", *args):
        ports = []
        for _ in range(count):
            child = Child([sys.executable, SERVERS / script, *map(str, args)],
                          workdir / ("balancing-%s-%d.log" % (script, len(started))))
            port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
            wait_for_port(port)
            started.append(child)
            ports.append(port)
        return ports

    yield start
    for child in started:
        child.stop()


def gateway(start_gateway, endpoints, **service_keys):
    service = {"name": "web", "protocol": "http", "endpoints": endpoints, "timeout": "5s"}
    service.update(service_keys)
    route = {"method": "*", "path": "/web/{rest=**}", "service": "web", "rewrite": "/{rest}"}
    return start_gateway({"services": [service], "routes": [route]}, name="http-balancing")


def url(port):
    return "http://127.0.0.1:%d" % port


class Client:
    """One keep-alive connection to the gateway: one event loop, so one balancer's state."""

    def __init__(self, gw):
        self.conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=20)

    def answered_by(self, path="/web/echo", headers=None):
        self.conn.request("GET", path, headers=headers or {})
        response = self.conn.getresponse()
        body = response.read()
        assert response.status == 200, body
        return json.loads(body)["server_port"]

    def close(self):
        self.conn.close()


def test_weights_split_requests_one_to_three(start_gateway, upstreams):
    light, heavy = upstreams(2)
    gw = gateway(start_gateway, [url(light), {"address": url(heavy), "weight": 3}],
                 balancer="weighted_round_robin")
    client = Client(gw)
    answers = [client.answered_by() for _ in range(400)]
    client.close()
    assert abs(answers.count(light) / 400 - 0.25) <= 0.03, answers.count(light)
    assert answers.count(light) + answers.count(heavy) == 400


@pytest.mark.parametrize("balancer", ["p2c", "ewma"])
def test_least_loaded_balancers_send_less_to_a_slow_upstream(start_gateway, upstreams, balancer):
    fast_a, fast_b = upstreams(2)
    (slow,) = upstreams(1, "http_echo_server.py", "--delay-ms", 150)
    gw = gateway(start_gateway, [url(fast_a), url(fast_b), url(slow)], balancer=balancer)
    counts = {}
    lock = threading.Lock()

    def load():
        client = Client(gw)
        for _ in range(40):
            port = client.answered_by()
            with lock:
                counts[port] = counts.get(port, 0) + 1
        client.close()

    threads = [threading.Thread(target=load) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts.values()) == 240
    # Even spreading would give the slow one a third (80); a least-loaded choice gives it much less.
    assert counts.get(slow, 0) < 240 / 4, counts


def test_consistent_hash_keeps_a_header_key_on_one_upstream(start_gateway, upstreams):
    ports = upstreams(3)
    gw = gateway(start_gateway, [url(p) for p in ports], balancer="consistent_hash", hash_key={"header": "x-user"})
    homes = set()
    for user in range(12):
        # A new connection each time: the key, not the connection's event loop, decides.
        answers = set()
        for _ in range(4):
            client = Client(gw)
            answers.add(client.answered_by(headers={"x-user": "user-%d" % user}))
            client.close()
        assert len(answers) == 1, (user, answers)
        homes |= answers
    assert len(homes) > 1


def test_h2c_upstreams_are_balanced_by_weight_too(start_gateway, upstreams):
    light, heavy = upstreams(2, "h2_echo_server.py")
    gw = gateway(start_gateway, [url(light), {"address": url(heavy), "weight": 3}],
                 balancer="weighted_round_robin", h2c=True)
    client = Client(gw)
    answers = [client.answered_by() for _ in range(200)]
    client.close()
    assert abs(answers.count(light) / 200 - 0.25) <= 0.04, answers.count(light)
