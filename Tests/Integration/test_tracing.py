"""Tracing (issue 15): W3C trace context accepted or created per request, carried to every kind of backend (Kitex
TTHeader string info `RPC_TRANSIT_traceparent`, read by an independent parser of the layout; gRPC metadata, read
by grpcio; HTTP headers, read by a stdlib server), and the gateway's server spans exported by OTLP/HTTP, decoded
with OpenTelemetry's own protobuf classes. With tracing off, nothing is added."""

import asyncio
import json
import time

import pytest

from conftest import STORE_IDL, store_service
from support import grpc_gateway_peer as peer
from support.gateway import Gateway, start_with_config, write_routes
from support.grpc_gateway_routes import grpc_service
from support.h2conn import H2Connection
from support.otlp_receiver import OTLPReceiver
from support.ttheader_peer import TTHeaderPeer
from websockets.asyncio.client import connect

from test_access_log import read_lines
from test_http_proxy import upstream  # noqa: F401 (the stdlib HTTP echo server, as a fixture)

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
TRACEPARENT = "00-%s-%s-01" % (TRACE, PARENT)
SERVER_KIND = 2  # opentelemetry.proto.trace.v1.Span.SPAN_KIND_SERVER
STATUS_ERROR = 2


@pytest.fixture
def receiver():
    r = OTLPReceiver()
    yield r
    r.close()


@pytest.fixture
def ttheader_peer():
    p = TTHeaderPeer()
    yield p
    p.close()


@pytest.fixture(scope="module")
def grpc_backend(workdir):
    peer.generate(workdir / "tracing-grpc-gen")
    server = peer.start(workdir / "tracing-grpc-gen", workdir / "tracing-grpc-server.log")
    yield server
    server.stop()


def start(sluice_bin, tmp_path, document, tracing):
    routes = write_routes(tmp_path / "routes", document)
    config = {"listeners": [{"address": "127.0.0.1:0"}], "routes": str(routes), "admin": "off",
              "access_log": {"path": "access.log"}, "websocket": {"path": "/ws"}}
    if tracing is not None:
        config["tracing"] = tracing
    (tmp_path / "sluice.yaml").write_text(json.dumps(config))
    child, listeners = start_with_config(sluice_bin, str(tmp_path / "sluice.yaml"), tmp_path / "gw.log")
    return Gateway(child, listeners[0][1])


def document(ttheader_address, http_port, grpc_address, directory):
    return {
        "services": [
            store_service("store", ttheader_address, "ttheader", "binary", connections=1),
            {"name": "web", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % http_port], "timeout": "5s"},
            grpc_service("types", grpc_address, directory),
        ],
        "routes": [
            {"name": "ping", "method": "GET", "path": "/ping", "service": "store", "call": "StoreService.ping"},
            {"method": "*", "path": "/web/{rest=**}", "service": "web", "rewrite": "/{rest}"},
            {"name": "headers", "method": "POST", "path": "/headers", "service": "types", "call": "Status.Headers",
             "body": "*"},
        ],
    }


def ping_document(ttheader_peer, http_port=None):
    """GET /ping to StoreService.ping on the TTHeader peer; with `http_port`, /web/** proxied to that upstream."""
    document = {
        "services": [store_service("store", ttheader_peer.address, "ttheader", "binary", connections=1)],
        "routes": [{"name": "ping", "method": "GET", "path": "/ping", "service": "store", "call": "StoreService.ping"}],
    }
    if http_port:
        document["services"].append(
            {"name": "web", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % http_port], "timeout": "5s"})
        document["routes"].append({"method": "*", "path": "/web/{rest=**}", "service": "web", "rewrite": "/{rest}"})
    return document


def fields(traceparent):
    """(version, trace id, parent id, flags)."""
    return tuple(traceparent.split("-"))


def test_context_reaches_every_backend_and_the_spans_are_exported(sluice_bin, tmp_path, receiver, ttheader_peer,
                                                                  upstream, grpc_backend):
    routes_dir = tmp_path / "routes"
    routes_dir.mkdir()
    gw = start(sluice_bin, tmp_path,
               document(ttheader_peer.address, upstream, grpc_backend.address, routes_dir),
               {"otlp": receiver.url, "export_interval": "100ms", "service_name": "edge"})
    try:
        # Thrift over TTHeader: Kitex's transient metainfo keys.
        assert gw.get("/ping", headers={"traceparent": TRACEPARENT, "tracestate": "vendor=1"}).status == 200
        keys = ttheader_peer.requests[-1]["str_keys"]
        version, trace, parent, flags = fields(keys["RPC_TRANSIT_traceparent"])
        assert (version, trace, flags) == ("00", TRACE, "01") and parent != PARENT
        assert keys["RPC_TRANSIT_tracestate"] == "vendor=1"
        span = receiver.span(TRACE)
        assert span is not None, receiver.errors
        assert (span["span_id"], span["parent_span_id"], span["kind"]) == (parent, PARENT, SERVER_KIND)
        assert span["name"] == "ping" and span["resource"]["service.name"] == "edge"
        attributes = span["attributes"]
        assert (attributes["http.request.method"], attributes["url.path"], attributes["http.route"]) == ("GET", "/ping", "ping")
        assert attributes["http.response.status_code"] == 200
        assert attributes["server.address"] == ttheader_peer.address
        assert span["end"] >= span["start"] > 0

        # The same over HTTP/2 (h2c), and an HTTP/2 proxied request below as well.
        h2 = H2Connection(gw.port).start()
        stream = h2.request("GET", "/ping", headers=[("traceparent", "00-%s-%s-01" % ("b" * 32, PARENT))])
        proxied_h2 = h2.request("GET", "/web/echo", headers=[("traceparent", "00-%s-%s-01" % ("c" * 32, PARENT))])
        assert h2.wait_for_responses([stream, proxied_h2])
        assert h2.responses[stream]["status"] == 200
        assert fields(ttheader_peer.requests[-1]["str_keys"]["RPC_TRANSIT_traceparent"])[1] == "b" * 32
        sent_h2 = {name.lower(): value for name, value in h2.body_json(proxied_h2)["headers"]}
        assert fields(sent_h2["traceparent"])[1] == "c" * 32
        h2.close()
        for trace_id in ("b" * 32, "c" * 32):
            assert receiver.span(trace_id)["attributes"]["network.protocol.version"] == "2"

        # An HTTP upstream: the gateway's span replaces the client's as parent.
        other = "00-%s-%s-01" % ("a" * 32, PARENT)
        echoed = gw.get("/web/echo", headers={"traceparent": other})
        assert echoed.status == 200
        sent = {name.lower(): value for name, value in echoed.json["headers"]}
        version, trace, parent, flags = fields(sent["traceparent"])
        assert (trace, flags) == ("a" * 32, "01") and parent != PARENT
        proxied = receiver.span("a" * 32)
        assert proxied is not None and proxied["span_id"] == parent
        assert proxied["attributes"]["http.response.status_code"] == 200

        # A WebSocket message to the proxy route: the dispatcher's span is the upstream request's parent, and the
        # log names the endpoint that answered.
        async def over_websocket():
            async with connect("ws://127.0.0.1:%d/ws" % gw.port) as ws:
                await ws.send(json.dumps({"id": 1, "method": "GET", "path": "/web/ws",
                                          "headers": {"traceparent": "00-%s-%s-01" % ("d" * 32, PARENT)}}))
                return json.loads(await ws.recv())
        reply = asyncio.run(asyncio.wait_for(over_websocket(), 20))
        assert reply["status"] == 200, reply
        sent_ws = {name.lower(): value for name, value in reply["body"]["headers"]}
        version, trace, parent, flags = fields(sent_ws["traceparent"])
        assert trace == "d" * 32 and parent != PARENT
        assert receiver.span("d" * 32)["span_id"] == parent

        # gRPC, with no traceparent: a trace starts at the gateway, and the backend is its first child.
        answer = gw.post("/headers", {"note": "n"})
        assert answer.status == 200, answer
        version, trace, parent, flags = fields(answer.json["metadata"]["traceparent"])
        assert flags == "01" and trace != TRACE
        started = receiver.span(trace)
        assert started is not None and started["parent_span_id"] == "" and started["span_id"] == parent

        # No route: traced too, and a 5xx would be an error; a 404 is not.
        assert gw.get("/nowhere").status == 404
        missing = receiver.wait_for(lambda spans: any(s["name"] == "GET" for s in spans))
        assert [s["attributes"]["http.response.status_code"] for s in missing if s["name"] == "GET"] == [404]

        # The access log names the trace each request joined or started.
        entries = [json.loads(line) for line in read_lines(tmp_path / "access.log", 7)]
        # (Each event loop writes its own buffer: lines of different connections may come in any order.)
        logged = {(e["path"], e["protocol"]): e["trace_id"] for e in entries}
        assert (logged[("/ping", "http1")], logged[("/web/echo", "http1")], logged[("/headers", "http1")]) == (TRACE, "a" * 32, trace)
        assert (logged[("/ping", "h2")], logged[("/web/echo", "h2")]) == ("b" * 32, "c" * 32)
        websocket = next(e for e in entries if e["protocol"] == "websocket")
        assert (websocket["trace_id"], websocket["endpoint"], websocket["attempts"]) == ("d" * 32, "127.0.0.1:%d" % upstream, 1)
        assert all(e["trace_id"] for e in entries)
        assert receiver.errors == []
        assert {r["path"] for r in receiver.requests} == {"/v1/traces"}
        assert {r["content_type"] for r in receiver.requests} == {"application/x-protobuf"}
    finally:
        gw.child.stop()


def test_sampling_follows_the_parent_then_the_ratio(sluice_bin, tmp_path, receiver, ttheader_peer):
    gw = start(sluice_bin, tmp_path, ping_document(ttheader_peer), {"otlp": receiver.url, "sample": 0, "export_interval": "100ms"})
    try:
        # A new trace at ratio 0 is not recorded, yet its context still goes on, marked unsampled.
        assert gw.get("/ping").status == 200
        _, unsampled, _, flags = fields(ttheader_peer.requests[-1]["str_keys"]["RPC_TRANSIT_traceparent"])
        assert flags == "00"
        # A sampled parent decides for its request.
        assert gw.get("/ping", headers={"traceparent": TRACEPARENT}).status == 200
        assert fields(ttheader_peer.requests[-1]["str_keys"]["RPC_TRANSIT_traceparent"])[3] == "01"
        assert receiver.span(TRACE) is not None
        # Spans go out in the order they end: the first request's would have come no later than the second's.
        assert all(s["trace_id"] != unsampled for s in receiver.spans)
        # A later version of traceparent (more fields after the flags) is joined all the same.
        later = "01-%s-%s-01-extra" % ("e" * 32, PARENT)
        assert gw.get("/ping", headers={"traceparent": later}).status == 200
        joined = receiver.span("e" * 32)
        assert joined is not None and joined["parent_span_id"] == PARENT
    finally:
        gw.child.stop()


def test_spans_batched_at_sigterm_are_exported_before_the_process_ends(sluice_bin, tmp_path, receiver, ttheader_peer):
    gw = start(sluice_bin, tmp_path, ping_document(ttheader_peer), {"otlp": receiver.url, "export_interval": "1h"})
    try:
        assert gw.get("/ping", headers={"traceparent": TRACEPARENT}).status == 200
    finally:
        assert gw.child.stop() == 0
    assert any(s["trace_id"] == TRACE for s in receiver.spans), receiver.spans


def test_tracing_off_adds_nothing(sluice_bin, tmp_path, ttheader_peer, upstream):
    gw = start(sluice_bin, tmp_path, ping_document(ttheader_peer, upstream), None)
    try:
        assert gw.get("/ping", headers={"traceparent": TRACEPARENT}).status == 200
        assert set(ttheader_peer.requests[-1]["str_keys"]) == {"isn"}
        # A proxied request's headers pass as they came.
        echoed = gw.get("/web/echo", headers={"traceparent": TRACEPARENT})
        sent = {name.lower(): value for name, value in echoed.json["headers"]}
        assert sent["traceparent"] == TRACEPARENT
        entries = [json.loads(line) for line in read_lines(tmp_path / "access.log", 2)]
        assert [e["trace_id"] for e in entries] == [TRACE, TRACE]
        assert gw.get("/ping").status == 200
        assert json.loads(read_lines(tmp_path / "access.log", 3)[2])["trace_id"] is None
    finally:
        gw.child.stop()


@pytest.mark.parametrize("tracing, message", [
    ({"otlp": "ftp://127.0.0.1:4318"}, "'tracing.otlp' must be an http:// or https:// URL"),
    ({"sample": 1.5}, "'tracing.sample' must be a number in 0...1"),
    ({"export_interval": "0s"}, "bad duration '0s' for 'tracing.export_interval'"),
    ({"exporter": "jaeger"}, "exporter"),
    ("sometimes", "'tracing'"),
])
def test_bad_tracing_settings_are_errors_at_their_place(sluice, tmp_path, tracing, message):
    routes = write_routes(tmp_path / "routes", {"services": [], "routes": []})
    config = tmp_path / "sluice.yaml"
    config.write_text("listeners: [{address: '127.0.0.1:0'}]\nroutes: %s\ntracing: %s\n" % (routes, json.dumps(tracing)))
    result = sluice("check", "--config", str(config))
    assert result.returncode != 0
    assert "sluice.yaml:3:" in result.stderr + result.stdout, result.stderr + result.stdout
    assert message in result.stderr + result.stdout


def test_command_line_tracing(sluice_bin, tmp_path, sluice, ttheader_peer, receiver):
    routes = write_routes(tmp_path / "routes", ping_document(ttheader_peer))
    gw = Gateway.start(sluice_bin, routes, tmp_path / "gw.log", extra=("--tracing", receiver.url, "--admin", "off"))
    try:
        assert gw.get("/ping", headers={"traceparent": TRACEPARENT}).status == 200
        assert fields(ttheader_peer.requests[-1]["str_keys"]["RPC_TRANSIT_traceparent"])[1] == TRACE
    finally:
        gw.stop()
    assert receiver.span(TRACE) is not None  # sent at the latest when the gateway stopped
    for args, message in [(("--tracing", "ftp://x"), "--tracing must be 'on' or an http:// or https:// URL"),
                          (("--trace-sample", "0.5"), "--trace-sample needs --tracing"),
                          (("--tracing", "on", "--trace-sample", "2"), "--trace-sample must be between 0 and 1")]:
        result = sluice("run", "--routes", routes, "--listen", "127.0.0.1:0", *args)
        assert result.returncode != 0 and message in result.stderr, result.stderr


def test_the_span_cap_bounds_what_sampled_parents_can_make_it_export(sluice_bin, tmp_path, receiver, ttheader_peer):
    gw = start(sluice_bin, tmp_path, ping_document(ttheader_peer),
               {"otlp": receiver.url, "export_interval": "1h", "max_spans_per_second": 0})
    try:
        for _ in range(3):
            assert gw.get("/ping", headers={"traceparent": TRACEPARENT}).status == 200
            # Still propagated as sampled: the cap is the gateway's own recording, not the trace's decision.
            assert fields(ttheader_peer.requests[-1]["str_keys"]["RPC_TRANSIT_traceparent"])[3] == "01"
    finally:
        assert gw.child.stop() == 0
    # Whatever was batched is sent at shutdown (see the SIGTERM test): nothing was.
    assert receiver.spans == []
