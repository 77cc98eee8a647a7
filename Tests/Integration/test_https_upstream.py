"""`protocol: http` services with https:// endpoints: the stdlib echo upstream serving TLS with certificates
from `certs/make-dev-certs.sh`, proxied through `sluice run` with verification, server_name, mTLS and
insecure_skip_verify, WebSocket pass-through, and refused certificates answered as 502s naming the service."""

import hashlib
import http.client
import json
import pathlib
import socket
import subprocess
import sys

import pytest
from websockets.sync.client import connect as websocket_connect

from conftest import REPO
from support.gateway import Gateway, write_routes
from support.processes import Child, wait_for_port

SERVERS = pathlib.Path(__file__).parent / "servers"
MiB = 1 << 20


@pytest.fixture(scope="module")
def rogue_certs(tmp_path_factory):
    """The dev set from another CA, which `dev_certs`' CA did not sign."""
    directory = tmp_path_factory.mktemp("rogue-certs")
    subprocess.run(["bash", REPO / "certs" / "make-dev-certs.sh", directory], check=True, capture_output=True)
    return directory


def start_upstream(workdir, name, script, *args):
    child = Child([sys.executable, SERVERS / script, *map(str, args)], workdir / ("https-%s.log" % name))
    port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
    wait_for_port(port)
    return child, port


@pytest.fixture(scope="module")
def upstreams(workdir, dev_certs, rogue_certs):
    """HTTPS echo upstreams by name: `server` (localhost, 127.0.0.1), `api` (api.example.test only), `mtls`
    (requires a client certificate from the dev CA), `rogue` (another CA's certificate), and `ws`, a wss echo."""
    certs = dev_certs
    specs = {
        "server": ("http_echo_server.py", "--tls-cert", certs / "server.crt", "--tls-key", certs / "server.key"),
        "api": ("http_echo_server.py", "--tls-cert", certs / "api.crt", "--tls-key", certs / "api.key"),
        "mtls": ("http_echo_server.py", "--tls-cert", certs / "server.crt", "--tls-key", certs / "server.key",
                 "--tls-client-ca", certs / "ca.crt"),
        "rogue": ("http_echo_server.py", "--tls-cert", rogue_certs / "server.crt", "--tls-key", rogue_certs / "server.key"),
        "ws": ("ws_echo_server.py", "--tls-cert", certs / "server.crt", "--tls-key", certs / "server.key"),
    }
    started = {name: start_upstream(workdir, name, *spec) for name, spec in specs.items()}
    yield {name: port for name, (_, port) in started.items()}
    for child, _ in started.values():
        child.stop()


@pytest.fixture(scope="module")
def gateway(sluice_bin, workdir, dev_certs, upstreams):
    ca = str(dev_certs / "ca.crt")
    client = {"cert": str(dev_certs / "client.crt"), "key": str(dev_certs / "client.key")}

    def service(name, endpoint, tls=None):
        entry = {"name": name, "protocol": "http", "endpoints": [endpoint], "timeout": "5s", "connect_timeout": "2s"}
        if tls is not None:
            entry["tls"] = tls
        return entry

    u = upstreams
    services = [
        service("by-name", "https://localhost:%d" % u["server"], {"ca": ca}),
        service("by-ip", "https://127.0.0.1:%d" % u["server"], {"ca": ca}),
        service("system-roots", "https://127.0.0.1:%d" % u["server"]),
        service("rogue", "https://127.0.0.1:%d" % u["rogue"], {"ca": ca}),
        service("rogue-insecure", "https://127.0.0.1:%d" % u["rogue"], {"insecure_skip_verify": True}),
        service("api-named", "https://127.0.0.1:%d" % u["api"], {"ca": ca, "server_name": "api.example.test"}),
        service("api-unnamed", "https://127.0.0.1:%d" % u["api"], {"ca": ca}),
        service("mtls-with-cert", "https://127.0.0.1:%d" % u["mtls"], dict(ca=ca, **client)),
        service("mtls-without-cert", "https://127.0.0.1:%d" % u["mtls"], {"ca": ca}),
        service("plain-to-tls", "http://127.0.0.1:%d" % u["server"]),
        service("ws", "https://localhost:%d" % u["ws"], {"ca": ca}),
    ]
    routes = [{"method": "*", "path": "/%s/{rest=**}" % s["name"], "service": s["name"], "rewrite": "/{rest}"}
              for s in services]
    routes_dir = write_routes(workdir / "https-upstream-routes", {"services": services, "routes": routes})
    gw = Gateway.start(sluice_bin, routes_dir, workdir / "gateway-https-upstream.log")
    yield gw
    gw.stop()


def echo(gw, service, path="/x"):
    response = gw.get("/%s%s" % (service, path))
    assert response.status == 200, response
    return response.json


def assert_refused(gw, service, log_pattern):
    response = gw.get("/%s/x" % service)
    assert response.status == 502, response
    error = response.json["error"]
    assert error["code"] == "bad_gateway" and "service '%s'" % service in error["message"], error
    assert "127.0.0.1" not in response.body.decode(), error
    gw.child.wait_for_line(r"(?=.*upstream connection failed)(?=.*%s)(?=.*%s)" % (service, log_pattern), timeout=5)
    # The gateway keeps serving.
    assert echo(gw, "by-name")["tls"]["sni"] == "localhost"


def test_verified_get_sends_sni_alpn_and_the_usual_headers(gateway):
    reply = echo(gateway, "by-name", "/items?q=1")
    assert reply["path"] == "/items?q=1"
    assert {k: v for k, v in reply["tls"].items() if k != "peer_port"} == {
        "sni": "localhost", "alpn": "http/1.1", "client_certificate": False}
    headers = {name.lower(): value for name, value in reply["headers"]}
    assert headers["host"] == "127.0.0.1:%d" % gateway.port
    assert headers["x-forwarded-for"] == "127.0.0.1" and headers["x-forwarded-proto"] == "http"


def test_tls_upstream_connections_are_pooled(gateway):
    # One client connection stays on one event loop, whose pool hands the same upstream connection back.
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    try:
        ports = set()
        for _ in range(3):
            conn.request("GET", "/by-name/again")
            response = conn.getresponse()
            assert response.status == 200
            ports.add(json.loads(response.read())["tls"]["peer_port"])
        assert len(ports) == 1, ports
    finally:
        conn.close()


def test_streamed_post_body_over_tls(gateway):
    body = bytes(range(256)) * (12 * MiB // 256)
    result = subprocess.run(
        ["curl", "-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-",
         "http://127.0.0.1:%d/by-name/upload" % gateway.port],
        input=body, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["method"] == "POST"
    assert reply["body_bytes"] == len(body)
    assert reply["body_sha256"] == hashlib.sha256(body).hexdigest()


def test_ip_endpoint_is_verified_against_ip_addresses_without_sni(gateway):
    assert echo(gateway, "by-ip")["tls"]["sni"] is None


def test_server_name_verifies_an_ip_endpoint_by_name(gateway):
    assert echo(gateway, "api-named")["tls"]["sni"] == "api.example.test"
    assert_refused(gateway, "api-unnamed", r"certificate name mismatch: .* does not name .127\.0\.0\.1")


def test_certificate_from_an_unknown_ca_is_502(gateway):
    assert_refused(gateway, "rogue", "certificate verify failed")


def test_https_without_tls_block_trusts_only_the_system_roots(gateway):
    assert_refused(gateway, "system-roots", "certificate verify failed")


def test_insecure_skip_verify_accepts_it(gateway):
    assert echo(gateway, "rogue-insecure")["tls"]["alpn"] == "http/1.1"


def test_mtls_with_a_client_certificate(gateway):
    assert echo(gateway, "mtls-with-cert")["tls"]["client_certificate"] is True


def test_mtls_without_a_client_certificate_is_502(gateway):
    # TLS 1.3 finishes the client's handshake before the server checks for a certificate: its alert then
    # closes the connection the request was written on.
    assert_refused(gateway, "mtls-without-cert", "the backend requires a client certificate")


def test_handshake_outlasting_connect_timeout_is_504(start_gateway):
    # A listener that never accepts: the kernel completes TCP connects, nobody answers the ClientHello.
    with socket.create_server(("127.0.0.1", 0), backlog=16) as silent:
        port = silent.getsockname()[1]
        gw = start_gateway({
            "services": [{"name": "mute", "protocol": "http", "endpoints": ["https://127.0.0.1:%d" % port],
                          "timeout": "5s", "connect_timeout": "300ms"}],
            "routes": [{"method": "GET", "path": "/mute", "service": "mute"}],
        })
        response = gw.get("/mute")
        assert response.status == 504, response
        assert response.json["error"]["code"] == "gateway_timeout"
        assert "service 'mute'" in response.json["error"]["message"]
        gw.child.wait_for_line(r"(?=.*upstream connection failed)(?=.*mute)(?=.*did not finish within 300 ms)", timeout=5)


def test_plaintext_to_a_tls_upstream_fails_cleanly(gateway):
    response = gateway.get("/plain-to-tls/x")
    assert response.status in (502, 504), response
    assert "plain-to-tls" in response.json["error"]["message"]
    assert echo(gateway, "by-name")["path"] == "/x"


def test_websocket_over_an_https_upstream(gateway):
    with websocket_connect("ws://127.0.0.1:%d/ws/rooms/lobby" % gateway.port, max_size=None) as ws:
        ws.send("request?")
        assert json.loads(ws.recv())["path"] == "/rooms/lobby"
        for message in ["hello", b"\x00\x01binary", "x" * (3 * MiB)]:
            ws.send(message)
            assert ws.recv() == message
    assert echo(gateway, "by-name")["path"] == "/x"
