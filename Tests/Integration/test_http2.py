"""HTTP/2: h2c with prior knowledge on the cleartext port, h2 over TLS by ALPN, many streams on one
connection, h2load, and the defences a public edge needs (each attacked, then the gateway must still serve)."""

import json
import signal
import subprocess

import pytest

from conftest import ECHO_IDL, store_routes, store_service
from support import h2conn
from support.gateway import start_with_config, write_routes
from support.h2conn import H2Connection


def write_gateway(tmp_path, backends, demo, certs, http2="", limits=""):
    services = [store_service("py", backends["framed-binary"].address, "framed", "binary"),
                {"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                 "endpoints": [demo.address], "timeout": "2s"}]
    routes = store_routes("py", "/py") + [
        {"method": "POST", "path": "/echo/{req.name}", "service": "echo", "call": "EchoService.Say",
         "body": "req", "query": {"verbose": "req.verbose"}, "headers": {"x-user": "req.user"}}]
    write_routes(tmp_path / "routes", {"services": services, "routes": routes})
    tls = "{cert: %s, key: %s}" % (certs / "server.crt", certs / "server.key")
    lines = ["listeners:",
             "  - {address: \"127.0.0.1:0\"%s}" % (", http2: {%s}" % http2 if http2 else ""),
             "  - {address: \"127.0.0.1:0\", tls: %s%s}" % (tls, ", http2: {%s}" % http2 if http2 else ""),
             "routes: routes/"]
    if limits:
        lines.append("limits: {%s}" % limits)
    config = tmp_path / "sluice.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


@pytest.fixture
def h2_gateway(sluice_bin, tmp_path, python_backends, demo_backend, dev_certs):
    """Starts a gateway with a cleartext and a TLS listener; returns (child, cleartext port, tls port)."""
    children = []

    def start(http2="", limits="", extra=()):
        config = write_gateway(tmp_path, python_backends, demo_backend, dev_certs, http2, limits)
        child, listeners = start_with_config(sluice_bin, config, tmp_path / ("run-%d.log" % len(children)), extra)
        children.append(child)
        assert [scheme for scheme, _ in listeners] == ["http", "https"], listeners
        return child, listeners[0][1], listeners[1][1]

    yield start
    for child in children:
        child.stop()


def curl(*args):
    result = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code} %{http_version}", *map(str, args)],
                            capture_output=True, timeout=30)
    body, _, tail = result.stdout.rpartition(b"\n")
    status, version = tail.decode().split()
    return int(status), version, body


REQUESTS = [
    ("POST", "/echo/bob?verbose=true", '{"message": "hi"}'),
    ("GET", "/py/items/7", None),
    ("GET", "/py/items/404", None),
    ("POST", "/py/items", '{"name": 5}'),
    ("POST", "/py/items", '{"name": '),
    ("GET", "/nowhere", None),
    ("PUT", "/py/ping", None),
]


def test_same_json_over_http1_h2c_and_h2_over_tls(h2_gateway, dev_certs):
    _, clear, secure = h2_gateway()
    for method, path, body in REQUESTS:
        data = ["-X", method] + (["-H", "content-type: application/json", "--data-binary", body] if body else [])
        h1 = curl(*data, "http://127.0.0.1:%d%s" % (clear, path))
        h2c = curl(*data, "--http2-prior-knowledge", "http://127.0.0.1:%d%s" % (clear, path))
        h2 = curl(*data, "--http2", "--cacert", dev_certs / "ca.crt", "https://localhost:%d%s" % (secure, path))
        assert (h1[1], h2c[1], h2[1]) == ("1.1", "2", "2"), (h1, h2c, h2)
        assert h1[0] == h2c[0] == h2[0], (path, h1, h2c, h2)
        assert h1[2] == h2c[2] == h2[2], (path, h1, h2c, h2)
        json.loads(h1[2])


def test_alpn_offers_h2_and_falls_back_to_http1(h2_gateway, dev_certs):
    _, _, secure = h2_gateway()
    status, version, body = curl("--http1.1", "--cacert", dev_certs / "ca.crt",
                                 "-X", "POST", "--data-binary", '{"message": "a"}', "https://localhost:%d/echo/x" % secure)
    assert (status, version) == (200, "1.1") and json.loads(body)["message"] == "a"
    for offered, chosen in ((("h2", "http/1.1"), "h2"), (("http/1.1",), "http/1.1")):
        conn = H2Connection(secure, tls_ca=dev_certs / "ca.crt", alpn=offered)
        assert conn.sock.selected_alpn_protocol() == chosen
        conn.close()


def test_one_connection_100_concurrent_streams(h2_gateway):
    _, clear, _ = h2_gateway()
    conn = H2Connection(clear).start()
    conn.wait(lambda: 3 in conn.remote_settings, timeout=5)  # the server's max concurrent streams
    assert conn.remote_settings[3] == 100
    streams = {conn.request("POST", "/echo/n%d" % i, {"message": "m%d" % i}, flush=False): i for i in range(100)}
    conn.flush()
    assert conn.wait_for_responses(streams)
    for stream_id, i in streams.items():
        assert conn.responses[stream_id]["status"] == 200
        assert conn.body_json(stream_id) == {"message": "m%d" % i, "name": "n%d" % i}
    conn.close()


def test_h2load_10_connections_10_streams(h2_gateway, tmp_path):
    _, clear, _ = h2_gateway()
    body = tmp_path / "body.json"
    body.write_text('{"message": "load"}')
    result = subprocess.run(["h2load", "-n", "2000", "-c", "10", "-m", "10", "-d", str(body),
                             "-H", "content-type: application/json", "http://127.0.0.1:%d/echo/load" % clear],
                            capture_output=True, text=True, timeout=120)
    assert "2000 succeeded, 0 failed, 0 errored" in result.stdout, result.stdout
    assert "status codes: 2000 2xx" in result.stdout, result.stdout


def assert_still_serves(port):
    conn = H2Connection(port).start()
    stream = conn.request("POST", "/echo/after", {"message": "ok"})
    assert conn.wait_for_responses([stream])
    assert conn.responses[stream]["status"] == 200 and conn.body_json(stream)["message"] == "ok"
    conn.close()


def test_rapid_reset_gets_goaway_enhance_your_calm(h2_gateway):
    _, clear, _ = h2_gateway(http2="max_resets_per_second: 20")
    conn = H2Connection(clear).start()
    for _ in range(200):
        stream = conn.request("POST", "/py/slow", {"millis": 50}, flush=False)
        conn.conn.reset_stream(stream)
    try:
        conn.flush()
    except OSError:
        pass
    conn.wait(lambda: conn.goaway is not None, timeout=10)
    assert conn.goaway is not None and conn.goaway[0] == h2conn.ENHANCE_YOUR_CALM, conn.goaway
    conn.close()
    assert_still_serves(clear)


def test_streams_over_the_limit_before_the_settings_ack_are_refused(h2_gateway):
    # A client may open streams before it has read the server's SETTINGS (RFC 9113 §3.4); those over
    # max_concurrent_streams get REFUSED_STREAM (not processed, safe to retry), the others are served.
    _, clear, _ = h2_gateway(http2="max_concurrent_streams: 4")
    conn = H2Connection(clear).start(send=False)
    streams = [conn.request("POST", "/py/slow", {"millis": 300}, flush=False) for _ in range(10)]
    conn.flush()  # the preface, SETTINGS and all ten requests in one write
    assert conn.wait_for_responses(streams), (conn.closed, conn.protocol_error, conn.resets, conn.goaway)
    refused = [s for s in streams if conn.resets.get(s) == h2conn.REFUSED_STREAM]
    answered = [s for s in streams if conn.responses[s]["status"] == 200]
    assert (len(answered), len(refused)) == (4, 6), (conn.resets, [conn.responses[s]["status"] for s in streams])
    # Refused, then retried once the first ones are done: all served on the same connection.
    retried = [conn.request("POST", "/py/slow", {"millis": 10}) for _ in refused[:4]]
    assert conn.wait_for_responses(retried) and all(conn.responses[s]["status"] == 200 for s in retried)
    conn.close()


def test_streams_over_the_announced_limit_end_the_connection(h2_gateway):
    # Once the client has acknowledged SETTINGS_MAX_CONCURRENT_STREAMS, NIOHTTP2 holds it to it: one stream
    # more is a connection error (RFC 9113 §5.1.2 and §5.4.1 allow that for a misbehaving client).
    _, clear, _ = h2_gateway(http2="max_concurrent_streams: 4")
    conn = H2Connection(clear).start()
    assert conn.wait(lambda: conn.remote_settings.get(3) == 4, timeout=5)  # acknowledged as it arrived
    # The client library would hold the extra streams back itself; this client misbehaves.
    conn.conn.remote_settings.max_concurrent_streams = 1000
    conn.conn.remote_settings.acknowledge()
    for _ in range(10):
        conn.request("POST", "/py/slow", {"millis": 300}, flush=False)
    conn.flush()
    assert conn.wait(lambda: conn.closed, timeout=10)
    assert conn.goaway is not None and conn.goaway[0] == h2conn.PROTOCOL_ERROR, conn.goaway
    conn.close()
    assert_still_serves(clear)


def header_block(fields):
    import hpack
    return hpack.Encoder().encode(fields)


def test_continuation_flood_is_cut_off(h2_gateway):
    _, clear, _ = h2_gateway()
    conn = H2Connection(clear).start()
    block = header_block([(":method", "GET"), (":path", "/py/ping"), (":scheme", "http"), (":authority", "x")])
    flood = h2conn.frame(h2conn.HEADERS, 0, 1, block[:1])
    # Endless CONTINUATION frames that never end the header block, each carrying a sliver of a header.
    filler = header_block([("x-filler", "a" * 50)])
    flood += b"".join(h2conn.frame(h2conn.CONTINUATION, 0, 1, filler) for _ in range(10000))
    try:
        conn.send_raw(flood)
    except OSError:
        pass
    conn.wait(lambda: conn.closed, timeout=10)
    assert conn.closed
    assert_still_serves(clear)


def test_oversized_header_list_is_refused(h2_gateway):
    _, clear, _ = h2_gateway(limits="max_header_bytes: 4KiB")
    conn = H2Connection(clear).start()
    conn.wait(lambda: 6 in conn.remote_settings, timeout=5)
    assert conn.remote_settings[6] == 4096  # SETTINGS_MAX_HEADER_LIST_SIZE
    fields = [(":method", "GET"), (":path", "/py/ping"), (":scheme", "http"), (":authority", "x")]
    fields += [("x-big-%d" % i, "v" * 1000) for i in range(8)]
    block = header_block(fields)
    conn.send_raw(h2conn.frame(h2conn.HEADERS, h2conn.END_STREAM | h2conn.END_HEADERS, 1, block))
    conn.wait(lambda: conn.closed or 1 in conn.resets or conn.goaway is not None, timeout=10)
    assert 1 not in conn.responses or conn.responses[1]["status"] is None
    assert conn.closed or 1 in conn.resets or conn.goaway is not None
    conn.close()
    assert_still_serves(clear)


def test_hpack_table_size_over_the_announced_limit_is_a_compression_error(h2_gateway):
    import hpack
    _, clear, _ = h2_gateway()
    conn = H2Connection(clear).start()
    encoder = hpack.Encoder()
    encoder.header_table_size = 1 << 20  # emits a table size update far over the server's 4096
    block = encoder.encode([(":method", "GET"), (":path", "/py/ping"), (":scheme", "http"), (":authority", "x")])
    conn.send_raw(h2conn.frame(h2conn.HEADERS, h2conn.END_STREAM | h2conn.END_HEADERS, 1, block))
    conn.wait(lambda: conn.goaway is not None or conn.closed, timeout=10)
    assert conn.goaway is not None and conn.goaway[0] == h2conn.COMPRESSION_ERROR, conn.goaway
    conn.close()
    assert_still_serves(clear)


def test_idle_connection_and_stalled_request_are_closed(h2_gateway):
    _, clear, _ = h2_gateway(limits="idle_timeout: 1s")
    idle = H2Connection(clear).start()
    assert idle.wait(lambda: idle.closed, timeout=20)
    assert idle.goaway is not None and idle.goaway[0] == 0, idle.goaway
    idle.close()
    # A request that never ends gets 408, the connection stays usable.
    conn = H2Connection(clear).start()
    stalled = conn.request("POST", "/echo/x", b'{"message":', end_stream=False)
    assert conn.wait_for_responses([stalled], timeout=20)
    assert conn.responses[stalled]["status"] == 408, conn.responses[stalled]
    assert conn.body_json(stalled)["error"]["code"] == "request_timeout"
    following = conn.request("POST", "/echo/y", {"message": "still"})
    assert conn.wait_for_responses([following], timeout=20)
    assert conn.responses[following]["status"] == 200
    conn.close()
    # A cleartext connection that never says which protocol it speaks is closed too.
    import socket
    with socket.create_connection(("127.0.0.1", clear), timeout=20) as silent:
        assert silent.recv(1) == b""


def test_client_reset_cancels_the_backend_call_and_the_connection_goes_on(h2_gateway):
    child, clear, _ = h2_gateway(extra=("--log-level", "debug"))
    conn = H2Connection(clear).start()
    cancelled = conn.request("POST", "/py/slow", {"millis": 3000})
    conn.wait(lambda: False, timeout=0.3)  # the call is on its way to the backend
    conn.reset(cancelled)
    # The call fails at once as cancelled (not at the backend's answer 3 s later, nor at its 2 s timeout).
    child.wait_for_line(r"call=StoreService\.slow error=the caller gave up on the call.*backend call failed", timeout=10)
    after = conn.request("POST", "/echo/z", {"message": "z"})
    assert conn.wait_for_responses([after])
    assert conn.responses[after]["status"] == 200
    assert conn.responses[cancelled]["status"] is None and not conn.closed
    conn.close()


def test_goaway_on_shutdown_lets_streams_in_flight_finish(h2_gateway):
    child, clear, _ = h2_gateway()
    conn = h2conn.RawH2(clear)
    conn.request(1, "POST", "/py/slow", b'{"millis": 1000}')
    conn.drain(0.3)  # nothing more within 0.3 s: the call is in flight
    child.signal(signal.SIGTERM)
    goaways, status, body, ended, late = [], None, b"", False, []
    for kind, flags, stream_id, payload in conn.frames():
        if kind == h2conn.GOAWAY:
            goaways.append((int.from_bytes(payload[:4], "big"), int.from_bytes(payload[4:8], "big")))
            if len(goaways) == 1:
                conn.request(3, "POST", "/py/ping")  # too late; stream 1 is still answered
        elif kind in (h2conn.HEADERS, 0x0) and stream_id == 3:
            late.append(kind)
        elif kind == h2conn.HEADERS and stream_id == 1:
            status = dict(conn.decoder.decode(payload)).get(":status")
            ended = ended or bool(flags & h2conn.END_STREAM)
        elif kind == 0x0 and stream_id == 1:
            body += payload
            ended = ended or bool(flags & h2conn.END_STREAM)
    conn.close()
    # GOAWAY first (NO_ERROR, stream 1 still served), the answer, then the final GOAWAY and the close.
    assert goaways and goaways[0] == (1, 0), goaways
    assert (status, body, ended) == ("200", b'"slept 1000 ms"', True), (status, body, ended)
    assert late == [], late  # past the GOAWAY's last stream: not served (ignored or refused)


def test_an_answer_before_the_request_ends_drops_the_rest_or_stops_it_with_no_error(h2_gateway):
    _, clear, _ = h2_gateway(limits="max_body: 1KiB")
    conn = H2Connection(clear).start()
    # A short upload past the limit: the 413 comes whole, the rest of the body is dropped, the stream ends cleanly.
    short = conn.request("POST", "/echo/big", b"x" * 2048, end_stream=False)
    assert conn.wait(lambda: conn.responses[short]["ended"], timeout=10)
    assert conn.responses[short]["status"] == 413
    assert conn.body_json(short)["error"]["code"] == "payload_too_large"
    conn.conn.send_data(short, b"y" * 1000, end_stream=True)
    conn.flush()
    # A client that goes on sending (more than 64 KiB after the answer) is told to stop: RST_STREAM NO_ERROR.
    long = conn.request("POST", "/echo/big", b"x" * 2048, end_stream=False)
    assert conn.wait(lambda: conn.responses[long]["ended"], timeout=10)
    for _ in range(5):
        conn.conn.send_data(long, b"z" * 16000)
    conn.flush()
    assert conn.wait(lambda: long in conn.resets, timeout=10), (conn.resets, conn.closed, conn.protocol_error)
    assert conn.resets[long] == 0 and short not in conn.resets
    assert conn.responses[long]["status"] == 413
    conn.close()
