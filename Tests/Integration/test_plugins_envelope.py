"""Two edge plugins through `sluice run --config`:

`envelope`: a route's answers as {"code", "msg", "data"} and each failure mapped by its kind (exception:<Name>,
grpc:<CODE>, a gateway code or its kind, default) to a code and optionally a status; set on a route, on a service
(all its routes, generated ones too) or in the gateway config (which also shapes 404 and 405), switched off with
`off`/false, skipping proxied routes, gRPC pass-through, raw bodies and streamed replies; over HTTP/1.1, h2c and
WebSocket messages. The failures are real: the demo backend's declared exception (getItem 999) and
TApplicationException (fail), bad JSON and a bad Content-Type, key_auth (401 and 403), a QPS-0 flow rule, an open
circuit breaker, a backend nobody listens on (a socket bound and never listening: connections are refused), a
backend that accepts and never answers (a socket listening and never accepting, behind a 300 ms timeout), and
grpcio statuses from servers/grpc_gateway_server.py.

`request_size` / `request_timeout`: the route's body limit in place of the listener's `limits.max_body` (smaller
or larger), on a route or its service, over HTTP/1.1 (Content-Length, chunked, Expect: 100-continue), h2c,
WebSocket messages and proxy routes (the stdlib HTTP echo upstream of test_http_proxy.py); the whole request due
within the route's timeout after its head (408; HTTP/1.1 closes, h2 answers the stream) over HTTP/1.1, h2c and a
proxy route, counted from each request's head and not bounding the answer.

Plus `sluice check`'s errors for both at file:line:col. Two gateways (module scope): one with a gateway-level
envelope, one with a 1 KiB max_body for the limits; each test uses its own paths. Only the request_timeout tests
wait (the 1 s timeout, or a pause of 1.3-1.5 s to show that it is not the listener's)."""

import http.client
import json
import pathlib
import select
import socket
import sys
import time
import urllib.request

import grpc
import pytest
from websockets.sync.client import connect as websocket_connect

from conftest import ECHO_IDL, REPO, STORE_IDL
from support import codegen
from support import grpc_gateway_peer as peer
from support.gateway import Gateway, Response, start_with_config, write_routes
from support.grpc_gateway_routes import grpc_service
from support.h2_requests import h2_requests
from support.h2conn import H2Connection
from support.positions import assert_error, position
from support.processes import Child, wait_for_port
from test_http_proxy import upstream  # noqa: F401 (the stdlib HTTP echo server, as a fixture)

HERE = pathlib.Path(__file__).resolve().parent
STUDENT_DIR = HERE / "idl" / "student"


# --- backends ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(sluice_bin, workdir):
    """A demo backend of this module's own (its store is changed here: an item created and deleted)."""
    child = Child([sluice_bin, "demo", "--backend-only", "--backend", "127.0.0.1:0"],
                  workdir / "envelope-demo-backend.log", cwd=REPO)
    port = int(child.wait_for_line(r"backend listening on 127\.0\.0\.1:(\d+)", timeout=30).group(1))
    wait_for_port(port)
    yield "127.0.0.1:%d" % port
    child.stop()


@pytest.fixture(scope="module")
def grpc_backend(workdir):
    """servers/grpc_gateway_server.py, and the generated modules (gateway_test_pb2, _grpc) importable."""
    out = workdir / "envelope-grpc-gen"
    peer.generate(out)
    sys.path.insert(0, str(out))
    server = peer.start(out, workdir / "envelope-grpc-server.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def student(workdir):
    """servers/student_server.py (idl/student/student.thrift, Framed Binary): raw (api.raw_body) answers."""
    gen = codegen.generate_python(STUDENT_DIR, "student.thrift", workdir / "envelope-gen-py-student")
    child = Child([sys.executable, HERE / "servers" / "student_server.py", "--gen-dir", gen],
                  workdir / "envelope-student.log")
    port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
    wait_for_port(port)
    yield "127.0.0.1:%d" % port
    child.stop()


@pytest.fixture(scope="module")
def dead_and_mute():
    """(refusing, silent) addresses: one bound and never listening (a connect is refused, and no other process
    takes the port), one listening and never accepting (a call is written and never answered)."""
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    mute = socket.socket()
    mute.bind(("127.0.0.1", 0))
    mute.listen(64)
    yield "127.0.0.1:%d" % dead.getsockname()[1], "127.0.0.1:%d" % mute.getsockname()[1]
    dead.close()
    mute.close()


# --- the envelope gateway ------------------------------------------------------------------------------------------

def store_service(name, address, **extra):
    """The store example as routes/store.yaml serves it from the demo backend: Framed + Compact."""
    return dict({"name": name, "idl": str(STORE_IDL), "protocol": "thrift", "transport": "framed", "codec": "compact",
                 "endpoints": [address], "timeout": "2s"}, **extra)


def echo_service(name, address, **extra):
    return dict({"name": name, "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                 "endpoints": [address], "timeout": "2s"}, **extra)


def web_service(name, port, **extra):
    return dict({"name": name, "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % port], "timeout": "5s"},
                **extra)


def call(method, path, service, target, plugins=None, **extra):
    route = {"method": method, "path": path, "service": service, "call": target}
    if plugins is not None:
        route["plugins"] = plugins
    route.update(extra)
    return route


def proxied(path, service="web", plugins=None, **extra):
    route = {"method": "*", "path": path + "/{rest=**}", "service": service, "rewrite": "/{rest}"}
    if plugins is not None:
        route["plugins"] = plugins
    route.update(extra)
    return route


# The error table of the /e routes: a key per kind, and an exact gateway code and a gRPC code that win over their
# kinds.
ERRORS = {
    "exception:NotFound": {"code": 20001, "status": 409},
    "invalid_json": {"code": 10001},
    "bad_request": {"code": 10000},
    "unauthorized": {"code": 40100},
    "forbidden": {"code": 40300},
    "flow_blocked": {"code": 42900, "status": 429},
    "upstream_unavailable": {"code": 50200},
    "upstream_timeout": {"code": 50400},
    "upstream_error": {"code": 50001},
    "grpc:NOT_FOUND": {"code": 20404},
    "default": {"code": 50000},
}
E = {"envelope": {"errors": ERRORS}}
# A service's envelope: every field renamed, its own success code and message.
SERVICE_ENVELOPE = {"fields": {"code": "errno", "message": "errmsg", "data": "result"}, "success_code": 200,
                    "success_message": "ok", "errors": {"exception:NotFound": {"code": 7}, "default": {"code": 9}}}
# The gateway's: every route without one of its own or its service's, and what no route answers.
GLOBAL_ENVELOPE = {"errors": {"not_found": {"code": 40400}, "method_not_allowed": {"code": 40500},
                              "default": {"code": 1}}}
ORIGIN = "https://shop.example.test"
KEYS = [{"key": "k-a", "consumer": "a"}, {"key": "k-b", "consumer": "b"}]


def envelope_document(demo, grpc_backend, student, upstream_port, dead, mute, directory):
    def item_routes(prefix, service, plugins=None):
        return [
            call("GET", prefix + "/items/{req.id}", service, "StoreService.getItem", plugins,
                 exceptions={"NotFound": 404}),
            call("POST", prefix + "/items", service, "StoreService.createItem", plugins, body="req.item",
                 exceptions={"Invalid": 422}),
            call("DELETE", prefix + "/items/{req.id}", service, "StoreService.deleteItem", plugins,
                 exceptions={"NotFound": 404}),
        ]

    return {
        "services": [
            store_service("store", demo),
            store_service("store-svc", demo, plugins={"envelope": SERVICE_ENVELOPE}),
            store_service("dead", dead),
            store_service("broken", demo),
            store_service("mute", mute, timeout="300ms"),
            grpc_service("types", grpc_backend.address, directory, routes_from_idl=True),
            grpc_service("types-dead", dead, directory),
            {"name": "student", "idl": str(STUDENT_DIR / "student.thrift"), "transport": "framed",
             "codec": "binary", "endpoints": [student], "timeout": "2s", "routes_from_idl": True},
            web_service("web", upstream_port),
        ],
        "routes": [
            # the full table
            *item_routes("/e", "store", E),
            call("POST", "/e/fail", "store", "StoreService.fail", E, body="*"),
            call("GET", "/e/ping", "store", "StoreService.ping", E),
            call("POST", "/e/events", "store", "StoreService.logEvent", E, body="*"),
            call("GET", "/e/headed", "store", "StoreService.ping",
                 dict(E, headers={"response": {"set": {"x-env": "yes"}}}, cors={"origins": [ORIGIN]})),
            call("GET", "/e/keyed", "store", "StoreService.ping",
                 dict(E, key_auth={"keys": KEYS, "consumers": ["a"]})),
            call("GET", "/e/blocked", "store", "StoreService.ping", E, name="blocked"),
            call("GET", "/e/dead", "dead", "StoreService.ping", E),
            call("GET", "/e/mute", "mute", "StoreService.ping", E),
            call("POST", "/e/grpc/fail", "types", "Status.Fail", E, body="*"),
            call("POST", "/e/grpc/echo", "types", "Types.Echo", E, body="*"),
            call("POST", "/e/grpc/dead", "types-dead", "Types.Echo", E, body="*"),
            call("GET", "/e/grpc/watch/{a}", "types", "Streams.Watch", E),
            call("POST", "/e/sized/items", "store", "StoreService.createItem",
                 dict(E, request_size="20B", request_timeout="1s"), body="req.item"),
            call("POST", "/exact/sized/items", "store", "StoreService.createItem",
                 {"envelope": {"errors": {"payload_too_large": {"code": 41300}, "request_timeout": {"code": 40800},
                                          "bad_request": {"code": 2}}},
                  "request_size": "20B", "request_timeout": "1s"}, body="req.item"),
            call("POST", "/e/breaker", "broken", "StoreService.fail",
                 {"envelope": {"errors": {"circuit_open": {"code": 50300}, "default": {"code": 3}}}}, body="*"),
            # no table: the code is the status
            *item_routes("/bare", "store", {"envelope": {}}),
            call("GET", "/bare/dead", "dead", "StoreService.ping", {"envelope": {}}),
            call("GET", "/bare/mute", "mute", "StoreService.ping", {"envelope": {}}),
            call("POST", "/bare/fail", "store", "StoreService.fail", {"envelope": {}}, body="*"),
            call("POST", "/bare/grpc/fail", "types", "Status.Fail", {"envelope": {}}, body="*"),
            # only `default`
            call("GET", "/dflt/items/{req.id}", "store", "StoreService.getItem",
                 {"envelope": {"errors": {"default": {"code": 99, "status": 500}}}}, exceptions={"NotFound": 404}),
            # the qualified exception name before the short one
            call("GET", "/qual/items/{req.id}", "store", "StoreService.getItem",
                 {"envelope": {"errors": {"exception:NotFound": {"code": 2},
                                          "exception:common.NotFound": {"code": 1}}}},
                 exceptions={"NotFound": 404}),
            call("GET", "/qual-only/items/{req.id}", "store", "StoreService.getItem",
                 {"envelope": {"errors": {"exception:common.NotFound": {"code": 1}}}}, exceptions={"NotFound": 404}),
            # an exact gRPC code before its kind
            call("POST", "/kind/grpc/fail", "types", "Status.Fail",
                 {"envelope": {"errors": {"grpc:DEADLINE_EXCEEDED": {"code": 1}, "upstream_timeout": {"code": 2},
                                          "grpc:UNAVAILABLE": {"code": 3}, "upstream_unavailable": {"code": 4}}}},
                 body="*"),
            # the service's envelope, inherited, switched off, replaced
            *item_routes("/s", "store-svc"),
            call("GET", "/s/ping", "store-svc", "StoreService.ping"),
            call("GET", "/s-off/items/{req.id}", "store-svc", "StoreService.getItem", {"envelope": "off"},
                 exceptions={"NotFound": 404}),
            call("GET", "/s-route/items/{req.id}", "store-svc", "StoreService.getItem", E,
                 exceptions={"NotFound": 404}),
            # the gateway's envelope, and off (`off` or false)
            *item_routes("/p", "store", {"envelope": "off"}),
            *item_routes("/g", "store"),
            call("GET", "/g/ping", "store", "StoreService.ping"),
            call("GET", "/g-off/items/{req.id}", "store", "StoreService.getItem", {"envelope": False},
                 exceptions={"NotFound": 404}),
            proxied("/web"),
        ],
        "flow": [{"resource": "blocked", "grade": "qps", "count": 0}],
        "circuit_breakers": [{"resource": "broken:StoreService.fail", "strategy": "error_count", "threshold": 1,
                              "min_requests": 1, "stat_interval": "30s", "recovery_timeout": "30s"}],
    }


@pytest.fixture(scope="module")
def gw(sluice_bin, tmp_path_factory, demo, grpc_backend, student, upstream, dead_and_mute):  # noqa: F811
    directory = tmp_path_factory.mktemp("envelope")
    routes = directory / "routes"
    routes.mkdir()
    dead, mute = dead_and_mute
    write_routes(routes, envelope_document(demo, grpc_backend, student, upstream, dead, mute, routes))
    config = directory / "sluice.yaml"
    config.write_text(json.dumps({
        "listeners": [{"address": "127.0.0.1:0"}],
        "routes": "routes/",
        "websocket": {"path": "/ws"},
        "admin": "off",
        "watch": "off",
        "plugins": {"envelope": GLOBAL_ENVELOPE},
    }))
    child, listeners = start_with_config(sluice_bin, config, directory / "run.log")
    yield Gateway(child, listeners[0][1])
    child.stop()


# --- clients -------------------------------------------------------------------------------------------------------

def ws_messages(port, messages):
    """Sends each message (its id set to its index) and reads its reply before the next."""
    replies = []
    with websocket_connect("ws://127.0.0.1:%d/ws" % port, max_size=None, open_timeout=10) as ws:
        for index, message in enumerate(messages):
            ws.send(json.dumps(dict(message, id=index)))
            reply = json.loads(ws.recv(timeout=15))
            assert reply["id"] == index, reply
            replies.append(reply)
    return replies


def as_response(reply):
    """A WebSocket reply as a Response (its body re-serialised)."""
    return Response(reply["status"], list(reply.get("headers", {}).items()), json.dumps(reply.get("body")).encode())


# --- assertions ------------------------------------------------------------------------------------------------------

def success(response, data, status=200, fields=("code", "msg", "data"), code=0, message="success"):
    assert response.status == status, response
    body = response.json
    assert list(body) == list(fields), body
    assert (body[fields[0]], body[fields[1]], body[fields[2]]) == (code, message, data), body


def failure(response, status, code, gateway_code=None, fields=("code", "msg", "data")):
    """An enveloped failure: {code, msg, data}; for a gateway error, data is its error object (with `code`) and msg
    its message. Returns the body."""
    assert response.status == status, response
    body = response.json
    assert list(body) == list(fields), body
    assert body[fields[0]] == code, body
    assert isinstance(body[fields[1]], str) and body[fields[1]], body
    if gateway_code is not None:
        data = body[fields[2]]
        assert data["code"] == gateway_code, body
        assert body[fields[1]] == data["message"], body
    return body


def plain_error(response, status, gateway_code):
    assert response.status == status, response
    assert response.json["error"]["code"] == gateway_code, response


NOT_FOUND_DATA = {"type": "NotFound", "exception": {"id": "999", "message": "no item 999"}}


# --- envelope: successes ---------------------------------------------------------------------------------------------

def test_a_success_is_wrapped_with_the_status_unchanged(gw):
    plain = gw.get("/g-off/items/1")
    assert plain.status == 200 and plain.json["name"] == "Widget", plain
    wrapped = gw.get("/e/items/1")
    success(wrapped, plain.json)
    assert wrapped.header("content-type") == "application/json"
    assert int(wrapped.header("content-length")) == len(wrapped.body)
    success(gw.get("/e/ping"), "pong")
    # HEAD: the length of what GET would send, the envelope included.
    head = gw.request("HEAD", "/e/items/1")
    assert (head.status, head.body, head.header("content-length")) == (200, b"", str(len(wrapped.body))), head


def test_the_envelope_goes_on_before_header_edits_and_cors_fields(gw):
    answer = gw.get("/e/headed", headers={"Origin": ORIGIN})
    success(answer, "pong")
    assert answer.header("x-env") == "yes" and answer.header("access-control-allow-origin") == ORIGIN, answer.headers


def test_a_oneway_answer_keeps_its_202(gw):
    success(gw.post("/e/events", {"event": "enveloped", "attrs": {}}), None, status=202)


def test_a_mapped_answer_keeps_its_status_and_headers(gw):
    """api.http_code and api.header of the student IDL's response, under the gateway's envelope."""
    answer = gw.get("/student/query?id=1&name=accepted")
    success(answer, {"data": {"id": "1", "name": "accepted"}, "message": "ok"}, status=203)
    assert answer.header("x-request-id") == "r-1", answer.headers


def test_a_void_answer_becomes_200_with_null_data(gw):
    assert gw.post("/e/items", {"id": 7001, "name": "temporary"}).status == 200
    success(gw.request("DELETE", "/e/items/7001"), None)
    # Without an envelope the same call is a 204 without a body.
    assert gw.post("/p/items", {"id": 7002, "name": "temporary"}).status == 200
    plain = gw.request("DELETE", "/p/items/7002")
    assert (plain.status, plain.body) == (204, b""), plain
    # An envelope without a table, the service's (its own success code) and the gateway's.
    for prefix, fields, code, message in (("/bare", ("code", "msg", "data"), 0, "success"),
                                          ("/s", ("errno", "errmsg", "result"), 200, "ok"),
                                          ("/g", ("code", "msg", "data"), 0, "success")):
        assert gw.post("/p/items", {"id": 7002, "name": "temporary"}).status == 200
        success(gw.request("DELETE", prefix + "/items/7002"), None, fields=fields, code=code, message=message)


def test_renamed_fields_and_a_services_success_code(gw):
    body = gw.get("/s/items/2")
    success(body, gw.get("/p/items/2").json, fields=("errno", "errmsg", "result"), code=200, message="ok")
    success(gw.get("/s/ping"), "pong", fields=("errno", "errmsg", "result"), code=200, message="ok")


def test_a_raw_body_and_a_streamed_reply_pass_unwrapped(gw):
    # The student service's routes come from its IDL and carry the gateway's envelope: a JSON answer is wrapped...
    query = gw.get("/student/query?id=7&name=ann")
    assert query.status == 200, query
    assert query.json["code"] == 0 and query.json["data"]["data"]["name"] == "ann", query
    # ...an api.raw_body answer is not.
    raw = gw.get("/files/a?format=png")
    assert raw.status == 200 and raw.body == b"a|/files/a?format=png|\x00\xff", raw
    assert raw.header("content-type") == "image/png"
    # A server-streaming gRPC reply (NDJSON) passes as it is, on a route with its own envelope.
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=15)
    try:
        conn.request("GET", "/e/grpc/watch/3")
        answer = conn.getresponse()
        text = answer.read().decode()
        assert answer.status == 200, text
        assert answer.getheader("content-type") == "application/x-ndjson"
        assert [json.loads(line) for line in text.splitlines()] == [{}, {"a": 1}, {"a": 2}]
    finally:
        conn.close()
    # A status in the stream, after a message, is the stream's last line, unwrapped...
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=15)
    try:
        conn.request("GET", "/e/grpc/watch/2?b=fail:5:gone")
        answer = conn.getresponse()
        text = answer.read().decode()
        assert answer.status == 200 and answer.getheader("content-type") == "application/x-ndjson", text
        assert [json.loads(line) for line in text.splitlines()] == [
            {}, {"a": 1}, {"error": {"code": 5, "message": "gone", "details": []}}]
    finally:
        conn.close()
    # ...one before any message is an ordinary answer, and enveloped.
    body = failure(gw.get("/e/grpc/watch/0?b=fail:5:gone"), 404, 20404)
    assert body == {"code": 20404, "msg": "gone", "data": {"code": 5, "message": "gone", "details": []}}
    # A unary gRPC reply is wrapped.
    sent = {"scalars": {"fString": "x", "fInt64": "5"}}
    success(gw.post("/e/grpc/echo", sent), sent)


# --- envelope: failures ----------------------------------------------------------------------------------------------

def test_a_declared_exception_maps_to_its_code_and_status(gw):
    plain = gw.get("/g-off/items/999")
    assert (plain.status, plain.json) == (404, {"error": NOT_FOUND_DATA}), plain
    body = failure(gw.get("/e/items/999"), 409, 20001)
    assert body == {"code": 20001, "msg": "NotFound", "data": NOT_FOUND_DATA}
    # An exception the table does not name: `default`, the status the route gives it.
    body = failure(gw.post("/e/items", {"id": 5, "name": ""}), 422, 50000)
    assert body == {"code": 50000, "msg": "Invalid",
                    "data": {"type": "Invalid", "exception": {"field": "item.name", "reason": "must not be empty"}}}
    # Only `default`, with a status.
    body = failure(gw.get("/dflt/items/999"), 500, 99)
    assert body["data"] == NOT_FOUND_DATA


def test_the_qualified_exception_name_is_looked_up_before_the_short_one(gw):
    body = failure(gw.get("/qual/items/999"), 404, 1)
    assert body["msg"] == "NotFound" and body["data"] == NOT_FOUND_DATA
    failure(gw.get("/qual-only/items/999"), 404, 1)


def test_bad_requests_exact_code_first_then_the_kind(gw):
    plain = gw.post("/bare/items", b"{bad")
    failure(plain, 400, 400, "invalid_json")
    body = failure(gw.post("/e/items", b"{bad"), 400, 10001, "invalid_json")
    assert body["data"]["field"] == "$.req.item", body
    body = failure(gw.post("/e/items", {"name": "no id"}), 400, 10000, "missing_required_field")
    assert body["data"]["field"] == "$.req.item.id", body
    failure(gw.post("/e/items", {"id": "x", "name": "n"}), 400, 10000, "wrong_type")


def test_plugin_refusals_map_by_their_kind(gw):
    refused = gw.get("/e/keyed")
    body = failure(refused, 401, 40100, "unauthorized")
    assert body["data"]["plugin"] == "key_auth", body
    assert refused.header("www-authenticate") == 'ApiKey realm="sluice", header="x-api-key"'
    body = failure(gw.get("/e/keyed", headers={"x-api-key": "k-b"}), 403, 40300, "forbidden")
    assert body["data"]["plugin"] == "key_auth", body
    success(gw.get("/e/keyed", headers={"x-api-key": "k-a"}), "pong")


def test_an_unsupported_content_type_maps_to_bad_request(gw):
    body = failure(gw.post("/e/items", "id=1", headers={"Content-Type": "text/plain"}), 415, 10000,
                   "unsupported_media_type")
    assert "text/plain" in body["msg"], body


def test_an_open_circuit_maps_to_circuit_open(gw):
    """The breaker opens after two errors (more than its threshold of 1); the errors before are `default`."""
    answers = []
    for _ in range(4):
        answers.append(gw.post("/e/breaker", {"type": 6, "message": "boom"}))
        if answers[-1].status == 503:
            break
    assert [a.status for a in answers] == [502, 502, 503], answers
    for answer in answers[:2]:
        failure(answer, 502, 3, "application_exception")
    body = failure(answers[-1], 503, 50300, "circuit_open")
    assert body["data"]["resource"] == "broken:StoreService.fail", body
    assert answers[-1].header("retry-after") is not None, answers[-1].headers


def test_a_flow_block_maps_to_flow_blocked(gw):
    body = failure(gw.get("/e/blocked"), 429, 42900, "flow_blocked")
    assert body["data"]["resource"] == "blocked" and body["data"]["rule"] == "flow", body


def test_an_unreachable_backend_maps_to_upstream_unavailable(gw):
    body = failure(gw.get("/e/dead"), 502, 50200, "bad_gateway")
    assert "dead" in body["msg"], body
    failure(gw.get("/bare/dead"), 502, 502, "bad_gateway")
    # A gRPC service nobody listens for: the gateway's error, not a gRPC status.
    failure(gw.post("/e/grpc/dead", {}), 502, 50200, "bad_gateway")


def test_a_backend_that_never_answers_maps_to_upstream_timeout(gw):
    failure(gw.get("/e/mute"), 504, 50400, "gateway_timeout")
    failure(gw.get("/bare/mute"), 504, 504, "gateway_timeout")


def test_a_tapplicationexception_maps_to_upstream_error(gw):
    body = failure(gw.post("/e/fail", {"type": 6, "message": "boom"}), 502, 50001, "application_exception")
    assert body == {"code": 50001, "msg": "boom",
                    "data": {"code": "application_exception", "type": 6, "message": "boom"}}
    failure(gw.post("/bare/fail", {"type": 6, "message": "boom"}), 502, 502, "application_exception")


def test_grpc_statuses_map_by_code_name_then_kind(gw):
    body = failure(gw.post("/e/grpc/fail", {"code": 5, "message": "no such order"}), 404, 20404)
    assert body == {"code": 20404, "msg": "no such order",
                    "data": {"code": 5, "message": "no such order", "details": []}}
    # DEADLINE_EXCEEDED, UNAVAILABLE and the rest by their kinds.
    failure(gw.post("/e/grpc/fail", {"code": 4, "message": "late"}), 504, 50400)
    failure(gw.post("/e/grpc/fail", {"code": 14, "message": "down"}), 503, 50200)
    body = failure(gw.post("/e/grpc/fail", {"code": 13, "message": "broken"}), 500, 50001)
    assert body["msg"] == "broken" and body["data"]["code"] == 13, body
    failure(gw.post("/e/grpc/fail", {"code": 6, "message": "exists"}), 409, 50001)
    # With details, grpc-gateway's shape whole.
    body = failure(gw.post("/e/grpc/fail", {"code": 5, "message": "m", "withDetails": True}), 404, 20404)
    assert [d["@type"] for d in body["data"]["details"]] == [
        "type.googleapis.com/google.rpc.BadRequest", "type.googleapis.com/google.rpc.ErrorInfo"], body
    # grpc:<CODE> before the kind.
    failure(gw.post("/kind/grpc/fail", {"code": 4, "message": "late"}), 504, 1)
    failure(gw.post("/kind/grpc/fail", {"code": 14, "message": "down"}), 503, 3)
    # A code neither by name nor by kind in a table without default: the status.
    failure(gw.post("/kind/grpc/fail", {"code": 6, "message": "exists"}), 409, 409)
    # No table: the status.
    failure(gw.post("/bare/grpc/fail", {"code": 5, "message": "gone"}), 404, 404)


# --- envelope: levels ------------------------------------------------------------------------------------------------

def test_a_service_envelope_reaches_its_routes_unless_off_or_replaced(gw):
    fields = ("errno", "errmsg", "result")
    body = failure(gw.get("/s/items/999"), 404, 7, fields=fields)
    assert body["errmsg"] == "NotFound" and body["result"] == NOT_FOUND_DATA
    failure(gw.post("/s/items", b"{bad"), 400, 9, "invalid_json", fields=fields)
    off = gw.get("/s-off/items/999")
    assert (off.status, off.json) == (404, {"error": NOT_FOUND_DATA}), off
    success(gw.get("/s-route/items/3"), gw.get("/p/items/3").json)
    failure(gw.get("/s-route/items/999"), 409, 20001)


def test_the_gateway_envelope_wraps_routes_without_their_own(gw):
    success(gw.get("/g/ping"), "pong")
    failure(gw.get("/g/items/999"), 404, 1)
    failure(gw.post("/g/items", b"{bad"), 400, 1, "invalid_json")
    off = gw.get("/g-off/items/1")
    assert off.status == 200 and off.json["id"] == 1, off


def test_the_gateway_envelope_shapes_404_and_405(gw):
    missing = gw.get("/no/such/route")
    body = failure(missing, 404, 40400, "route_not_found")
    assert "/no/such/route" in body["msg"], body
    refused = gw.post("/g/ping", {})
    body = failure(refused, 405, 40500, "method_not_allowed")
    assert refused.header("allow") == "GET, HEAD", refused.headers


def test_the_gateway_envelope_skips_proxied_routes_and_grpc_passthrough(gw):
    proxied_answer = gw.get("/web/echo?x=1")
    assert proxied_answer.status == 200, proxied_answer
    assert proxied_answer.json["path"] == "/echo?x=1" and "code" not in proxied_answer.json, proxied_answer
    import gateway_test_pb2 as pb
    import gateway_test_pb2_grpc as pb_grpc

    with grpc.insecure_channel("127.0.0.1:%d" % gw.port) as channel:
        stub = pb_grpc.StatusStub(channel)
        with pytest.raises(grpc.RpcError) as failed:
            stub.Fail(pb.FailRequest(code=5, message="passed through"), timeout=10)
        assert failed.value.code() == grpc.StatusCode.NOT_FOUND
        assert failed.value.details() == "passed through"
        stub.Fail(pb.FailRequest(code=0), timeout=10)


# --- envelope: h2c and WebSocket -------------------------------------------------------------------------------------

def test_the_envelope_over_h2c(gw):
    ok, exception, bad, blocked, dead, created, service, missing, proxy = h2_requests(gw.port, [
        ("GET", "/e/items/1", None, {}),
        ("GET", "/e/items/999", None, {}),
        ("POST", "/e/items", b"{bad", {}),
        ("GET", "/e/blocked", None, {}),
        ("GET", "/e/dead", None, {}),
        ("POST", "/e/items", {"id": 7003, "name": "t"}, {}),
        ("GET", "/s/ping", None, {}),
        ("GET", "/nowhere", None, {}),
        ("GET", "/web/echo", None, {}),
    ])
    success(ok, gw.get("/p/items/1").json)
    assert failure(exception, 409, 20001)["data"] == NOT_FOUND_DATA
    failure(bad, 400, 10001, "invalid_json")
    failure(blocked, 429, 42900, "flow_blocked")
    failure(dead, 502, 50200, "bad_gateway")
    assert created.status == 200
    success(service, "pong", fields=("errno", "errmsg", "result"), code=200, message="ok")
    failure(missing, 404, 40400, "route_not_found")
    assert proxy.status == 200 and proxy.json["path"] == "/echo", proxy
    (deleted,) = h2_requests(gw.port, [("DELETE", "/e/items/7003", None, {})])
    success(deleted, None)


def test_the_envelope_over_websocket_messages(gw):
    ok, exception, bad, blocked, keyed, svc, created, deleted, missing, refused = ws_messages(gw.port, [
        {"method": "GET", "path": "/e/items/1"},
        {"method": "GET", "path": "/e/items/999"},
        {"method": "POST", "path": "/e/items", "body": {"name": "no id"}},
        {"method": "GET", "path": "/e/blocked"},
        {"method": "GET", "path": "/e/keyed"},
        {"method": "GET", "path": "/s/items/999"},
        {"method": "POST", "path": "/e/items", "body": {"id": 7004, "name": "t"}},
        {"method": "DELETE", "path": "/e/items/7004"},
        {"method": "GET", "path": "/nowhere"},
        {"method": "POST", "path": "/g/ping"},
    ])
    success(as_response(ok), gw.get("/p/items/1").json)
    assert failure(as_response(exception), 409, 20001)["data"] == NOT_FOUND_DATA
    failure(as_response(bad), 400, 10000, "missing_required_field")
    failure(as_response(blocked), 429, 42900, "flow_blocked")
    failure(as_response(keyed), 401, 40100, "unauthorized")
    failure(as_response(svc), 404, 7, fields=("errno", "errmsg", "result"))
    assert created["status"] == 200, created
    success(as_response(deleted), None)
    failure(as_response(missing), 404, 40400, "route_not_found")
    failure(as_response(refused), 405, 40500, "method_not_allowed")


# --- request_size / request_timeout ----------------------------------------------------------------------------------

LISTENER_MAX_BODY = 1024


def say(path, plugins=None, **extra):
    """EchoService.Say at POST `path`: the body is the request, which comes back as the answer."""
    route = {"method": "POST", "path": path, "service": "echo", "call": "EchoService.Say", "body": "req"}
    if plugins is not None:
        route["plugins"] = plugins
    route.update(extra)
    return route


@pytest.fixture(scope="module")
def limits(sluice_bin, tmp_path_factory, demo, upstream):  # noqa: F811
    """A gateway whose listener takes bodies up to 1 KiB (limits.max_body), with routes that take less or more."""
    directory = tmp_path_factory.mktemp("request-limits")
    write_routes(directory / "routes", {
        "services": [echo_service("echo", demo), web_service("web", upstream),
                     echo_service("echo-sized", demo, plugins={"request_size": "20B"})],
        "routes": [
            say("/rs/small/{req.name}", {"request_size": "20B"}),
            say("/rs/large/{req.name}", {"request_size": "4KiB"}),
            say("/rs/plain/{req.name}"),
            say("/rs/service/{req.name}", service="echo-sized"),
            say("/rs/service-off/{req.name}", {"request_size": "off"}, service="echo-sized"),
            say("/rt/{req.name}", {"request_timeout": "1s"}),
            say("/rt-none/{req.name}"),
            proxied("/prs", plugins={"request_size": "100B"}),
            proxied("/prt", plugins={"request_timeout": "1s"}),
        ],
    })
    config = directory / "sluice.yaml"
    config.write_text(json.dumps({
        "listeners": [{"address": "127.0.0.1:0"}],
        "routes": "routes/",
        "websocket": {"path": "/ws"},
        "admin": "off",
        "watch": "off",
        "limits": {"max_body": "%dB" % LISTENER_MAX_BODY},
    }))
    child, listeners = start_with_config(sluice_bin, config, directory / "run.log")
    yield Gateway(child, listeners[0][1])
    child.stop()


def message_body(size):
    """A Say request of exactly `size` bytes of JSON."""
    overhead = len(json.dumps({"message": ""}, separators=(",", ":")))
    body = json.dumps({"message": "m" * (size - overhead)}, separators=(",", ":")).encode()
    assert len(body) == size
    return body


def too_large(response):
    assert response.status == 413, response
    assert response.json["error"]["code"] == "payload_too_large", response


def echoed(response, name, size):
    assert response.status == 200, response
    assert response.json == {"name": name, "message": "m" * (size - len('{"message":""}'))}, response


def read_answer(sock, timeout=10):
    """Reads one HTTP/1.1 answer (head and Content-Length body) from `sock`: (status, head text, body)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head:
        return None, "", b""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next((int(line.split(":", 1)[1]) for line in lines[1:] if line.lower().startswith("content-length:")), 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, "\r\n".join(lines).lower(), body


def closed_by_peer(sock, timeout=5):
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def chunked(body, piece=16):
    out = b""
    for start in range(0, len(body), piece):
        part = body[start:start + piece]
        out += b"%x\r\n%s\r\n" % (len(part), part)
    return out + b"0\r\n\r\n"


def post_chunked(port, path, body):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                  b"Connection: close\r\n\r\n" % path.encode() + chunked(body))
        status, head, data = read_answer(s)
        return Response(status, [], data)


def test_a_smaller_request_size_refuses_a_larger_body_over_http1(limits):
    echoed(limits.post("/rs/small/a", message_body(20)), "a", 20)
    too_large(limits.post("/rs/small/a", message_body(21)))
    too_large(limits.post("/rs/small/a", message_body(500)))
    # Chunked: the size is counted as the body arrives.
    echoed(post_chunked(limits.port, "/rs/small/c", message_body(20)), "c", 20)
    too_large(post_chunked(limits.port, "/rs/small/c", message_body(21)))
    too_large(post_chunked(limits.port, "/rs/small/c", message_body(500)))
    # The listener's own limit still holds elsewhere.
    echoed(limits.post("/rs/plain/a", message_body(500)), "a", 500)
    # Refused at the head: a client that waits for 100 Continue gets the 413 instead.
    with socket.create_connection(("127.0.0.1", limits.port), timeout=10) as s:
        s.sendall(b"POST /rs/small/e HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n"
                  b"Expect: 100-continue\r\n\r\n")
        status, head, body = read_answer(s)
        assert status == 413 and json.loads(body)["error"]["code"] == "payload_too_large", (head, body)


def test_a_smaller_request_size_refuses_a_larger_body_over_h2c(limits):
    small = message_body(20)
    big = message_body(200)
    ok, refused, ok_no_length, refused_no_length, plain = h2_requests(limits.port, [
        ("POST", "/rs/small/h", small, {"content-length": str(len(small))}),
        ("POST", "/rs/small/h", big, {"content-length": str(len(big))}),
        ("POST", "/rs/small/h", small, {}),
        ("POST", "/rs/small/h", big, {}),
        ("POST", "/rs/plain/h", big, {}),
    ])
    echoed(ok, "h", 20)
    too_large(refused)
    echoed(ok_no_length, "h", 20)
    too_large(refused_no_length)
    echoed(plain, "h", 200)


def test_a_larger_request_size_lifts_the_listeners_limit_for_its_route_only(limits):
    size = 2 * LISTENER_MAX_BODY
    echoed(limits.post("/rs/large/a", message_body(size)), "a", size)
    echoed(post_chunked(limits.port, "/rs/large/c", message_body(size)), "c", size)
    too_large(limits.post("/rs/large/a", message_body(4096 + 1)))
    too_large(limits.post("/rs/plain/a", message_body(size)))
    too_large(post_chunked(limits.port, "/rs/plain/c", message_body(size)))
    too_large(limits.post("/rs/small/a", message_body(size)))
    large, plain = h2_requests(limits.port, [("POST", "/rs/large/h", message_body(size), {}),
                                             ("POST", "/rs/plain/h", message_body(size), {})])
    echoed(large, "h", size)
    too_large(plain)


def test_a_services_request_size_reaches_its_routes_unless_off(limits):
    echoed(limits.post("/rs/service/a", message_body(20)), "a", 20)
    too_large(limits.post("/rs/service/a", message_body(21)))
    echoed(limits.post("/rs/service-off/a", message_body(500)), "a", 500)


def test_request_size_bounds_a_websocket_message_body(limits):
    small, refused, large, service, proxy_refused, proxy_ok = ws_messages(limits.port, [
        {"method": "POST", "path": "/rs/small/w", "body": {"message": "m"}},
        {"method": "POST", "path": "/rs/small/w", "body": {"message": "m" * 100}},
        {"method": "POST", "path": "/rs/large/w", "body": {"message": "m" * 2000}},
        {"method": "POST", "path": "/rs/service/w", "body": {"message": "m" * 100}},
        {"method": "POST", "path": "/prs/w", "body": "x" * 200},
        {"method": "POST", "path": "/prs/w", "body": "x" * 20},
    ])
    assert (small["status"], small["body"]) == (200, {"name": "w", "message": "m"}), small
    assert refused["status"] == 413 and refused["body"]["error"]["code"] == "payload_too_large", refused
    assert (large["status"], large["body"]) == (200, {"name": "w", "message": "m" * 2000}), large
    assert service["status"] == 413 and service["body"]["error"]["code"] == "payload_too_large", service
    # A proxy route's: the message's body is what would be streamed.
    assert proxy_refused["status"] == 413, proxy_refused
    assert proxy_refused["body"]["error"]["code"] == "payload_too_large", proxy_refused
    assert proxy_ok["status"] == 200 and proxy_ok["body"]["body"] == json.dumps("x" * 20), proxy_ok


def upstream_count(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/control/count" % port, timeout=10) as answer:
        return json.loads(answer.read())["served"]


def test_request_size_bounds_a_proxied_body(limits, upstream):  # noqa: F811
    ok = limits.post("/prs/up", b"x" * 100, headers={"Content-Type": "application/octet-stream"})
    assert ok.status == 200 and ok.json["body_bytes"] == 100, ok
    before = upstream_count(upstream)
    too_large(limits.post("/prs/up", b"x" * 101, headers={"Content-Type": "application/octet-stream"}))
    # Refused at its head: the upstream never saw it.
    assert upstream_count(upstream) == before
    # Chunked: refused once more than 100 bytes came.
    too_large(post_chunked(limits.port, "/prs/up", b"y" * 300))
    ok = post_chunked(limits.port, "/prs/up", b"y" * 90)
    assert ok.status == 200 and json.loads(ok.body)["body_bytes"] == 90, ok
    (h2_refused, h2_ok) = h2_requests(limits.port, [("POST", "/prs/h2", b"z" * 300, {}),
                                                   ("POST", "/prs/h2", b"z" * 50, {})])
    too_large(h2_refused)
    assert h2_ok.status == 200 and h2_ok.json["body_bytes"] == 50, h2_ok


def stall_http1(port, path, declared=100, sent=10, chunked_body=False):
    """Sends a head declaring `declared` bytes (or a chunked body) and only `sent` bytes of the body, then waits:
    (status, head, body, seconds until the answer, whether the gateway then closed the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        if chunked_body:
            s.sendall(b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n" % (path.encode(), sent, b"{" * sent))
        else:
            s.sendall(b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                      b"\r\n" % (path.encode(), declared) + b"{" * sent)
        started = time.monotonic()
        status, head, body = read_answer(s, timeout=10)
        elapsed = time.monotonic() - started
        return status, head, body, elapsed, closed_by_peer(s)


def test_request_timeout_answers_408_and_closes_over_http1(limits):
    for chunked_body in (False, True):
        status, head, body, elapsed, closed = stall_http1(limits.port, "/rt/a", chunked_body=chunked_body)
        assert status == 408, (status, head, body)
        assert json.loads(body)["error"]["code"] == "request_timeout"
        assert 0.8 < elapsed < 3.0, elapsed
        assert "\r\nconnection: close" in head, head
        assert closed
    # Only the head, no body at all.
    status, head, body, elapsed, closed = stall_http1(limits.port, "/rt/a", sent=0)
    assert (status, json.loads(body)["error"]["code"], closed) == (408, "request_timeout", True), (head, body)


def request_in_two_parts(port, path, pause):
    body = message_body(60)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                  b"Connection: close\r\n\r\n" % (path.encode(), len(body)) + body[:10])
        readable, _, _ = select.select([s], [], [], pause)
        assert not readable, "answered before the body was whole"
        s.sendall(body[10:])
        status, _, data = read_answer(s)
        return Response(status, [], data)


def test_a_request_arriving_in_time_is_served(limits):
    echoed(request_in_two_parts(limits.port, "/rt/a", 0.3), "a", 60)
    # A route without request_timeout waits longer than 1 s (the listener's idle timeout).
    echoed(request_in_two_parts(limits.port, "/rt-none/a", 1.5), "a", 60)


def test_request_timeout_counts_from_each_requests_head(limits):
    """A kept-alive HTTP/1.1 connection and an h2 connection idle for longer than the timeout between two whole
    requests: both served."""
    body = message_body(20)
    request = (b"POST /rt/k HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
               % len(body) + body)
    conn = H2Connection(limits.port).start()
    try:
        with socket.create_connection(("127.0.0.1", limits.port), timeout=10) as s:
            s.sendall(request)
            first = conn.request("POST", "/rt/h2", body)
            assert read_answer(s)[0] == 200
            assert conn.wait_for_responses([first], timeout=10) and conn.responses[first]["status"] == 200
            time.sleep(1.3)
            s.sendall(request)
            second = conn.request("POST", "/rt/h2", body)
            status, head, data = read_answer(s)
            assert status == 200 and json.loads(data)["name"] == "k", (head, data)
            assert conn.wait_for_responses([second], timeout=10)
            assert conn.responses[second]["status"] == 200, conn.responses[second]
    finally:
        conn.close()


def test_request_timeout_does_not_bound_the_answer(limits):
    """The request arrived whole: an upstream answering after 1.5 s is waited for."""
    answer = limits.post("/prt/slow?ms=1500", b"whole", headers={"Content-Type": "text/plain"})
    assert answer.status == 200 and answer.json["body"] == "whole", answer


def test_request_timeout_answers_the_h2_stream_408(limits):
    """A compiled route's stream and a proxy route's, both stalled on one connection."""
    conn = H2Connection(limits.port).start()
    try:
        streams = [conn.request("POST", "/rt/h2", b"{", end_stream=False),
                   conn.request("POST", "/prt/h2", b"x" * 10, headers=[("content-length", "100")], end_stream=False)]
        started = time.monotonic()
        assert conn.wait(lambda: all(conn.responses[s]["ended"] or s in conn.resets for s in streams), timeout=10)
        elapsed = time.monotonic() - started
        for stream in streams:
            assert conn.responses[stream]["status"] == 408, (conn.responses, conn.resets)
            assert conn.body_json(stream)["error"]["code"] == "request_timeout"
        assert 0.8 < elapsed < 3.0, elapsed
        # The connection goes on serving.
        again = conn.request("POST", "/rt/h2", message_body(20))
        assert conn.wait_for_responses([again], timeout=10)
        assert conn.responses[again]["status"] == 200 and conn.body_json(again)["name"] == "h2"
    finally:
        conn.close()


def test_request_timeout_on_a_proxy_route(limits):
    status, head, body, elapsed, closed = stall_http1(limits.port, "/prt/slow-upload")
    assert status == 408, (status, head, body)
    assert json.loads(body)["error"]["code"] == "request_timeout"
    assert 0.8 < elapsed < 3.0, elapsed
    ok = request_in_two_parts(limits.port, "/prt/in-time", 0.3)
    assert ok.status == 200 and json.loads(ok.body)["body_bytes"] == 60, ok


def test_no_route_no_envelope_on_the_limits_gateway(limits):
    # Without a gateway envelope, what no route answers is the plain error object.
    plain_error(limits.get("/nowhere"), 404, "route_not_found")


# --- envelope over the limits' refusals ------------------------------------------------------------------------------

SIZED = b'{"id":1,"name":"more than twenty bytes"}'


def test_a_request_size_refusal_of_a_websocket_message_is_enveloped(gw):
    bad_request, exact = ws_messages(gw.port, [
        {"method": "POST", "path": "/e/sized/items", "body": json.loads(SIZED)},
        {"method": "POST", "path": "/exact/sized/items", "body": json.loads(SIZED)},
    ])
    body = failure(as_response(bad_request), 413, 10000, "payload_too_large")
    assert body["data"]["plugin"] == "request_size", body
    failure(as_response(exact), 413, 41300, "payload_too_large")


def test_a_request_size_refusal_at_the_head_is_enveloped(gw):
    failure(gw.post("/e/sized/items", SIZED), 413, 10000, "payload_too_large")
    failure(gw.post("/exact/sized/items", SIZED), 413, 41300, "payload_too_large")
    failure(post_chunked(gw.port, "/exact/sized/items", SIZED), 413, 41300, "payload_too_large")
    (h2,) = h2_requests(gw.port, [("POST", "/exact/sized/items", SIZED, {})])
    failure(h2, 413, 41300, "payload_too_large")


def test_a_request_timeout_is_enveloped(gw):
    conn = H2Connection(gw.port).start()
    try:
        stream = conn.request("POST", "/exact/sized/items", b"{", end_stream=False)
        status, head, body, _, _ = stall_http1(gw.port, "/exact/sized/items", declared=19, sent=5)
        failure(Response(status, [], body), 408, 40800, "request_timeout")
        assert conn.wait(lambda: conn.responses[stream]["ended"] or stream in conn.resets, timeout=10)
        answer = conn.responses[stream]
        failure(Response(answer["status"], [], answer["body"]), 408, 40800, "request_timeout")
    finally:
        conn.close()


# --- sluice check ----------------------------------------------------------------------------------------------------

CHECK_HEAD = """services:
  - name: store
    idl: %s
    transport: framed
    codec: compact
    endpoints: ["127.0.0.1:9"]
  - name: web
    protocol: http
    endpoints: ["http://127.0.0.1:9"]
""" % STORE_IDL


KINDS = ("bad_request, not_found, method_not_allowed, unauthorized, forbidden, flow_blocked, circuit_open, "
         "upstream_unavailable, upstream_timeout, upstream_error, default")


def test_check_reports_envelope_errors_at_their_position(sluice, tmp_path):
    routes = tmp_path / "routes.yaml"
    text = CHECK_HEAD + """  - name: web-wrapped
    protocol: http
    endpoints: ["http://127.0.0.1:9"]
    plugins:
      envelope: {success_code: 1}
routes:
  - method: GET
    path: /a/{req.id}
    service: store
    call: StoreService.getItem
    plugins:
      envelope:
        errors:
          "exception:NotFound": {code: 1}
          flow_blokced: {code: 2}
          nonsense: {code: 3}
          "grpc:NOT_A_CODE": {code: 4}
          bad_request: {code: 5, status: 700}
          default: {status: 500}
  - method: GET
    path: /b/{rest=**}
    service: web
    plugins:
      envelope: {errors: {default: {code: 1}}}
  - method: GET
    path: /c/{rest=**}
    service: web
    plugins: {envelope: off}
"""
    routes.write_text(text)
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    hint = "expected exception:<Name>, grpc:<CODE>, a gateway error code, or one of: " + KINDS
    assert_error(out, routes, text, "flow_blokced", "unknown error kind 'flow_blokced' (did you mean 'flow_blocked'? "
                 + hint + ")")
    assert_error(out, routes, text, "nonsense", "unknown error kind 'nonsense' (" + hint + ")")
    assert_error(out, routes, text, "NOT_A_CODE", "unknown error kind 'grpc:NOT_A_CODE' (" + hint + ")",
                 token='"grpc:NOT_A_CODE"')
    assert_error(out, routes, text, "status: 700", "'status' must be an integer in 200...599", token="700")
    assert_error(out, routes, text, "default: {status: 500}", "the mapping of 'default' needs 'code'",
                 token="{status")
    assert_error(out, routes, text, "envelope: {success_code: 1}",
                 "'envelope' does not apply to http service 'web-wrapped': its answers are relayed as they are",
                 token="{success_code")
    assert_error(out, routes, text, "envelope: {errors: {default",
                 "'envelope' does not apply to a route to http service 'web': its answers are relayed as they are",
                 token="{errors")
    # The good keys and `envelope: off` on a proxy route draw nothing.
    assert "exception:NotFound" not in out and "/c/" not in out, out
    # `sluice run` refuses the same file.
    run = sluice("run", "--routes", tmp_path, "--listen", "127.0.0.1:0", "--admin", "off")
    line, column = position(text, "flow_blokced")
    assert run.returncode != 0 and "%s:%d:%d: unknown error kind 'flow_blokced'" % (routes, line, column) in \
        run.stdout + run.stderr, run


def test_check_reports_bad_request_sizes_and_timeouts(sluice, tmp_path):
    routes = tmp_path / "routes.yaml"
    text = CHECK_HEAD + """routes:
  - method: GET
    path: /a/{req.id}
    service: store
    call: StoreService.getItem
    plugins:
      request_size: 20XB
      request_timeout: soon
  - method: GET
    path: /b/{rest=**}
    service: web
    plugins: {request_size: -5, request_timeout: 0s}
  - method: GET
    path: /c/{req.id}
    service: store
    call: StoreService.getItem
    plugins: {request_size: 3MiB, request_timeout: 1500ms}
"""
    routes.write_text(text)
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    size_hint = "(expected a positive number with a unit: 512B, 64KiB, 8MiB, 1GiB)"
    duration_hint = "(expected a positive number with a unit: 500ms, 1s, 2m)"
    assert_error(out, routes, text, "20XB", "bad size '20XB' for 'request_size' " + size_hint)
    assert_error(out, routes, text, "soon", "bad duration 'soon' for 'request_timeout' " + duration_hint)
    assert_error(out, routes, text, "request_size: -5", "bad size '-5' for 'request_size' " + size_hint, token="-5")
    assert_error(out, routes, text, "request_timeout: 0s", "bad duration '0s' for 'request_timeout' " + duration_hint,
                 token="0s")
    # Nothing about the good route's settings.
    assert "4 errors in" in out and "'3MiB'" not in out and "1500ms" not in out, out


def test_check_config_with_a_gateway_envelope(sluice, tmp_path):
    """A gateway-level envelope is fine with http services and proxy routes (it skips them); its own errors are
    reported in the config file."""
    (tmp_path / "routes").mkdir()
    (tmp_path / "routes" / "routes.yaml").write_text(CHECK_HEAD + """routes:
  - {method: GET, path: "/a/{req.id}", service: store, call: StoreService.getItem}
  - {method: "*", path: "/b/{rest=**}", service: web}
""")
    config = tmp_path / "sluice.yaml"
    good = """listeners: [{address: "127.0.0.1:0"}]
routes: routes/
plugins:
  envelope:
    fields: {code: errno, message: errmsg, data: result}
    errors: {not_found: {code: 40400}, route_not_found: {code: 40401}, default: {code: 1}}
  request_size: 1MiB
  request_timeout: 5s
"""
    config.write_text(good)
    ok = sluice("check", "--config", config)
    assert ok.returncode == 0 and "ok: 2 routes, 2 services" in ok.stdout, ok
    bad = good.replace("default: {code: 1}", "upstream_timout: {code: 1}").replace("5s", "5 parsecs")
    config.write_text(bad)
    result = sluice("check", "--config", config)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert_error(out, config, bad, "upstream_timout", "unknown error kind 'upstream_timout' (did you mean "
                 "'upstream_timeout'?")
    assert_error(out, config, bad, "5 parsecs", "bad duration '5 parsecs' for 'request_timeout'")
