"""`protocol: http` services: requests proxied to a real HTTP/1.1 upstream (a stdlib Python server) through
`sluice run`, driven by curl and raw sockets: headers, hop-by-hop removal, X-Forwarded-*, rewrite, chunked
and Content-Length bodies both ways, 100 MiB streamed each way with the gateway's memory bounded, timeouts
and an unreachable upstream."""

import base64
import hashlib
import json
import pathlib
import socket
import subprocess
import sys
import tempfile

import pytest
from websockets.sync.client import connect as websocket_connect

from support import streaming
from support.gateway import Gateway, start_with_config, write_routes
from support.processes import Child, free_port, wait_for_port
from support.streaming import MiB, PATTERN

SERVER = pathlib.Path(__file__).parent / "servers" / "http_echo_server.py"


@pytest.fixture(scope="module")
def upstream(workdir):
    child = Child([sys.executable, SERVER], workdir / "http-echo.log")
    port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
    wait_for_port(port)
    yield port
    child.stop()


def proxy_document(port, timeout="5s", extra_routes=()):
    return {
        "services": [{
            "name": "web", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % port], "timeout": timeout,
            "pool": {"max_idle": 4, "max_total": 16, "idle_timeout": "30s"},
        }],
        "routes": [
            {"method": "*", "path": "/static/{rest=**}", "service": "web", "rewrite": "/assets/{rest}"},
            {"method": "*", "path": "/web/{rest=**}", "service": "web", "rewrite": "/{rest}"},
            {"method": "POST", "path": "/limited", "service": "web", "max_body": "1KiB"},
            *extra_routes,
        ],
    }


@pytest.fixture(scope="module")
def proxy(upstream, sluice_bin, workdir):
    routes_dir = pathlib.Path(tempfile.mkdtemp(prefix="proxy-", dir=workdir))
    write_routes(routes_dir, proxy_document(upstream))
    gw = Gateway.start(sluice_bin, routes_dir, workdir / "proxy-gateway.log")
    yield gw
    gw.stop()


def curl(*args, timeout=60, input=None):
    return subprocess.run(["curl", "-sS", *args], input=input, capture_output=True, timeout=timeout)


def echo(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def header_values(reply, name):
    return [v for k, v in reply["headers"] if k.lower() == name.lower()]


def test_method_rewritten_path_query_and_headers_pass_through(proxy):
    reply = echo(curl("-X", "PATCH", "-H", "X-Custom: a b", "-H", "Accept: text/plain", "--data-binary", "hello",
                      proxy.url + "/static/css/site%20v2.css?x=1&y=%2F"))
    assert reply["method"] == "PATCH"
    assert reply["path"] == "/assets/css/site%20v2.css?x=1&y=%2F"
    assert header_values(reply, "X-Custom") == ["a b"]
    assert header_values(reply, "Accept") == ["text/plain"]
    assert header_values(reply, "Host") == ["127.0.0.1:%d" % proxy.port]
    assert reply["body"] == "hello"


def test_hop_by_hop_fields_are_removed_both_ways(proxy):
    result = curl("-i", "-H", "Connection: keep-alive, X-Private", "-H", "X-Private: secret", "-H", "Keep-Alive: 5",
                  "-H", "Proxy-Authorization: Basic eA==", "-H", "TE: trailers", "-H", "X-Kept: 1",
                  proxy.url + "/web/echo")
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition(b"\r\n\r\n")
    reply = json.loads(body)
    sent = {k.lower() for k, _ in reply["headers"]}
    assert not sent & {"x-private", "keep-alive", "proxy-authorization", "te", "connection"}
    assert "x-kept" in sent
    received = [line.split(b":")[0].lower() for line in head.split(b"\r\n")[1:]]
    # The upstream named X-Hop in its Connection field and sent Keep-Alive: neither reaches the client.
    assert b"x-upstream" in received
    assert b"x-hop" not in received and b"keep-alive" not in received


def test_forwarded_fields_are_appended(proxy):
    reply = echo(curl("-H", "X-Forwarded-For: 203.0.113.9", "-H", "Forwarded: for=203.0.113.9",
                      "-H", "X-Forwarded-Proto: https", "-H", "Host: shop.example", proxy.url + "/web/who"))
    assert header_values(reply, "X-Forwarded-For") == ["203.0.113.9, 127.0.0.1"]
    assert header_values(reply, "X-Forwarded-Proto") == ["http"]
    assert header_values(reply, "X-Forwarded-Host") == ["shop.example"]
    assert header_values(reply, "Forwarded") == ["for=203.0.113.9, for=127.0.0.1;host=shop.example;proto=http"]
    assert header_values(reply, "Host") == ["shop.example"]


def test_chunked_upload_and_download(proxy):
    body = b"0123456789" * 5000
    reply = echo(curl("-H", "Transfer-Encoding: chunked", "--data-binary", "@-", proxy.url + "/web/up", input=body))
    assert header_values(reply, "Transfer-Encoding") == ["chunked"]
    assert reply["body_bytes"] == len(body)
    assert reply["body_sha256"] == hashlib.sha256(body).hexdigest()
    result = curl("-i", proxy.url + "/web/download?bytes=300000&chunked=1")
    head, _, data = result.stdout.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    assert curl(proxy.url + "/web/download?bytes=300000&chunked=1").stdout == (PATTERN * 5)[:300000]
    assert curl(proxy.url + "/web/download?bytes=300000").stdout == (PATTERN * 5)[:300000]


def test_keep_alive_serves_several_proxied_requests_on_one_connection(proxy):
    result = curl("-v", proxy.url + "/web/a", proxy.url + "/web/b?n=2", "-o", "/dev/null", "-o", "/dev/null")
    assert result.returncode == 0
    assert result.stderr.count(b"HTTP/1.1 200") == 2
    assert b"Re-using existing connection" in result.stderr or b"Reusing existing connection" in result.stderr


def test_body_ended_by_upstream_close_is_rechunked(proxy):
    result = curl("-i", proxy.url + "/web/close")
    head, _, data = result.stdout.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    assert data == b"until the end"


def test_route_max_body(proxy):
    ok = echo(curl("--data-binary", "x" * 1024, proxy.url + "/limited"))
    assert ok["body_bytes"] == 1024
    too_large = curl("-w", "%{http_code}", "--data-binary", "x" * 1025, proxy.url + "/limited")
    assert too_large.stdout.endswith(b"413")
    assert b"payload_too_large" in too_large.stdout
    chunked = curl("-w", "%{http_code}", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-",
                   proxy.url + "/limited", input=b"y" * 4096)
    assert chunked.stdout.endswith(b"413")


def test_100_mib_each_way_streams_with_bounded_memory(proxy):
    # Warm up (pools, buffers), then measure growth across the big transfers.
    echo(curl("--data-binary", "x" * 100000, proxy.url + "/web/warm"))
    curl("-o", "/dev/null", proxy.url + "/web/download?bytes=1000000")
    size = 100 * MiB

    def transfer():
        # curl would add `Transfer-Encoding: chunked` beside the length for stdin; the empty value drops it.
        reply, sent = streaming.upload(["curl", "-sS", "-T", "-", "-X", "POST", "-H", "Transfer-Encoding:",
                                        "-H", "Content-Length: %d" % size, proxy.url + "/web/upload"], size)
        assert reply["body_bytes"] == size
        assert reply["body_sha256"] == sent
        assert streaming.download(["curl", "-sS", proxy.url + "/web/download?bytes=%d" % size]) == size

    growth_mib = streaming.rss_growth_mib(proxy.child.proc.pid, transfer)
    print("gateway RSS growth %.1f MiB" % growth_mib)
    assert growth_mib < 20, "RSS grew by %.1f MiB while 100 MiB streamed each way" % growth_mib


def test_upstream_timeout_is_504_naming_the_service(upstream, start_gateway):
    gw = start_gateway(proxy_document(upstream, timeout="300ms"))
    result = gw.get("/web/slow?ms=2000")
    assert result.status == 504
    assert result.json["error"]["code"] == "gateway_timeout"
    assert "'web'" in result.json["error"]["message"]
    assert gw.get("/web/fast").status == 200


def test_deadline_header_tells_the_upstream_the_wait_and_replaces_the_clients(upstream, start_gateway, proxy):
    document = proxy_document(upstream, timeout="750ms")
    document["services"][0]["deadline_header"] = "X-Request-Timeout-Ms"
    gw = start_gateway(document)
    reply = echo(curl("-H", "X-Request-Timeout-Ms: 60000", gw.url + "/web/echo"))
    assert header_values(reply, "x-request-timeout-ms") == ["750"]
    # Without the key nothing is added, and a client's field passes through as any other does.
    reply = echo(curl("-H", "X-Request-Timeout-Ms: 60000", proxy.url + "/web/echo"))
    assert header_values(reply, "x-request-timeout-ms") == ["60000"]


def test_upstream_down_is_502(start_gateway):
    gw = start_gateway(proxy_document(free_port()))
    result = gw.post("/web/x", body={"a": 1})
    assert result.status == 502
    assert result.json["error"]["code"] == "bad_gateway"
    assert "service 'web'" in result.json["error"]["message"]


def test_client_leaving_mid_upload_leaves_a_working_pool(proxy):
    with socket.create_connection(("127.0.0.1", proxy.port)) as s:
        s.sendall(b"POST /web/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + b"z" * 50000)
    with socket.create_connection(("127.0.0.1", proxy.port)) as s:
        s.sendall(b"GET /web/download?bytes=5000000 HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(1000)
    for _ in range(3):
        assert echo(curl(proxy.url + "/web/after"))["path"] == "/after"


def read_responses(sock, count, timeout=10):
    """Reads `count` Content-Length framed responses; returns (status line, body) pairs."""
    sock.settimeout(timeout)
    data = b""
    responses = []
    while len(responses) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode()
            length = int(next(line.split(":")[1] for line in head.split("\r\n") if line.lower().startswith("content-length")))
            if len(data) >= head_end + 4 + length:
                responses.append((head.split("\r\n")[0], data[head_end + 4:head_end + 4 + length]))
                data = data[head_end + 4 + length:]
                continue
        chunk = sock.recv(65536)
        assert chunk, "closed after %d responses" % len(responses)
        data += chunk
    return responses


def test_requests_pipelined_behind_a_proxied_one_are_answered_in_order(proxy):
    with socket.create_connection(("127.0.0.1", proxy.port)) as s:
        s.sendall(b"GET /web/one HTTP/1.1\r\nHost: x\r\n\r\nGET /web/two HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n")
        (first, one), (second, two), (third, _) = read_responses(s, 3)
    assert first.startswith("HTTP/1.1 200") and json.loads(one)["path"] == "/one"
    assert second.startswith("HTTP/1.1 200") and json.loads(two)["path"] == "/two"
    assert third.startswith("HTTP/1.1 404")


def test_head_and_http10_clients(proxy):
    head = curl("-sI", proxy.url + "/web/x")
    assert head.returncode == 0 and b"200 OK" in head.stdout and b"Content-Length" in head.stdout
    assert echo(curl(proxy.url + "/web/after-head"))["path"] == "/after-head"
    old = curl("-0", "-i", proxy.url + "/web/close")
    head, _, body = old.stdout.partition(b"\r\n\r\n")
    assert b"transfer-encoding" not in head.lower() and b"connection: close" in head.lower()
    assert body == b"until the end"


def test_idle_timeout_bounds_a_stalled_body_but_not_the_wait_for_the_upstream(upstream, sluice_bin, tmp_path):
    write_routes(tmp_path / "routes", proxy_document(upstream, timeout="10s"))
    config = tmp_path / "sluice.yaml"
    config.write_text('listeners:\n  - {address: "127.0.0.1:0"}\nroutes: routes/\nlimits: {idle_timeout: 1s}\n')
    child = Child([sluice_bin, "run", "--config", config], tmp_path / "run.log", cwd="/")
    port = int(child.wait_for_line(r"listening on http://127\.0\.0\.1:(\d+)", timeout=30).group(1))
    wait_for_port(port)
    gw = Gateway(child, port)
    try:
        # The upstream takes longer than the idle timeout to answer: `timeout` (10s) bounds that wait.
        assert gw.get("/web/slow?ms=2500").status == 200
        # A body that stops arriving is cut off: the connection closes without a response.
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"POST /web/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)
            s.settimeout(20)
            assert s.recv(1000) == b""
        assert echo(curl(gw.url + "/web/still-serving"))["path"] == "/still-serving"
    finally:
        gw.stop()


def test_websocket_upgrade_is_relayed_to_the_upstream(workdir, start_gateway):
    child = Child([sys.executable, pathlib.Path(__file__).parent / "servers" / "ws_echo_server.py"], workdir / "ws-echo.log")
    try:
        port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
        gw = start_gateway({
            "services": [{"name": "chat", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % port]}],
            "routes": [{"method": "GET", "path": "/chat/{room}", "service": "chat", "rewrite": "/rooms/{room}"}],
        })
        with websocket_connect("ws://127.0.0.1:%d/chat/lobby?user=ann" % gw.port, max_size=None) as ws:
            ws.send("request?")
            request = json.loads(ws.recv())
            assert request["path"] == "/rooms/lobby?user=ann"
            sent = {name.lower(): value for name, value in request["headers"]}
            assert sent["x-forwarded-for"] == "127.0.0.1"
            assert sent["upgrade"] == "websocket" and sent["connection"].lower() == "upgrade"
            for message in ["hello", b"\x00\x01binary", "x" * (3 * MiB)]:
                ws.send(message)
                assert ws.recv() == message
            for index in range(200):
                ws.send("m%d" % index)
            assert [ws.recv() for _ in range(200)] == ["m%d" % index for index in range(200)]
        # The upgrade took its own connections; the gateway goes on serving.
        assert gw.get("/chat/lobby").status in (400, 426)
    finally:
        child.stop()


def test_an_upgrade_the_upstream_does_not_take_is_answered_then_the_connection_closes(proxy):
    for upgrade in (b"websocket", b"h2c"):
        with socket.create_connection(("127.0.0.1", proxy.port)) as s:
            s.sendall(b"GET /web/plain HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: " + upgrade + b"\r\n"
                      b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            (status, body), = read_responses(s, 1)
            assert status.startswith("HTTP/1.1 200")
            assert header_values(json.loads(body), "Upgrade") == ([upgrade.decode()] if upgrade == b"websocket" else [])
            assert s.recv(100) == b""


def test_a_tls_listener_forwards_https(upstream, sluice_bin, tmp_path, dev_certs):
    write_routes(tmp_path / "routes", proxy_document(upstream))
    (tmp_path / "sluice.yaml").write_text(
        'listeners: [{address: "127.0.0.1:0", tls: {cert: %s, key: %s}}]\nroutes: routes/\n'
        % (dev_certs / "server.crt", dev_certs / "server.key"))
    child, listeners = start_with_config(sluice_bin, tmp_path / "sluice.yaml", tmp_path / "run.log")
    try:
        reply = echo(curl("--http1.1", "--cacert", str(dev_certs / "ca.crt"), "https://localhost:%d/web/who" % listeners[0][1]))
        assert header_values(reply, "X-Forwarded-Proto") == ["https"]
        assert header_values(reply, "Forwarded") == ["for=127.0.0.1;host=\"localhost:%d\";proto=https" % listeners[0][1]]
    finally:
        child.stop()


def test_proxy_routes_answer_websocket_rpc_messages(upstream, sluice_bin, tmp_path):
    """A WebSocket message to a proxy route goes upstream like an HTTP request; the whole response is the reply:
    JSON as JSON, other bodies as text or base64 with their content type, capped at `max_message`."""
    write_routes(tmp_path / "routes", proxy_document(upstream))
    (tmp_path / "sluice.yaml").write_text(
        'listeners: [{address: "127.0.0.1:0"}]\nroutes: routes/\nwebsocket: {path: /ws, max_message: 64KiB}\n')
    child, listeners = start_with_config(sluice_bin, tmp_path / "sluice.yaml", tmp_path / "run.log")
    try:
        with websocket_connect("ws://127.0.0.1:%d/ws" % listeners[0][1], max_size=None) as ws:
            ws.send(json.dumps({"id": 1, "method": "PUT", "path": "/static/a%20b.css?v=2",
                                "headers": {"X-Custom": "yes", "Connection": "Upgrade", "Upgrade": "websocket",
                                            "Content-Type": "text/plain", "Content-Length": "999"},
                                "body": "plain words"}))
            reply = json.loads(ws.recv())
            assert reply["id"] == 1 and reply["status"] == 200, reply
            assert reply["headers"]["x-upstream"] == "yes"
            for hop in ("connection", "keep-alive", "x-hop", "content-length"):
                assert hop not in reply["headers"]
            sent = reply["body"]
            assert sent["method"] == "PUT" and sent["path"] == "/assets/a%20b.css?v=2"
            assert sent["body"] == "plain words" and sent["body_bytes"] == len("plain words")
            assert header_values(sent, "X-Custom") == ["yes"]
            assert header_values(sent, "Content-Length") == [str(len("plain words"))]
            assert header_values(sent, "Upgrade") == [] and header_values(sent, "X-Forwarded-For") == ["127.0.0.1"]
            assert header_values(sent, "X-Forwarded-Proto") == ["http"]

            # Many in flight on one socket, answered by id; a binary body comes back as base64.
            for index in range(50):
                ws.send(json.dumps({"id": "m%d" % index, "method": "POST", "path": "/web/echo/%d" % index,
                                    "body": {"n": index}}))
            replies = {}
            for _ in range(50):
                reply = json.loads(ws.recv())
                replies[reply["id"]] = reply
            for index in range(50):
                body = replies["m%d" % index]["body"]
                assert body["path"] == "/echo/%d" % index and json.loads(body["body"]) == {"n": index}

            ws.send(json.dumps({"id": 2, "method": "GET", "path": "/web/download?bytes=1000"}))
            reply = json.loads(ws.recv())
            assert reply["status"] == 200 and reply["headers"]["content-type"] == "application/octet-stream"
            assert "body" not in reply and base64.b64decode(reply["body_base64"]) == PATTERN[:1000]

            # Over the message limit: a 502 reply naming it, and the socket goes on.
            ws.send(json.dumps({"id": 3, "method": "GET", "path": "/web/download?bytes=200000&chunked=1"}))
            reply = json.loads(ws.recv())
            assert reply["status"] == 502 and "limit" in reply["body"]["error"]["message"], reply
            ws.send(json.dumps({"id": 4, "method": "GET", "path": "/web/after"}))
            assert json.loads(ws.recv())["body"]["path"] == "/after"
    finally:
        child.stop()


def test_a_websocket_message_to_an_unreachable_upstream_gets_502(sluice_bin, tmp_path):
    write_routes(tmp_path / "routes", proxy_document(free_port()))
    (tmp_path / "sluice.yaml").write_text('listeners: [{address: "127.0.0.1:0"}]\nroutes: routes/\nwebsocket: {path: /ws}\n')
    child, listeners = start_with_config(sluice_bin, tmp_path / "sluice.yaml", tmp_path / "run.log")
    try:
        with websocket_connect("ws://127.0.0.1:%d/ws" % listeners[0][1]) as ws:
            ws.send(json.dumps({"id": 1, "method": "GET", "path": "/web/x"}))
            reply = json.loads(ws.recv())
            assert reply["id"] == 1 and reply["status"] in (502, 503), reply
            assert "web" in reply["body"]["error"]["message"]
    finally:
        child.stop()
