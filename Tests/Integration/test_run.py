"""`sluice run` options: --include-dir, --log-level, --listen, --event-loops."""

import json

from conftest import STORE_IDL, store_service
from support.gateway import Gateway, write_routes


def copied_store_routes(tmp_path, backend):
    """A routes directory whose IDL is a copy of store.thrift that finds common.thrift only via --include-dir."""
    idl = tmp_path / "idl" / "store.thrift"
    idl.parent.mkdir()
    idl.write_text(STORE_IDL.read_text())
    service = store_service("s", backend.address, "framed", "binary")
    service["idl"] = "../idl/store.thrift"
    return write_routes(tmp_path / "routes", {
        "services": [service],
        "routes": [{"method": "GET", "path": "/ping", "service": "s", "call": "StoreService.ping"}],
    })


def test_include_dir(sluice, sluice_bin, tmp_path, python_backends):
    routes = copied_store_routes(tmp_path, python_backends["framed-binary"])
    missing = sluice("check", routes)
    assert missing.returncode != 0
    assert "common.thrift" in missing.stdout + missing.stderr
    assert sluice("check", routes, "--include-dir", STORE_IDL.parent).returncode == 0
    gw = Gateway.start(sluice_bin, routes, tmp_path / "run.log", extra=("--include-dir", STORE_IDL.parent))
    try:
        response = gw.get("/ping")
        assert response.status == 200 and response.json == "pong"
    finally:
        gw.stop()


def test_log_level(sluice_bin, tmp_path, python_backends):
    routes = write_routes(tmp_path / "routes", {
        "services": [store_service("s", python_backends["framed-binary"].address, "framed", "binary")],
        "routes": [{"method": "GET", "path": "/ping", "service": "s", "call": "StoreService.ping"}],
    })
    quiet = Gateway.start(sluice_bin, routes, tmp_path / "quiet.log", extra=("--log-level", "error"))
    quiet.get("/ping")
    quiet.stop()
    assert [line for line in quiet.child.output if " info " in line] == [], quiet.child.text()
    chatty = Gateway.start(sluice_bin, routes, tmp_path / "chatty.log", extra=("--log-level", "info"))
    chatty.stop()
    assert any(" info " in line for line in chatty.child.output), chatty.child.text()


def test_bad_listen_address_is_a_usage_error(sluice, tmp_path):
    result = sluice("run", "--routes", tmp_path, "--listen", "nowhere")
    assert result.returncode == 64
    assert "--listen" in result.stderr


def test_call_arguments_must_be_an_object(sluice, python_backends):
    backend = python_backends["framed-binary"]
    result = sluice("call", "--idl", STORE_IDL, "--to", backend.address, "--transport", "framed",
                    "StoreService.ping", json.dumps([1, 2]))
    assert result.returncode == 1
    assert result.stderr.strip()


def test_event_loops(sluice, sluice_bin, tmp_path, python_backends):
    routes = write_routes(tmp_path / "routes", {
        "services": [store_service("s", python_backends["framed-binary"].address, "framed", "binary")],
        "routes": [{"method": "GET", "path": "/ping", "service": "s", "call": "StoreService.ping"}],
    })
    refused = sluice("run", "--routes", routes, "--event-loops", "0")
    assert refused.returncode == 64
    assert "--event-loops" in refused.stderr
    gw = Gateway.start(sluice_bin, routes, tmp_path / "one-loop.log", extra=("--event-loops", "1"))
    try:
        responses = [gw.get("/ping") for _ in range(5)]
        assert all(r.status == 200 and r.json == "pong" for r in responses)
    finally:
        gw.stop()
