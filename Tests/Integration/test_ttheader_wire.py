"""What Sluice's client puts on the wire for Kitex's TTHeader, read by an independent parser of the layout."""

import json

import pytest

from conftest import STORE_IDL, store_service
from support.ttheader_peer import TTHeaderPeer


@pytest.fixture
def peer():
    p = TTHeaderPeer()
    yield p
    p.close()


def check_request(peer, service, method, timeout_ms):
    assert peer.errors == []
    assert peer.requests, "no request arrived"
    request = peer.requests[-1]
    assert request["flags"] == 0
    assert request["protocol_id"] == 0  # Binary: what Kitex writes and accepts
    assert request["transforms"] == 0
    assert request["header_bytes"] % 4 == 0
    assert request["seq_id"] == request["payload_seq_id"]
    assert request["message_type"] == 1 and request["method"] == method
    assert request["str_keys"].get("isn") == service
    assert request["int_keys"].get(9) == method  # ToMethod
    assert request["int_keys"].get(6) == service  # ToService
    assert request["int_keys"].get(22) == "1"  # MsgType CALL
    assert request["int_keys"].get(12) == str(timeout_ms)  # RPCTimeout, decimal milliseconds


def test_call_writes_kitex_ttheader(sluice, peer):
    result = sluice("call", "--idl", STORE_IDL, "--to", peer.address, "--transport", "ttheader", "--timeout", "1500ms",
                    "StoreService.ping", "{}")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == "pong"
    check_request(peer, "StoreService", "ping", 1500)


def test_gateway_writes_kitex_ttheader_with_unique_seq_ids(start_gateway, peer):
    gw = start_gateway({
        "services": [store_service("s", peer.address, "ttheader", "binary", timeout="750ms", connections=1)],
        "routes": [{"method": "GET", "path": "/ping", "service": "s", "call": "StoreService.ping"}],
    })
    for _ in range(5):
        response = gw.get("/ping")
        assert response.status == 200 and response.json == "pong", response
    check_request(peer, "StoreService", "ping", 750)
    seq_ids = [r["seq_id"] for r in peer.requests]
    assert len(set(seq_ids)) == len(seq_ids), seq_ids
