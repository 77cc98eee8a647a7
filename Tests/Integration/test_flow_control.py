"""Sentinel-style flow control end to end: route files with `flow:`, `circuit_breakers:`, `param_flow:` and
`sentinel:` sections, `sluice run` in front of an Apache Thrift Python store server (Framed + Binary, started
with `--log-calls`, so the tests count what reached it, how many calls ran at once, and when), and real clients:
wrk for the QPS limit, threads for concurrency and pacing, curl for HTTP/2, `websockets` for WebSocket messages.
`sluice check` of bad rules is test_check_flow_rules.py's; proxy routes' rules are test_flow_control_proxy.py's.

Only the QPS test is long (wrk for 10 s); the others wait only where the rule is about time (a breaker's
recovery timeout of 1 s). Windows that could straddle a boundary are made long (10 s) so no test depends on
when in a second it runs.
"""

import asyncio
import json
import math
import pathlib
import re
import subprocess
import tempfile
import threading
import time

import pytest
from websockets.asyncio.client import connect

from conftest import start_python_backend, store_service
from support.gateway import Gateway, write_routes

SUPPORT = pathlib.Path(__file__).parent / "support"
SLOW = "store:StoreService.slow"
FAIL = "store:StoreService.fail"


# --- the backend and route documents -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def backend(workdir, gen_py):
    """A Framed + Binary store server of this module's own that logs each call as it starts."""
    server = start_python_backend(workdir, gen_py, "flow", "framed", "binary", extra=["--log-calls"])
    yield server
    server.child.stop()


CALL_LINE = re.compile(r"^call (\w+) in_flight=(\d+) at=([\d.]+)$")


def call_log(backend, method):
    """(in-flight count, monotonic start time) logged as each call of `method` started, oldest first."""
    found = []
    for line in list(backend.child.output):
        match = CALL_LINE.match(line.strip())
        if match and match.group(1) == method:
            found.append((int(match.group(2)), float(match.group(3))))
    return found


def calls(backend, method):
    """In-flight counts logged as each call of `method` started, oldest first."""
    return [in_flight for in_flight, _ in call_log(backend, method)]


def settle(gw, backend):
    """Waits until the backend's output has been read up to now: a call of `events` through the gateway's sync
    route is logged after every call answered before it, so once its line is in, so are theirs."""
    marker = len(calls(backend, "events"))
    assert gw.get("/_sync").status == 200
    deadline = time.monotonic() + 10
    while len(calls(backend, "events")) <= marker:
        assert time.monotonic() < deadline, "the backend's log line for the sync call never came"
        time.sleep(0.01)


def settled_calls(gw, backend, method):
    settle(gw, backend)
    return calls(backend, method)


def route(name, method, path, call, **extra):
    r = {"name": name, "method": method, "path": path, "service": "store", "call": "StoreService." + call}
    r.update(extra)
    return r


def document(backend, routes, **sections):
    doc = {"services": [store_service("store", backend.address, "framed", "binary", timeout="5s")],
           "routes": routes + [route("sync", "GET", "/_sync", "events")]}
    doc.update(sections)
    return doc


def blocked_by(response, rule, resource):
    """A 429 `flow_blocked` answer naming `rule` and `resource`."""
    if response.status != 429:
        return False
    error = response.json["error"]
    return error["code"] == "flow_blocked" and error["rule"] == rule and error["resource"] == resource


def at_once(count, send):
    """Runs `send(i)` on `count` threads released together; returns [(result, monotonic end time)] by i."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        barrier.wait()
        answer = send(i)
        results[i] = (answer, time.monotonic())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None for result in results), results
    return results


# --- 1. QPS under wrk ----------------------------------------------------------------------------------------

def aligned_passes(starts, first, last):
    """Passes in the longest span of whole seconds inside [first + 0.5 s, last - 0.5 s] that begins on a
    500 ms boundary of the monotonic clock, as (passes, seconds).

    Sentinel's QPS window is two 500 ms buckets of that clock, and a call passes only while the last two
    buckets hold fewer than the limit: so the buckets of each aligned second hold at most N passes, and under
    saturating load exactly N. Over an unaligned span of T seconds a whole extra window can fit (T = 10.01 s
    from the start of a burst holds 11 bursts: 10 % over), so the 5 % check needs the aligned span.
    """
    begin = math.ceil((first + 0.5) * 2) / 2
    seconds = math.floor(last - 0.5 - begin)
    assert seconds >= 5, (first, last)
    end = begin + seconds
    return sum(1 for at in starts if begin <= at < end), seconds


def test_qps_limit_holds_within_5_percent_under_wrk(start_gateway, backend):
    limit = 100
    gw = start_gateway(document(backend, [route("qps", "GET", "/ping", "ping")],
                                flow=[{"resource": "qps", "grade": "qps", "count": limit}]))
    before = len(settled_calls(gw, backend, "ping"))
    started = time.monotonic()
    result = subprocess.run(["wrk", "-t2", "-c16", "-d10s", "-s", str(SUPPORT / "wrk_status_counts.lua"),
                             gw.url + "/ping"], capture_output=True, text=True, timeout=120)
    ended = time.monotonic()
    assert result.returncode == 0, result.stderr
    match = re.search(r"statuses: 2xx=(\d+) 429=(\d+) other=(\d+) duration_us=(\d+)", result.stdout)
    assert match, result.stdout
    passed, blocked, other, micros = map(int, match.groups())
    seconds = micros / 1e6
    settle(gw, backend)
    starts = [at for _, at in call_log(backend, "ping")[before:]]
    aligned, span = aligned_passes(starts, started, ended)
    print("wrk: %d passed, %d blocked (429), %d other in %.2f s (%.1f passes/s); %d passes in %d aligned "
          "seconds (%.1f/s); limit %d" % (passed, blocked, other, seconds, passed / seconds, aligned, span,
                                          aligned / span, limit))
    assert other == 0, result.stdout
    assert blocked > passed, result.stdout  # wrk really pushed past the limit
    # Sentinel's windows, measured where they are: within 5 % of the limit each second.
    assert 0.95 * limit <= aligned / span <= 1.05 * limit, (aligned, span)
    # And over wrk's whole run, unaligned: at most one window more or less than T seconds' worth (give or
    # take the same 5 %).
    assert 0.95 * limit * (seconds - 1) <= passed <= 1.05 * limit * (seconds + 1), result.stdout
    # Every pass reached the backend, and nothing else did (requests still in flight when wrk stopped
    # reached it without wrk counting their answers: at most one per connection).
    assert passed <= len(starts) <= passed + 16, (passed, len(starts))


# --- 2. concurrency with a slow backend ----------------------------------------------------------------------

def concurrency_waves(gw, backend):
    """Two waves of 20 parallel calls of a 1 s `slow` through a route whose method resource allows 4 calls in
    flight; returns each wave's passed count and the in-flight counts the backend logged."""
    before = len(settled_calls(gw, backend, "slow"))
    waves = []
    for wave in range(2):
        answers = [answer for answer, _ in at_once(20, lambda i: gw.post("/slow", {"millis": 1000}, timeout=30))]
        passed = [a for a in answers if a.status == 200]
        blocked = [a for a in answers if blocked_by(a, "flow", SLOW)]
        print("wave %d: %d passed, %d blocked" % (wave, len(passed), len(blocked)))
        assert len(passed) + len(blocked) == 20, answers
        assert all(a.json == "slept 1000 ms" for a in passed), passed
        assert "(concurrency 4)" in blocked[0].json["error"]["message"], blocked[0].body
        waves.append(len(passed))
    started = settled_calls(gw, backend, "slow")[before:]
    assert len(started) == sum(waves), (waves, started)
    return waves, started


CONCURRENCY_RULES = {"flow": [{"resource": SLOW, "grade": "concurrency", "count": 4}]}


@pytest.mark.parametrize("event_loops", ["1", "4"])
def test_concurrency_limit_on_the_method_holds_with_a_slow_backend(start_gateway, backend, event_loops):
    # With several event loops, calls admitted at the same moment on different loops must not both take the
    # last slot (the engine checks and counts a call in one step per resource).
    gw = start_gateway(document(backend, [route("slow", "POST", "/slow", "slow", body="*")], **CONCURRENCY_RULES),
                       extra=["--event-loops", event_loops])
    waves, started = concurrency_waves(gw, backend)
    # The first four in hold their slots for the whole second; the wave after them finds them free.
    assert all(1 <= passed <= 4 for passed in waves), waves
    assert max(started) <= 4, started


# --- 3. circuit breakers -------------------------------------------------------------------------------------

def test_error_count_breaker_opens_answers_503_and_a_failed_probe_reopens_it(start_gateway, backend):
    gw = start_gateway(document(
        backend, [route("fail", "POST", "/fail", "fail", body="*")],
        circuit_breakers=[{"resource": FAIL, "strategy": "error_count", "threshold": 2, "min_requests": 1,
                           "stat_interval": "10s", "recovery_timeout": "1s"}]))
    before = len(settled_calls(gw, backend, "fail"))

    def fail():
        return gw.post("/fail", {"type": 6, "message": "boom"})

    statuses = []
    for _ in range(6):
        answer = fail()
        statuses.append(answer.status)
        if answer.status == 503:
            break
    # Sentinel's error-count breaker opens once the errors are more than the threshold.
    assert statuses == [502, 502, 502, 503], statuses
    assert answer.header("retry-after") == "1", answer.headers
    error = answer.json["error"]
    assert (error["code"], error["rule"], error["resource"]) == ("circuit_open", "circuit_breaker", FAIL), error
    assert fail().status == 503
    assert len(settled_calls(gw, backend, "fail")) - before == 3  # open: nothing reaches the backend

    time.sleep(1.2)  # the recovery timeout
    probe = fail()
    assert probe.status == 502, probe  # half-open: the probe goes through, and fails
    assert len(settled_calls(gw, backend, "fail")) - before == 4
    reopened = fail()
    assert reopened.status == 503 and reopened.json["error"]["code"] == "circuit_open", reopened
    assert len(settled_calls(gw, backend, "fail")) - before == 4


def test_slow_ratio_breaker_closes_on_a_good_probe(start_gateway, backend):
    gw = start_gateway(document(
        backend, [route("slow", "POST", "/slow", "slow", body="*")],
        circuit_breakers=[{"resource": "slow", "strategy": "slow_ratio", "max_rt": "200ms", "threshold": 0.5,
                           "min_requests": 2, "stat_interval": "10s", "recovery_timeout": "1s"}]))
    before = len(settled_calls(gw, backend, "slow"))
    # Slow calls are answered (the breaker counts them after the fact); two of two slow opens it. Sent
    # together, they end together, in the same statistics window.
    slow = at_once(2, lambda i: gw.post("/slow", {"millis": 400}))
    assert [answer.status for answer, _ in slow] == [200, 200], slow
    opened = gw.post("/slow", {"millis": 0})
    assert opened.status == 503 and opened.header("retry-after") == "1", opened
    assert opened.json["error"]["resource"] == "slow", opened
    assert len(settled_calls(gw, backend, "slow")) - before == 2

    time.sleep(1.2)
    probe = gw.post("/slow", {"millis": 0})
    assert probe.status == 200 and probe.json == "slept 0 ms", probe
    # Closed, with fresh statistics: one slow call is below min_requests, and fast ones pass.
    later = [gw.post("/slow", {"millis": millis}).status for millis in (400, 0, 0, 0)]
    assert later == [200, 200, 200, 200], later
    assert len(settled_calls(gw, backend, "slow")) - before == 7


# --- 4. hot parameters ---------------------------------------------------------------------------------------

def test_hot_parameter_limits_per_header_value_are_independent(start_gateway, backend):
    gw = start_gateway(document(
        backend,
        [route("item", "GET", "/items/{req.id}", "getItem", headers={"x-user": "req.user"}),
         route("search", "GET", "/search", "search", query={"q": "req.q"}),
         route("by-id", "GET", "/by-id/{req.id}", "getItem")],
        param_flow=[
            # A long duration: the counts hold however slowly the test runs.
            {"resource": "item", "param": {"header": "x-user"}, "count": 2, "duration": "10s",
             "exceptions": {"vip": 50}},
            {"resource": "search", "param": {"query": "q"}, "count": 1, "duration": "10s"},
            {"resource": "by-id", "param": {"path": "req.id"}, "count": 1, "duration": "10s"},
        ]))

    def item(user):
        return gw.get("/items/1", headers={"x-user": user} if user else {})

    a = [item("a") for _ in range(3)]
    assert [r.status for r in a[:2]] == [200, 200], a
    assert blocked_by(a[2], "param_flow", "item"), a[2]
    assert a[2].json["error"]["message"] == "'item' is over its limit per parameter value (2 per 10 s)", a[2].body
    b = [item("b") for _ in range(3)]
    assert [r.status for r in b] == [200, 200, 429], b
    assert [item("vip").status for _ in range(5)] == [200] * 5
    assert [item(None).status for _ in range(3)] == [200] * 3  # no value, no limit
    assert item("a").status == 429

    assert gw.get("/search?q=wid").status == 200
    assert blocked_by(gw.get("/search?q=wid"), "param_flow", "search")
    assert gw.get("/search?q=gad").status == 200
    assert gw.get("/by-id/1").status == 200
    assert blocked_by(gw.get("/by-id/1"), "param_flow", "by-id")
    assert gw.get("/by-id/2").status == 200


# --- 5. throttling -------------------------------------------------------------------------------------------

def test_throttle_paces_calls_and_rejects_past_the_queueing_time(start_gateway, backend):
    gw = start_gateway(document(
        backend, [route("paced", "GET", "/paced", "ping"), route("impatient", "GET", "/impatient", "ping")],
        flow=[{"resource": "paced", "count": 10, "behavior": "throttle", "max_queueing_time": "1s"},
              {"resource": "impatient", "count": 10, "behavior": "throttle", "max_queueing_time": "50ms"}]))

    paced = at_once(5, lambda i: gw.get("/paced"))
    assert [answer.status for answer, _ in paced] == [200] * 5, paced
    ends = sorted(end for _, end in paced)
    # One call each 100 ms: the fifth waits about 400 ms behind the first.
    print("paced: the last answered %.0f ms after the first" % ((ends[-1] - ends[0]) * 1000))
    assert ends[-1] - ends[0] >= 0.3, ends

    impatient = [answer for answer, _ in at_once(5, lambda i: gw.get("/impatient"))]
    statuses = sorted(answer.status for answer in impatient)
    assert 200 in statuses and 429 in statuses, impatient
    assert all(a.status == 200 or blocked_by(a, "flow", "impatient") for a in impatient), impatient


# --- 6. limit_app --------------------------------------------------------------------------------------------

def test_limit_app_blocks_only_that_origin(start_gateway, backend):
    gw = start_gateway(document(
        backend, [route("partner", "GET", "/partner", "ping")],
        flow=[{"resource": "partner", "count": 0, "limit_app": "partner-a", "origin_header": "x-app"}]))
    blocked = gw.get("/partner", headers={"x-app": "partner-a"})
    assert blocked_by(blocked, "flow", "partner"), blocked
    assert "for origin 'partner-a'" in blocked.json["error"]["message"], blocked.body
    assert gw.get("/partner", headers={"x-app": "partner-b"}).status == 200
    assert gw.get("/partner").status == 200
    # The origin is read from x-app only.
    assert gw.get("/partner", headers={"x-sentinel-origin": "partner-a"}).status == 200


# --- 7. Sentinel's JSON files --------------------------------------------------------------------------------

@pytest.fixture
def sentinel_gateway(sluice_bin, workdir, backend):
    """Starts a gateway whose route file names Sentinel JSON files by paths relative to it (sentinel/<kind>.json,
    written as given); stopped after the test."""
    started = []

    def start(files, dialect=None):
        directory = pathlib.Path(tempfile.mkdtemp(prefix="routes-sentinel-", dir=workdir))
        sentinel = {kind: "sentinel/%s.json" % kind for kind in files}
        if dialect:
            sentinel["dialect"] = dialect
        routes = [route("say", "GET", "/say", "ping"), route("fail", "POST", "/fail", "fail", body="*"),
                  route("slow", "POST", "/slow", "slow", body="*")]
        write_routes(directory, document(backend, routes, sentinel=sentinel))
        (directory / "sentinel").mkdir()
        for kind, text in files.items():
            (directory / "sentinel" / ("%s.json" % kind)).write_text(text)
        gw = Gateway.start(sluice_bin, directory, workdir / (directory.name + ".log"))
        started.append(gw)
        return gw

    yield start
    for gw in started:
        gw.stop()


def test_sentinel_java_json_files_are_enforced_as_is(sentinel_gateway, backend):
    # As the dashboard publishes them to Nacos: with its own keys (id, app, gmtCreate...) besides the rule's.
    flow = ('[{"id":1,"app":"sluice","ip":"10.0.0.1","port":8719,"gmtCreate":1700000000000,'
            '"resource":"say","limitApp":"default","grade":1,"count":1,"strategy":0,"controlBehavior":0,'
            '"clusterMode":false}]')
    degrade = ('[{"resource":"store:StoreService.fail","grade":2,"count":1,"timeWindow":10,'
               '"minRequestAmount":1,"statIntervalMs":10000,"limitApp":"default"}]')
    param = ('[{"resource":"store:StoreService.slow","limitApp":"default","grade":1,"paramIdx":0,"count":1,'
             '"controlBehavior":0,"maxQueueingTimeMs":0,"burstCount":0,"durationInSec":10,'
             '"paramFlowItemList":[{"object":"7","count":3,"classType":"int"}],"clusterMode":false,'
             '"clusterConfig":{"flowId":null,"thresholdType":0,"fallbackToLocalWhenFail":true,'
             '"sampleCount":10,"windowIntervalMs":1000}}]')
    gw = sentinel_gateway({"flow": flow, "degrade": degrade, "param_flow": param})

    assert gw.get("/say").status == 200
    blocked = gw.get("/say")
    assert blocked_by(blocked, "flow", "say"), blocked
    assert blocked.json["error"]["message"] == "'say' is over its flow limit (QPS 1)", blocked.body

    # grade 2 (error count), count 1: open once two calls failed.
    statuses = [gw.post("/fail", {"type": 6, "message": "boom"}).status for _ in range(3)]
    assert statuses == [502, 502, 503], statuses

    # paramIdx 0 is slow()'s first argument, millis; the value 7 has its own count of 3.
    assert gw.post("/slow", {"millis": 1}).status == 200
    assert blocked_by(gw.post("/slow", {"millis": 1}), "param_flow", SLOW)
    assert gw.post("/slow", {"millis": 2}).status == 200
    assert [gw.post("/slow", {"millis": 7}).status for _ in range(4)] == [200, 200, 200, 429]


def test_sentinel_go_json_files_are_enforced_as_is(sentinel_gateway):
    flow = '[{"resource":"say","tokenCalculateStrategy":0,"controlBehavior":0,"threshold":1,"statIntervalInMs":1000}]'
    breaker = ('[{"resource":"store:StoreService.fail","strategy":2,"retryTimeoutMs":10000,"minRequestAmount":1,'
               '"statIntervalMs":10000,"threshold":2}]')
    gw = sentinel_gateway({"flow": flow, "degrade": breaker}, dialect="go")
    assert gw.get("/say").status == 200
    assert blocked_by(gw.get("/say"), "flow", "say")
    # Go's error-count breaker opens when the errors reach the threshold (Java's, when they pass it).
    statuses = [gw.post("/fail", {"type": 6, "message": "boom"}).status for _ in range(3)]
    assert statuses == [502, 502, 503], statuses


# --- 8. every ingress protocol -------------------------------------------------------------------------------

def test_a_block_answers_the_same_over_http1_h2c_and_websocket(start_gateway, backend):
    gw = start_gateway(document(backend, [route("closed", "GET", "/closed", "ping")],
                                flow=[{"resource": "closed", "count": 0}]),
                       extra=["--websocket-path", "/ws"])
    before = len(settled_calls(gw, backend, "ping"))
    http1 = gw.get("/closed")
    assert blocked_by(http1, "flow", "closed"), http1

    h2 = subprocess.run(["curl", "-sS", "--http2-prior-knowledge", "-o", "-", "-w", "\n%{http_code} %{http_version}",
                         gw.url + "/closed"], capture_output=True, timeout=30)
    body, _, tail = h2.stdout.rpartition(b"\n")
    assert tail.decode().split() == ["429", "2"], h2
    assert body == http1.body

    async def websocket():
        async with connect("ws://127.0.0.1:%d/ws" % gw.port) as ws:
            await ws.send(json.dumps({"id": 1, "method": "GET", "path": "/closed"}))
            return await ws.recv()

    text = asyncio.run(asyncio.wait_for(websocket(), timeout=30))
    reply = json.loads(text)
    assert reply["id"] == 1 and reply["status"] == 429, text
    # The reply's body is the HTTP answer's body as is.
    assert text.endswith('"body":' + http1.body.decode() + "}"), (text, http1.body)
    assert len(settled_calls(gw, backend, "ping")) == before

