"""WebSocket as an RPC transport: the `websockets` client (and a raw socket for what it will not send) against
`sluice run`, every request through the same router, binder and codecs as HTTP."""

import asyncio
import base64
import hashlib
import json
import os
import signal
import socket
import struct

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from conftest import ECHO_IDL, store_routes, store_service
from support.gateway import Gateway, write_routes
from support.processes import Child, wait_for_port

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def routes_document(python_backends, demo_backend):
    return {
        "services": [
            store_service("store", python_backends["framed-binary"].address, "framed", "binary"),
            {"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
             "endpoints": [demo_backend.address], "timeout": "2s"},
        ],
        "routes": store_routes("store", "/v1/store") + [
            {"method": "POST", "path": "/v1/echo/{req.name}", "service": "echo", "call": "EchoService.Say",
             "body": "req", "query": {"verbose": "req.verbose"}, "headers": {"x-user": "req.user"}},
        ],
    }


def start_with_config(sluice_bin, tmp_path, python_backends, demo_backend, websocket, limits=None, name="ws"):
    directory = tmp_path / name
    write_routes(directory / "routes", routes_document(python_backends, demo_backend))
    text = 'listeners: [{address: "127.0.0.1:0"}]\nroutes: routes/\nwebsocket: %s\n' % websocket
    if limits:
        text += "limits: %s\n" % limits
    (directory / "sluice.yaml").write_text(text)
    child = Child([sluice_bin, "run", "--config", directory / "sluice.yaml"], directory / "run.log")
    port = int(child.wait_for_line(r"listening on http://127\.0\.0\.1:(\d+)", timeout=30).group(1))
    wait_for_port(port)
    return Gateway(child, port)


@pytest.fixture(scope="module")
def gw(sluice_bin, tmp_path_factory, python_backends, demo_backend):
    """`--websocket-path /ws`: the defaults (1 MiB messages, 100 in flight)."""
    directory = tmp_path_factory.mktemp("ws-default")
    write_routes(directory, routes_document(python_backends, demo_backend))
    gateway = Gateway.start(sluice_bin, directory, directory / "run.log", extra=["--websocket-path", "/ws"])
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def small(sluice_bin, tmp_path_factory, python_backends, demo_backend):
    """From a config file: 64 KiB messages, one request in flight, pings every 100 ms, idle after 1 s."""
    gateway = start_with_config(
        sluice_bin, tmp_path_factory.mktemp("ws-small"), python_backends, demo_backend,
        "{path: /rpc, max_message: 64KiB, max_in_flight: 1, ping_interval: 100ms}", limits="{idle_timeout: 1s}")
    yield gateway
    gateway.stop()


def url(gateway, path="/ws"):
    return "ws://127.0.0.1:%d%s" % (gateway.port, path)


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=60))


async def call(ws, message):
    await ws.send(message if isinstance(message, (str, bytes, list)) else json.dumps(message))
    return json.loads(await ws.recv())


# --- raw sockets, for frames a well-behaved client never sends -----------------------------------------------

def raw_handshake(port, path="/ws"):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n" % (path, key)).encode())
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = s.recv(1)
        assert byte, head
        head += byte
    assert head.startswith(b"HTTP/1.1 101 "), head
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest())
    assert b"\r\nsec-websocket-accept: " + accept + b"\r\n" in head, head
    return s


def frame(opcode, payload, mask=True, fin=True):
    header = bytes([(0x80 if fin else 0) | opcode])
    length = len(payload)
    if length < 126:
        header += bytes([(0x80 if mask else 0) | length])
    else:
        header += bytes([(0x80 if mask else 0) | 126]) + struct.pack("!H", length)
    if not mask:
        return header + payload
    key = os.urandom(4)
    return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def read_exact(s, count):
    data = b""
    while len(data) < count:
        chunk = s.recv(count - len(data))
        assert chunk, "the gateway closed after %r" % data
        data += chunk
    return data


def read_frame(s):
    first, second = read_exact(s, 2)
    length = second & 0x7F
    if length == 126:
        length = struct.unpack("!H", read_exact(s, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", read_exact(s, 8))[0]
    return first & 0x0F, read_exact(s, length)


def read_close(s):
    """Skips other frames (replies, pings) up to the close frame; returns its code, then expects EOF."""
    while True:
        opcode, payload = read_frame(s)
        if opcode == 0x8:
            assert s.recv(1) == b"", "the gateway closes after its close frame"
            return struct.unpack("!H", payload[:2])[0]


# --- the tests ---------------------------------------------------------------------------------------------

def test_thousand_requests_fifty_in_flight_matched_by_id(gw):
    async def main():
        replies = {}
        async with connect(url(gw)) as ws:
            window = asyncio.Semaphore(50)
            done = asyncio.Event()

            async def reader():
                async for text in ws:
                    reply = json.loads(text)
                    replies[reply["id"]] = reply
                    window.release()
                    if len(replies) == 1000:
                        done.set()
                        return

            task = asyncio.create_task(reader())
            for i in range(1000):
                await window.acquire()
                # Half the ids are strings, half numbers: each comes back as sent.
                request_id = "r%d" % i if i % 2 else i
                await ws.send(json.dumps({"id": request_id, "method": "POST", "path": "/v1/echo/n%d?verbose=true" % i,
                                          "headers": {"X-User": "u%d" % i}, "body": {"message": "m%d" % i}}))
            await done.wait()
            await task
        return replies

    replies = run(main())
    assert len(replies) == 1000
    for i in range(1000):
        reply = replies["r%d" % i if i % 2 else i]
        assert reply["status"] == 200, reply
        assert reply["body"] == {"name": "n%d" % i, "message": "m%d" % i, "verbose": True, "user": "u%d" % i}


@pytest.mark.parametrize("method,path,body,headers", [
    ("GET", "/v1/store/items/1", None, {"X-User": "ann"}),
    ("POST", "/v1/echo/bob?verbose=true", {"message": "hi"}, {}),
    ("GET", "/v1/store/items/42", None, {}),                         # a declared exception mapped to 404
    ("POST", "/v1/store/echo", {"id": "x", "name": "bad"}, {}),      # a transcode error: 400 naming the field
    ("GET", "/v1/nowhere", None, {}),                                # no route: 404
    ("DELETE", "/v1/store/search", None, {}),                        # 405 with allow
    ("POST", "/v1/store/echo", "a=b", {"Content-Type": "text/plain"}),  # 415, the body sent as text
])
def test_replies_match_the_http_answer_byte_for_byte(gw, method, path, body, headers):
    http_body = body if isinstance(body, str) or body is None else json.dumps(body)
    http = gw.request(method, path, body=http_body, headers=headers)

    async def main():
        message = {"id": 7, "method": method, "path": path, "headers": headers}
        if body is not None:
            message["body"] = body
        async with connect(url(gw)) as ws:
            await ws.send(json.dumps(message))
            return await ws.recv()

    text = run(main())
    reply = json.loads(text)
    assert reply["id"] == 7 and reply["status"] == http.status, (text, http)
    # The body is copied into the reply as is: the reply's text ends with exactly the HTTP body.
    assert text.endswith('"body":' + http.body.decode() + "}"), (text, http.body)
    allow = http.header("allow")
    assert reply["headers"].get("allow") == allow


def test_malformed_messages_get_400_and_the_socket_stays_open(gw):
    async def main():
        async with connect(url(gw)) as ws:
            broken = await call(ws, '{"id": 5, "method": "GET", "path": ')
            not_json = await call(ws, "hello")
            no_path = await call(ws, {"id": "p", "method": "GET"})
            bad_id = await call(ws, {"id": [1], "method": "GET", "path": "/v1/store/ping"})
            unknown_key = await call(ws, {"id": 9, "method": "GET", "path": "/v1/store/ping", "query": "a=1"})
            still_open = await call(ws, {"id": 1, "method": "GET", "path": "/v1/store/ping"})
            return broken, not_json, no_path, bad_id, unknown_key, still_open

    broken, not_json, no_path, bad_id, unknown_key, still_open = run(main())
    assert broken["id"] == 5 and broken["status"] == 400 and broken["body"]["error"]["code"] == "invalid_json"
    assert broken["body"]["error"]["offset"] == 35
    assert not_json["id"] is None and not_json["status"] == 400
    assert no_path["id"] == "p" and no_path["status"] == 400
    assert no_path["body"]["error"] == {"code": "bad_request", "message": "the message has no 'path'", "field": "$.path"}
    assert bad_id["id"] is None and bad_id["body"]["error"]["field"] == "$.id"
    assert unknown_key["id"] == 9 and "unknown key 'query'" in unknown_key["body"]["error"]["message"]
    assert still_open == {"id": 1, "status": 200, "headers": {}, "body": "pong"}


def test_fragmented_text_and_binary_messages(gw):
    async def main():
        async with connect(url(gw)) as ws:
            fragmented = await call(ws, ['{"id": 1, "method": "POST", ', '"path": "/v1/echo/frag", ', '"body": {}}'])
            binary = await call(ws, json.dumps({"id": 2, "method": "POST", "path": "/v1/echo/bin",
                                                "body": {"message": "b"}}).encode())
            return fragmented, binary

    fragmented, binary = run(main())
    assert fragmented == {"id": 1, "status": 200, "headers": {}, "body": {"name": "frag"}}
    assert binary == {"id": 2, "status": 200, "headers": {}, "body": {"name": "bin", "message": "b"}}


def test_pings_are_answered_and_a_close_is_echoed(gw):
    async def main():
        async with connect(url(gw)) as ws:
            pong = await ws.ping(b"are you there")
            await pong
            await ws.close(code=4000, reason="done")
            return ws.close_code

    assert run(main()) == 4000


def test_oversized_messages_close_with_1009(small):
    async def main(message):
        async with connect(url(small, "/rpc"), max_size=None) as ws:
            await ws.send(message)
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            return closed.value.rcvd.code

    body = "x" * (70 * 1024)
    # One frame over the limit (the frame decoder refuses it), and fragments each under it that add up to more.
    assert run(main(json.dumps({"id": 1, "method": "POST", "path": "/v1/echo/a", "body": {"message": body}}))) == 1009
    assert run(main(['{"id": 1, "method": "POST", "path": "/v1/echo/a", "body": {"message": "', body[:40000],
                     body[40000:], '"}}'])) == 1009


def test_an_unmasked_client_frame_closes_with_1002(gw):
    s = raw_handshake(gw.port)
    with s:
        s.sendall(frame(0x1, b'{"id": 1, "method": "GET", "path": "/v1/store/ping"}', mask=False))
        assert read_close(s) == 1002


def test_a_continuation_without_a_start_closes_with_1002(gw):
    s = raw_handshake(gw.port)
    with s:
        s.sendall(frame(0x0, b"{}"))
        assert read_close(s) == 1002


def test_frames_sent_with_the_upgrade_request_are_read(gw):
    """A client may send its first message right behind the upgrade request, before reading the 101."""
    s = socket.create_connection(("127.0.0.1", gw.port), timeout=10)
    with s:
        s.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
                  + frame(0x1, b'{"id": 3, "method": "GET", "path": "/v1/store/ping"}'))
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += read_exact(s, 1)
        assert b"sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" in head, head
        assert read_frame(s) == (0x1, b'{"id":3,"status":200,"headers":{},"body":"pong"}')


def test_the_gateway_pings_and_closes_a_silent_client(small):
    s = raw_handshake(small.port, "/rpc")
    with s:
        opcode, _ = read_frame(s)
        assert opcode == 0x9  # every 100 ms
        # Never answering: after the 1 s idle timeout the gateway says goodbye.
        assert read_close(s) == 1001


def test_max_in_flight_makes_later_requests_wait(gw, small):
    """Replies go out as they complete: a quick request overtakes a slow one. With max_in_flight 1 the quick one
    waits (the socket stops reading) until the slow one is answered, and nothing is refused."""
    async def main(gateway, path):
        async with connect(url(gateway, path)) as ws:
            await ws.send(json.dumps({"id": "slow", "method": "POST", "path": "/v1/store/slow", "body": {"millis": 500}}))
            await ws.send(json.dumps({"id": "quick", "method": "GET", "path": "/v1/store/ping"}))
            first, second = json.loads(await ws.recv()), json.loads(await ws.recv())
            assert first["status"] == 200 and second["status"] == 200, (first, second)
            return [first["id"], second["id"]]

    assert run(main(gw, "/ws")) == ["quick", "slow"]
    assert run(main(small, "/rpc")) == ["slow", "quick"]


@pytest.mark.parametrize("headers,status", [
    ("Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", 426),
    ("Sec-WebSocket-Version: 13\r\n", 400),
])
def test_bad_upgrades_are_refused_with_the_error_json(gw, headers, status):
    response = gw.raw(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n%s\r\n"
                       % headers).encode())
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), response
    assert b"connection: close" in head
    assert (b"sec-websocket-version: 13" in head) == (status == 426)
    assert json.loads(body)["error"]["code"] == ("upgrade_required" if status == 426 else "bad_request")


def test_a_plain_request_to_the_path_is_routed(gw):
    response = gw.get("/ws")
    assert response.status == 404 and response.json["error"]["code"] == "route_not_found"


def test_upgrade_waits_for_earlier_pipelined_responses(gw):
    s = socket.create_connection(("127.0.0.1", gw.port), timeout=10)
    with s:
        s.sendall(b"POST /v1/store/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\n{\"millis\":300}"
                  b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        data = b""
        while b"101 Switching Protocols" not in data or not data.endswith(b"\r\n\r\n"):
            data += read_exact(s, 1)
        first, _, rest = data.partition(b"HTTP/1.1 101")
        assert first.startswith(b"HTTP/1.1 200 OK") and first.endswith(b'"slept 300 ms"'), data
        s.sendall(frame(0x1, b'{"id": 1, "method": "GET", "path": "/v1/store/ping"}'))
        assert read_frame(s) == (0x1, b'{"id":1,"status":200,"headers":{},"body":"pong"}')


def test_shutdown_sends_1001_after_in_flight_replies(sluice_bin, tmp_path, python_backends, demo_backend):
    gateway = start_with_config(sluice_bin, tmp_path, python_backends, demo_backend, "{}")
    try:
        s = raw_handshake(gateway.port)
        with s:
            s.sendall(frame(0x1, b'{"id": 1, "method": "POST", "path": "/v1/store/slow", "body": {"millis": 300}}'))
            # The reply arrives only after the slow call has started: the signal lands while it is in flight.
            s.sendall(frame(0x9, b"sync"))
            assert read_frame(s) == (0xA, b"sync")
            gateway.child.signal(signal.SIGTERM)
            assert read_frame(s) == (0x1, b'{"id":1,"status":200,"headers":{},"body":"slept 300 ms"}')
            assert read_close(s) == 1001
    finally:
        gateway.stop()


@pytest.mark.parametrize("args,message", [
    (["--websocket-path", "ws"], "--websocket-path must be an absolute path"),
    (["--config", "sluice.yaml", "--websocket-path", "/ws"], "--websocket-path cannot be combined with --config"),
])
def test_websocket_path_usage_errors(sluice, args, message):
    result = sluice("run", *args)
    assert result.returncode != 0 and message in result.stderr, result.stderr


def test_a_socket_that_goes_away_cancels_its_calls_in_flight(sluice_bin, tmp_path, python_backends, demo_backend):
    write_routes(tmp_path, routes_document(python_backends, demo_backend))
    gateway = Gateway.start(sluice_bin, tmp_path, tmp_path / "run.log",
                            extra=["--websocket-path", "/ws", "--log-level", "debug"])
    try:
        s = raw_handshake(gateway.port)
        with s:
            s.sendall(frame(0x1, b'{"id": 1, "method": "POST", "path": "/v1/store/slow", "body": {"millis": 3000}}'))
            s.sendall(frame(0x9, b"sync"))
            assert read_frame(s) == (0xA, b"sync")  # the message was read and dispatched before the ping
        # Gone without a close: the call is cancelled now, not answered in 3 s or timed out in 2 s.
        gateway.child.wait_for_line(r"call=StoreService\.slow error=the caller gave up on the call.*backend call failed",
                                    timeout=10)
    finally:
        gateway.stop()
