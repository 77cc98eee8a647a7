"""`protocol: http` services spoken to over HTTP/2 (`h2c: true`, and `h2: true` over TLS with ALPN): a Python
`h2` upstream (servers/h2_echo_server.py) behind `sluice run`, reached by HTTP/1.1 and HTTP/2 clients. Covers
the request as the upstream sees it, 20 MiB each way, many concurrent requests multiplexed on one upstream
connection, trailers both ways, client resets cancelling the upstream stream, an upstream without h2 in ALPN,
an upstream GOAWAY, a down upstream (502) and a slow one (504). WebSocket upgrades to HTTP/2 upstreams:
test_websocket_proxy_h2.py."""

import hashlib
import json
import subprocess
import threading
import time

import pytest

from support.gateway import Gateway, write_routes
from support.h2conn import H2Connection
from support.processes import free_port
from support.streaming import MiB, PATTERN
from test_https_upstream import start_upstream


@pytest.fixture(scope="module")
def upstreams(workdir, dev_certs):
    """`clear` (h2c), `secure` (h2 over TLS, ALPN h2) and `http1` (TLS offering only http/1.1)."""
    tls = ("--tls-cert", dev_certs / "server.crt", "--tls-key", dev_certs / "server.key")
    started = {
        "clear": start_upstream(workdir, "clear", "h2_echo_server.py"),
        "secure": start_upstream(workdir, "secure", "h2_echo_server.py", *tls),
        "http1": start_upstream(workdir, "http1", "http_echo_server.py", *tls),
    }
    yield {name: port for name, (_, port) in started.items()}
    for child, _ in started.values():
        child.stop()


@pytest.fixture(scope="module")
def gateway(sluice_bin, workdir, dev_certs, upstreams):
    ca = {"ca": str(dev_certs / "ca.crt")}
    u = upstreams

    def service(name, endpoint, timeout="5s", **extra):
        return {"name": name, "protocol": "http", "endpoints": [endpoint], "timeout": timeout,
                "connect_timeout": "2s", **extra}

    services = [
        service("clear", "http://127.0.0.1:%d" % u["clear"], h2c=True),
        service("secure", "https://localhost:%d" % u["secure"], h2=True, tls=ca),
        service("no-h2", "https://localhost:%d" % u["http1"], h2=True, tls=ca),
        service("down", "http://127.0.0.1:%d" % free_port(), h2c=True),
        service("slow", "http://127.0.0.1:%d" % u["clear"], timeout="300ms", h2c=True,
                deadline_header="X-Request-Timeout-Ms"),
    ]
    routes = [{"method": "*", "path": "/%s/{rest=**}" % s["name"], "service": s["name"], "rewrite": "/{rest}"}
              for s in services]
    routes_dir = write_routes(workdir / "h2-upstream-routes", {"services": services, "routes": routes})
    gw = Gateway.start(sluice_bin, routes_dir, workdir / "gateway-h2-upstream.log")
    yield gw
    gw.stop()


def header(reply, name):
    return [value for key, value in reply["headers"] if key == name]


def test_h2c_get_reaches_the_upstream_as_http2(gateway):
    response = gateway.get("/clear/items?q=1", headers={"TE": "trailers, gzip", "Connection": "keep-alive, x-hop",
                                                        "X-Hop": "1", "X-Custom": "a b"})
    assert response.status == 200, response
    assert response.header("x-upstream") == "h2"
    reply = response.json
    assert (reply["method"], reply["path"]) == ("GET", "/items?q=1")
    assert header(reply, ":scheme") == ["http"]
    assert header(reply, ":authority") == ["127.0.0.1:%d" % gateway.port]
    assert header(reply, "host") == []
    assert header(reply, "te") == ["trailers"]
    assert header(reply, "x-custom") == ["a b"]
    assert header(reply, "x-forwarded-for") == ["127.0.0.1"]
    assert not {"connection", "keep-alive", "x-hop", "transfer-encoding", "upgrade"} & {k for k, _ in reply["headers"]}


def test_h2_over_tls_negotiated_by_alpn(gateway):
    response = gateway.post("/secure/submit", body=b"hello", headers={"Content-Type": "text/plain"})
    assert response.status == 200, response
    reply = response.json
    assert (reply["method"], reply["path"], reply["body"]) == ("POST", "/submit", "hello")
    assert header(reply, ":scheme") == ["https"]
    assert header(reply, "content-length") == ["5"]


def stream_through(command, size):
    """Pipes `size` bytes of the pattern into `command` (curl reading stdin) while reading what it prints;
    returns (sha256 sent, sha256 printed, bytes printed)."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sent = hashlib.sha256()

    def write():
        block = PATTERN * 16
        for _ in range(size // len(block)):
            process.stdin.write(block)
            sent.update(block)
        process.stdin.close()

    writer = threading.Thread(target=write)
    writer.start()
    received, count = hashlib.sha256(), 0
    while data := process.stdout.read(1 << 20):
        received.update(data)
        count += len(data)
    writer.join()
    assert process.wait(timeout=120) == 0, process.stderr.read()
    return sent.hexdigest(), received.hexdigest(), count


@pytest.mark.parametrize("service", ["clear", "secure"])
@pytest.mark.parametrize("client", ["--http1.1", "--http2-prior-knowledge"])
def test_20_mib_each_way(gateway, service, client):
    size = 20 * MiB
    url = "http://127.0.0.1:%d/%s" % (gateway.port, service)
    # Upload without a length (chunked from an HTTP/1.1 client): the upstream hashes what arrived.
    process = subprocess.run(["curl", "-sS", client, "-T", "-", "-X", "POST", url + "/upload"],
                             input=PATTERN * (size // len(PATTERN)), capture_output=True, timeout=120)
    assert process.returncode == 0, process.stderr
    reply = json.loads(process.stdout)
    assert (reply["length"], reply["sha256"]) == (size, hashlib.sha256(PATTERN * (size // len(PATTERN))).hexdigest())
    # Both ways on one request: the upstream mirrors the body back as it arrives.
    sent, received, count = stream_through(["curl", "-sS", client, "-T", "-", "-X", "POST", url + "/mirror"], size)
    assert (count, received) == (size, sent)


def stats(conn, service="clear"):
    stream = conn.request("GET", "/%s/stats" % service)
    assert conn.wait_for_responses([stream])
    return conn.body_json(stream)


def test_concurrent_requests_share_one_upstream_connection(gateway):
    conn = H2Connection(gateway.port).start()
    try:
        before = stats(conn)  # opens this client's event loop's upstream connection
        streams = [conn.request("GET", "/clear/slow?ms=300&n=%d" % n) for n in range(40)]
        streams += [conn.request("POST", "/clear/post/%d" % n, body=b"p" * (16000 + n)) for n in range(10)]
        assert conn.wait_for_responses(streams)
        assert all(conn.responses[s]["status"] == 200 for s in streams)
        assert [conn.body_json(s)["length"] for s in streams[40:]] == [16000 + n for n in range(10)]
        after = stats(conn)
        assert after["connections"] == before["connections"]
        assert after["peak_streams"] >= 40
    finally:
        conn.close()


def test_trailers_pass_both_ways_between_http2_peers(gateway):
    conn = H2Connection(gateway.port).start()
    try:
        stream = conn.request("POST", "/clear/t", body=b"abc", headers=[("x-want-trailers", "yes")], end_stream=False)
        conn.conn.send_headers(stream, [("x-request-trailer", "42")], end_stream=True)
        conn.flush()
        assert conn.wait_for_responses([stream])
        reply = conn.body_json(stream)
        assert reply["trailers"] == [["x-request-trailer", "42"]]
        assert conn.responses[stream]["trailers"] == [
            ("x-checksum", hashlib.sha256(b"abc").hexdigest()), ("x-status", "done")]
    finally:
        conn.close()


def test_http1_client_gets_no_trailers_and_sends_none(gateway):
    raw = gateway.raw(b"POST /clear/t HTTP/1.1\r\nHost: x\r\nX-Want-Trailers: yes\r\nTransfer-Encoding: chunked\r\n"
                      b"Connection: close\r\n\r\n3\r\nabc\r\n0\r\nX-Request-Trailer: 42\r\n\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert b"x-checksum" not in body.lower()
    assert b'"trailers": []' in body and b'"length": 3' in body


def wait_until(conn, condition, what, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = stats(conn)
        if condition(current):
            return current
    raise AssertionError("never saw %s: %r" % (what, current))


def test_client_reset_cancels_the_upstream_stream(gateway):
    conn = H2Connection(gateway.port).start()
    try:
        before = stats(conn)
        stream = conn.request("GET", "/clear/hang")
        wait_until(conn, lambda s: s["hanging"] > before["hanging"], "the upstream receive the request")
        conn.reset(stream)
        after = wait_until(conn, lambda s: len(s["resets"]) > len(before["resets"]), "the upstream stream reset")
        assert after["resets"][len(before["resets"]):] == [8]  # CANCEL
        # The upstream connection stays up for others.
        assert after["connections"] == before["connections"]
    finally:
        conn.close()


def test_upstream_goaway_lets_streams_finish_and_moves_new_ones_to_a_new_connection(gateway):
    conn = H2Connection(gateway.port).start()
    try:
        before = stats(conn)
        slow = conn.request("GET", "/clear/slow?ms=500")
        goaway = conn.request("GET", "/clear/goaway")
        assert conn.wait_for_responses([slow, goaway])
        assert [conn.responses[s]["status"] for s in (slow, goaway)] == [200, 200]
        assert conn.body_json(slow)["path"] == "/slow?ms=500"
        # The next request opens a new connection; the old one is closed once its streams are done.
        after = wait_until(conn, lambda s: s["closed"] > before["closed"], "the drained connection closed")
        assert after["connections"] == before["connections"] + 1
    finally:
        conn.close()


def test_upstream_without_h2_in_alpn_is_502(gateway, upstreams):
    response = gateway.get("/no-h2/x")
    assert response.status == 502, response
    error = response.json["error"]
    assert error["code"] == "bad_gateway" and "service 'no-h2' did not agree to HTTP/2" in error["message"], error
    assert "localhost" not in error["message"] and str(upstreams["http1"]) not in error["message"]
    gateway.child.wait_for_line(r"(?=.*upstream connection failed)(?=.*did not agree to HTTP/2 by ALPN)", timeout=5)


def test_upstream_down_is_502_and_slow_is_504(gateway):
    response = gateway.get("/down/x")
    assert response.status == 502 and response.json["error"]["code"] == "bad_gateway", response
    response = gateway.get("/slow/slow?ms=3000")
    assert response.status == 504 and "'slow'" in response.json["error"]["message"], response
    assert gateway.get("/slow/fast").status == 200


def test_deadline_header_tells_an_http2_upstream_the_wait(gateway):
    response = gateway.get("/slow/items", headers={"X-Request-Timeout-Ms": "60000"})
    assert response.status == 200, response
    # HTTP/2 field names are lowercase; the client's own value is replaced by the gateway's.
    assert header(response.json, "x-request-timeout-ms") == ["300"]
