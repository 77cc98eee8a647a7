"""Flow control of gRPC calls passed through unchanged: grpcio clients call the grpcio relay
(grpc/passthrough_server.py, started with --log-calls so the tests see which calls reached it) through
`sluice run`, whose `protocol: grpc` service has no routes (auto_routes false). Each method is the resource
`relay:passthrough.v1.Relay.<Method>`, and its route `POST /passthrough.v1.Relay/<Method>` is what system rules
count. A blocked call is a gRPC status: RESOURCE_EXHAUSTED for a flow or system rule, UNAVAILABLE for an open
breaker. Breakers count the call's grpc-status. Held calls are bidi `Echo` streams kept open, so nothing here
is timed; only the breaker's 1 s recovery timeout is waited out. `sluice check` of such rules is at the end.
"""

import queue
import re
import time

import grpc
import pytest

from test_grpc_passthrough import PROTO, relay_gen, relay_service, start_relay  # noqa: F401 (relay_gen: a fixture)

METHOD = "relay:passthrough.v1.Relay."


@pytest.fixture(scope="module")
def relay(workdir, relay_gen):  # noqa: F811
    child, port = start_relay(workdir, relay_gen[0], "flow-relay", "--log-calls")
    yield child, port
    child.stop()


@pytest.fixture
def gateway(start_gateway, relay, relay_gen):  # noqa: F811
    """gateway(**rule sections) -> a RelayStub through a new `sluice run` with those rules."""
    channels = []

    def start(**sections):
        service = dict(relay_service(relay[1]), auto_routes=False)
        gw = start_gateway(dict({"services": [service], "routes": []}, **sections), name="grpc-flow")
        channels.append(grpc.insecure_channel("127.0.0.1:%d" % gw.port))
        return relay_gen[2].RelayStub(channels[-1])

    yield start
    for channel in channels:
        channel.close()


def backend_calls(relay, stub, pb, method):
    """The texts of the relay's calls of `method` so far: a Unary call straight to the relay is logged after
    every call answered before it, so once its line is in, theirs are."""
    child, port = relay
    marker = "sync-%d" % time.monotonic_ns()
    with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
        type(stub)(channel).Unary(pb.Note(text=marker), timeout=10)
    deadline = time.monotonic() + 10
    while not any(marker in line for line in list(child.output)):
        assert time.monotonic() < deadline, "the relay never logged the sync call"
        time.sleep(0.01)
    return [line.split(" ", 2)[2].strip() for line in list(child.output) if line.startswith("call %s " % method)]


class HeldEcho:
    """A bidi Echo call kept open: in flight at the gateway and the relay from its first reply until close()."""

    def __init__(self, stub, pb):
        self.outgoing = queue.Queue()
        self.replies = stub.Echo(iter(self.outgoing.get, None), timeout=30)
        self.outgoing.put(pb.Note(text="held"))
        assert next(self.replies).text == "echo held"

    def close(self):
        self.outgoing.put(None)
        assert list(self.replies) == []
        assert self.replies.code() == grpc.StatusCode.OK


def rpc_error(call):
    with pytest.raises(grpc.RpcError) as failure:
        call()
    return failure.value


# --- limits: a held call takes the slot ---------------------------------------------------------------------

@pytest.mark.parametrize("rules, held, blocked_message", [
    ({"flow": [{"resource": METHOD + "Echo", "grade": "concurrency", "count": 1}]}, 1,
     "'relay:passthrough.v1.Relay.Echo' is over its flow limit (concurrency 1)"),
    # System rules count every route in flight, the pass-through ones too; Sentinel blocks above the limit.
    ({"system": {"concurrency": 1}}, 2, "the gateway is over its system limit on concurrency"),
], ids=["method-concurrency", "system-concurrency"])
def test_a_call_over_the_limit_is_resource_exhausted_until_a_held_call_ends(gateway, relay_gen, rules, held,
                                                                           blocked_message):
    pb = relay_gen[1]
    stub = gateway(**rules)
    calls = [HeldEcho(stub, pb) for _ in range(held)]
    blocked = rpc_error(lambda: list(stub.Echo(iter([pb.Note(text="over")]), timeout=10)))
    assert blocked.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, blocked
    assert blocked.details() == blocked_message
    calls.pop().close()
    assert [r.text for r in stub.Echo(iter([pb.Note(text="after")]), timeout=10)] == ["echo after"]
    for call in calls:
        call.close()


# --- circuit breakers on the grpc-status ----------------------------------------------------------------------

def breaker(**extra):
    return [dict({"resource": METHOD + "Fail", "strategy": "error_count", "threshold": 1, "min_requests": 1,
                  "stat_interval": "10s", "recovery_timeout": "1s"}, **extra)]


def fail(stub, pb, status, text):
    return lambda: stub.Fail(pb.Note(text=text), metadata=[("x-status", status)], timeout=10)


def test_failure_statuses_open_the_breaker_which_answers_unavailable_until_a_good_probe(gateway, relay, relay_gen):
    pb = relay_gen[1]
    stub = gateway(circuit_breakers=breaker())
    before = len(backend_calls(relay, stub, pb, "Fail"))
    # Sentinel's error-count breaker opens once the errors are more than the threshold: the second failure.
    for status, text in (("INTERNAL", "f1"), ("UNAVAILABLE", "f2")):
        error = rpc_error(fail(stub, pb, status, text))
        assert (error.code().name, error.details()) == (status, "bad text: " + text)
    opened = rpc_error(fail(stub, pb, "OK", "refused"))
    assert opened.code() == grpc.StatusCode.UNAVAILABLE
    assert opened.details() == "the circuit breaker of 'relay:passthrough.v1.Relay.Fail' is open"
    assert backend_calls(relay, stub, pb, "Fail")[before:] == ["f1", "f2"]  # the open breaker called nobody

    # After the recovery timeout one probe goes through; an OK status closes the breaker.
    deadline = time.monotonic() + 10
    while True:
        try:
            assert stub.Fail(pb.Note(text="probe"), metadata=[("x-status", "OK")], timeout=10).text == "probe"
            break
        except grpc.RpcError as error:
            assert "circuit breaker" in error.details(), error
            assert time.monotonic() < deadline, "the breaker never let a probe through"
            time.sleep(0.1)
    again = rpc_error(fail(stub, pb, "UNAVAILABLE", "closed"))
    assert again.details() == "bad text: closed"  # the relay's answer: closed again
    assert backend_calls(relay, stub, pb, "Fail")[before:] == ["f1", "f2", "probe", "closed"]


@pytest.mark.parametrize("errors, answers", [
    (None, ["NOT_FOUND"] * 4),
    (["grpc:NOT_FOUND"], ["NOT_FOUND", "NOT_FOUND", "UNAVAILABLE", "UNAVAILABLE"]),
], ids=["unlisted", "listed"])
def test_another_status_opens_the_breaker_only_when_its_errors_list_it(gateway, relay, relay_gen, errors, answers):
    pb = relay_gen[1]
    stub = gateway(circuit_breakers=breaker(**({"errors": errors} if errors else {})))
    before = len(backend_calls(relay, stub, pb, "Fail"))
    texts = ["n%d" % i for i in range(len(answers))]
    assert [rpc_error(fail(stub, pb, "NOT_FOUND", text)).code().name for text in texts] == answers
    reached = answers.count("NOT_FOUND")
    assert backend_calls(relay, stub, pb, "Fail")[before:] == texts[:reached]


# --- sluice check ------------------------------------------------------------------------------------------------

def test_check_takes_a_pass_through_method_and_suggests_one_for_a_misspelling(sluice, tmp_path):
    routes = tmp_path / "routes.yaml"
    service = "services:\n  - {name: relay, protocol: grpc, idl: %s, endpoints: [\"127.0.0.1:9\"], auto_routes: false}\n"
    service += "routes: []\n"
    rule = "flow:\n  - {resource: \"relay:passthrough.v1.Relay.%s\", grade: concurrency, count: 1}\n"
    routes.write_text(service % PROTO + rule % "Unary")
    result = sluice("check", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr

    routes.write_text(service % PROTO + rule % "Unry")
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert re.search(r"^%s:5:16: no route or method is the resource 'relay:passthrough\.v1\.Relay\.Unry' \(did you "
                     r"mean 'relay:passthrough\.v1\.Relay\.Unary'\?\)$" % re.escape(str(routes)), out, re.MULTILINE), out
