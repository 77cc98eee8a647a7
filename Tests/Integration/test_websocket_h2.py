"""WebSocket over HTTP/2 (RFC 8441): an extended CONNECT with `:protocol: websocket`, driven by the `h2`
library, carries the same JSON messages as an HTTP/1.1 upgrade, beside ordinary streams on one connection."""

import json
import struct

import pytest

from support.gateway import Gateway, write_routes
from support.h2conn import H2Connection
from test_websocket import frame, routes_document

ENABLE_CONNECT_PROTOCOL = 0x8


@pytest.fixture(scope="module")
def gw(sluice_bin, tmp_path_factory, python_backends, demo_backend):
    directory = tmp_path_factory.mktemp("ws-h2")
    write_routes(directory, routes_document(python_backends, demo_backend))
    gateway = Gateway.start(sluice_bin, directory, directory / "run.log", extra=["--websocket-path", "/ws"])
    yield gateway
    gateway.stop()


def connect_ws(conn, path="/ws", version="13"):
    stream = conn.conn.get_next_available_stream_id()
    headers = [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"), (":path", path),
               (":authority", "127.0.0.1")]
    if version:
        headers.append(("sec-websocket-version", version))
    conn.conn.send_headers(stream, headers)
    conn.responses[stream] = {"status": None, "headers": [], "body": b"", "ended": False}
    conn.flush()
    assert conn.wait(lambda: conn.responses[stream]["status"] is not None or stream in conn.resets, timeout=10)
    return stream


def server_frames(data):
    """Unmasked server frames in `data`: (opcode, payload) pairs, and the bytes of an unfinished one."""
    frames = []
    while len(data) >= 2:
        length, offset = data[1] & 0x7F, 2
        if length == 126:
            if len(data) < 4:
                break
            length, offset = struct.unpack("!H", data[2:4])[0], 4
        elif length == 127:
            if len(data) < 10:
                break
            length, offset = struct.unpack("!Q", data[2:10])[0], 10
        if len(data) < offset + length:
            break
        frames.append((data[0] & 0x0F, data[offset:offset + length]))
        data = data[offset + length:]
    return frames, data


def replies(conn, stream, count, timeout=20):
    def done():
        frames, _ = server_frames(conn.responses[stream]["body"])
        return len([f for f in frames if f[0] == 0x1]) >= count
    assert conn.wait(done, timeout=timeout), conn.responses[stream]
    frames, _ = server_frames(conn.responses[stream]["body"])
    return [json.loads(payload) for opcode, payload in frames if opcode == 0x1]


def test_extended_connect_carries_rpc_messages_beside_ordinary_streams(gw):
    conn = H2Connection(gw.port).start()
    assert conn.wait(lambda: conn.remote_settings.get(ENABLE_CONNECT_PROTOCOL) == 1, timeout=5)
    ws = connect_ws(conn)
    assert conn.responses[ws]["status"] == 200 and not conn.responses[ws]["ended"]
    messages = [{"id": i, "method": "POST", "path": "/v1/echo/n%d" % i, "body": {"message": "m%d" % i}} for i in range(50)]
    conn.conn.send_data(ws, b"".join(frame(0x1, json.dumps(m).encode()) for m in messages))
    plain = conn.request("POST", "/v1/echo/plain", {"message": "plain"})  # an ordinary stream alongside
    conn.flush()
    got = {reply["id"]: reply for reply in replies(conn, ws, 50)}
    assert sorted(got) == list(range(50))
    for i, reply in got.items():
        assert reply["status"] == 200 and reply["body"] == {"message": "m%d" % i, "name": "n%d" % i}, reply
    assert conn.wait_for_responses([plain]) and conn.body_json(plain) == {"message": "plain", "name": "plain"}
    # Errors are replies, as over HTTP/1.1.
    conn.conn.send_data(ws, frame(0x1, b'{"id": "x", "method": "GET", "path": "/nowhere"}') + frame(0x1, b"{nope"))
    conn.flush()
    errors = replies(conn, ws, 52)[50:]
    assert sorted((r["id"] is None, r["status"]) for r in errors) == [(False, 404), (True, 400)], errors
    # A close from the client is echoed and the stream ends.
    conn.conn.send_data(ws, frame(0x8, struct.pack("!H", 1000)))
    conn.flush()
    assert conn.wait(lambda: conn.responses[ws]["ended"] or ws in conn.resets, timeout=10)
    frames, _ = server_frames(conn.responses[ws]["body"])
    assert frames[-1] == (0x8, struct.pack("!H", 1000)), frames[-1]
    conn.close()


def test_extended_connect_refusals(gw):
    conn = H2Connection(gw.port).start()
    assert conn.wait(lambda: conn.remote_settings.get(ENABLE_CONNECT_PROTOCOL) == 1, timeout=5)
    elsewhere = connect_ws(conn, path="/v1/echo/x")
    assert conn.responses[elsewhere]["status"] == 404
    no_version = connect_ws(conn, version=None)
    assert conn.responses[no_version]["status"] == 426
    assert ("sec-websocket-version", "13") in conn.responses[no_version]["headers"]
    conn.wait(lambda: conn.responses[no_version]["ended"], timeout=5)
    assert json.loads(conn.responses[no_version]["body"])["error"]["code"] == "upgrade_required"
    conn.close()


def test_extended_connect_without_websocket_is_404(sluice_bin, tmp_path, python_backends, demo_backend):
    """Extended CONNECT is always on (proxy routes take it too); without `websocket:` no path is an RPC socket."""
    write_routes(tmp_path, routes_document(python_backends, demo_backend))
    gateway = Gateway.start(sluice_bin, tmp_path, tmp_path / "run.log")
    try:
        conn = H2Connection(gateway.port).start()
        assert conn.wait(lambda: conn.remote_settings.get(ENABLE_CONNECT_PROTOCOL) == 1, timeout=5)
        stream = connect_ws(conn)
        assert conn.responses[stream]["status"] == 404
        conn.close()
    finally:
        gateway.stop()
