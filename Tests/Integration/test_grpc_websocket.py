"""gRPC streaming calls over the WebSocket message protocol, against grpcio (servers/grpc_gateway_server.py's
Streams: Watch streams `a` messages, Upload sums `a`, Chat answers each message with 10*a): server streaming
(a reply per message, then the end marker), client streaming and bidi message by message (`{"id", "body"}`
items, `{"id", "end": true}`), bidi replies before the client ends, bad items, unknown ids, a stream under
max_in_flight 1, and a socket closed mid-stream cancelling the backend call (RST_STREAM, seen by a relay)."""

import asyncio
import json
import pathlib
import sys
import tempfile
import socket
import threading

import pytest
from websockets.asyncio.client import connect

from support import grpc_gateway_peer as peer
from support.gateway import Gateway, write_routes
from support.grpc_gateway_routes import grpc_service
from support.processes import Child, wait_for_port


def stream_routes(service):
    return [
        {"method": "POST", "path": "/watch", "service": service, "call": "Streams.Watch", "body": "*"},
        {"method": "POST", "path": "/upload", "service": service, "call": "Streams.Upload", "body": "*"},
        {"method": "POST", "path": "/chat", "service": service, "call": "Streams.Chat", "body": "*"},
    ]


@pytest.fixture(scope="module")
def generated(workdir):
    out = workdir / "grpc-websocket-gen"
    peer.generate(out)
    sys.path.insert(0, str(out))
    return out


@pytest.fixture(scope="module")
def backend(workdir, generated):
    server = peer.start(generated, workdir / "grpc-websocket-server.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gw(sluice_bin, workdir, backend):
    def document(directory):
        return {"services": [grpc_service("streams", backend.address, directory)], "routes": stream_routes("streams")}

    gateway = start_gateway(sluice_bin, workdir, "grpc-ws", document, "{path: /ws}")
    yield gateway
    gateway.stop()


def start_gateway(sluice_bin, workdir, name, document, websocket):
    """`sluice run` over `document`, WebSocket set by a config file's `websocket:` value."""
    directory = pathlib.Path(tempfile.mkdtemp(prefix=name + "-", dir=workdir))
    write_routes(directory / "routes", document(directory / "routes"))
    config = directory / "sluice.yaml"
    config.write_text('listeners: [{address: "127.0.0.1:0"}]\nroutes: routes/\nwebsocket: %s\n' % websocket)
    child = Child([sluice_bin, "run", "--config", config], directory / "run.log")
    port = int(child.wait_for_line(r"listening on http://127\.0\.0\.1:(\d+)", timeout=30).group(1))
    wait_for_port(port)
    return Gateway(child, port)


def url(gateway, path="/ws"):
    return "ws://127.0.0.1:%d%s" % (gateway.port, path)


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=60))


async def send(ws, message):
    await ws.send(json.dumps(message))


async def receive(ws):
    return json.loads(await ws.recv())


def test_server_streaming_is_a_reply_per_message_then_the_end(gw):
    async def go():
        async with connect(url(gw)) as ws:
            await send(ws, {"id": 1, "method": "POST", "path": "/watch", "body": {"a": 3}})
            return [await receive(ws) for _ in range(4)]

    replies = run(go())
    assert [reply.get("body") for reply in replies[:3]] == [{}, {"a": 1}, {"a": 2}]
    assert all(reply["id"] == 1 and reply["status"] == 200 for reply in replies[:3])
    assert replies[3] == {"id": 1, "end": True}


def test_client_streaming_takes_items_until_the_end_then_replies_once(gw):
    async def go():
        async with connect(url(gw)) as ws:
            await send(ws, {"id": "u", "method": "POST", "path": "/upload", "body": {"a": 1}})
            for a in (2, 3, 4):
                await send(ws, {"id": "u", "body": {"a": a}})
            await send(ws, {"id": "u", "end": True})
            reply = await receive(ws)
            # Nothing follows the one reply: the next message's answer comes next.
            await send(ws, {"id": "after", "method": "POST", "path": "/upload"})
            await send(ws, {"id": "after", "end": True})
            return reply, await receive(ws)

    reply, after = run(go())
    assert reply == {"id": "u", "status": 200, "headers": {}, "body": {"a": 10}}
    # An opening message without a body: the stream's items are only those that follow.
    assert after == {"id": "after", "status": 200, "headers": {}, "body": {}}


def test_bidi_replies_come_before_the_client_ends(gw):
    async def go():
        async with connect(url(gw)) as ws:
            await send(ws, {"id": "c", "method": "POST", "path": "/chat", "body": {"a": 1, "b": "x"}})
            first = await receive(ws)
            await send(ws, {"id": "c", "body": {"a": 2}})
            second = await receive(ws)
            await send(ws, {"id": "c", "body": {"a": 3, "b": "z"}})
            third = await receive(ws)
            await send(ws, {"id": "c", "end": True})
            return first, second, third, await receive(ws)

    first, second, third, end = run(go())
    assert first == {"id": "c", "status": 200, "headers": {}, "body": {"a": 10, "b": "x"}}
    assert second["body"] == {"a": 20} and third["body"] == {"a": 30, "b": "z"}
    assert end == {"id": "c", "end": True}


def test_a_bad_item_is_a_400_naming_body_and_ends_the_call(gw):
    async def go():
        async with connect(url(gw)) as ws:
            await send(ws, {"id": 5, "method": "POST", "path": "/upload", "body": {"a": 1}})
            item = '{"id": 5, "body": {"a": true}}'
            await ws.send(item)
            error = await receive(ws)
            # The call is over: its id no longer names a stream.
            await send(ws, {"id": 5, "body": {"a": 1}})
            return item, error, await receive(ws)

    item, error, later = run(go())
    assert error["id"] == 5 and error["status"] == 400
    assert error["body"]["error"]["code"] == "wrong_type"
    assert error["body"]["error"]["field"] == "$.body.a"
    assert error["body"]["error"]["offset"] == item.index("true")
    assert later["id"] == 5 and later["status"] == 400
    assert "no open stream with id 5" in later["body"]["error"]["message"]


def test_a_bad_item_mid_bidi_is_the_streams_last_reply(gw):
    async def go():
        async with connect(url(gw)) as ws:
            await send(ws, {"id": "b", "method": "POST", "path": "/chat", "body": {"a": 1}})
            first = await receive(ws)
            await send(ws, {"id": "b", "body": {"b": 1}})
            return first, await receive(ws), await receive(ws)

    first, error, end = run(go())
    assert first["body"] == {"a": 10}
    assert error["status"] == 400 and error["body"]["error"]["field"] == "$.body.b"
    assert end == {"id": "b", "end": True}


def test_unknown_ids_ended_streams_and_reused_ids_are_refused(gw):
    async def go():
        async with connect(url(gw)) as ws:
            await send(ws, {"id": "nope", "body": {"a": 1}})
            unknown = await receive(ws)
            await send(ws, {"id": "nope", "end": True})
            unknown_end = await receive(ws)
            await send(ws, {"id": 1, "end": True, "body": {}})
            combo = await receive(ws)
            await send(ws, {"id": "s", "method": "POST", "path": "/upload"})
            await send(ws, {"id": "s", "method": "POST", "path": "/upload"})
            reused = await receive(ws)
            await send(ws, {"id": "s", "end": True})
            await send(ws, {"id": "s", "body": {"a": 1}})
            # The ended stream's late item may be answered before or after the stream's reply.
            answers = sorted([await receive(ws), await receive(ws)], key=lambda reply: reply["status"])
            return unknown, unknown_end, combo, reused, answers

    unknown, unknown_end, combo, reused, answers = run(go())
    for reply in (unknown, unknown_end):
        assert reply["id"] == "nope" and reply["status"] == 400
        assert reply["body"]["error"]["message"].startswith("no open stream with id \"nope\"")
    assert combo["status"] == 400 and combo["body"]["error"]["field"] == "$.body"
    assert reused["id"] == "s" and reused["status"] == 400 and "is open" in reused["body"]["error"]["message"]
    assert answers[0] == {"id": "s", "status": 200, "headers": {}, "body": {}}
    late = answers[1]["body"]["error"]["message"]
    assert answers[1]["status"] == 400 and ("no open stream" in late or "has ended its requests" in late), late


def test_a_stream_counts_once_against_max_in_flight(sluice_bin, workdir, backend):
    def document(directory):
        return {"services": [grpc_service("streams", backend.address, directory)], "routes": stream_routes("streams")}

    gateway = start_gateway(sluice_bin, workdir, "grpc-ws-one", document, "{path: /ws, max_in_flight: 1}")
    try:
        async def go():
            async with connect(url(gateway)) as ws:
                await send(ws, {"id": "c", "method": "POST", "path": "/chat", "body": {"a": 1}})
                # Waits for the stream's slot, while the stream's own items still flow.
                await send(ws, {"id": "w", "method": "POST", "path": "/watch", "body": {"a": 1}})
                for a in range(2, 30):
                    await send(ws, {"id": "c", "body": {"a": a}})
                await send(ws, {"id": "c", "end": True})
                replies = []
                while len([r for r in replies if r.get("end")]) < 2:
                    replies.append(await receive(ws))
                return replies

        replies = run(go())
        chat = [r["body"].get("a") for r in replies if r["id"] == "c" and "body" in r]
        assert chat == [10 * a for a in range(1, 30)], json.dumps(replies[10:13])
        assert chat == [10 * a for a in range(1, 30)]
        watch = [r for r in replies if r["id"] == "w"]
        assert watch == [{"id": "w", "status": 200, "headers": {}, "body": {}}, {"id": "w", "end": True}]
        # The waiting request went out only once the stream's last reply was written.
        assert replies.index(watch[0]) > replies.index({"id": "c", "end": True})
    finally:
        gateway.stop()


def test_many_items_reach_the_backend_in_order(gw):
    async def go():
        async with connect(url(gw)) as ws:
            await send(ws, {"id": 9, "method": "POST", "path": "/upload"})
            for _ in range(500):
                await send(ws, {"id": 9, "body": {"a": 2, "b": "y" * 1000}})
            await send(ws, {"id": 9, "end": True})
            return await receive(ws)

    assert run(go())["body"] == {"a": 1000}


class FrameLog:
    """A TCP relay in front of the backend that notes the HTTP/2 frames the gateway sends which end a stream:
    DATA with END_STREAM (the request side ended) and RST_STREAM (the call cancelled)."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.ends = []
        self.resets = []
        self.reset = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self.pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, False), daemon=True).start()

    def pump(self, source, sink, parse):
        pending = b""
        preface = 24
        while True:
            try:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
            except OSError:
                break
            if not parse:
                continue
            pending += data
            if preface:
                skipped = min(preface, len(pending))
                pending, preface = pending[skipped:], preface - skipped
            while len(pending) >= 9 and len(pending) >= 9 + int.from_bytes(pending[:3], "big"):
                length, kind, flags = int.from_bytes(pending[:3], "big"), pending[3], pending[4]
                stream = int.from_bytes(pending[5:9], "big") & 0x7FFFFFFF
                if kind == 0 and flags & 1:
                    self.ends.append(stream)
                if kind == 3:
                    self.resets.append((stream, int.from_bytes(pending[9:13], "big")))
                    self.reset.set()
                pending = pending[9 + length:]
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self):
        self.listener.close()


def test_closing_the_socket_mid_stream_cancels_the_backend_call(sluice_bin, workdir, backend):
    frames = FrameLog(backend.port)

    def document(directory):
        # A long deadline: only the socket closing can end the call while the test waits.
        service = grpc_service("relayed", "127.0.0.1:%d" % frames.port, directory, timeout="60s")
        return {"services": [service], "routes": stream_routes("relayed")}

    gateway = start_gateway(sluice_bin, workdir, "grpc-ws-close", document, "{path: /ws}")
    try:
        async def go():
            ws = await connect(url(gateway))
            await send(ws, {"id": 1, "method": "POST", "path": "/chat", "body": {"a": 1}})
            reply = await receive(ws)
            # Gone without an end marker, and without a close handshake.
            ws.transport.abort()
            return reply

        assert run(go())["body"] == {"a": 10}
        assert frames.reset.wait(30), "no RST_STREAM reached the backend"
        stream, code = frames.resets[0]
        assert code == 8  # CANCEL
        assert stream not in frames.ends, "the request side was ended, not cancelled"

        # The gateway still serves the backend.
        async def again():
            async with connect(url(gateway)) as ws:
                await send(ws, {"id": 2, "method": "POST", "path": "/chat", "body": {"a": 4}})
                reply = await receive(ws)
                await send(ws, {"id": 2, "end": True})
                return reply, await receive(ws)

        reply, end = run(again())
        assert reply["body"] == {"a": 40} and end == {"id": 2, "end": True}
    finally:
        gateway.stop()
        frames.stop()
