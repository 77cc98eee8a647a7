"""`protocol: http` services behind HTTP/2 ingress: a proxy route reached over h2c (prior knowledge) or h2
over TLS is streamed to the same stdlib HTTP/1.1 upstream as over HTTP/1.1 (test_http_proxy.py): the same
echoed request, chunked bodies both ways, 100 MiB each way on one stream with the gateway's memory bounded,
concurrent streams, client resets, upstream timeouts and failures, and shutdown (WebSocket over HTTP/2 to proxy
routes: test_websocket_proxy_h2.py)."""

import hashlib
import json
import signal
import subprocess

import pytest

from support import h2conn, streaming
from support.gateway import start_with_config, write_routes
from support.h2conn import H2Connection
from support.processes import free_port
from support.streaming import MiB, PATTERN
from test_http_proxy import proxy_document, upstream  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def gateway(upstream, sluice_bin, dev_certs, tmp_path_factory):  # noqa: F811
    """A gateway with a cleartext and a TLS listener; yields (child, cleartext port, TLS port)."""
    directory = tmp_path_factory.mktemp("proxy-h2")
    write_routes(directory / "routes", proxy_document(upstream))
    config = directory / "sluice.yaml"
    config.write_text('listeners:\n  - {address: "127.0.0.1:0"}\n  - {address: "127.0.0.1:0", tls: {cert: %s, key: %s}}\n'
                      'routes: routes/\nwebsocket: {path: /ws}\n' % (dev_certs / "server.crt", dev_certs / "server.key"))
    child, listeners = start_with_config(sluice_bin, config, directory / "run.log")
    yield child, listeners[0][1], listeners[1][1]
    child.stop()


def curl(*args, timeout=60, input=None):
    """curl, printing the body then `\\n<status> <http version>`."""
    result = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code} %{http_version}", *map(str, args)],
                            input=input, capture_output=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    body, _, tail = result.stdout.rpartition(b"\n")
    status, version = tail.decode().split()
    return int(status), version, body


def h2c(port, path, *args, **kwargs):
    return curl("--http2-prior-knowledge", *args, "http://127.0.0.1:%d%s" % (port, path), **kwargs)


def values(reply, name):
    return [v for k, v in reply["headers"] if k.lower() == name.lower()]


def test_h2c_request_reaches_the_upstream_as_over_http1(gateway):
    _, clear, _ = gateway
    result = subprocess.run(
        ["curl", "-sS", "-i", "--http2-prior-knowledge", "-X", "PATCH", "-H", "X-Custom: a b", "-H", "TE: trailers",
         "-H", "X-Forwarded-For: 203.0.113.9", "-H", "Forwarded: for=203.0.113.9", "-H", "X-Forwarded-Proto: https",
         "--data-binary", "hello", "http://127.0.0.1:%d/static/css/site%%20v2.css?x=1&y=%%2F" % clear],
        capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/2 200")
    received = [line.split(b":")[0] for line in head.split(b"\r\n")[1:]]
    assert b"x-upstream" in received
    assert not {b"connection", b"keep-alive", b"x-hop", b"transfer-encoding"} & set(received)
    reply = json.loads(body)
    assert reply["method"] == "PATCH"
    assert reply["path"] == "/assets/css/site%20v2.css?x=1&y=%2F"
    assert reply["body"] == "hello"
    assert values(reply, "X-Custom") == ["a b"]
    assert values(reply, "Content-Length") == ["5"] and values(reply, "Transfer-Encoding") == []
    assert values(reply, "TE") == []
    host = "127.0.0.1:%d" % clear
    assert values(reply, "Host") == [host]
    assert values(reply, "X-Forwarded-For") == ["203.0.113.9, 127.0.0.1"]
    assert values(reply, "X-Forwarded-Proto") == ["http"]
    assert values(reply, "X-Forwarded-Host") == [host]
    assert values(reply, "Forwarded") == ["for=203.0.113.9, for=127.0.0.1;host=\"%s\";proto=http" % host]


def test_h2_over_tls_forwards_https(gateway, dev_certs):
    _, _, secure = gateway
    status, version, body = curl("--http2", "--cacert", dev_certs / "ca.crt", "https://localhost:%d/web/who?a=1" % secure)
    assert (status, version) == (200, "2")
    reply = json.loads(body)
    assert reply["path"] == "/who?a=1"
    assert values(reply, "X-Forwarded-Proto") == ["https"]
    assert values(reply, "Forwarded") == ["for=127.0.0.1;host=\"localhost:%d\";proto=https" % secure]


def test_chunked_upload_and_download(gateway):
    _, clear, _ = gateway
    body = b"0123456789" * 5000
    # From stdin curl sends no content-length over HTTP/2: the upstream gets the body chunked.
    status, version, out = h2c(clear, "/web/up", "-T", "-", "-X", "POST", input=body)
    assert (status, version) == (200, "2")
    reply = json.loads(out)
    assert values(reply, "Transfer-Encoding") == ["chunked"]
    assert reply["body_bytes"] == len(body) and reply["body_sha256"] == hashlib.sha256(body).hexdigest()
    for query in ("bytes=300000&chunked=1", "bytes=300000"):
        assert h2c(clear, "/web/download?" + query) == (200, "2", (PATTERN * 5)[:300000])
    status, _, out = h2c(clear, "/web/close")
    assert (status, out) == (200, b"until the end")
    head = subprocess.run(["curl", "-sS", "-I", "--http2-prior-knowledge", "http://127.0.0.1:%d/web/x" % clear],
                          capture_output=True, timeout=30)
    assert head.stdout.startswith(b"HTTP/2 200") and b"content-length" in head.stdout


def test_upstream_trailers_become_a_trailing_headers_frame(gateway):
    _, clear, _ = gateway
    conn = H2Connection(clear).start()
    try:
        with_trailers, plain = conn.request("GET", "/web/trailers"), conn.request("GET", "/web/download?bytes=10&chunked=1")
        assert conn.wait_for_responses([with_trailers, plain])
        assert conn.responses[with_trailers]["body"] == b"abc"
        assert conn.responses[with_trailers]["trailers"] == [("x-checksum", "abc")]
        assert "trailers" not in conn.responses[plain] and conn.responses[plain]["ended"]
        assert not {"trailer", "transfer-encoding"} & {name for name, _ in conn.responses[with_trailers]["headers"]}
    finally:
        conn.close()


def test_expect_100_continue_is_answered_by_the_gateway(gateway):
    _, clear, _ = gateway
    conn = H2Connection(clear).start()
    try:
        stream = conn.request("POST", "/web/expect", headers=[("expect", "100-continue"), ("content-length", "4")],
                              end_stream=False)
        assert conn.wait(lambda: "informational" in conn.responses[stream], timeout=10)
        assert conn.responses[stream]["informational"] == [100] and conn.responses[stream]["status"] is None
        conn.conn.send_data(stream, b"body", end_stream=True)
        conn.flush()
        assert conn.wait_for_responses([stream])
        reply = conn.body_json(stream)
        assert reply["body"] == "body" and values(reply, "Expect") == []
    finally:
        conn.close()


def test_route_max_body_is_413(gateway):
    _, clear, _ = gateway
    assert json.loads(h2c(clear, "/limited", "--data-binary", "x" * 1024)[2])["body_bytes"] == 1024
    status, _, out = h2c(clear, "/limited", "--data-binary", "x" * 1025)
    assert status == 413 and json.loads(out)["error"]["code"] == "payload_too_large"
    status, _, out = h2c(clear, "/limited", "-T", "-", "-X", "POST", input=b"y" * 4096)
    assert status == 413 and json.loads(out)["error"]["code"] == "payload_too_large"


def test_100_mib_each_way_on_one_stream_with_bounded_memory(gateway):
    child, clear, _ = gateway
    url = "http://127.0.0.1:%d" % clear
    h2c(clear, "/web/warm", "--data-binary", "x" * 100000)
    h2c(clear, "/web/download?bytes=1000000")
    size = 100 * MiB

    def transfer():
        # From stdin, with no length: one stream, chunked upstream.
        reply, sent = streaming.upload(
            ["curl", "-sS", "--http2-prior-knowledge", "-T", "-", "-X", "POST", url + "/web/upload"], size)
        assert (reply["body_bytes"], reply["body_sha256"]) == (size, sent)
        download = ["curl", "-sS", "--http2-prior-knowledge", url + "/web/download?bytes=%d" % size]
        assert streaming.download(download) == size

    growth_mib = streaming.rss_growth_mib(child.proc.pid, transfer)
    print("gateway RSS growth %.1f MiB" % growth_mib)
    assert growth_mib < 20, "RSS grew by %.1f MiB while 100 MiB streamed each way" % growth_mib


def test_concurrent_proxied_streams_on_one_connection(gateway):
    _, clear, _ = gateway
    conn = H2Connection(clear).start()
    try:
        conn.wait(lambda: 4 in conn.remote_settings, timeout=5)  # the server's initial window (1 MiB)
        slow = [conn.request("GET", "/web/slow?ms=300&n=%d" % n) for n in range(6)]
        downloads = [conn.request("GET", "/web/download?bytes=200000&chunked=%d" % (n % 2)) for n in range(4)]
        posts = [conn.request("POST", "/web/post/%d" % n, body=b"p" * (16000 + n)) for n in range(4)]
        assert conn.wait_for_responses(slow + downloads + posts)
        for n, stream in enumerate(slow):
            assert conn.responses[stream]["status"] == 200
            assert conn.body_json(stream)["path"] == "/slow?ms=300&n=%d" % n
        for stream in downloads:
            assert conn.responses[stream]["body"] == (PATTERN * 4)[:200000]
        for n, stream in enumerate(posts):
            assert conn.body_json(stream)["body_bytes"] == 16000 + n
        assert not conn.resets
    finally:
        conn.close()


def test_client_reset_mid_upload_leaves_a_working_pool(gateway):
    _, clear, _ = gateway
    conn = H2Connection(clear).start()
    try:
        stream = conn.request("POST", "/web/upload", headers=[("content-length", "1000000")], end_stream=False)
        for _ in range(3):
            conn.conn.send_data(stream, b"z" * 16000)
        conn.flush()
        conn.reset(stream)
        download = conn.request("GET", "/web/download?bytes=5000000")
        conn.wait(lambda: len(conn.responses[download]["body"]) > 100000, timeout=10)
        conn.reset(download)
        after = [conn.request("GET", "/web/after/%d" % n) for n in range(6)]
        assert conn.wait_for_responses(after)
        assert [conn.body_json(s)["path"] for s in after] == ["/after/%d" % n for n in range(6)]
    finally:
        conn.close()
    assert json.loads(h2c(clear, "/web/again")[2])["path"] == "/again"


def test_upstream_timeout_is_504_and_down_is_502(upstream, start_gateway):  # noqa: F811
    slow = start_gateway(proxy_document(upstream, timeout="300ms"))
    status, version, out = h2c(slow.port, "/web/slow?ms=2000")
    assert (status, version) == (504, "2")
    error = json.loads(out)["error"]
    assert error["code"] == "gateway_timeout" and "'web'" in error["message"]
    assert h2c(slow.port, "/web/fast")[0] == 200
    down = start_gateway(proxy_document(free_port()))
    status, _, out = h2c(down.port, "/web/x", "--data-binary", '{"a": 1}')
    error = json.loads(out)["error"]
    assert status == 502 and error["code"] == "bad_gateway" and "service 'web'" in error["message"]


def test_goaway_on_shutdown_lets_a_proxied_stream_finish(upstream, sluice_bin, tmp_path):  # noqa: F811
    write_routes(tmp_path / "routes", proxy_document(upstream))
    (tmp_path / "sluice.yaml").write_text('listeners: [{address: "127.0.0.1:0"}]\nroutes: routes/\n')
    child, listeners = start_with_config(sluice_bin, tmp_path / "sluice.yaml", tmp_path / "run.log")
    conn = h2conn.RawH2(listeners[0][1])
    try:
        conn.request(1, "GET", "/web/slow?ms=1000")
        conn.drain(0.3)  # nothing more within 0.3 s: the upstream is still answering
        child.signal(signal.SIGTERM)
        status, body, ended = None, b"", False
        for kind, flags, stream_id, payload in conn.frames():
            if kind == h2conn.HEADERS and stream_id == 1:
                status = dict(conn.decoder.decode(payload)).get(":status")
            elif kind == 0x0 and stream_id == 1:
                body += payload
                ended = ended or bool(flags & h2conn.END_STREAM)
        assert (status, ended) == ("200", True)
        assert json.loads(body)["path"] == "/slow?ms=1000"
    finally:
        conn.close()
        child.stop()


def test_idle_timeout_resets_a_stalled_stream_but_not_the_wait_for_the_upstream(upstream, sluice_bin, tmp_path):  # noqa: F811
    write_routes(tmp_path / "routes", proxy_document(upstream, timeout="10s"))
    (tmp_path / "sluice.yaml").write_text(
        'listeners: [{address: "127.0.0.1:0"}]\nroutes: routes/\nlimits: {idle_timeout: 1s}\n')
    child, listeners = start_with_config(sluice_bin, tmp_path / "sluice.yaml", tmp_path / "run.log")
    conn = H2Connection(listeners[0][1]).start()
    try:
        # The upstream takes longer than the idle timeout to answer: `timeout` (10s) bounds that wait.
        slow = conn.request("GET", "/web/slow?ms=2500")
        # A body that stops arriving: the stream is reset, the connection goes on.
        stalled = conn.request("POST", "/web/upload", headers=[("content-length", "1000")], end_stream=False)
        conn.conn.send_data(stalled, b"x" * 10)
        conn.flush()
        assert conn.wait_for_responses([slow, stalled], timeout=20)
        assert conn.responses[slow]["status"] == 200 and conn.responses[slow]["ended"]
        assert stalled in conn.resets and conn.responses[stalled]["status"] is None
        after = conn.request("GET", "/web/still-serving")
        assert conn.wait_for_responses([after])
        assert conn.body_json(after)["path"] == "/still-serving"
    finally:
        conn.close()
        child.stop()
