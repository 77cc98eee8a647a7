"""TLS listeners: SNI picks the certificate, mTLS refuses clients without one the CA signed, and
`sluice check --config` reports bad TLS files at their line and column."""

import socket
import ssl
import subprocess

import pytest

from conftest import ECHO_IDL, REPO
from support.gateway import start_with_config, write_routes


@pytest.fixture
def tls_gateway(sluice_bin, tmp_path, demo_backend, dev_certs):
    write_routes(tmp_path / "routes", {
        "services": [{"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "endpoints": [demo_backend.address]}],
        "routes": [{"method": "POST", "path": "/echo/{req.name}", "service": "echo", "call": "EchoService.Say", "body": "req"}],
    })
    c = dev_certs
    (tmp_path / "sluice.yaml").write_text("\n".join([
        "listeners:",
        "  - address: \"127.0.0.1:0\"",
        "    tls:",
        "      cert: %s" % (c / "server.crt"),
        "      key: %s" % (c / "server.key"),
        "      sni:",
        "        - {server_name: api.example.test, cert: %s, key: %s}" % (c / "api.crt", c / "api.key"),
        "  - {address: \"127.0.0.1:0\", tls: {cert: %s, key: %s, client_ca: %s}}" % (c / "server.crt", c / "server.key", c / "ca.crt"),
        "routes: routes/",
    ]) + "\n")
    child, listeners = start_with_config(sluice_bin, tmp_path / "sluice.yaml", tmp_path / "run.log")
    assert [scheme for scheme, _ in listeners] == ["https", "https"]
    yield listeners[0][1], listeners[1][1]
    child.stop()


def peer_common_name(port, server_name, ca):
    context = ssl.create_default_context(cafile=str(ca))
    context.check_hostname = False
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name) as tls:
            subject = dict(field[0] for field in tls.getpeercert()["subject"])
            return subject["commonName"]


def test_sni_picks_the_certificate_and_falls_back_to_the_default(tls_gateway, dev_certs):
    sni, _ = tls_gateway
    assert peer_common_name(sni, "api.example.test", dev_certs / "ca.crt") == "api.example.test"
    assert peer_common_name(sni, "API.EXAMPLE.TEST", dev_certs / "ca.crt") == "api.example.test"
    assert peer_common_name(sni, "localhost", dev_certs / "ca.crt") == "localhost"
    assert peer_common_name(sni, "unknown.test", dev_certs / "ca.crt") == "localhost"
    # curl verifies the SNI certificate against the name it asked for.
    result = subprocess.run(["curl", "-sS", "--cacert", str(dev_certs / "ca.crt"), "--resolve", "api.example.test:%d:127.0.0.1" % sni,
                             "-d", '{"message": "sni"}', "https://api.example.test:%d/echo/a" % sni],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and '"message":"sni"' in result.stdout, result


def test_mtls_needs_a_client_certificate_the_ca_signed(tls_gateway, dev_certs, tmp_path):
    _, mtls = tls_gateway
    url = "https://localhost:%d/echo/m" % mtls
    base = ["curl", "-sS", "--cacert", str(dev_certs / "ca.crt"), "-d", '{"message": "m"}']
    without = subprocess.run(base + [url], capture_output=True, text=True, timeout=30)
    assert without.returncode != 0, without
    # A certificate from another CA is refused as well.
    other = tmp_path / "other"
    subprocess.run(["bash", str(REPO / "certs" / "make-dev-certs.sh"), str(other)], check=True, capture_output=True)
    stranger = subprocess.run(base + ["--cert", str(other / "client.crt"), "--key", str(other / "client.key"), url],
                              capture_output=True, text=True, timeout=30)
    assert stranger.returncode != 0, stranger
    with_cert = subprocess.run(base + ["--cert", str(dev_certs / "client.crt"), "--key", str(dev_certs / "client.key"), url],
                               capture_output=True, text=True, timeout=30)
    assert with_cert.returncode == 0 and '"message":"m"' in with_cert.stdout, with_cert


def test_check_reports_tls_files_that_do_not_load(sluice, tmp_path, dev_certs):
    write_routes(tmp_path / "routes", {"routes": []})
    c = dev_certs
    config = tmp_path / "sluice.yaml"
    config.write_text("\n".join([
        "listeners:",
        "  - {address: \"127.0.0.1:1\", tls: {cert: %s, key: %s}}" % (c / "server.crt", c / "api.key"),
        "  - {address: \"127.0.0.1:2\", tls: {cert: %s, key: missing.key}}" % (c / "server.crt"),
        "  - {address: \"127.0.0.1:3\", tls: {cert: %s, key: %s, client_ca: routes}}" % (c / "server.crt", c / "server.key"),
        "routes: routes/",
    ]) + "\n")
    result = sluice("check", "--config", config)
    assert result.returncode == 1, result
    lines = result.stdout.splitlines()
    assert any(line.startswith("%s:2:35: the key '%s' does not match the certificate" % (config, c / "api.key")) for line in lines), lines
    assert any(line.startswith("%s:3:35: cannot read '%s'" % (config, tmp_path / "missing.key")) for line in lines), lines
    assert any(line.startswith("%s:4:" % config) and "'%s' holds no PEM certificate" % (tmp_path / "routes") in line or "cannot read '%s'" % (tmp_path / "routes") in line
               for line in lines), lines
