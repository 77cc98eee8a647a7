"""Edge plugins (ip_restriction, cors, key_auth, headers) through `sluice run --config`: set on a route, on its
service, or in the gateway config, and switched off with `off`/`false`; on compiled routes (the demo backend's
EchoService, which answers the request it was sent, so a bound field shows what the binder saw) and on proxy
routes (the stdlib HTTP echo upstream of test_http_proxy.py, which answers the headers it received), over
HTTP/1.1, h2c, h2 over TLS and WebSocket messages; key_auth on a gRPC pass-through service (grpcio client);
refusals in /metrics and the access log (JSON and combined); and `sluice check` errors at file:line:col.

One gateway (module scope) carries most routes; each test uses its own paths, so the counts a test reads
(metrics, access log, the upstream's served count) are its own."""

import hashlib
import json
import pathlib
import re
import socket
import sys
import time
import urllib.parse
import urllib.request

import grpc
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as websocket_connect

from conftest import ECHO_IDL, STORE_IDL
from support.gateway import Gateway, start_with_config, write_routes
from support.h2_requests import h2_requests
from support.positions import assert_error, position
from support.processes import Child, free_port
from test_grpc_passthrough import relay, relay_gen, relay_service  # noqa: F401 (relay, relay_gen: fixtures)
from test_http_proxy import upstream  # noqa: F401 (the stdlib HTTP echo server, as a fixture)
from test_metrics import scrape, value

ORIGIN = "https://shop.example.test"
PARTNER_ORIGIN = "https://app.partner.test"
KEYS = [{"key": "k-123", "consumer": "partner-a"}, {"key": "k-456", "consumer": "partner-b"},
        {"key": "s e/c+r=t&", "consumer": "odd"}]
FILE_KEY = "key-from-the-file"
UPPER_FILE_KEY = "another-file-key"
CHALLENGE = 'ApiKey realm="sluice", header="x-api-key"'
CORS = {"origins": [ORIGIN], "origins_regex": ["https://[a-z]+\\.partner\\.test"], "methods": ["GET", "POST"],
        "headers": ["content-type", "x-api-key"], "expose_headers": ["x-from"], "credentials": True, "max_age": "600s"}
CORS_FIELDS = ("access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers",
               "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age")


def echo_service(name, backend, **extra):
    return dict({"name": name, "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                 "endpoints": [backend.address], "timeout": "2s"}, **extra)


def web_service(name, port, **extra):
    return dict({"name": name, "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % port], "timeout": "5s"},
                **extra)


def say(path, service="echo", plugins=None, headers=None, **extra):
    """EchoService.Say at POST `path`: the body is the request, x-user is bound to `user` unless `headers` says."""
    route = {"method": "POST", "path": path, "service": service, "call": "EchoService.Say", "body": "req",
             "headers": {"x-user": "req.user"} if headers is None else headers}
    if plugins is not None:
        route["plugins"] = plugins
    route.update(extra)
    return route


def proxied(path, service="web", plugins=None, method="*", **extra):
    route = {"method": method, "path": path + "/{rest=**}", "service": service, "rewrite": "/{rest}"}
    if plugins is not None:
        route["plugins"] = plugins
    route.update(extra)
    return route


def keys_file_text():
    return "keys:\n  - {sha256: %s, consumer: filed}\n  - {sha256: %s, consumer: filed-upper}\n" % (
        hashlib.sha256(FILE_KEY.encode()).hexdigest(), hashlib.sha256(UPPER_FILE_KEY.encode()).hexdigest().upper())


def edge_document(demo_backend, upstream_port, dead_port):
    keyed = {"key_auth": {"keys": KEYS}}
    return {
        "services": [
            echo_service("echo", demo_backend),
            # Every route of this service inherits its key_auth.
            echo_service("keyed", demo_backend, plugins=keyed),
            echo_service("cors-svc", demo_backend, plugins={"cors": CORS}),
            web_service("web", upstream_port),
            web_service("web-keyed", upstream_port, plugins={
                "key_auth": {"keys": KEYS, "hide_credentials": True, "consumer_header": "x-consumer"}}),
            # Routes generated from the IDL's api.* annotations inherit the service's plugins too.
            {"name": "store-keyed", "idl": str(STORE_IDL), "protocol": "thrift", "transport": "ttheader",
             "codec": "binary", "endpoints": [demo_backend.address], "timeout": "2s", "routes_from_idl": True,
             "plugins": keyed},
            # Nothing listens there: its calls fail with 502.
            dict(echo_service("dead", demo_backend), endpoints=["127.0.0.1:%d" % dead_port]),
        ],
        "routes": [
            say("/plain/{req.name}"),
            # key_auth
            say("/ka/header/{req.name}", plugins=keyed),
            say("/ka/query/{req.name}", plugins={"key_auth": {"query": "api_key", "keys": KEYS}}),
            say("/ka/custom/{req.name}", plugins={"key_auth": {"header": "X-Token", "keys": KEYS}}),
            say("/ka/file/{req.name}", headers={"x-consumer": "req.user"}, plugins={
                "key_auth": {"keys_file": "secrets/keys.yaml", "consumer_header": "x-consumer"}}),
            say("/ka/only-a/{req.name}", plugins={"key_auth": {"keys": KEYS, "consumers": ["partner-a"]}}),
            say("/ka/bound/{req.name}", headers={"x-consumer": "req.user"},
                plugins={"key_auth": {"keys": KEYS, "consumer_header": "x-consumer"}}),
            say("/ka/hidden/{req.name}", headers={"x-api-key": "req.message"},
                plugins={"key_auth": {"keys": KEYS, "hide_credentials": True}}),
            say("/ka/shown/{req.name}", headers={"x-api-key": "req.message"}, plugins=keyed),
            say("/guarded/{req.name}", plugins=keyed, name="guarded"),
            # the order: key_auth reads the key before headers edits it; ip_restriction refuses before cors answers
            say("/order/keyed/{req.name}", headers={"x-api-key": "req.message"}, plugins={
                "key_auth": {"keys": KEYS}, "headers": {"request": {"set": {"x-api-key": "k-123"}}}}),
            say("/order/removed/{req.name}", headers={"x-api-key": "req.message"}, plugins={
                "key_auth": {"keys": KEYS}, "headers": {"request": {"remove": ["x-api-key"]}}}),
            say("/order/ip/{req.name}",
                plugins={"ip_restriction": {"deny": ["127.0.0.1"]}, "cors": {"origins": [ORIGIN]}}),
            # inheritance
            say("/inh/one/{req.name}", service="keyed"),
            say("/inh/two/{req.name}", service="keyed"),
            say("/inh/replaced/{req.name}", service="keyed",
                plugins={"key_auth": {"keys": [{"key": "route-key", "consumer": "route-c"}]}}),
            say("/inh/off/{req.name}", service="keyed", plugins={"key_auth": "off"}),
            say("/inh/false/{req.name}", service="keyed", plugins={"key_auth": False}),
            say("/global-off/{req.name}", plugins={"headers": "off"}),
            say("/global-replaced/{req.name}", plugins={"headers": {"response": {"set": {"x-route": "yes"}}}}),
            # cors (the service's), plus key_auth of the route's own on /cors-keyed
            say("/cors/{req.name}", service="cors-svc"),
            {"method": "DELETE", "path": "/cors/{req.name}", "service": "cors-svc", "call": "EchoService.Say"},
            say("/cors-keyed/{req.name}", service="cors-svc",
                plugins={"key_auth": {"keys": KEYS, "consumers": ["partner-a"]}}),
            say("/cors-any/{req.name}", plugins={"cors": {"origins": ["*"]}}),
            say("/cors-flow/{req.name}", service="cors-svc", name="cors-flow"),
            say("/cors-dead/{req.name}", service="dead", plugins={"cors": CORS}),
            # ip_restriction
            say("/ip/deny/{req.name}", plugins={"ip_restriction": {"deny": ["127.0.0.0/8"]}}),
            say("/ip/allow/{req.name}", plugins={"ip_restriction": {"allow": ["127.0.0.1/32"]}}),
            say("/ip/elsewhere/{req.name}", plugins={"ip_restriction": {"allow": ["10.0.0.0/8"]}}),
            say("/ip/deny-wins/{req.name}",
                plugins={"ip_restriction": {"allow": ["127.0.0.0/8"], "deny": ["127.0.0.1/32"]}}),
            say("/ip/proxied/{req.name}", plugins={
                "ip_restriction": {"deny": ["203.0.113.0/24"], "trusted_proxies": ["127.0.0.1/32"]}}),
            say("/ip/proxied-allow/{req.name}", plugins={
                "ip_restriction": {"allow": ["198.51.100.0/24"], "trusted_proxies": ["127.0.0.0/8"]}}),
            say("/ip/untrusted/{req.name}", plugins={"ip_restriction": {"deny": ["203.0.113.0/24"]}}),
            # headers
            say("/hdr/set/{req.name}", plugins={"headers": {
                "request": {"set": {"x-user": "from-plugin"}},
                "response": {"set": {"cache-control": "no-store"}, "add": {"x-b": "2"}}}}),
            say("/hdr/add/{req.name}", plugins={"headers": {"request": {"add": {"x-user": "added"}}}}),
            say("/hdr/remove/{req.name}", plugins={"headers": {"request": {"remove": ["x-user"]}}}),
            # proxy routes
            proxied("/web"),
            proxied("/hweb", plugins={"headers": {
                "request": {"set": {"x-a": "1"}, "add": {"x-b": "2"}, "remove": ["x-c"]},
                "response": {"set": {"cache-control": "no-store", "x-upstream": "replaced"},
                             "add": {"x-added": "yes"}, "remove": ["server", "date"]}}}),
            proxied("/kweb", service="web-keyed"),
            proxied("/kweb-shown", plugins=keyed),
            proxied("/kqweb", plugins={"key_auth": {"query": "api_key", "keys": KEYS, "hide_credentials": True}}),
            proxied("/cweb", method="GET", plugins={"cors": {"origins": [ORIGIN]}}),
            proxied("/cany", plugins={"cors": {"origins": [ORIGIN], "methods": ["GET"]}}),
            proxied("/ipweb", plugins={"ip_restriction": {"deny": ["127.0.0.0/8"]}}),
            # metrics, each its own route
            say("/metered/{req.name}", plugins={"key_auth": {"keys": KEYS, "consumers": ["partner-a"]}},
                name="metered"),
            proxied("/metered-web", plugins=keyed, name="metered-web"),
            say("/metered-ip/{req.name}", plugins={"ip_restriction": {"deny": ["127.0.0.0/8"]}}, name="metered-ip"),
            say("/metered-cors/{req.name}", plugins={"cors": {"origins": [ORIGIN]}}, name="metered-cors"),
        ],
        "flow": [{"resource": "guarded", "grade": "qps", "count": 1},
                 {"resource": "cors-flow", "grade": "qps", "count": 1}],
    }


class Edge:
    """The shared gateway: HTTP/1.1 + h2c on `clear`, h2 over TLS on `tls_port`, a listener logging in the
    combined format on `combined`, WebSocket RPC at /ws, the admin API on `admin`."""

    def __init__(self, child, listeners, admin, directory, upstream_port, ca):
        self.child = child
        (_, clear), (_, self.tls_port), (_, combined) = listeners
        self.clear = Gateway(child, clear)
        self.combined = Gateway(child, combined)
        self.admin = admin
        self.access_log = directory / "access.log"
        self.combined_log = directory / "combined.log"
        self.upstream = upstream_port
        self.ca = ca


@pytest.fixture(scope="module")
def edge(sluice_bin, tmp_path_factory, demo_backend, upstream, dev_certs):  # noqa: F811
    directory = tmp_path_factory.mktemp("plugins-edge")
    holder = socket.socket()  # bound, never listening: connecting is refused, and no other process takes the port
    holder.bind(("127.0.0.1", 0))
    routes = write_routes(directory / "routes", edge_document(demo_backend, upstream, holder.getsockname()[1]))
    (routes / "secrets").mkdir()
    (routes / "secrets" / "keys.yaml").write_text(keys_file_text())
    admin = free_port()
    config = directory / "sluice.yaml"
    config.write_text(json.dumps({
        "listeners": [{"address": "127.0.0.1:0"},
                      {"address": "127.0.0.1:0", "tls": {"cert": str(dev_certs / "server.crt"),
                                                         "key": str(dev_certs / "server.key")}},
                      {"address": "127.0.0.1:0", "access_log": {"path": "combined.log", "format": "combined"}}],
        "routes": "routes/",
        "websocket": {"path": "/ws"},
        "admin": {"address": "127.0.0.1:%d" % admin},
        "watch": "off",
        "access_log": {"path": "access.log"},
        # Every route's answers get x-edge, unless its service or itself sets `headers` otherwise.
        "plugins": {"headers": {"response": {"set": {"x-edge": "global"}}}},
    }))
    try:
        child, listeners = start_with_config(sluice_bin, config, directory / "run.log")
        yield Edge(child, listeners, admin, directory, upstream, dev_certs / "ca.crt")
        child.stop()
    finally:
        holder.close()


# --- clients and assertions ------------------------------------------------------------------------------------

def h2_one(port, method, path, body=None, headers=None, tls_ca=None):
    return h2_requests(port, [(method, path, body, headers or {})], tls_ca=tls_ca)[0]


def ws_messages(port, messages):
    """Sends each message (its id set to its index) and reads its reply before the next."""
    replies = []
    with websocket_connect("ws://127.0.0.1:%d/ws" % port, max_size=None) as ws:
        for index, message in enumerate(messages):
            ws.send(json.dumps(dict(message, id=index)))
            reply = json.loads(ws.recv())
            assert reply["id"] == index, reply
            replies.append(reply)
    return replies


def values(response, name):
    return [v for k, v in response.headers if k.lower() == name.lower()]


def sent_headers(echoed, name):
    """The values of `name` the HTTP echo upstream received."""
    return [v for k, v in echoed["headers"] if k.lower() == name.lower()]


def vary_tokens(response):
    return {token.strip().lower() for value in values(response, "vary") for token in value.split(",")}


def assert_refused(response, status, code, plugin):
    assert response.status == status, response
    error = response.json["error"]
    assert set(error) == {"code", "plugin", "message"}, error
    assert (error["code"], error["plugin"]) == (code, plugin), error
    assert isinstance(error["message"], str) and error["message"], error


def assert_unauthorized(response, challenge=CHALLENGE):
    assert_refused(response, 401, "unauthorized", "key_auth")
    assert values(response, "www-authenticate") == [challenge], response.headers


def assert_no_cors(response):
    present = [name for name, _ in response.headers if name.lower() in CORS_FIELDS]
    assert present == [], response.headers


def assert_actual_cors(response, origin, credentials=True, expose="x-from"):
    assert values(response, "access-control-allow-origin") == [origin], response.headers
    assert values(response, "access-control-allow-credentials") == (["true"] if credentials else []), response.headers
    assert values(response, "access-control-expose-headers") == ([expose] if expose else []), response.headers
    if origin != "*":
        assert "origin" in vary_tokens(response), response.headers


def upstream_count(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/control/count" % port, timeout=10) as answer:
        return json.loads(answer.read())["served"]


def log_entries(path, wanted, timeout=15):
    """The JSON access log's entries for the paths in `wanted`, once each has one (entries reach the file
    within the flush interval)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        found = {}
        for line in lines:
            entry = json.loads(line)
            if entry["path"] in wanted:
                found[entry["path"]] = entry
        if len(found) == len(wanted) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


# --- key_auth ---------------------------------------------------------------------------------------------------

def test_a_missing_empty_or_wrong_key_is_401_with_a_challenge(edge):
    gw = edge.clear
    assert_unauthorized(gw.post("/ka/header/a", {}))
    assert_unauthorized(gw.post("/ka/header/a", {}, headers={"x-api-key": ""}))
    assert_unauthorized(gw.post("/ka/header/a", {}, headers={"x-api-key": "k-12"}))
    assert_unauthorized(gw.post("/ka/header/a", {}, headers={"x-api-key": "K-123"}))
    # Only the header counts on a route that names no query parameter.
    assert_unauthorized(gw.post("/ka/header/a?api_key=k-123", {}))
    assert_unauthorized(gw.post("/ka/header/a", {}, headers={"x-other": "k-123"}))


def test_the_right_key_by_header_or_query_reaches_the_backend(edge):
    gw = edge.clear
    ok = gw.post("/ka/header/a", {"message": "m"}, headers={"x-api-key": "k-123"})
    assert (ok.status, ok.json) == (200, {"name": "a", "message": "m"})
    ok = gw.post("/ka/header/b", {}, headers={"X-API-KEY": "s e/c+r=t&"})
    assert (ok.status, ok.json) == (200, {"name": "b"})

    ok = gw.post("/ka/query/q?api_key=k-456", {})
    assert (ok.status, ok.json) == (200, {"name": "q"})
    ok = gw.post("/ka/query/r?x=1&api_key=" + urllib.parse.quote("s e/c+r=t&", safe=""), {})
    assert (ok.status, ok.json) == (200, {"name": "r"})
    query_challenge = 'ApiKey realm="sluice", query="api_key"'
    assert_unauthorized(gw.post("/ka/query/q", {}), query_challenge)
    assert_unauthorized(gw.post("/ka/query/q?api_key=nope", {}), query_challenge)
    # A query-only route reads no header.
    assert_unauthorized(gw.post("/ka/query/q", {}, headers={"x-api-key": "k-123"}), query_challenge)


def test_a_named_header_replaces_the_default_one(edge):
    gw = edge.clear
    challenge = 'ApiKey realm="sluice", header="x-token"'
    assert_unauthorized(gw.post("/ka/custom/a", {}, headers={"x-api-key": "k-123"}), challenge)
    ok = gw.post("/ka/custom/a", {}, headers={"x-token": "k-456"})
    assert (ok.status, ok.json) == (200, {"name": "a"})


def test_a_keys_file_holds_sha256_digests(edge):
    gw = edge.clear
    ok = gw.post("/ka/file/a", {}, headers={"x-api-key": FILE_KEY})
    assert (ok.status, ok.json) == (200, {"name": "a", "user": "filed"})
    # The digest may be written in capitals, as some tools print it.
    ok = gw.post("/ka/file/b", {}, headers={"x-api-key": UPPER_FILE_KEY})
    assert (ok.status, ok.json) == (200, {"name": "b", "user": "filed-upper"})
    # The digest is not the key, and the file's keys are the route's only ones.
    assert_unauthorized(gw.post("/ka/file/a", {}, headers={"x-api-key": hashlib.sha256(FILE_KEY.encode()).hexdigest()}))
    assert_unauthorized(gw.post("/ka/file/a", {}, headers={"x-api-key": "k-123"}))


def test_a_valid_key_of_a_consumer_not_listed_is_403(edge):
    gw = edge.clear
    ok = gw.post("/ka/only-a/a", {}, headers={"x-api-key": "k-123"})
    assert (ok.status, ok.json) == (200, {"name": "a"})
    refused = gw.post("/ka/only-a/a", {}, headers={"x-api-key": "k-456"})
    assert_refused(refused, 403, "forbidden", "key_auth")
    assert values(refused, "www-authenticate") == []
    assert_unauthorized(gw.post("/ka/only-a/a", {}, headers={"x-api-key": "wrong"}))


def test_the_consumer_header_is_bound_and_cannot_be_spoofed(edge):
    gw = edge.clear
    ok = gw.post("/ka/bound/a", {}, headers={"x-api-key": "k-123"})
    assert (ok.status, ok.json) == (200, {"name": "a", "user": "partner-a"})
    spoofed = gw.post("/ka/bound/b", {}, headers={"x-api-key": "k-123", "x-consumer": "admin"})
    assert (spoofed.status, spoofed.json) == (200, {"name": "b", "user": "partner-a"})
    other = gw.post("/ka/bound/c", {}, headers={"x-api-key": "k-456", "X-Consumer": "partner-a"})
    assert (other.status, other.json) == (200, {"name": "c", "user": "partner-b"})
    assert_unauthorized(gw.post("/ka/bound/d", {}, headers={"x-consumer": "partner-a"}))


def test_hide_credentials_keeps_the_key_from_a_thrift_binding(edge):
    gw = edge.clear
    shown = gw.post("/ka/shown/a", {}, headers={"x-api-key": "k-123"})
    assert (shown.status, shown.json) == (200, {"name": "a", "message": "k-123"})
    hidden = gw.post("/ka/hidden/a", {}, headers={"x-api-key": "k-123"})
    assert (hidden.status, hidden.json) == (200, {"name": "a"})


def test_hide_credentials_and_the_consumer_header_on_a_proxy_route(edge):
    gw = edge.clear
    answer = gw.get("/kweb/echo?x=1", headers={"x-api-key": "k-123", "x-consumer": "admin", "x-kept": "1"})
    assert answer.status == 200, answer
    echoed = answer.json
    assert echoed["path"] == "/echo?x=1"
    assert sent_headers(echoed, "x-api-key") == []
    assert sent_headers(echoed, "x-consumer") == ["partner-a"]
    assert sent_headers(echoed, "x-kept") == ["1"]
    assert_unauthorized(gw.get("/kweb/echo", headers={"x-consumer": "partner-a"}))
    # Without hide_credentials and consumer_header, the key and the client's field go on as sent.
    shown = gw.get("/kweb-shown/echo", headers={"x-api-key": "k-123", "x-consumer": "admin"})
    assert shown.status == 200, shown
    assert sent_headers(shown.json, "x-api-key") == ["k-123"]
    assert sent_headers(shown.json, "x-consumer") == ["admin"]


def test_hide_credentials_keeps_a_query_key_from_the_upstream(edge):
    answer = edge.clear.get("/kqweb/echo?x=1&api_key=k-123&y=2")
    assert answer.status == 200, answer
    assert "k-123" not in answer.json["path"], answer.json["path"]
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(answer.json["path"]).query) == {"x": ["1"], "y": ["2"]}


def test_plugins_run_in_their_fixed_order(edge):
    """ip_restriction, cors, key_auth, headers: what headers sets is no key, what it removes was read first; a
    denied address gets no preflight answer."""
    gw = edge.clear
    assert_unauthorized(gw.post("/order/keyed/a", {}))
    ok = gw.post("/order/keyed/a", {}, headers={"x-api-key": "k-456"})
    assert (ok.status, ok.json) == (200, {"name": "a", "message": "k-123"})
    ok = gw.post("/order/removed/a", {}, headers={"x-api-key": "k-456"})
    assert (ok.status, ok.json) == (200, {"name": "a"})
    assert_refused(gw.request("OPTIONS", "/order/ip/a", headers=preflight_headers("POST")), 403, "forbidden",
                   "ip_restriction")
    assert_refused(gw.post("/order/ip/a", {}, headers={"Origin": ORIGIN}), 403, "forbidden", "ip_restriction")


@pytest.fixture(scope="module")
def chat(workdir):
    """The WebSocket echo upstream (servers/ws_echo_server.py): its port."""
    child = Child([sys.executable, pathlib.Path(__file__).parent / "servers" / "ws_echo_server.py"],
                  workdir / "plugins-ws-echo.log")
    port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
    yield port
    child.stop()


def chat_gateway(start_gateway, port):
    return start_gateway({
        "services": [web_service("chat", port)],
        "routes": [{"method": "GET", "path": "/chat/{room}", "service": "chat", "rewrite": "/rooms/{room}",
                    "plugins": {"key_auth": {"keys": KEYS, "hide_credentials": True, "consumer_header": "x-consumer"},
                                "headers": {"response": {"set": {"x-route": "chat"}}}}}],
    }, name="plugins-ws-upgrade", extra=("--admin", "off"))


def test_a_websocket_upgrade_to_a_proxy_route_runs_its_plugins(start_gateway, chat):
    gw = chat_gateway(start_gateway, chat)
    with pytest.raises(InvalidStatus) as refused:
        with websocket_connect("ws://127.0.0.1:%d/chat/lobby" % gw.port):
            pass
    answer = refused.value.response
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == CHALLENGE and answer.headers["x-route"] == "chat"
    assert json.loads(answer.body)["error"]["plugin"] == "key_auth"
    with websocket_connect("ws://127.0.0.1:%d/chat/lobby" % gw.port,
                           additional_headers={"x-api-key": "k-123", "x-consumer": "admin"}) as ws:
        ws.send("request?")
        request = json.loads(ws.recv())
        sent = [(name.lower(), value) for name, value in request["headers"]]
        assert request["path"] == "/rooms/lobby"
        assert [v for name, v in sent if name == "x-api-key"] == []
        assert [v for name, v in sent if name == "x-consumer"] == ["partner-a"]
        ws.send("hello")
        assert ws.recv() == "hello"


def test_response_edits_reach_the_101_of_a_relayed_upgrade(start_gateway, chat):
    gw = chat_gateway(start_gateway, chat)
    with websocket_connect("ws://127.0.0.1:%d/chat/lobby" % gw.port, additional_headers={"x-api-key": "k-123"}) as ws:
        assert ws.response.headers.get("x-route") == "chat", ws.response.headers


def test_refused_requests_never_reach_the_upstream(edge):
    gw = edge.clear
    before = upstream_count(edge.upstream)
    assert_unauthorized(gw.get("/kweb/never"))
    assert_unauthorized(gw.post("/kweb/never", {"a": 1}, headers={"x-api-key": "bad"}))
    assert_refused(gw.get("/ipweb/never"), 403, "forbidden", "ip_restriction")
    assert upstream_count(edge.upstream) == before
    assert gw.get("/kweb/once", headers={"x-api-key": "k-123"}).status == 200
    assert upstream_count(edge.upstream) == before + 1


def test_refusals_take_no_flow_permit(edge):
    """The plugins run before the flow guard: five refused requests leave the one-a-second rule's permit."""
    gw = edge.clear
    before = scrape(edge.admin)
    for _ in range(5):
        assert_unauthorized(gw.post("/guarded/a", {}))
    ok = gw.post("/guarded/a", {}, headers={"x-api-key": "k-123"})
    assert (ok.status, ok.json) == (200, {"name": "a"})
    after = scrape(edge.admin)
    assert value(after, "sluice_flow_passed_total", route="guarded") - \
        value(before, "sluice_flow_passed_total", route="guarded") == 1
    assert value(after, "sluice_plugin_blocked_total", route="guarded", plugin="key_auth", code="unauthorized") - \
        value(before, "sluice_plugin_blocked_total", route="guarded", plugin="key_auth", code="unauthorized") == 5


# --- inheritance ------------------------------------------------------------------------------------------------

def test_a_service_plugin_applies_to_each_of_its_routes(edge):
    gw = edge.clear
    for path in ("/inh/one/a", "/inh/two/a"):
        assert_unauthorized(gw.post(path, {}))
        ok = gw.post(path, {}, headers={"x-api-key": "k-123"})
        assert (ok.status, ok.json) == (200, {"name": "a"})


def test_a_route_plugin_replaces_the_services_whole(edge):
    gw = edge.clear
    assert_unauthorized(gw.post("/inh/replaced/a", {}))
    assert_unauthorized(gw.post("/inh/replaced/a", {}, headers={"x-api-key": "k-123"}))
    ok = gw.post("/inh/replaced/a", {}, headers={"x-api-key": "route-key"})
    assert (ok.status, ok.json) == (200, {"name": "a"})


def test_routes_generated_from_the_idl_inherit_the_service_plugins(edge):
    gw = edge.clear
    assert_unauthorized(gw.get("/api/items/1"))
    ok = gw.get("/api/items/1", headers={"x-api-key": "k-123"})
    assert ok.status == 200 and ok.json["id"] == 1, ok


def test_off_and_false_switch_an_inherited_plugin_off(edge):
    gw = edge.clear
    for path in ("/inh/off/a", "/inh/false/a"):
        ok = gw.post(path, {})
        assert (ok.status, ok.json) == (200, {"name": "a"})


def test_global_plugins_apply_to_every_route_unless_switched_off_or_replaced(edge):
    gw = edge.clear
    for answer in (gw.post("/plain/a", {}), gw.post("/inh/off/a", {}),
                   gw.post("/inh/one/a", {}, headers={"x-api-key": "k-123"}), gw.get("/web/echo"),
                   gw.post("/inh/one/a", {})):  # a refusal too
        assert values(answer, "x-edge") == ["global"], answer.headers
    off = gw.post("/global-off/a", {})
    assert off.status == 200 and values(off, "x-edge") == [], off.headers
    replaced = gw.post("/global-replaced/a", {})
    assert replaced.status == 200, replaced
    assert values(replaced, "x-route") == ["yes"] and values(replaced, "x-edge") == [], replaced.headers
    h2 = h2_one(edge.clear.port, "POST", "/plain/h2", {})
    assert (h2.status, values(h2, "x-edge")) == (200, ["global"])
    plain, off = ws_messages(edge.clear.port, [{"method": "POST", "path": "/plain/ws", "body": {}},
                                               {"method": "POST", "path": "/global-off/ws", "body": {}}])
    assert plain["status"] == 200 and plain["headers"].get("x-edge") == "global", plain
    assert off["status"] == 200 and "x-edge" not in off["headers"], off


def test_global_key_auth_from_the_gateway_config(sluice_bin, sluice, tmp_path, demo_backend,
                                                upstream, relay, relay_gen):  # noqa: F811
    """`plugins:` in the file given to --config: every route, compiled or proxied, and gRPC pass-through, unless
    its service or itself says otherwise; its keys file is found next to the config file; a reload keeps it."""
    pb, pb_grpc = relay_gen[1], relay_gen[2]
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "keys.yaml").write_text(keys_file_text())
    write_routes(tmp_path / "routes", {
        "services": [echo_service("echo", demo_backend),
                     echo_service("own", demo_backend,
                                  plugins={"key_auth": {"keys": [{"key": "own-key", "consumer": "o"}]}}),
                     web_service("web", upstream),
                     dict(relay_service(relay), auto_routes=False)],
        "routes": [say("/g/{req.name}"), say("/g-off/{req.name}", plugins={"key_auth": "off"}),
                   say("/g-own/{req.name}", service="own"), proxied("/gweb"),
                   proxied("/gweb-off", plugins={"key_auth": False})],
    })
    admin = free_port()
    config = tmp_path / "sluice.yaml"
    config.write_text('listeners: [{address: "127.0.0.1:0"}]\nroutes: routes/\nadmin: {address: "127.0.0.1:%d"}\n'
                      'watch: off\nplugins:\n  key_auth: {keys_file: secrets/keys.yaml}\n' % admin)
    checked = sluice("check", "--config", config)
    assert checked.returncode == 0 and "ok: 5 routes, 4 services" in checked.stdout, checked
    child, listeners = start_with_config(sluice_bin, config, tmp_path / "run.log")
    try:
        gw = Gateway(child, listeners[0][1])

        def assert_global_plugins():
            assert_unauthorized(gw.post("/g/a", {}))
            ok = gw.post("/g/a", {}, headers={"x-api-key": FILE_KEY})
            assert (ok.status, ok.json) == (200, {"name": "a"})
            ok = gw.post("/g-off/a", {})
            assert (ok.status, ok.json) == (200, {"name": "a"})
            assert_unauthorized(gw.post("/g-own/a", {}, headers={"x-api-key": FILE_KEY}))
            ok = gw.post("/g-own/a", {}, headers={"x-api-key": "own-key"})
            assert (ok.status, ok.json) == (200, {"name": "a"})
            assert_unauthorized(gw.get("/gweb/echo"))
            proxied_ok = gw.get("/gweb/echo", headers={"x-api-key": FILE_KEY})
            assert proxied_ok.status == 200 and proxied_ok.json["path"] == "/echo", proxied_ok
            assert gw.get("/gweb-off/echo").status == 200
            with grpc.insecure_channel("127.0.0.1:%d" % gw.port) as channel:
                stub = pb_grpc.RelayStub(channel)
                with pytest.raises(grpc.RpcError) as refused:
                    stub.Unary(pb.Note(text="g"), timeout=10)
                assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
                assert stub.Unary(pb.Note(text="g"), metadata=[("x-api-key", FILE_KEY)], timeout=10).text == "g from "

        assert_global_plugins()
        request = urllib.request.Request("http://127.0.0.1:%d/admin/reload" % admin, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
        assert_global_plugins()
    finally:
        child.stop()


# --- cors -------------------------------------------------------------------------------------------------------

def preflight_headers(method, origin=ORIGIN, requested=None):
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if requested is not None:
        headers["Access-Control-Request-Headers"] = requested
    return headers


def assert_preflight(answer, expected):
    """A 204 whose CORS fields are exactly `expected`, with a vary naming Origin."""
    assert answer.status == 204, answer
    assert answer.body == b""
    cors = {name.lower(): v for name, v in answer.headers if name.lower() in CORS_FIELDS}
    assert cors == expected, answer.headers
    assert len([name for name, _ in answer.headers if name.lower() in CORS_FIELDS]) == len(expected)
    assert "origin" in vary_tokens(answer), answer.headers


FULL_PREFLIGHT = {"access-control-allow-origin": ORIGIN, "access-control-allow-methods": "GET, POST",
                  "access-control-allow-headers": "content-type, x-api-key",
                  "access-control-allow-credentials": "true", "access-control-max-age": "600"}


def test_a_preflight_is_answered_at_the_edge(edge):
    gw = edge.clear
    # The route takes POST only: the preflight goes to it because it asks about POST.
    answer = gw.request("OPTIONS", "/cors/a", headers=preflight_headers("POST", requested="content-type, x-api-key"))
    assert_preflight(answer, FULL_PREFLIGHT)
    # Without Access-Control-Request-Headers: no allow-headers; a regex origin is named back.
    answer = gw.request("OPTIONS", "/cors/a", headers=preflight_headers("POST", origin=PARTNER_ORIGIN))
    expected = dict(FULL_PREFLIGHT, **{"access-control-allow-origin": PARTNER_ORIGIN})
    del expected["access-control-allow-headers"]
    assert_preflight(answer, expected)
    # Before key_auth: a preflight carries no key, and is not refused for it.
    answer = gw.request("OPTIONS", "/cors-keyed/a", headers=preflight_headers("POST", requested="x-api-key"))
    assert_preflight(answer, dict(FULL_PREFLIGHT, **{"access-control-allow-headers": "x-api-key"}))
    # Header names are compared without regard to case, and named back as asked.
    answer = gw.request("OPTIONS", "/cors/a", headers=preflight_headers("POST", requested="Content-Type,X-API-Key"))
    assert_preflight(answer, dict(FULL_PREFLIGHT, **{"access-control-allow-headers": "Content-Type, X-API-Key"}))


def test_a_preflight_asking_for_what_is_not_allowed_is_403(edge):
    gw = edge.clear
    for origin in ("https://evil.test", "https://app.partner.test.evil.test", "http://shop.example.test"):
        refused = gw.request("OPTIONS", "/cors/a", headers=preflight_headers("POST", origin=origin))
        assert_refused(refused, 403, "forbidden", "cors")
        assert values(refused, "access-control-allow-origin") == [], refused.headers
    # DELETE has a route here, but cors allows GET and POST only.
    assert_refused(gw.request("OPTIONS", "/cors/a", headers=preflight_headers("DELETE")), 403, "forbidden", "cors")
    refused = gw.request("OPTIONS", "/cors/a", headers=preflight_headers("POST", requested="content-type, x-secret"))
    assert_refused(refused, 403, "forbidden", "cors")


def test_a_preflight_for_a_method_without_a_route_is_refused_by_cors(edge):
    refused = edge.clear.request("OPTIONS", "/cors/a", headers=preflight_headers("PUT"))
    assert_refused(refused, 403, "forbidden", "cors")


def test_actual_requests_carry_cors_fields_for_allowed_origins_only(edge):
    gw = edge.clear
    answer = gw.post("/cors/a", {}, headers={"Origin": ORIGIN})
    assert (answer.status, answer.json) == (200, {"name": "a"})
    assert_actual_cors(answer, ORIGIN)
    answer = gw.post("/cors/b", {}, headers={"Origin": PARTNER_ORIGIN})
    assert answer.status == 200
    assert_actual_cors(answer, PARTNER_ORIGIN)
    # Another origin is served, without the fields: the browser keeps the answer from the page.
    for origin in ("https://evil.test", "https://app.partner.test.evil.test"):
        answer = gw.post("/cors/c", {}, headers={"Origin": origin})
        assert (answer.status, answer.json) == (200, {"name": "c"})
        assert_no_cors(answer)
    answer = gw.post("/cors/d", {})
    assert answer.status == 200
    assert_no_cors(answer)


def test_a_refusal_by_a_later_plugin_still_carries_the_cors_fields(edge):
    gw = edge.clear
    refused = gw.post("/cors-keyed/a", {}, headers={"Origin": ORIGIN})
    assert_unauthorized(refused)
    assert_actual_cors(refused, ORIGIN)
    refused = gw.post("/cors-keyed/a", {}, headers={"Origin": ORIGIN, "x-api-key": "k-456"})
    assert_refused(refused, 403, "forbidden", "key_auth")
    assert_actual_cors(refused, ORIGIN)
    ok = gw.post("/cors-keyed/a", {}, headers={"Origin": ORIGIN, "x-api-key": "k-123"})
    assert (ok.status, ok.json) == (200, {"name": "a"})
    assert_actual_cors(ok, ORIGIN)
    refused = gw.post("/cors-keyed/a", {}, headers={"Origin": "https://evil.test"})
    assert_unauthorized(refused)
    assert_no_cors(refused)


def test_flow_blocks_and_backend_failures_carry_the_cors_fields_too(edge):
    gw = edge.clear
    answers = [gw.post("/cors-flow/a", {}, headers={"Origin": ORIGIN}) for _ in range(3)]
    statuses = [answer.status for answer in answers]
    assert 429 in statuses and set(statuses) <= {200, 429}, statuses
    for answer in answers:
        assert_actual_cors(answer, ORIGIN)
    failed = gw.post("/cors-dead/a", {}, headers={"Origin": ORIGIN})
    assert failed.status == 502 and failed.json["error"]["code"] == "bad_gateway", failed
    assert_actual_cors(failed, ORIGIN)


def test_any_origin_without_credentials_is_answered_with_a_star(edge):
    gw = edge.clear
    answer = gw.request("OPTIONS", "/cors-any/a", headers=preflight_headers("POST", origin="https://anyone.test",
                                                                             requested="x-whatever"))
    assert_preflight(answer, {"access-control-allow-origin": "*",
                              "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE",
                              "access-control-allow-headers": "x-whatever"})
    answer = gw.post("/cors-any/a", {}, headers={"Origin": "https://anyone.test"})
    assert answer.status == 200
    assert_actual_cors(answer, "*", credentials=False, expose=None)


def test_cors_on_proxy_routes(edge):
    gw = edge.clear
    # GET only: the preflight (an OPTIONS) reaches the route by the method it asks for.
    answer = gw.request("OPTIONS", "/cweb/x", headers=preflight_headers("GET"))
    assert_preflight(answer, {"access-control-allow-origin": ORIGIN,
                              "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE"})
    answer = gw.get("/cweb/x", headers={"Origin": ORIGIN})
    assert answer.status == 200 and answer.json["path"] == "/x", answer
    assert values(answer, "x-upstream") == ["yes"]
    assert_actual_cors(answer, ORIGIN, credentials=False, expose=None)
    answer = gw.get("/cweb/x", headers={"Origin": "https://evil.test"})
    assert answer.status == 200
    assert_no_cors(answer)
    # Any method: the OPTIONS is the route's own, and the plugin answers it before the upstream.
    before = upstream_count(edge.upstream)
    assert_preflight(gw.request("OPTIONS", "/cany/x", headers=preflight_headers("GET")),
                     {"access-control-allow-origin": ORIGIN, "access-control-allow-methods": "GET"})
    refused = gw.request("OPTIONS", "/cany/x", headers=preflight_headers("PUT"))
    assert_refused(refused, 403, "forbidden", "cors")
    assert upstream_count(edge.upstream) == before


# --- ip_restriction -----------------------------------------------------------------------------------------------

def test_deny_and_allow_lists_on_the_peer_address(edge):
    gw = edge.clear
    assert_refused(gw.post("/ip/deny/a", {}), 403, "forbidden", "ip_restriction")
    ok = gw.post("/ip/allow/a", {})
    assert (ok.status, ok.json) == (200, {"name": "a"})
    # With an allow list, an address not on it is refused.
    assert_refused(gw.post("/ip/elsewhere/a", {}), 403, "forbidden", "ip_restriction")
    # Deny wins over allow.
    assert_refused(gw.post("/ip/deny-wins/a", {}), 403, "forbidden", "ip_restriction")


@pytest.mark.parametrize("forwarded,status", [
    (None, 200),                                   # no X-Forwarded-For: the peer itself, not denied
    ("203.0.113.7", 403),                          # the client the trusted peer names
    ("198.51.100.4", 200),
    ("203.0.113.7, 127.0.0.1", 403),               # trusted hops are skipped from the right
    ("203.0.113.7, 198.51.100.4", 200),            # the right-most untrusted address, not a spoofed left one
    ("198.51.100.4, 203.0.113.250", 403),
    ("::ffff:203.0.113.7", 403),                   # an IPv4-mapped IPv6 address is that IPv4 address
])
def test_a_trusted_proxy_is_looked_through(edge, forwarded, status):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    answer = edge.clear.post("/ip/proxied/a", {}, headers=headers)
    if status == 200:
        assert (answer.status, answer.json) == (200, {"name": "a"})
    else:
        assert_refused(answer, 403, "forbidden", "ip_restriction")


def test_forwarded_addresses_with_allow_lists_and_untrusted_peers(edge):
    gw = edge.clear
    ok = gw.post("/ip/proxied-allow/a", {}, headers={"X-Forwarded-For": "198.51.100.4"})
    assert (ok.status, ok.json) == (200, {"name": "a"})
    # Without it the client is the peer, 127.0.0.1, which is not on the allow list.
    assert_refused(gw.post("/ip/proxied-allow/a", {}), 403, "forbidden", "ip_restriction")
    assert_refused(gw.post("/ip/proxied-allow/a", {}, headers={"X-Forwarded-For": "203.0.113.7"}),
                   403, "forbidden", "ip_restriction")
    # No trusted proxies: X-Forwarded-For is the client's own claim, and is not believed.
    ok = gw.post("/ip/untrusted/a", {}, headers={"X-Forwarded-For": "203.0.113.7"})
    assert (ok.status, ok.json) == (200, {"name": "a"})
    # Two X-Forwarded-For fields are one list: the last field's last address is read first.
    raw = gw.raw(b"POST /ip/proxied/a HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.4\r\n"
                 b"X-Forwarded-For: 203.0.113.7\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    assert raw.startswith(b"HTTP/1.1 403 "), raw


# --- headers ----------------------------------------------------------------------------------------------------

def test_request_edits_reach_the_thrift_binding(edge):
    gw = edge.clear
    answer = gw.post("/hdr/set/a", {}, headers={"x-user": "client"})
    assert (answer.status, answer.json) == (200, {"name": "a", "user": "from-plugin"})
    answer = gw.post("/hdr/set/b", {})
    assert (answer.status, answer.json) == (200, {"name": "b", "user": "from-plugin"})
    answer = gw.post("/hdr/add/a", {})
    assert (answer.status, answer.json) == (200, {"name": "a", "user": "added"})
    answer = gw.post("/hdr/remove/a", {}, headers={"x-user": "client"})
    assert (answer.status, answer.json) == (200, {"name": "a"})


def test_response_edits_on_a_compiled_route(edge):
    answer = edge.clear.post("/hdr/set/a", {})
    assert answer.status == 200
    assert values(answer, "cache-control") == ["no-store"]
    assert values(answer, "x-b") == ["2"]
    assert values(answer, "content-type") == ["application/json"]
    # The route's headers replace the global ones whole.
    assert values(answer, "x-edge") == []


def test_the_gateway_writes_its_own_server_field_on_compiled_routes(edge):
    # `server` edits reach proxied answers (the upstream's field, see the proxy route test); on the gateway's
    # own answers the listener writes its own, as documented.
    answer = edge.clear.post("/hdr/set/a", {})
    assert values(answer, "server") == ["sluice"]


def test_request_and_response_edits_on_a_proxy_route(edge):
    answer = edge.clear.get("/hweb/echo", headers={"x-a": "client", "x-b": "1", "x-c": "gone", "x-d": "kept"})
    assert answer.status == 200, answer
    echoed = answer.json
    assert sent_headers(echoed, "x-a") == ["1"]
    assert sent_headers(echoed, "x-b") == ["1", "2"]
    assert sent_headers(echoed, "x-c") == []
    assert sent_headers(echoed, "x-d") == ["kept"]
    assert values(answer, "cache-control") == ["no-store"]
    assert values(answer, "x-upstream") == ["replaced"]
    assert values(answer, "x-added") == ["yes"]
    assert values(answer, "server") == [] and values(answer, "date") == [], answer.headers
    assert values(answer, "x-edge") == []


# --- HTTP/2 and WebSocket ------------------------------------------------------------------------------------------

def test_plugins_over_h2c(edge):
    port = edge.clear.port
    (missing, keyed, spoofed, denied, forwarded, preflight, cross, cross_refused, edited,
     proxy_missing, proxy_ok, proxy_edited, proxy_preflight, proxy_denied, proxy_posted, after,
     proxy_cross) = h2_requests(port, [
        ("POST", "/ka/header/a", {}, {}),
        ("POST", "/ka/header/a", {}, {"x-api-key": "k-123"}),
        ("POST", "/ka/bound/a", {}, {"x-api-key": "k-456", "x-consumer": "admin"}),
        ("POST", "/ip/deny/a", {}, {}),
        ("POST", "/ip/proxied/a", {}, {"x-forwarded-for": "203.0.113.7"}),
        ("OPTIONS", "/cors/a", None, {"origin": ORIGIN, "access-control-request-method": "POST",
                                      "access-control-request-headers": "content-type, x-api-key"}),
        ("POST", "/cors-keyed/a", {}, {"origin": ORIGIN, "x-api-key": "k-123"}),
        ("POST", "/cors-keyed/a", {}, {"origin": ORIGIN}),
        ("POST", "/hdr/set/a", {}, {"x-user": "client"}),
        ("GET", "/kweb/echo", None, {}),
        ("GET", "/kweb/echo", None, {"x-api-key": "k-123", "x-consumer": "admin"}),
        ("GET", "/hweb/echo", None, {"x-a": "client", "x-c": "gone"}),
        ("OPTIONS", "/cany/x", None, {"origin": ORIGIN, "access-control-request-method": "PUT"}),
        ("GET", "/ipweb/x", None, {}),
        ("POST", "/kweb/x", {"a": 1}, {}),
        ("POST", "/kweb/after", {"a": 1}, {"x-api-key": "k-123"}),
        ("GET", "/cweb/x", None, {"origin": ORIGIN}),
    ])
    assert_unauthorized(missing)
    assert (keyed.status, keyed.json) == (200, {"name": "a"})
    assert (spoofed.status, spoofed.json) == (200, {"name": "a", "user": "partner-b"})
    assert_refused(denied, 403, "forbidden", "ip_restriction")
    assert_refused(forwarded, 403, "forbidden", "ip_restriction")
    assert_preflight(preflight, FULL_PREFLIGHT)
    assert (cross.status, cross.json) == (200, {"name": "a"})
    assert_actual_cors(cross, ORIGIN)
    assert_unauthorized(cross_refused)
    assert_actual_cors(cross_refused, ORIGIN)
    assert (edited.status, edited.json) == (200, {"name": "a", "user": "from-plugin"})
    assert values(edited, "cache-control") == ["no-store"] and values(edited, "x-b") == ["2"]
    assert_unauthorized(proxy_missing)
    assert proxy_ok.status == 200, proxy_ok
    assert sent_headers(proxy_ok.json, "x-api-key") == [] and sent_headers(proxy_ok.json, "x-consumer") == ["partner-a"]
    assert proxy_edited.status == 200, proxy_edited
    assert sent_headers(proxy_edited.json, "x-a") == ["1"] and sent_headers(proxy_edited.json, "x-b") == ["2"]
    assert sent_headers(proxy_edited.json, "x-c") == []
    assert values(proxy_edited, "x-upstream") == ["replaced"] and values(proxy_edited, "x-added") == ["yes"]
    assert values(proxy_edited, "server") == []
    assert_refused(proxy_preflight, 403, "forbidden", "cors")
    assert_refused(proxy_denied, 403, "forbidden", "ip_restriction")
    assert_unauthorized(proxy_posted)
    assert after.status == 200 and after.json["body"] == '{"a": 1}', after
    assert proxy_cross.status == 200 and proxy_cross.json["path"] == "/x", proxy_cross
    assert_actual_cors(proxy_cross, ORIGIN, credentials=False, expose=None)


def test_plugins_over_h2_with_tls(edge):
    port = edge.tls_port
    missing, keyed, forwarded, proxy_ok, preflight = h2_requests(port, [
        ("POST", "/ka/query/a", {}, {}),
        ("POST", "/ka/query/a?api_key=k-123", {}, {}),
        ("POST", "/ip/proxied/a", {}, {"x-forwarded-for": "198.51.100.4"}),
        ("GET", "/kweb/echo", None, {"x-api-key": "k-123"}),
        ("OPTIONS", "/cweb/x", None, {"origin": ORIGIN, "access-control-request-method": "GET"}),
    ], tls_ca=edge.ca)
    assert_unauthorized(missing, 'ApiKey realm="sluice", query="api_key"')
    assert (keyed.status, keyed.json) == (200, {"name": "a"})
    assert (forwarded.status, forwarded.json) == (200, {"name": "a"})
    assert proxy_ok.status == 200, proxy_ok
    assert sent_headers(proxy_ok.json, "x-api-key") == [] and sent_headers(proxy_ok.json, "x-consumer") == ["partner-a"]
    assert_preflight(preflight, {"access-control-allow-origin": ORIGIN,
                                 "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE"})


def test_plugins_over_websocket_messages(edge):
    (missing, keyed, spoofed, query, denied, forwarded, edited, cross_refused,
     proxy_missing, proxy_ok, proxy_edited, proxy_cross) = ws_messages(edge.clear.port, [
        {"method": "POST", "path": "/ka/header/w", "body": {}},
        {"method": "POST", "path": "/ka/header/w", "headers": {"X-Api-Key": "k-123"}, "body": {}},
        {"method": "POST", "path": "/ka/bound/w", "headers": {"x-api-key": "k-123", "x-consumer": "admin"}, "body": {}},
        {"method": "POST", "path": "/ka/query/w?api_key=k-456", "body": {}},
        {"method": "POST", "path": "/ip/deny/w", "body": {}},
        {"method": "POST", "path": "/ip/proxied/w", "headers": {"x-forwarded-for": "203.0.113.7"}, "body": {}},
        {"method": "POST", "path": "/hdr/set/w", "headers": {"x-user": "client"}, "body": {}},
        {"method": "POST", "path": "/cors-keyed/w", "headers": {"origin": ORIGIN}, "body": {}},
        {"method": "GET", "path": "/kweb/echo"},
        {"method": "GET", "path": "/kweb/echo", "headers": {"x-api-key": "k-123", "x-consumer": "admin"}},
        {"method": "GET", "path": "/hweb/echo", "headers": {"x-a": "client", "x-c": "gone"}},
        {"method": "GET", "path": "/cweb/x", "headers": {"Origin": ORIGIN}},
    ])

    def assert_ws_refused(reply, status, code, plugin):
        assert reply["status"] == status, reply
        assert reply["body"]["error"]["code"] == code and reply["body"]["error"]["plugin"] == plugin, reply

    assert_ws_refused(missing, 401, "unauthorized", "key_auth")
    assert missing["headers"]["www-authenticate"] == CHALLENGE
    assert (keyed["status"], keyed["body"]) == (200, {"name": "w"})
    assert (spoofed["status"], spoofed["body"]) == (200, {"name": "w", "user": "partner-a"})
    assert (query["status"], query["body"]) == (200, {"name": "w"})
    assert_ws_refused(denied, 403, "forbidden", "ip_restriction")
    assert_ws_refused(forwarded, 403, "forbidden", "ip_restriction")
    assert (edited["status"], edited["body"]) == (200, {"name": "w", "user": "from-plugin"})
    assert edited["headers"]["cache-control"] == "no-store" and edited["headers"]["x-b"] == "2"
    assert_ws_refused(cross_refused, 401, "unauthorized", "key_auth")
    assert cross_refused["headers"]["access-control-allow-origin"] == ORIGIN
    assert cross_refused["headers"]["access-control-allow-credentials"] == "true"
    assert_ws_refused(proxy_missing, 401, "unauthorized", "key_auth")
    assert proxy_missing["headers"]["www-authenticate"] == CHALLENGE
    assert proxy_ok["status"] == 200, proxy_ok
    assert sent_headers(proxy_ok["body"], "x-api-key") == []
    assert sent_headers(proxy_ok["body"], "x-consumer") == ["partner-a"]
    assert proxy_edited["status"] == 200, proxy_edited
    assert sent_headers(proxy_edited["body"], "x-a") == ["1"] and sent_headers(proxy_edited["body"], "x-c") == []
    assert proxy_edited["headers"]["x-upstream"] == "replaced" and proxy_edited["headers"]["x-added"] == "yes"
    assert "server" not in proxy_edited["headers"]
    assert proxy_cross["status"] == 200 and proxy_cross["headers"]["access-control-allow-origin"] == ORIGIN, proxy_cross


# --- gRPC pass-through --------------------------------------------------------------------------------------------

def test_key_auth_on_a_grpc_passthrough_service(start_gateway, workdir, relay, relay_gen):  # noqa: F811
    """A refusal is a trailers-only gRPC status: UNAUTHENTICATED for 401, PERMISSION_DENIED for 403; counted and
    logged as any other."""
    pb, pb_grpc = relay_gen[1], relay_gen[2]
    service = dict(relay_service(relay), plugins={"key_auth": {"keys": KEYS, "consumers": ["partner-a"]}})
    admin = free_port()
    log = workdir / "plugins-grpc-access.log"
    gw = start_gateway({"services": [service], "routes": []}, name="grpc-plugins",
                       extra=("--admin", "127.0.0.1:%d" % admin, "--access-log", str(log)))
    with grpc.insecure_channel("127.0.0.1:%d" % gw.port) as channel:
        stub = pb_grpc.RelayStub(channel)
        for metadata in ([], [("x-api-key", "wrong")]):
            with pytest.raises(grpc.RpcError) as refused:
                stub.Unary(pb.Note(text="hi"), metadata=metadata, timeout=10)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED, refused.value
        with pytest.raises(grpc.RpcError) as refused:
            stub.Unary(pb.Note(text="hi"), metadata=[("x-api-key", "k-456")], timeout=10)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED, refused.value
        reply = stub.Unary(pb.Note(text="hi", count=1), metadata=[("x-api-key", "k-123"), ("x-user", "ann")],
                           timeout=10)
        assert (reply.text, reply.count) == ("hi from ann", 2)
        parts = list(stub.Split(pb.Note(text="p", count=3), metadata=[("x-api-key", "k-123")], timeout=10))
        assert [p.text for p in parts] == ["p 0", "p 1", "p 2"]
        with pytest.raises(grpc.RpcError) as refused:
            list(stub.Split(pb.Note(text="p", count=3), timeout=10))
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    # The service's JSON route (auto_routes) runs the same plugins.
    assert_unauthorized(gw.post("/passthrough.v1.Relay/Unary", {"text": "js"}))
    ok = gw.post("/passthrough.v1.Relay/Unary", {"text": "js", "count": 1}, headers={"x-api-key": "k-123"})
    assert (ok.status, ok.json) == (200, {"text": "js from ", "count": 2})

    samples = scrape(admin)
    unary, split = "POST /passthrough.v1.Relay/Unary", "POST /passthrough.v1.Relay/Split"
    blocked = "sluice_plugin_blocked_total"
    assert value(samples, blocked, route=unary, plugin="key_auth", code="unauthorized") == 3  # two gRPC, one JSON
    assert value(samples, blocked, route=unary, plugin="key_auth", code="forbidden") == 1
    assert value(samples, blocked, route=split, plugin="key_auth", code="unauthorized") == 1
    deadline = time.monotonic() + 15
    while True:
        entries = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        if len(entries) >= 8 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    grpc_entries = [(e["path"], e["blocked_by"], e["consumer"]) for e in entries if e["protocol"] == "h2"]
    assert grpc_entries == [
        ("/passthrough.v1.Relay/Unary", "key_auth", None), ("/passthrough.v1.Relay/Unary", "key_auth", None),
        # A valid key whose consumer may not call: refused, and the consumer named.
        ("/passthrough.v1.Relay/Unary", "key_auth", "partner-b"), ("/passthrough.v1.Relay/Unary", None, "partner-a"),
        ("/passthrough.v1.Relay/Split", None, "partner-a"), ("/passthrough.v1.Relay/Split", "key_auth", None),
    ], entries


# --- metrics and the access log -----------------------------------------------------------------------------------

def test_refusals_are_counted_by_route_plugin_and_code(edge):
    gw = edge.clear
    before = scrape(edge.admin)
    for _ in range(3):
        assert gw.post("/metered/a", {}).status == 401
    for _ in range(2):
        assert gw.post("/metered/a", {}, headers={"x-api-key": "nope"}).status == 401
    assert gw.post("/metered/a", {}, headers={"x-api-key": "k-456"}).status == 403
    for _ in range(4):
        assert gw.post("/metered/a", {}, headers={"x-api-key": "k-123"}).status == 200
    assert h2_one(gw.port, "POST", "/metered/h2", {}).status == 401
    (ws,) = ws_messages(gw.port, [{"method": "POST", "path": "/metered/ws", "body": {}}])
    assert ws["status"] == 401
    for _ in range(2):
        assert gw.get("/metered-web/x").status == 401
    assert gw.get("/metered-web/x", headers={"x-api-key": "k-123"}).status == 200
    for _ in range(3):
        assert gw.post("/metered-ip/a", {}).status == 403
    assert gw.request("OPTIONS", "/metered-cors/a", headers=preflight_headers("POST")).status == 204
    evil = preflight_headers("POST", origin="https://evil.test")
    assert gw.request("OPTIONS", "/metered-cors/a", headers=evil).status == 403
    assert gw.request("OPTIONS", "/cany/a", headers=preflight_headers("DELETE")).status == 403
    assert h2_one(gw.port, "GET", "/metered-web/h2").status == 401
    after = scrape(edge.admin)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    blocked = "sluice_plugin_blocked_total"
    assert delta(blocked, route="metered", plugin="key_auth", code="unauthorized") == 7
    assert delta(blocked, route="metered", plugin="key_auth", code="forbidden") == 1
    assert delta(blocked, route="metered-web", plugin="key_auth", code="unauthorized") == 3
    assert delta(blocked, route="* /cany/{rest=**}", plugin="cors", code="forbidden") == 1
    assert delta(blocked, route="metered-ip", plugin="ip_restriction", code="forbidden") == 3
    assert delta(blocked, route="metered-cors", plugin="cors", code="forbidden") == 1
    # Nothing else is counted as a plugin block on these routes.
    for route in ("metered", "metered-web", "metered-ip", "metered-cors"):
        total = sum(v for (name, labels), v in after.items() if name == blocked and dict(labels)["route"] == route)
        assert total == {"metered": 8, "metered-web": 3, "metered-ip": 3, "metered-cors": 1}[route], route
    requests = "sluice_requests_total"
    assert delta(requests, route="metered", status="401", protocol="http1") == 5
    assert delta(requests, route="metered", status="401", protocol="h2") == 1
    assert delta(requests, route="metered", status="401", protocol="websocket") == 1
    assert delta(requests, route="metered", status="403", protocol="http1") == 1
    assert delta(requests, route="metered", status="200", protocol="http1") == 4
    assert delta(requests, route="metered-web", status="401", protocol="http1") == 2
    assert delta(requests, route="metered-web", status="200", protocol="http1") == 1
    assert delta(requests, route="metered-web", status="401", protocol="h2") == 1
    assert delta(requests, route="metered-cors", status="204", protocol="http1") == 1


def test_the_access_log_names_the_blocking_plugin_and_the_consumer(edge):
    gw = edge.clear
    assert gw.post("/ka/header/log-missing", {}).status == 401
    assert gw.post("/ka/header/log-ok", {}, headers={"x-api-key": "k-123"}).status == 200
    assert gw.post("/ka/only-a/log-forbidden", {}, headers={"x-api-key": "k-456"}).status == 403
    assert gw.post("/ip/deny/log", {}).status == 403
    evil = preflight_headers("POST", origin="https://evil.test")
    assert gw.request("OPTIONS", "/cors/log", headers=evil).status == 403
    assert gw.post("/plain/log", {}).status == 200
    assert gw.get("/kweb/log-proxied", headers={"x-api-key": "k-456"}).status == 200
    assert gw.get("/kweb/log-refused").status == 401
    assert h2_one(gw.port, "POST", "/ka/header/log-h2", {}, {"x-api-key": "k-123"}).status == 200
    replies = ws_messages(gw.port, [
        {"method": "POST", "path": "/ka/header/log-ws", "headers": {"x-api-key": "s e/c+r=t&"}, "body": {}},
        {"method": "GET", "path": "/kweb/log-ws-proxied", "headers": {"x-api-key": "k-123"}}])
    assert [reply["status"] for reply in replies] == [200, 200]
    wanted = {"/ka/header/log-missing", "/ka/header/log-ok", "/ka/only-a/log-forbidden", "/ip/deny/log", "/cors/log",
              "/plain/log", "/kweb/log-proxied", "/kweb/log-refused", "/ka/header/log-h2", "/ka/header/log-ws",
              "/kweb/log-ws-proxied"}
    entries = log_entries(edge.access_log, wanted)
    assert set(entries) == wanted, entries
    keys = {"time", "client", "method", "path", "route", "protocol", "status", "service", "endpoint", "attempts",
            "latency_ms", "bytes_in", "bytes_out", "trace_id", "blocked_by", "consumer", "user_agent"}
    assert all(set(e) == keys for e in entries.values()), entries

    def seen(path):
        e = entries[path]
        return e["status"], e["blocked_by"], e["consumer"]

    assert seen("/ka/header/log-missing") == (401, "key_auth", None)
    assert seen("/ka/header/log-ok") == (200, None, "partner-a")
    assert seen("/ka/only-a/log-forbidden")[:2] == (403, "key_auth")
    assert seen("/ip/deny/log") == (403, "ip_restriction", None)
    assert seen("/cors/log") == (403, "cors", None)
    assert seen("/plain/log") == (200, None, None)
    assert seen("/kweb/log-proxied") == (200, None, "partner-b")
    assert seen("/kweb/log-refused") == (401, "key_auth", None)
    assert seen("/ka/header/log-h2") == (200, None, "partner-a")
    assert seen("/ka/header/log-ws") == (200, None, "odd")
    assert seen("/kweb/log-ws-proxied") == (200, None, "partner-a")
    for path in ("/ka/header/log-missing", "/ip/deny/log", "/kweb/log-refused"):
        # Refused before any call: no endpoint was tried.
        assert (entries[path]["endpoint"], entries[path]["attempts"]) == (None, None), entries[path]
    assert entries["/ka/header/log-missing"]["route"] == "POST /ka/header/{req.name}"
    assert entries["/kweb/log-refused"]["route"] == "* /kweb/{rest=**}"
    assert (entries["/ka/header/log-h2"]["protocol"], entries["/ka/header/log-ws"]["protocol"]) == ("h2", "websocket")


def test_the_combined_log_puts_the_consumer_in_the_remote_user_field(edge):
    gw = edge.combined
    ok = gw.post("/ka/header/combined-ok", {}, headers={"x-api-key": "k-123"})
    assert ok.status == 200
    refused = gw.post("/ka/header/combined-refused", {})
    assert refused.status == 401
    assert gw.get("/kweb/combined-proxied", headers={"x-api-key": "k-456"}).status == 200
    deadline = time.monotonic() + 15
    while True:
        text = edge.combined_log.read_text() if edge.combined_log.exists() else ""
        if text.count("\n") >= 3 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    stamp = r"\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\]"
    assert re.search(r'^127\.0\.0\.1 - partner-a %s "POST /ka/header/combined-ok HTTP/1\.1" 200 %d '
                     % (stamp, len(ok.body)), text, re.MULTILINE), text
    assert re.search(r'^127\.0\.0\.1 - - %s "POST /ka/header/combined-refused HTTP/1\.1" 401 %d '
                     % (stamp, len(refused.body)), text, re.MULTILINE), text
    assert re.search(r'^127\.0\.0\.1 - partner-b %s "GET /kweb/combined-proxied HTTP/1\.1" 200 ' % stamp,
                     text, re.MULTILINE), text


# --- sluice check -------------------------------------------------------------------------------------------------

ROUTE_HEAD = """services:
  - name: echo
    idl: %s
    transport: ttheader
    endpoints: ["127.0.0.1:9"]
""" % ECHO_IDL


def test_check_reports_plugin_errors_at_their_position(sluice, tmp_path):
    (tmp_path / "secrets").mkdir()
    keys = tmp_path / "secrets" / "keys.yaml"
    keys_text = "keys:\n  - {sha256: 0123abc, consumer: short}\n  - {sha256: %s, consumer: fine}\n" % (
        hashlib.sha256(b"k").hexdigest())
    keys.write_text(keys_text)
    routes = tmp_path / "routes.yaml"
    text = ROUTE_HEAD + """    plugins:
      key_auht: {keys: [{key: a, consumer: b}]}
routes:
  - method: POST
    path: /a/{req.name}
    service: echo
    call: EchoService.Say
    body: req
    plugins:
      ip_restriction: {allow: ["10.0.0.0/33"], deny: ["not-an-address"], trusted_proxies: ["127.0.0.1/32"]}
      cors: {origins: ["https://ok.test", "https://bad.test/path"]}
  - method: POST
    path: /b/{req.name}
    service: echo
    call: EchoService.Say
    body: req
    plugins:
      cors: {origins: ["*"], credentials: true}
      key_auth: {keys_file: secrets/keys.yaml}
      headers: {request: {set: {Content-Length: "5"}}, response: {remove: [content-type]}}
  - method: POST
    path: /c/{req.name}
    service: echo
    call: EchoService.Say
    body: req
    plugins:
      key_auth: on
      headers: {response: {add: {transfer-encoding: chunked}}}
      cors: {origins: ["https://x.test"], methods: [FETCH]}
"""
    routes.write_text(text)
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert_error(out, routes, text, "key_auht", "unknown key 'key_auht' in 'plugins' (did you mean 'key_auth'?")
    assert_error(out, routes, text, '"10.0.0.0/33"', "'10.0.0.0/33' in 'allow' is not an IP address or CIDR block")
    assert_error(out, routes, text, '"10.0.0.0/33"', "'not-an-address' in 'deny' is not an IP address or CIDR block",
                 token='"not-an-address"')
    line, _ = position(text, "https://bad.test/path")
    assert re.search(r"^%s:%d:\d+: 'https://bad\.test/path' in 'origins' is not an origin"
                     % (re.escape(str(routes)), line), out, re.MULTILINE), out
    assert_error(out, routes, text, 'origins: ["*"], credentials', "'credentials: true' needs the origins listed",
                 token='["*"]')
    assert_error(out, keys, keys_text, "0123abc", "'sha256' must be 64 hex digits")
    assert_error(out, routes, text, "Content-Length", "'content-length' is written by the gateway and cannot be edited")
    assert_error(out, routes, text, "remove: [content-type]",
                 "'content-type' is written by the gateway and cannot be edited", token="content-type")
    assert_error(out, routes, text, "transfer-encoding: chunked",
                 "'transfer-encoding' is written by the gateway and cannot be edited", token="transfer-encoding")
    assert_error(out, routes, text, "key_auth: on", "plugin 'key_auth' takes its settings (a mapping), or false or off",
                 token="on")
    assert_error(out, routes, text, "methods: [FETCH]", "'FETCH' in 'methods' is not an HTTP method", token="[FETCH]")
    # Each error once, and nothing about the good keys-file entry.
    assert out.count("key_auht") == 1 and "fine" not in out, out


def test_check_reports_the_keys_file_problems(sluice, tmp_path):
    routes = tmp_path / "routes.yaml"
    text = ROUTE_HEAD + """routes:
  - method: POST
    path: /a/{req.name}
    service: echo
    call: EchoService.Say
    body: req
    plugins:
      key_auth: {keys_file: missing/keys.yaml}
  - method: POST
    path: /b/{req.name}
    service: echo
    call: EchoService.Say
    body: req
    plugins:
      key_auth: {keys: [{key: same, consumer: one}, {key: same, consumer: two}]}
  - method: POST
    path: /c/{req.name}
    service: echo
    call: EchoService.Say
    body: req
    plugins:
      key_auth: {header: x-key}
"""
    routes.write_text(text)
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    line, _ = position(text, "missing/keys.yaml")
    assert re.search(r"^%s:%d:\d+: cannot read keys file '.*missing/keys\.yaml'" % (re.escape(str(routes)), line),
                     out, re.MULTILINE), out
    line, _ = position(text, "consumer: two")
    assert re.search(r"^%s:%d:\d+: this key is already consumer 'one'" % (re.escape(str(routes)), line),
                     out, re.MULTILINE), out
    line, _ = position(text, "{header: x-key}")
    assert re.search(r"^%s:%d:\d+: 'key_auth' needs at least one key" % (re.escape(str(routes)), line),
                     out, re.MULTILINE), out


def test_check_config_reports_global_plugin_errors(sluice, tmp_path):
    write_routes(tmp_path / "routes", {"services": [], "routes": []})
    config = tmp_path / "sluice.yaml"
    text = """listeners: [{address: "127.0.0.1:0"}]
routes: routes/
plugins:
  ip_restriction: {deny: ["192.0.2.0/24", "192.0.2.300"]}
  headers: {request: {remove: [connection]}}
  corz: {origins: ["*"]}
"""
    config.write_text(text)
    result = sluice("check", "--config", config)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert_error(out, config, text, '"192.0.2.300"', "'192.0.2.300' in 'deny' is not an IP address or CIDR block")
    assert_error(out, config, text, "[connection]", "'connection' is written by the gateway and cannot be edited",
                 token="connection")
    assert_error(out, config, text, "corz", "unknown key 'corz' in 'plugins' (did you mean 'cors'?")
    # `sluice run` refuses the same file.
    run = sluice("run", "--config", config)
    assert run.returncode == 1 and "%s:6:3: unknown key 'corz'" % config in run.stderr + run.stdout, run


def test_check_accepts_every_plugin_and_run_refuses_a_bad_route_plugin(sluice, tmp_path):
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "keys.yaml").write_text(keys_file_text())
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTE_HEAD + """    plugins:
      key_auth: {header: x-api-key, query: api_key, keys: [{key: k-123, consumer: partner-a}], keys_file: secrets/keys.yaml,
                 consumer_header: x-consumer, consumers: [partner-a, filed], hide_credentials: true}
routes:
  - method: POST
    path: /a/{req.name}
    service: echo
    call: EchoService.Say
    body: req
    headers: {x-consumer: req.user}
    plugins:
      ip_restriction: {allow: ["10.0.0.0/8", "127.0.0.1", "::1/128"], deny: ["192.0.2.0/24"], trusted_proxies: ["127.0.0.1/32"]}
      cors: {origins: ["https://shop.example.test"], origins_regex: ["https://.*\\\\.example\\\\.test"], methods: [GET, POST],
             headers: [content-type, x-api-key], expose_headers: [x-from], credentials: true, max_age: 600s}
      headers: {request: {set: {x-a: "1"}, add: {x-b: "2"}, remove: [x-c]},
                response: {set: {cache-control: no-store}, add: {x-d: "4"}, remove: [x-e]}}
  - method: POST
    path: /b/{req.name}
    service: echo
    call: EchoService.Say
    body: req
    plugins: {key_auth: off, cors: false}
""")
    result = sluice("check", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: 2 routes, 1 services" in result.stdout, result.stdout
    routes.write_text(routes.read_text().replace("key_auth: off", "key_auth: offf"))
    run = sluice("run", "--routes", tmp_path, "--listen", "127.0.0.1:0", "--admin", "off")
    assert run.returncode != 0
    line, column = position(routes.read_text(), "offf")
    assert "%s:%d:%d: 'key_auth' must be a mapping" % (routes, line, column) in run.stdout + run.stderr, \
        run.stdout + run.stderr


def test_a_keys_file_next_to_the_route_file(sluice, tmp_path):
    (tmp_path / "keys.yaml").write_text(keys_file_text())
    (tmp_path / "routes.yaml").write_text(ROUTE_HEAD + """routes:
  - {method: POST, path: "/a/{req.name}", service: echo, call: EchoService.Say, body: req,
     plugins: {key_auth: {keys_file: keys.yaml}}}
""")
    result = sluice("check", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
