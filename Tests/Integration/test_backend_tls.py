"""TLS from Sluice to Thrift backends: Apache Thrift's Python `TSSLServerSocket` serving the store IDL with
certificates from `certs/make-dev-certs.sh`, reached through the gateway and through `sluice call`."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import REPO, STORE_IDL, store_service
from support.gateway import Gateway, write_routes
from support.processes import Child, wait_for_port


def make_certs(directory):
    subprocess.run(["bash", REPO / "certs" / "make-dev-certs.sh", directory], check=True, capture_output=True)
    return directory


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """The development CA and the server (localhost, 127.0.0.1), api (api.example.test) and client
    certificates it signed."""
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def rogue_certs(tmp_path_factory):
    """The same set from another CA, which `certs`' CA did not sign."""
    return make_certs(tmp_path_factory.mktemp("rogue-certs"))


class TLSBackend:
    def __init__(self, transport, child, port):
        self.transport = transport
        self.protocol = "binary"
        self.child = child
        self.port = port
        self.address = "127.0.0.1:%d" % port


def start_tls_backend(workdir, gen_py, name, transport, cert, key, client_ca=None):
    args = [sys.executable, pathlib.Path(__file__).parent / "servers" / "store_server.py", "--gen-dir", gen_py,
            "--transport", transport, "--tls-cert", cert, "--tls-key", key]
    if client_ca:
        args += ["--tls-client-ca", client_ca]
    child = Child(args, workdir / ("python-tls-%s.log" % name))
    port = int(child.wait_for_line(r"listening (\d+)", timeout=20).group(1))
    wait_for_port(port)
    return TLSBackend(transport, child, port)


@pytest.fixture(scope="module")
def tls_backends(workdir, gen_py, certs, rogue_certs):
    """Python TLS store servers by name: framed, buffered and theader with the server certificate; `api`
    with the api.example.test certificate; `mtls` requiring a client certificate from the CA; `rogue` with a
    certificate from another CA."""
    specs = {
        "framed": ("framed", certs / "server.crt", certs / "server.key", None),
        "buffered": ("buffered", certs / "server.crt", certs / "server.key", None),
        "theader": ("theader", certs / "server.crt", certs / "server.key", None),
        "api": ("framed", certs / "api.crt", certs / "api.key", None),
        "mtls": ("framed", certs / "server.crt", certs / "server.key", certs / "ca.crt"),
        "rogue": ("framed", rogue_certs / "server.crt", rogue_certs / "server.key", None),
    }
    backends = {}
    try:
        for name, (transport, cert, key, client_ca) in specs.items():
            backends[name] = start_tls_backend(workdir, gen_py, name, transport, cert, key, client_ca)
        yield backends
    finally:
        for backend in backends.values():
            backend.child.stop()


def item_route(service):
    return {"method": "GET", "path": "/%s/items/{req.id}" % service, "service": service,
            "call": "StoreService.getItem"}


@pytest.fixture(scope="module")
def tls_gateway(sluice_bin, workdir, tmp_path_factory, certs, tls_backends):
    """One gateway with a service per case; `GET /<service>/items/1` calls each."""
    routes_dir = tmp_path_factory.mktemp("routes-tls")
    ca = str(certs / "ca.crt")

    def service(name, backend, tls, host="127.0.0.1"):
        return store_service(name, "%s:%d" % (host, backend.port), backend.transport, "binary", tls=tls)

    b = tls_backends
    services = [
        # Verified against the certificate's IP SAN (no SNI for an IP endpoint).
        service("tls-framed", b["framed"], {"ca": ca}),
        # Verified against its DNS SAN, sent as SNI; the CA path is relative to the route file.
        service("tls-buffered", b["buffered"], {"ca": os.path.relpath(ca, routes_dir)}, host="localhost"),
        service("tls-theader", b["theader"], {"ca": ca}),
        service("rogue", b["rogue"], {"ca": ca}),
        service("rogue-insecure", b["rogue"], {"insecure_skip_verify": True}),
        service("mtls-with-cert", b["mtls"], {"ca": ca, "cert": str(certs / "client.crt"),
                                              "key": str(certs / "client.key")}),
        service("mtls-without-cert", b["mtls"], {"ca": ca}),
        service("api-named", b["api"], {"ca": ca, "server_name": "api.example.test"}),
        service("api-unnamed", b["api"], {"ca": ca}),
        # A TLS backend called in the clear.
        store_service("plain-to-tls", b["framed"].address, "framed", "binary"),
    ]
    write_routes(routes_dir, {"services": services, "routes": [item_route(s["name"]) for s in services]})
    gw = Gateway.start(sluice_bin, routes_dir, workdir / "gateway-tls.log")
    yield gw
    gw.stop()


def assert_item(response):
    assert response.status == 200, response
    assert response.json["name"] == "Widget"


@pytest.mark.parametrize("service", ["tls-framed", "tls-buffered", "tls-theader"])
def test_every_transport_over_verified_tls(tls_gateway, service):
    for _ in range(3):  # reused pooled / multiplexed connections too
        assert_item(tls_gateway.get("/%s/items/1" % service))
    other = tls_gateway.get("/%s/items/2" % service)
    assert other.status == 200 and other.json["name"] == "Gadget", other


def assert_refused(gw, service, log_pattern):
    response = gw.get("/%s/items/1" % service)
    assert response.status == 502, response
    error = response.json["error"]
    assert error["code"] == "bad_gateway" and "'%s'" % service in error["message"], error
    assert "127.0.0.1" not in response.body.decode(), error
    gw.child.wait_for_line(r"(?=.*backend call failed)(?=.*%s)(?=.*%s)" % (service, log_pattern), timeout=5)
    # The gateway keeps serving.
    assert_item(gw.get("/tls-framed/items/1"))


def test_certificate_from_an_unknown_ca_is_refused(tls_gateway):
    assert_refused(tls_gateway, "rogue", "certificate verify failed")


def test_insecure_skip_verify_accepts_it(tls_gateway):
    assert_item(tls_gateway.get("/rogue-insecure/items/1"))


def test_mtls_with_a_client_certificate(tls_gateway):
    assert_item(tls_gateway.get("/mtls-with-cert/items/1"))


def test_mtls_without_a_client_certificate_is_refused(tls_gateway):
    # TLS 1.3 finishes the client's handshake before the server checks for a certificate: the server's
    # alert then closes the connection the call was written on.
    assert_refused(tls_gateway, "mtls-without-cert", "the backend requires a client certificate")


def test_server_name_verifies_an_ip_endpoint_by_name(tls_gateway):
    assert_item(tls_gateway.get("/api-named/items/1"))
    assert_refused(tls_gateway, "api-unnamed", "certificate name mismatch: .* does not name .127\\.0\\.0\\.1")


def test_plaintext_to_a_tls_backend_fails_cleanly(tls_gateway):
    response = tls_gateway.get("/plain-to-tls/items/1")
    assert response.status in (502, 504), response
    assert "plain-to-tls" in response.json["error"]["message"]
    assert_item(tls_gateway.get("/tls-framed/items/1"))


def call(sluice, backend, *flags, host="127.0.0.1"):
    return sluice("call", "--idl", STORE_IDL, "--to", "%s:%d" % (host, backend.port), "--transport",
                  backend.transport, *flags, "StoreService.getItem", json.dumps({"req": {"id": 2}}))


def test_sluice_call_over_tls(sluice, certs, tls_backends):
    result = call(sluice, tls_backends["theader"], "--tls-ca", certs / "ca.crt")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "Gadget"
    named = call(sluice, tls_backends["api"], "--tls-ca", certs / "ca.crt", "--tls-server-name", "api.example.test")
    assert named.returncode == 0, named.stderr
    mtls = call(sluice, tls_backends["mtls"], "--tls-ca", certs / "ca.crt", "--tls-cert", certs / "client.crt",
                "--tls-key", certs / "client.key")
    assert mtls.returncode == 0, mtls.stderr
    insecure = call(sluice, tls_backends["rogue"], "--tls-insecure")
    assert insecure.returncode == 0, insecure.stderr


def test_sluice_call_tls_failures(sluice, certs, tls_backends):
    # --tls alone trusts the system's roots, which did not sign the development CA.
    untrusted = call(sluice, tls_backends["framed"], "--tls")
    assert untrusted.returncode == 2, untrusted.stderr
    assert "cannot connect" in untrusted.stderr and "certificate verify failed" in untrusted.stderr, untrusted.stderr
    missing = call(sluice, tls_backends["framed"], "--tls-ca", certs / "nope.crt")
    assert missing.returncode == 1
    assert "--tls-ca: cannot read '%s'" % (certs / "nope.crt") in missing.stderr, missing.stderr
    mismatched = call(sluice, tls_backends["mtls"], "--tls-ca", certs / "ca.crt", "--tls-cert", certs / "client.crt",
                      "--tls-key", certs / "server.key")
    assert mismatched.returncode == 1 and "cannot set up TLS: the private key does not belong to the client certificate" in mismatched.stderr, mismatched.stderr
    lonely = call(sluice, tls_backends["framed"], "--tls-cert", certs / "client.crt")
    assert lonely.returncode != 0 and "--tls-cert and --tls-key go together" in lonely.stderr, lonely.stderr


def test_check_reports_tls_problems(sluice, tmp_path, certs):
    routes = tmp_path / "routes.yaml"
    routes.write_text("""services:
  - name: store
    idl: %s
    endpoints: ["127.0.0.1:9"]
    tls: {ca: %s, cert: %s}
""" % (STORE_IDL, certs / "ca.key", certs / "client.crt"))
    result = sluice("check", tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "%s:5:15: 'ca': '%s' holds no PEM certificate" % (routes, certs / "ca.key") in output, output
    assert "%s:5:%d: 'cert' needs 'key'" % (routes, 17 + len(str(certs / "ca.key"))) in output, output


def test_check_warns_about_insecure_skip_verify(sluice, tmp_path):
    (tmp_path / "routes.yaml").write_text("""services:
  - name: store
    idl: %s
    endpoints: ["127.0.0.1:9"]
    tls: {insecure_skip_verify: true}
""" % STORE_IDL)
    result = sluice("check", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "routes.yaml:5:11: warning: service 'store' does not verify" in result.stdout + result.stderr
