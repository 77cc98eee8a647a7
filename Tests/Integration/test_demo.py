"""`sluice demo`: the example backend plus the gateway over routes/, and the curl commands it prints."""

import re
import socket
import struct
import subprocess

import pytest

from conftest import REPO
from support.processes import Child

# Kitex TTHeader golden vectors (shared/reference/thrift-wire.md §1.7, produced by cloudwego/gopkg).
T1_REQUEST = bytes.fromhex(
    "0000004c10000000000000010009" "0000" "01000100036973 6e000b4563686f53657276696365".replace(" ", "")
    + "10000100090004" "4563686f" "0000"
    + "80010001000000044563686f000000010c00010b0001000000026869" "0000")
T2_REPLY = bytes.fromhex(
    "0000002c100000000000000100010000" "0000"
    + "80010002000000044563686f000000010c00000b0001000000026869" "0000")


@pytest.fixture(scope="module")
def demo(sluice_bin, workdir):
    child = Child([sluice_bin, "demo", "--listen", "127.0.0.1:0", "--backend", "127.0.0.1:0"],
                  workdir / "demo.log", cwd=REPO)
    child.wait_for_line(r"^# end of examples", timeout=60)
    yield child
    child.stop()


def printed_commands(demo):
    """Each printed curl command with the status its comment says to expect."""
    commands = []
    expected = None
    for line in demo.text().splitlines():
        comment = re.match(r"^# .*\(expect (\d{3})\)", line)
        if comment:
            expected = int(comment.group(1))
        elif line.startswith("curl "):
            commands.append((line, expected))
            expected = None
    return commands


def test_demo_prints_working_curl_commands(demo):
    commands = printed_commands(demo)
    assert len(commands) >= 6, demo.text()
    for command, expected in commands:
        assert expected is not None, command
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=20)
        assert result.returncode == 0, (command, result.stderr)
        status = re.match(r"HTTP/1\.1 (\d{3})", result.stdout)
        assert status, (command, result.stdout)
        assert int(status.group(1)) == expected, (command, result.stdout)


def test_examples_curl_script_matches_the_demo(demo):
    script = (REPO / "examples" / "curl.sh").read_text()
    for command, _ in printed_commands(demo):
        normalised = re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:8080", command)
        assert normalised in script, normalised


def test_demo_prints_a_working_websocket_example(demo):
    commands = [line for line in demo.text().splitlines() if line.startswith("python3 -c ") and "websockets" in line]
    assert len(commands) == 1, demo.text()
    result = subprocess.run(["bash", "-c", commands[0]], capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, (commands[0], result.stderr)
    assert result.stdout.startswith('{"id":1,"status":200,"headers":{},"body":{"name":"alice","message":"hello"}'), result.stdout


def test_ttheader_golden_vector(demo_backend):
    """Kitex's T1 request, byte for byte, gets Kitex's T2 reply from Sluice's server side."""
    with socket.create_connection(("127.0.0.1", demo_backend.port), timeout=5) as s:
        s.sendall(T1_REQUEST)
        header = recv_exactly(s, 4)
        (length,) = struct.unpack(">I", header)
        frame = header + recv_exactly(s, length)
    assert frame == T2_REPLY, frame.hex()


def recv_exactly(s, count):
    data = b""
    while len(data) < count:
        chunk = s.recv(count - len(data))
        if not chunk:
            raise EOFError("closed after %d of %d bytes" % (len(data), count))
        data += chunk
    return data
