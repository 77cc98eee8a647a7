"""gRPC services through the cluster (issue 14): the resilience keys on a `protocol: grpc` service, against
controllable grpcio backends (servers/grpc_resilience_server.py over grpc/resilience.proto): weights, consistent
hashing on a header, a route's timeout as the deadline sent, retries of UNAVAILABLE replies onto another
endpoint, a killed endpoint under load, a hedge past a stalled server, each attempt's grpc-timeout, all
endpoints down, health checks, streaming calls balanced but sent once, and endpoints discovered from etcd
(which pass-through gRPC calls reach too)."""

import json
import time

import pytest

from support.grpc_resilience import PROTO, start_grpc_backends
from support.processes import free_port
from test_resilience import (
    SURVIVES_A_DEATH, Client, assert_each_key_stays_on_one_endpoint, assert_no_failure_while_one_dies, totals)


@pytest.fixture
def backends(workdir):
    started = []

    def start(count):
        group = start_grpc_backends(workdir, count)
        started.extend(group)
        return group

    yield start
    for backend in started:
        backend.stop()


def endpoint(backend, weight=None):
    return backend.address if weight is None else {"address": backend.address, "weight": weight}


def grpc_gateway(start_gateway, endpoints, route=None, **service_keys):
    service = {"name": "echo", "protocol": "grpc", "idl": str(PROTO), "endpoints": endpoints, "timeout": "2s"}
    service.update(service_keys)
    if "discovery" in service_keys:
        del service["endpoints"]
    say = {"method": "POST", "path": "/echo/{name}", "service": "echo", "call": "Echo.Say", "body": "*"}
    say.update(route or {})
    # wrk's path (test_resilience.wrk posts to /echo/w) is the same route.
    watch = {"method": "POST", "path": "/watch/{name}", "service": "echo", "call": "Echo.Watch", "body": "*"}
    return start_gateway({"services": [service], "routes": [say, watch]}, name="grpc-resilience")


def test_weighted_round_robin_splits_calls_by_weight(start_gateway, backends):
    light, heavy = backends(2)
    gw = grpc_gateway(start_gateway, [endpoint(light, 1), endpoint(heavy, 3)], balancer="weighted_round_robin")
    client = Client(gw)
    for i in range(400):
        status, body = client.post("/echo/w%d" % i)
        assert status == 200, body
        assert json.loads(body)["name"] == "w%d" % i
    client.close()
    assert totals([light, heavy]) == [100, 300]  # smooth weighted round robin is exact


def test_consistent_hash_keeps_a_key_on_one_endpoint(start_gateway, backends):
    group = backends(3)
    gw = grpc_gateway(start_gateway, [endpoint(b) for b in group], balancer="consistent_hash",
                      hash_key={"header": "x-user"})
    assert_each_key_stays_on_one_endpoint(gw, group)


def test_a_route_timeout_is_the_call_deadline_sent(start_gateway, backends):
    (only,) = backends(1)
    gw = grpc_gateway(start_gateway, [endpoint(only)], timeout="10s", route={"timeout": "400ms"},
                      retry={"max_attempts": 2, "on": ["unavailable"], "idempotent": True})
    client = Client(gw)
    status, body = client.post("/echo/rt")
    client.close()
    assert status == 200, body
    assert 0 < int(json.loads(body)["timeoutMs"]) <= 400


def test_unavailable_replies_are_retried_on_another_endpoint(start_gateway, backends):
    flaky, steady = backends(2)
    flaky.set_mode(unavailable_first=5)
    gw = grpc_gateway(start_gateway, [endpoint(flaky, 100), endpoint(steady, 1)], balancer="weighted_round_robin",
                      retry={"max_attempts": 2, "on": ["unavailable"], "idempotent": True, "backoff": {"base": "1ms"},
                             "budget": {"ratio": 1.0, "min_per_second": 100}})
    client = Client(gw)
    for i in range(10):
        status, body = client.post("/echo/r%d" % i)
        assert status == 200, body
    client.close()
    flaky_stats, steady_stats = flaky.stats(), steady.stats()
    assert flaky_stats["failed"] == 5
    assert steady_stats["ok"] >= 5  # each UNAVAILABLE answered by the other endpoint


def test_a_status_not_in_the_retry_list_is_the_answer(start_gateway, backends):
    group = backends(2)
    for b in group:
        b.set_mode(status=5)  # NOT_FOUND: the service's answer, not the endpoint's failure
    gw = grpc_gateway(start_gateway, [endpoint(b) for b in group],
                      retry={"max_attempts": 3, "on": ["unavailable"], "idempotent": True})
    client = Client(gw)
    status, body = client.post("/echo/nf")
    client.close()
    assert status == 404, body
    assert sum(totals(group)) == 1  # not retried


def test_non_idempotent_routes_do_not_retry_an_answered_status(start_gateway, backends):
    flaky, steady = backends(2)
    flaky.set_mode(unavailable_first=1)
    gw = grpc_gateway(start_gateway, [endpoint(flaky, 100), endpoint(steady, 1)], balancer="weighted_round_robin",
                      retry={"max_attempts": 2, "on": ["unavailable"]})
    client = Client(gw)
    status, _ = client.post("/echo/once")
    client.close()
    assert status == 503  # UNAVAILABLE's HTTP status: the server saw the request, so it is not sent again
    assert totals([flaky, steady]) == [1, 0]


def test_a_killed_endpoint_under_load_fails_no_call(start_gateway, backends):
    group = backends(3)
    gw = grpc_gateway(start_gateway, [endpoint(b) for b in group], **SURVIVES_A_DEATH)
    assert_no_failure_while_one_dies(gw, group[1])


def test_a_hedge_answers_past_a_stalled_server(start_gateway, backends):
    stalled, healthy = backends(2)
    stalled.set_mode(stall_ms=3000)
    gw = grpc_gateway(start_gateway, [endpoint(stalled, 100), endpoint(healthy, 1)], balancer="weighted_round_robin",
                      timeout="1s", hedge={"delay": "20ms", "max_extra": 1})
    client = Client(gw)
    for i in range(3):
        status, body = client.post("/echo/h%d" % i)
        # Without the hedge each call would wait on the stalled server until the 1 s timeout (504).
        assert status == 200, body
        assert json.loads(body)["server"] == healthy.name
    client.close()
    assert healthy.stats()["ok"] >= 3


def test_each_attempt_sends_its_own_grpc_timeout(start_gateway, backends):
    first, second = backends(2)
    first.set_mode(unavailable_first=1)
    gw = grpc_gateway(start_gateway, [endpoint(first, 100), endpoint(second, 1)], balancer="weighted_round_robin",
                      timeout="5s", retry={"max_attempts": 2, "per_try_timeout": "300ms", "on": ["unavailable"],
                                          "idempotent": True, "backoff": {"base": "1ms"}})
    client = Client(gw)
    status, body = client.post("/echo/t")
    client.close()
    assert status == 200, body
    seen = first.stats()["timeouts_ms"] + second.stats()["timeouts_ms"]
    assert len(seen) == 2
    # Each attempt's deadline is the per-try timeout (not the call's 5 s), less the time on the way.
    assert all(0 < ms <= 300 for ms in seen), seen
    assert int(json.loads(body)["timeoutMs"]) <= 300


def test_every_endpoint_down_answers_503_at_once(start_gateway, backends):
    group = backends(2)
    gw = grpc_gateway(start_gateway, [endpoint(b) for b in group], timeout="10s",
                      outlier={"consecutive_failures": 1, "interval": "1s", "base_ejection": "30s",
                               "max_ejection_percent": 100})
    for b in group:
        b.kill()
    client = Client(gw, timeout=8)
    statuses, bodies = [], []
    for i in range(6):
        started = time.monotonic()
        status, body = client.post("/echo/d%d" % i)
        statuses.append(status)
        bodies.append(body)
        # "At once": well inside the 10 s timeout, which a hang would run into.
        assert time.monotonic() - started < 5, body
    client.close()
    assert statuses[-1] == 503, statuses
    assert b"echo" in bodies[-1], bodies[-1]  # names the service


def test_health_checks_take_a_not_serving_endpoint_out(start_gateway, backends):
    good, sick = backends(2)
    sick.set_mode(serving=False)
    gw = grpc_gateway(start_gateway, [endpoint(good), endpoint(sick)], balancer="round_robin",
                      health_check={"interval": "100ms", "timeout": "100ms", "healthy": 1, "unhealthy": 1})
    client = Client(gw)
    deadline = time.monotonic() + 10
    while True:  # until the first probes have run
        before = sick.stats()["total"]
        for i in range(10):
            status, _ = client.post("/echo/hc%d" % i)
            assert status == 200
        if sick.stats()["total"] == before:
            break
        assert time.monotonic() < deadline, "the NOT_SERVING endpoint kept getting calls"
        time.sleep(0.2)
    client.close()


def test_streaming_calls_are_balanced_and_sent_once(start_gateway, backends):
    first, second = backends(2)
    gw = grpc_gateway(start_gateway, [endpoint(first), endpoint(second)], balancer="round_robin",
                      retry={"max_attempts": 3, "on": ["unavailable"], "idempotent": True})
    client = Client(gw)
    for i in range(4):
        status, body = client.post("/watch/s%d" % i)
        assert status == 200, body
        lines = [json.loads(line) for line in body.decode().split("\n") if line.strip()]
        assert [line["name"] for line in lines] == ["s%d-%d" % (i, n) for n in range(3)], lines
    assert [first.stats()["watch"], second.stats()["watch"]] == [2, 2]
    # A stream is not retried, even with a retry policy that would retry a unary call's UNAVAILABLE.
    first.set_mode(unavailable_first=1)
    second.set_mode(unavailable_first=1)
    status, body = client.post("/watch/once")
    client.close()
    assert status == 503, body
    assert first.stats()["watch"] + second.stats()["watch"] == 5


def test_a_stream_goes_past_a_dead_endpoint_before_anything_was_sent(start_gateway, backends):
    (live,) = backends(1)
    dead = "127.0.0.1:%d" % free_port()
    gw = grpc_gateway(start_gateway, [dead, endpoint(live)], balancer="round_robin",
                      retry={"max_attempts": 2, "on": ["connect_failure"]})
    client = Client(gw)
    for i in range(4):
        # Round robin sends every other stream to the dead endpoint first: its connect fails, nothing went out,
        # so the stream goes to the live one, although the route is not idempotent.
        status, body = client.post("/watch/d%d" % i)
        assert status == 200, body
        lines = [json.loads(line) for line in body.decode().split("\n") if line.strip()]
        assert [line["name"] for line in lines] == ["d%d-%d" % (i, n) for n in range(3)], lines
    client.close()
    assert live.stats()["watch"] == 4


def test_pass_through_calls_go_past_a_dead_endpoint(start_gateway, backends):
    import grpc

    (live,) = backends(1)
    dead = "127.0.0.1:%d" % free_port()
    gw = grpc_gateway(start_gateway, [dead, endpoint(live)], balancer="round_robin",
                      retry={"max_attempts": 2, "on": ["connect_failure"]})
    with grpc.insecure_channel("127.0.0.1:%d" % gw.port) as channel:
        say = channel.unary_unary("/sluice.resilience.Echo/Say", request_serializer=None, response_deserializer=None)
        # Every other call's first attempt finds the dead endpoint; nothing was sent, so it goes on.
        for _ in range(6):
            assert say(b"\x0a\x01x", timeout=5)
    assert live.stats()["total"] == 6


def test_endpoints_discovered_from_etcd(start_gateway, backends, etcd):
    first, second = backends(2)
    etcd.register(first.address)
    gw = grpc_gateway(start_gateway, [], balancer="round_robin",
                      discovery={"etcd": {"endpoints": [etcd.address], "service": "echo"}})
    client = Client(gw)
    deadline = time.monotonic() + 10
    while client.post("/echo/first")[0] != 200:  # the first set arrives shortly after start
        assert time.monotonic() < deadline, "no endpoint discovered"
        time.sleep(0.05)
    etcd.register(second.address, weight=10)
    deadline = time.monotonic() + 10
    while second.stats()["total"] == 0:
        status, body = client.post("/echo/e")
        assert status == 200, body
        assert time.monotonic() < deadline, "a registered endpoint never got traffic"
    client.close()

    # A gRPC client's pass-through call goes through the same service's cluster: the discovered endpoints too.
    import grpc

    before = sum(totals([first, second]))
    with grpc.insecure_channel("127.0.0.1:%d" % gw.port) as channel:
        say = channel.unary_unary("/sluice.resilience.Echo/Say", request_serializer=None, response_deserializer=None)
        for _ in range(4):
            assert say(b"\x0a\x01x", timeout=5)
    assert sum(totals([first, second])) == before + 4
