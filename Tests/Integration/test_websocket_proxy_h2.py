"""WebSocket upgrades on proxy routes when either side speaks HTTP/2 (RFC 8441): an `h2` client's extended
CONNECT relayed to an HTTP/1.1 WebSocket upstream (the `websockets` package) as an upgrade, a `websockets`
client's HTTP/1.1 upgrade relayed to an h2c upstream (the `h2` library) as an extended CONNECT, and both
sides HTTP/2; with the refusals: an upstream that does not enable extended CONNECT, one that answers the
upgrade with a plain 200."""

import json
import struct

import pytest
from websockets.sync.client import connect as websocket_connect

from support.gateway import Gateway, write_routes
from support.h2conn import H2Connection
from support.streaming import MiB
from test_http_proxy import upstream  # noqa: F401 (a fixture: the plain HTTP/1.1 echo upstream)
from test_https_upstream import start_upstream
from test_websocket import frame
from test_websocket_h2 import ENABLE_CONNECT_PROTOCOL, server_frames


@pytest.fixture(scope="module")
def gateway(sluice_bin, workdir, upstream):  # noqa: F811
    started = {
        "ws1": start_upstream(workdir, "ws1", "ws_echo_server.py"),
        "ws2": start_upstream(workdir, "ws2", "h2_echo_server.py", "--websocket"),
        "plain2": start_upstream(workdir, "plain2", "h2_echo_server.py"),
    }
    port = {name: p for name, (_, p) in started.items()}
    services = [
        {"name": "ws1", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % port["ws1"]]},
        {"name": "ws2", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % port["ws2"]], "h2c": True},
        {"name": "plain2", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % port["plain2"]], "h2c": True},
        {"name": "web", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % upstream]},
    ]
    routes = [{"method": "GET", "path": "/%s/{room}" % s["name"], "service": s["name"], "rewrite": "/rooms/{room}"}
              for s in services]
    gw = Gateway.start(sluice_bin, write_routes(workdir / "ws-proxy-h2-routes", {"services": services, "routes": routes}),
                       workdir / "gateway-ws-proxy-h2.log")
    yield gw
    gw.stop()
    for child, _ in started.values():
        child.stop()


def h2_websocket(gw, path, protocols=None):
    """An h2 connection with one extended CONNECT to `path`; returns (connection, stream)."""
    conn = H2Connection(gw.port).start()
    assert conn.wait(lambda: conn.remote_settings.get(ENABLE_CONNECT_PROTOCOL) == 1, timeout=5)
    stream = conn.conn.get_next_available_stream_id()
    headers = [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"), (":path", path),
               (":authority", "127.0.0.1:%d" % gw.port), ("sec-websocket-version", "13")]
    if protocols:
        headers.append(("sec-websocket-protocol", protocols))
    conn.responses[stream] = {"status": None, "headers": [], "body": b"", "ended": False}
    conn.conn.send_headers(stream, headers)
    conn.flush()
    assert conn.wait(lambda: conn.responses[stream]["status"] is not None or stream in conn.resets, timeout=10)
    return conn, stream


def send(conn, stream, data):
    """DATA frames no larger than the peer allows, each once its flow-control windows have room."""
    while data:
        size = min(len(data), conn.conn.max_outbound_frame_size)
        assert conn.wait(lambda: conn.conn.local_flow_control_window(stream) >= size, timeout=10)
        conn.conn.send_data(stream, data[:size])
        conn.flush()
        data = data[size:]


def exchange(conn, stream, messages):
    """Sends `messages` (opcode, payload) as masked frames; returns as many server frames after those seen."""
    seen = len(server_frames(conn.responses[stream]["body"])[0])
    send(conn, stream, b"".join(frame(opcode, payload) for opcode, payload in messages))

    def arrived():
        return len(server_frames(conn.responses[stream]["body"])[0]) >= seen + len(messages)
    assert conn.wait(arrived, timeout=20), conn.responses[stream]
    return server_frames(conn.responses[stream]["body"])[0][seen:seen + len(messages)]


def chat_over_h2(conn, stream):
    request = json.loads(exchange(conn, stream, [(0x1, b"request?")])[0][1])
    messages = [(0x1, b"hello"), (0x2, b"\x00\x01binary"), (0x1, b"x" * 60000)]
    # One at a time, answered before the next: the large one spans several DATA frames on both hops.
    for message in messages:
        assert exchange(conn, stream, [message]) == [message]
    conn.conn.send_data(stream, frame(0x8, struct.pack("!H", 1000)))
    conn.flush()
    assert conn.wait(lambda: conn.responses[stream]["ended"] or stream in conn.resets, timeout=10)
    assert server_frames(conn.responses[stream]["body"])[0][-1] == (0x8, struct.pack("!H", 1000))
    return request


def test_an_h2_client_reaches_an_http1_websocket_upstream(gateway):
    conn, stream = h2_websocket(gateway, "/ws1/lobby?user=ann")
    try:
        response = conn.responses[stream]
        assert response["status"] == 200 and not response["ended"], response
        assert "sec-websocket-accept" not in dict(response["headers"])
        plain = conn.request("GET", "/web/beside")  # an ordinary proxied stream on the same connection
        assert conn.wait_for_responses([plain]) and conn.body_json(plain)["path"] == "/rooms/beside"
        request = chat_over_h2(conn, stream)
        sent = {name.lower(): value for name, value in request["headers"]}
        assert request["path"] == "/rooms/lobby?user=ann"
        assert sent["upgrade"] == "websocket" and sent["connection"].lower() == "upgrade"
        assert sent["host"] == "127.0.0.1:%d" % gateway.port and sent["sec-websocket-version"] == "13"
        assert len(sent["sec-websocket-key"]) == 24 and sent["x-forwarded-for"] == "127.0.0.1"
    finally:
        conn.close()


def test_an_http1_client_reaches_an_h2c_websocket_upstream(gateway):
    # The `websockets` client checks Sec-WebSocket-Accept against its key: the gateway made it.
    with websocket_connect("ws://127.0.0.1:%d/ws2/lobby?user=bo" % gateway.port, subprotocols=["chat"],
                           max_size=None) as ws:
        assert ws.subprotocol == "chat"
        ws.send("request?")
        request = json.loads(ws.recv())
        sent = dict((name, value) for name, value in request["headers"])
        assert request["path"] == "/rooms/lobby?user=bo"
        assert sent[":method"] == "CONNECT" and sent[":protocol"] == "websocket" and sent[":scheme"] == "http"
        assert sent[":authority"] == "127.0.0.1:%d" % gateway.port and sent["sec-websocket-version"] == "13"
        assert not {"sec-websocket-key", "upgrade", "connection", "host"} & set(sent)
        for message in ["hello", b"\x00\x01binary", "y" * (3 * MiB)]:
            ws.send(message)
            assert ws.recv() == message
        for index in range(200):
            ws.send("m%d" % index)
        assert [ws.recv() for _ in range(200)] == ["m%d" % index for index in range(200)]


def test_an_h2_client_reaches_an_h2c_websocket_upstream(gateway):
    conn, stream = h2_websocket(gateway, "/ws2/hall", protocols="chat, superchat")
    try:
        response = conn.responses[stream]
        assert response["status"] == 200 and ("sec-websocket-protocol", "chat") in response["headers"], response
        request = chat_over_h2(conn, stream)
        assert request["path"] == "/rooms/hall"
    finally:
        conn.close()


def test_an_h2c_upstream_without_extended_connect_is_502(gateway):
    raw = gateway.raw(b"GET /plain2/x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                      b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 502"), raw
    error = json.loads(body)["error"]
    assert error["code"] == "bad_gateway" and "extended CONNECT" in error["message"], error
    # The connection to that upstream serves ordinary requests on.
    assert gateway.get("/plain2/after").status == 200


def test_an_upstream_answering_the_upgrade_with_200_is_502_to_an_h2_client(gateway):
    conn, stream = h2_websocket(gateway, "/web/not-a-socket")
    try:
        assert conn.responses[stream]["status"] == 502
        assert conn.wait(lambda: conn.responses[stream]["ended"], timeout=10)
        assert "not 101" in json.loads(conn.responses[stream]["body"])["error"]["message"]
    finally:
        conn.close()
