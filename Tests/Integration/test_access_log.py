"""The access log (issue 15): one line per answered request, whatever carried it (HTTP/1.1, h2c, a WebSocket
message) and wherever it went (a Thrift call, a retried call through a cluster, a proxied request, no route, a
flow-control block), with the fields the README lists; JSON lines or Apache's combined format; per listener;
reopened on SIGHUP after logrotate moves it."""

import asyncio
import json
import os
import re
import signal
import socket
import time

from websockets.asyncio.client import connect

from conftest import ECHO_IDL
from support.gateway import Gateway, start_with_config, write_routes
from support.h2conn import H2Connection
from support.processes import free_port
from test_http_proxy import upstream  # noqa: F401 (the stdlib HTTP echo server, as a fixture)

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def echo_service(name, endpoints, **extra):
    return dict({"name": name, "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary", "endpoints": endpoints,
                 "timeout": "2s"}, **extra)


def say(path, service="echo", name=None):
    route = {"method": "POST", "path": path, "service": service, "call": "EchoService.Say", "body": "req"}
    if name:
        route["name"] = name
    return route


def read_lines(path, count, timeout=15):
    """The log's lines once there are `count` (entries reach the file within the flush interval)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def refused_endpoint():
    """A bound socket that never listens: connecting to it is refused, and no other process can take the port."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    return holder, "127.0.0.1:%d" % holder.getsockname()[1]


def test_json_lines_cover_every_path(sluice_bin, tmp_path, demo_backend, upstream):
    holder, dead = refused_endpoint()
    log = tmp_path / "access.log"
    routes = write_routes(tmp_path / "routes", {
        "services": [
            echo_service("echo", [demo_backend.address]),
            # The dead endpoint first: round robin sends a loop's first call there, and its retry to the live one.
            echo_service("pair", [dead, demo_backend.address], balancer="round_robin",
                         retry={"max_attempts": 2, "on": ["connect_failure"], "backoff": {"base": "1ms"}}),
            {"name": "web", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % upstream], "timeout": "5s"},
        ],
        "routes": [
            say("/v1/echo/{req.name}", name="say"),
            say("/v1/limited/{req.name}", name="limited"),
            say("/v1/pair/{req.name}", service="pair"),
            {"method": "*", "path": "/web/{rest=**}", "service": "web", "rewrite": "/{rest}"},
        ],
        "flow": [{"resource": "limited", "grade": "qps", "count": 1}],
    })
    gw = Gateway.start(sluice_bin, routes, tmp_path / "gw.log",
                       extra=("--access-log", str(log), "--websocket-path", "/ws", "--admin", "off", "--watch", "off"))
    try:
        sent = 0
        answer = gw.post("/v1/echo/a?x=1", {}, headers={"traceparent": TRACEPARENT, "User-Agent": "probe/1.0"})
        assert answer.status == 200
        sent += 1
        assert gw.get("/nowhere").status == 404
        sent += 1
        limited = [gw.post("/v1/limited/l", {}).status for _ in range(4)]
        assert 429 in limited, limited
        sent += 4
        assert gw.get("/web/echo/1").status == 200
        sent += 1
        pair = [gw.post("/v1/pair/p%d" % i, {}).status for i in range(4)]
        assert pair == [200] * 4
        sent += 4

        h2 = H2Connection(gw.port).start()
        stream = h2.request("POST", "/v1/echo/h2", {})
        assert h2.wait_for_responses([stream]) and h2.responses[stream]["status"] == 200
        h2.close()
        sent += 1

        async def over_websocket():
            async with connect("ws://127.0.0.1:%d/ws" % gw.port) as ws:
                await ws.send(json.dumps({"id": 1, "method": "POST", "path": "/v1/echo/ws", "body": {}}))
                assert json.loads(await ws.recv())["status"] == 200
        asyncio.run(asyncio.wait_for(over_websocket(), 20))
        sent += 1

        entries = [json.loads(line) for line in read_lines(log, sent)]
        assert len(entries) == sent, entries
        keys = {"time", "client", "method", "path", "route", "protocol", "status", "service", "endpoint", "attempts",
                "latency_ms", "bytes_in", "bytes_out", "trace_id", "blocked_by", "consumer", "user_agent"}
        assert all(set(e) == keys for e in entries), entries[0]
        by_path = {}
        for e in entries:
            by_path.setdefault(e["path"], []).append(e)

        first = by_path["/v1/echo/a?x=1"][0]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["time"]), first
        assert (first["client"], first["method"], first["route"], first["protocol"], first["status"]) == \
            ("127.0.0.1", "POST", "say", "http1", 200)
        assert (first["service"], first["endpoint"], first["attempts"]) == ("echo", demo_backend.address, 1)
        assert (first["bytes_in"], first["bytes_out"]) == (2, len(answer.body))
        assert (first["trace_id"], first["user_agent"], first["blocked_by"]) == (TRACEPARENT[3:35], "probe/1.0", None)
        assert first["latency_ms"] > 0

        missing = by_path["/nowhere"][0]
        assert (missing["status"], missing["route"], missing["service"], missing["endpoint"]) == (404, None, None, None)

        blocked = [e for e in by_path["/v1/limited/l"] if e["status"] == 429]
        assert len(blocked) == limited.count(429)
        assert all(e["blocked_by"] == "flow" and e["endpoint"] is None and e["attempts"] is None for e in blocked)

        proxied = by_path["/web/echo/1"][0]
        assert (proxied["route"], proxied["service"], proxied["status"]) == ("* /web/{rest=**}", "web", 200)
        assert (proxied["endpoint"], proxied["attempts"]) == ("127.0.0.1:%d" % upstream, 1)

        pairs = [e for e in entries if e["path"].startswith("/v1/pair/")]
        assert all(e["endpoint"] == demo_backend.address for e in pairs), pairs
        # Each loop's round robin starts at the dead endpoint: its first call there is retried on the live one.
        assert {e["attempts"] for e in pairs} <= {1, 2} and 2 in {e["attempts"] for e in pairs}, pairs

        assert by_path["/v1/echo/h2"][0]["protocol"] == "h2"
        assert by_path["/v1/echo/ws"][0]["protocol"] == "websocket"
    finally:
        gw.stop()
        holder.close()


def test_combined_format_on_standard_output(sluice_bin, tmp_path, demo_backend):
    routes = write_routes(tmp_path / "routes", {"services": [echo_service("echo", [demo_backend.address])],
                                                "routes": [say("/v1/echo/{req.name}")]})
    gw = Gateway.start(sluice_bin, routes, tmp_path / "gw.log",
                       extra=("--access-log", "-", "--access-log-format", "combined", "--admin", "off"))
    try:
        answer = gw.post("/v1/echo/c?q=%22x%22", {}, headers={"User-Agent": 'say "hi"', "Referer": "http://r.test/"})
        assert answer.status == 200
        pattern = (r'127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                   r'"POST /v1/echo/c\?q=%22x%22 HTTP/1\.1" 200 (\d+) "http://r\.test/" "say \\x22hi\\x22"')
        line = gw.child.wait_for_line(pattern, timeout=10)
        assert int(line.group(1)) == len(answer.body)
    finally:
        gw.stop()


def test_per_listener_logs_and_rotation(sluice_bin, tmp_path, demo_backend):
    routes = write_routes(tmp_path / "routes", {"services": [echo_service("echo", [demo_backend.address])],
                                                "routes": [say("/v1/echo/{req.name}")]})
    config = tmp_path / "sluice.yaml"
    config.write_text(json.dumps({
        "listeners": [{"address": "127.0.0.1:0"}, {"address": "127.0.0.1:0", "access_log": "off"},
                      {"address": "127.0.0.1:0", "access_log": {"path": "edge.log", "format": "combined"}}],
        "routes": str(routes),
        "access_log": {"path": "all.log"},
        "admin": "off",
    }))
    child, listeners = start_with_config(sluice_bin, str(config), tmp_path / "gw.log")
    try:
        logged, quiet, edge = [Gateway(child, port) for _, port in listeners]
        assert logged.post("/v1/echo/one", {}).status == 200
        assert quiet.post("/v1/echo/two", {}).status == 200
        assert edge.post("/v1/echo/three", {}).status == 200
        all_log, edge_log = tmp_path / "all.log", tmp_path / "edge.log"
        assert [json.loads(line)["path"] for line in read_lines(all_log, 1)] == ["/v1/echo/one"]
        assert len(read_lines(edge_log, 1)) == 1 and '"POST /v1/echo/three HTTP/1.1" 200' in edge_log.read_text()

        # logrotate: move the file, then SIGHUP; what follows goes to a new file at the path.
        os.rename(all_log, tmp_path / "all.log.1")
        child.signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while not all_log.exists():
            assert time.monotonic() < deadline, "the access log was not reopened"
            time.sleep(0.05)
        assert logged.post("/v1/echo/four", {}).status == 200
        assert [json.loads(line)["path"] for line in read_lines(all_log, 1)] == ["/v1/echo/four"]
        assert [json.loads(line)["path"] for line in (tmp_path / "all.log.1").read_text().splitlines()] == ["/v1/echo/one"]
    finally:
        child.stop()
    # What the quiet listener served is nowhere.
    assert "/v1/echo/two" not in all_log.read_text() + edge_log.read_text()
