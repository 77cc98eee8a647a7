"""`sluice run --config` / `sluice check --config`: listeners, routes relative to the file, limits."""

import re
import select
import socket

from conftest import store_service
from support.gateway import Gateway, start_with_config, write_routes
from support.processes import Child, wait_for_port


def write_config(tmp_path, text, name="sluice.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def ping_routes(tmp_path, backend):
    return write_routes(tmp_path / "routes", {
        "services": [store_service("s", backend.address, "framed", "binary")],
        "routes": [
            {"method": "GET", "path": "/ping", "service": "s", "call": "StoreService.ping"},
            {"method": "POST", "path": "/ping", "service": "s", "call": "StoreService.ping"},
        ],
    })


def start(sluice_bin, config, log_path, listeners=1):
    """Starts `sluice run --config` from another directory (paths must resolve against the file) and
    returns one Gateway per listener."""
    child, found = start_with_config(sluice_bin, config, log_path)
    assert len(found) == listeners, found
    return [Gateway(child, port) for _, port in found]


def config_text(limits="", listeners=('"127.0.0.1:0"',)):
    lines = ["listeners:"] + ["  - {address: %s}" % address for address in listeners] + ["routes: routes/"]
    if limits:
        lines.append("limits: {%s}" % limits)
    return "\n".join(lines) + "\n"


def test_two_listeners_serve_the_same_routes(sluice_bin, tmp_path, python_backends):
    ping_routes(tmp_path, python_backends["framed-binary"])
    config = write_config(tmp_path, config_text(listeners=('"127.0.0.1:0"', '"127.0.0.1:0"')))
    first, second = start(sluice_bin, config, tmp_path / "run.log", listeners=2)
    try:
        assert first.port != second.port
        for gw in (first, second):
            response = gw.get("/ping")
            assert response.status == 200 and response.json == "pong", response
    finally:
        first.stop()


def test_check_config_reports_the_file_and_its_routes_positioned(sluice, tmp_path):
    write_routes(tmp_path / "routes", {"routes": [{"method": "GET", "path": "/x", "service": "missing", "call": "S.m"}]})
    config = write_config(tmp_path, config_text(limits="max_body: 8MB", listeners=(
        '"127.0.0.1:8080", http3: {}',)))
    result = sluice("check", "--config", config)
    assert result.returncode == 1, result
    out = result.stdout
    assert "%s:2:33: unknown key 'http3' in a listener" % config in out, out
    assert "%s:4:20: bad size '8MB' for 'max_body'" % config in out, out
    assert re.search(r"routes\.yaml:\d+:\d+: .*missing", out), out
    assert "errors in %s" % config in result.stderr


def test_check_config_ok_and_usage_errors(sluice, tmp_path, python_backends):
    ping_routes(tmp_path, python_backends["framed-binary"])
    config = write_config(tmp_path, config_text())
    ok = sluice("check", "--config", config)
    assert ok.returncode == 0 and "ok: 2 routes, 1 services" in ok.stdout, ok
    both = sluice("run", "--config", config, "--listen", "127.0.0.1:0")
    assert both.returncode == 64 and "--config cannot be combined" in both.stderr, both
    assert sluice("check", "--config", config, tmp_path / "routes").returncode == 64
    broken = sluice("run", "--config", write_config(tmp_path, "listeners: []\nroutes: routes/\n", "bad.yaml"))
    assert broken.returncode == 1 and "bad.yaml:1:12: 'listeners' must name at least one listener" in broken.stderr


def raw(port, data, timeout=5):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def test_limits_from_the_config_431_and_413(sluice_bin, tmp_path, python_backends):
    ping_routes(tmp_path, python_backends["framed-binary"])
    config = write_config(tmp_path, config_text(limits="max_body: 1KiB, max_header_bytes: 2KiB"))
    (gw,) = start(sluice_bin, config, tmp_path / "run.log")
    try:
        big_head = b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 4096 + b"\r\n\r\n"
        answer = raw(gw.port, big_head)  # returns only once the gateway closes the connection
        assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large"), answer[:200]
        assert b'"code":"header_fields_too_large"' in answer
        too_big = b"POST /ping HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1025\r\n\r\n"
        answer = raw(gw.port, too_big + b"{" * 1025)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert gw.post("/ping", body=b" " * 1000 + b"{}").status == 200
        assert gw.get("/ping", headers={"X-Fits": "a" * 1500}).status == 200
    finally:
        gw.stop()


def test_slowloris_head_gets_408_and_close(sluice_bin, tmp_path, python_backends):
    ping_routes(tmp_path, python_backends["framed-binary"])
    config = write_config(tmp_path, config_text(limits="header_timeout: 1s, idle_timeout: 30s"))
    (gw,) = start(sluice_bin, config, tmp_path / "run.log")
    try:
        with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as s:
            s.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n")
            # Trickle header lines, never finishing the head, and stop as soon as the gateway answers
            # (sending after its close would draw a reset that can discard the answer). The idle timeout
            # (30 s) never passes, so only the header timeout can answer within recv's 10 s.
            for _ in range(3):
                readable, _, _ = select.select([s], [], [], 0.3)
                if readable:
                    break
                s.sendall(b"X-Slow: 1\r\n")
            answer = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout"), answer[:200]
        assert b'"code":"request_timeout"' in answer and b"connection: close" in answer
        assert gw.get("/ping").status == 200
    finally:
        gw.stop()
