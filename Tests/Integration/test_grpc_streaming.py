"""Server-streaming and bidi gRPC methods over HTTP, against grpcio (servers/grpc_gateway_server.py over
grpc/gateway_test.proto): NDJSON by default, SSE for `Accept: text/event-stream`, a status after the first
message as the last line or event, one before it as an ordinary error response; HTTP/1.1 chunked, HTTP/1.0
until close, pipelined requests kept in order, h2c DATA frames; backpressure (a client that stops reading
stops the backend) and a client going away cancelling the call; bidi with the body's messages."""

import http.client
import json
import socket
import time

import pytest

from support import grpc_gateway_peer as peer
from support import h2conn
from support.grpc_gateway_routes import grpc_service, start


@pytest.fixture(scope="module")
def backend(workdir):
    out = workdir / "grpc-streaming-gen"
    peer.generate(out)
    server = peer.start(out, workdir / "grpc-streaming-server.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gw(sluice_bin, workdir, backend):
    def document(directory):
        return {
            "services": [grpc_service("streams", backend.address, directory, auto_routes=True, timeout="60s",
                                      response_metadata=["x-served-by"])],
            "routes": [
                {"method": "GET", "path": "/watch/{a}", "service": "streams", "call": "Streams.Watch"},
                {"method": "POST", "path": "/chat", "service": "streams", "call": "Streams.Chat", "body": "*"},
            ],
        }

    gateway = start(sluice_bin, workdir, "grpc-streaming", document)
    yield gateway
    gateway.stop()


def stream(gw, path, body=None, headers=None, method=None):
    """(status, headers, body text) of one request on a new HTTP/1.1 connection."""
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=30)
    try:
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        all_headers.update(headers or {})
        payload = json.dumps(body) if isinstance(body, (dict, list)) else body
        conn.request(method or ("POST" if body is not None else "GET"), path, body=payload, headers=all_headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        conn.close()


def lines(text):
    return [json.loads(line) for line in text.splitlines()]


def test_server_streaming_is_ndjson_over_chunked_http11(gw):
    status, headers, body = stream(gw, "/sluice.gw.Streams/Watch", {"a": 3})
    assert status == 200, body
    assert headers["content-type"] == "application/x-ndjson"
    assert headers["transfer-encoding"] == "chunked"
    assert "content-length" not in headers
    # response_metadata: the backend's response headers, which come before the first message.
    assert headers["x-served-by"] == "grpc-gateway-server"
    # proto3 JSON leaves the default a=0 out.
    assert lines(body) == [{}, {"a": 1}, {"a": 2}]


def test_a_route_with_a_path_variable_streams_too(gw):
    status, _, body = stream(gw, "/watch/2")
    assert status == 200, body
    assert lines(body) == [{}, {"a": 1}]


def test_sse_when_the_client_accepts_an_event_stream(gw):
    status, headers, body = stream(gw, "/watch/2", headers={"Accept": "text/event-stream"})
    assert status == 200, body
    assert headers["content-type"] == "text/event-stream"
    assert headers["cache-control"] == "no-cache"
    assert body == 'data: {}\n\ndata: {"a":1}\n\n'


def test_a_status_after_messages_is_the_last_line_or_event(gw):
    request = {"a": 2, "b": "fail:9:stock ran out"}
    status, _, body = stream(gw, "/sluice.gw.Streams/Watch", request)
    assert status == 200, body
    assert lines(body) == [{}, {"a": 1}, {"error": {"code": 9, "message": "stock ran out", "details": []}}]
    status, _, body = stream(gw, "/sluice.gw.Streams/Watch", request, headers={"Accept": "text/event-stream"})
    assert body.endswith('event: error\ndata: {"code":9,"message":"stock ran out","details":[]}\n\n'), body
    assert body.count("data: ") == 3


def test_a_status_before_any_message_is_an_ordinary_error_response(gw):
    status, headers, body = stream(gw, "/sluice.gw.Streams/Watch", {"a": 0, "b": "fail:5:no such feed"})
    assert status == 404, body
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"code": 5, "message": "no such feed", "details": []}


def test_no_messages_and_ok_is_an_empty_200(gw):
    status, headers, body = stream(gw, "/sluice.gw.Streams/Watch", {"a": 0})
    assert status == 200
    assert headers["content-type"] == "application/x-ndjson"
    assert body == ""


def test_bidi_takes_the_body_messages_and_streams_the_replies(gw):
    status, headers, body = stream(
        gw, "/chat", '{"a": 1, "b": "x"}\n{"a": 2}\n', headers={"Content-Type": "application/x-ndjson"})
    assert status == 200, body
    assert lines(body) == [{"a": 10, "b": "x"}, {"a": 20}]
    status, _, body = stream(gw, "/sluice.gw.Streams/Chat", [{"a": 3}])
    assert lines(body) == [{"a": 30}]
    status, _, body = stream(gw, "/chat", [{"a": 1}, {"a": "x"}])
    assert status == 400 and "$[1]" in body, body


def read_http_response(sock):
    """One HTTP/1.1 response from `sock`: (head text, body bytes); the body chunked or by length."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, rest = data.split(b"\r\n\r\n", 1)
    head = head.decode()
    if "transfer-encoding: chunked" in head.lower():
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += sock.recv(65536)
            size_line, rest = rest.split(b"\r\n", 1)
            size = int(size_line, 16)
            while len(rest) < size + 2:
                rest += sock.recv(65536)
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                return head, body, rest
    length = int(next(line.split(":")[1] for line in head.splitlines() if line.lower().startswith("content-length")))
    while len(rest) < length:
        rest += sock.recv(65536)
    return head, rest[:length], rest[length:]


def test_pipelined_requests_behind_a_stream_wait_for_its_end(gw):
    watch = json.dumps({"a": 3}).encode()
    echo = b'{"a": 7}'
    with socket.create_connection(("127.0.0.1", gw.port), timeout=30) as sock:
        sock.sendall(
            b"POST /sluice.gw.Streams/Watch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(watch), watch)
            + b"POST /sluice.gw.Streams/Upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(echo), echo))
        head, body, rest = read_http_response(sock)
        assert head.startswith("HTTP/1.1 200"), head
        assert [json.loads(line) for line in body.splitlines()] == [{}, {"a": 1}, {"a": 2}]
        while b"\r\n\r\n" not in rest:
            rest += sock.recv(65536)
        assert rest.startswith(b"HTTP/1.1 200"), rest
        assert rest.endswith(b'{"a":7}') or b'{"a":7}' in rest + sock.recv(65536)


def test_an_http10_client_gets_the_stream_until_close(gw):
    reply = gw.raw(b"GET /watch/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", timeout=10)
    head, body = reply.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200"), head
    assert b"transfer-encoding" not in head.lower() and b"content-length" not in head.lower()
    assert b"connection: close" in head.lower()
    assert body == b'{}\n{"a":1}\n'


def test_h2c_streams_the_messages_as_data_frames(gw):
    conn = h2conn.H2Connection(gw.port)
    conn.start()
    try:
        sse = conn.request("GET", "/watch/3", headers=[("accept", "text/event-stream")])
        ndjson = conn.request("POST", "/sluice.gw.Streams/Watch", body={"a": 2, "b": "fail:14:backend went away"})
        assert conn.wait_for_responses([sse, ndjson])
        first = conn.responses[sse]
        assert first["status"] == 200
        assert dict(first["headers"])["content-type"] == "text/event-stream"
        assert first["body"] == b'data: {}\n\ndata: {"a":1}\n\ndata: {"a":2}\n\n'
        second = conn.responses[ndjson]
        assert [json.loads(line) for line in second["body"].splitlines()] == [
            {}, {"a": 1}, {"error": {"code": 14, "message": "backend went away", "details": []}}]
    finally:
        conn.close()


def produced(gw, count=None):
    """How far the last big Watch got on the server, and how it ended; "" while the last one is not the one
    asked for `count` messages."""
    answer = gw.post("/sluice.gw.Streams/Produced", {}).json
    state, _, total = answer.get("b", "").partition(":")
    return answer.get("a", 0), state if count is None or total == str(count) else ""


def wait_until_ended(gw, count):
    """The state the big Watch of `count` messages ended in, once it is no longer running."""
    deadline = time.monotonic() + 30
    while produced(gw, count)[1] in ("", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
    return produced(gw, count)[1]


def test_a_client_that_stops_reading_stops_the_backend_and_leaving_cancels_it(gw):
    count = 100_000  # 16 KiB each: 1.6 GB if nothing held the server back
    body = json.dumps({"a": count, "b": "big"}).encode()
    sock = socket.create_connection(("127.0.0.1", gw.port), timeout=30)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    try:
        sock.sendall(b"POST /sluice.gw.Streams/Watch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        # Nothing more is read: the server must come to a stop once the windows and buffers between are full.
        previous, stable = -1, 0
        deadline = time.monotonic() + 60
        while stable < 3 and time.monotonic() < deadline:
            time.sleep(0.5)
            now, state = produced(gw, count)
            assert state == "running", state
            stable = stable + 1 if now == previous else 0
            previous = now
        print("produced while the client read nothing: %d" % previous)
        assert stable == 3, "the server kept producing: %d messages" % previous
        assert previous < count
        assert previous * 16 * 1024 < 64 * 1024 * 1024, "%d messages were produced for a client reading none" % previous
    finally:
        sock.close()
    # The client went away: the gateway cancels the call (RST_STREAM), which the server sees.
    assert wait_until_ended(gw, count) == "cancelled"
    # And the gateway goes on serving.
    assert stream(gw, "/watch/1")[2] == "{}\n"


def test_an_h2_client_whose_window_stays_closed_stops_the_backend(gw):
    """The same over HTTP/2, where the client's flow-control window (not the socket) is what stops the gateway:
    the client reads every frame but never opens its window again."""
    count = 100_001
    conn = h2conn.H2Connection(gw.port)
    conn.acknowledge = False
    conn.start()
    try:
        stream_id = conn.request("POST", "/sluice.gw.Streams/Watch", body={"a": count, "b": "big"})
        previous, stable = -1, 0
        deadline = time.monotonic() + 60
        while stable < 3 and time.monotonic() < deadline:
            conn.wait(lambda: False, timeout=0.5)
            now, state = produced(gw, count)
            assert state == "running", state
            stable = stable + 1 if now == previous else 0
            previous = now
        assert stable == 3, "the server kept producing: %d messages" % previous
        assert previous * 16 * 1024 < 64 * 1024 * 1024, "%d messages were produced for a closed window" % previous
        # The window the client gave (64 KiB) is all that came.
        assert len(conn.responses[stream_id]["body"]) <= 65535
        conn.reset(stream_id)
    finally:
        conn.close()
    assert wait_until_ended(gw, count) == "cancelled"


def test_a_stream_waiting_behind_a_pipelined_answer_is_cancelled_when_the_client_leaves(gw):
    """Its head never went out (the slow answer before it was still owed), so only the connection's end can
    tell the gateway nobody will read it."""
    count = 100_002
    slow = b'{"millis": 3000}'
    watch = json.dumps({"a": count, "b": "big"}).encode()
    with socket.create_connection(("127.0.0.1", gw.port), timeout=30) as sock:
        sock.sendall(
            b"POST /sluice.gw.Status/Slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(slow), slow)
            + b"POST /sluice.gw.Streams/Watch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(watch), watch))
        deadline = time.monotonic() + 30
        while produced(gw, count)[1] != "running" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert produced(gw, count)[1] == "running"
    assert wait_until_ended(gw, count) == "cancelled"


def test_check_accepts_routes_to_streaming_methods(sluice, tmp_path):
    proto = tmp_path / "streaming.proto"
    proto.write_text("""syntax = "proto3";
package s;
import "google/api/annotations.proto";
message M { int32 a = 1; }
service S {
  rpc Watch(M) returns (stream M) { option (google.api.http) = { get: "/watch/{a}" }; }
  rpc Chat(stream M) returns (stream M) { option (google.api.http) = { post: "/chat" body: "*" }; }
}
""")
    (tmp_path / "routes.yaml").write_text("""services:
  - name: s
    protocol: grpc
    idl: streaming.proto
    endpoints: ["127.0.0.1:9"]
    routes_from_idl: true
""")
    result = sluice("check", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_head_on_a_streaming_route_gets_the_head_alone_and_the_connection_goes_on(gw):
    with socket.create_connection(("127.0.0.1", gw.port), timeout=30) as sock:
        sock.sendall(b"HEAD /watch/2 HTTP/1.1\r\nHost: x\r\n\r\nGET /watch/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while data.count(b"\r\n\r\n") < 2 or not data.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200") and b"application/x-ndjson" in head, head
    # No body after the HEAD's head: the next bytes are the GET's answer.
    assert rest.startswith(b"HTTP/1.1 200"), rest
    assert rest.endswith(b"3\r\n{}\n\r\n0\r\n\r\n"), rest
