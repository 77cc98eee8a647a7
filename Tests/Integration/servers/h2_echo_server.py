"""An HTTP/2 upstream for the proxy tests (asyncio + the `h2` library): h2c with prior knowledge, or h2 over
TLS with ALPN when given a certificate.

Every request is answered with JSON echoing its method, path, headers (pseudo-headers included), trailers
and the body's length and sha256 (and the body itself when short) and the port it listens on (`server_port`), except:
  /mirror          streams the request body back as it arrives (flow control respected both ways)
  /bytes?n=N       streams N bytes of a fixed pattern
  /slow?ms=N       answers after N ms
  /hang            never answers (for client resets and timeouts)
  /goaway          answers, then sends GOAWAY (NO_ERROR) naming the newest stream: those open still finish
  /stats           {"connections": accepted so far, "closed": ended so far, "resets": [error codes of RST_STREAMs received],
                   "hanging": /hang requests received, "peak_streams": most streams open at once on a connection}
A request with `x-want-trailers: yes` gets its response ending in trailers (`x-checksum`, `x-status`).

With --websocket it announces SETTINGS_ENABLE_CONNECT_PROTOCOL and takes WebSocket over HTTP/2 (RFC 8441): an
extended CONNECT with `:protocol: websocket` is answered 200 (with `sec-websocket-protocol: chat` when the
client offered `chat`), and the stream then echoes every message, unmasked; the text message `request?` is
answered with the CONNECT's {path, headers}; a close is answered with its code and ends the stream.

Prints `listening <port>` once it accepts connections.
"""

import argparse
import asyncio
import hashlib
import json
import ssl
import struct
import urllib.parse

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

PATTERN = bytes(range(256)) * 256
STATS = {"connections": 0, "closed": 0, "resets": [], "hanging": 0, "peak_streams": 0}
SHORT_BODY = 64 * 1024


class Stream:
    def __init__(self, headers):
        self.headers = headers
        self.trailers = []
        self.sha = hashlib.sha256()
        self.length = 0
        self.short = bytearray()
        self.ended = asyncio.Event()
        self.data = asyncio.Queue()
        self.task = None


class Connection:
    def __init__(self, reader, writer, websocket=False):
        self.reader = reader
        self.writer = writer
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        if websocket:
            self.conn.local_settings = h2.settings.Settings(client=False, initial_values={
                h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 100,
                h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL: 1,
            })
        self.streams = {}
        self.window_open = asyncio.Event()

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.writer.write(data)

    async def run(self):
        STATS["connections"] += 1
        self.conn.initiate_connection()
        self.flush()
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    break
                for event in self.conn.receive_data(data):
                    self.handle(event)
                self.flush()
                await self.writer.drain()
        except (ConnectionError, h2.exceptions.ProtocolError):
            pass
        finally:
            STATS["closed"] += 1
            for stream in self.streams.values():
                if stream.task:
                    stream.task.cancel()
            self.writer.close()

    def handle(self, event):
        if isinstance(event, h2.events.RequestReceived):
            stream = Stream(event.headers)
            self.streams[event.stream_id] = stream
            STATS["peak_streams"] = max(STATS["peak_streams"], len(self.streams))
            stream.task = asyncio.ensure_future(self.respond(event.stream_id, stream))
        elif isinstance(event, h2.events.DataReceived):
            stream = self.streams.get(event.stream_id)
            if stream is None:
                return
            stream.sha.update(event.data)
            stream.length += len(event.data)
            if len(stream.short) < SHORT_BODY:
                stream.short += event.data[:SHORT_BODY - len(stream.short)]
            stream.data.put_nowait((event.data, event.flow_controlled_length))
        elif isinstance(event, h2.events.TrailersReceived):
            stream = self.streams.get(event.stream_id)
            if stream is not None:
                stream.trailers = event.headers
        elif isinstance(event, h2.events.StreamEnded):
            stream = self.streams.get(event.stream_id)
            if stream is not None:
                stream.ended.set()
                stream.data.put_nowait(None)
        elif isinstance(event, h2.events.StreamReset):
            STATS["resets"].append(int(event.error_code))
            stream = self.streams.pop(event.stream_id, None)
            if stream is not None and stream.task:
                stream.task.cancel()
        elif isinstance(event, (h2.events.WindowUpdated, h2.events.RemoteSettingsChanged)):
            self.window_open.set()

    async def send(self, stream_id, data, end_stream=False):
        while data:
            window = min(self.conn.local_flow_control_window(stream_id), self.conn.max_outbound_frame_size)
            if window <= 0:
                self.window_open.clear()
                await self.window_open.wait()
                continue
            chunk, data = data[:window], data[window:]
            self.conn.send_data(stream_id, chunk)
            self.flush()
            await self.writer.drain()
        if end_stream:
            self.conn.end_stream(stream_id)
            self.flush()

    def acknowledge(self, stream_id, flow_controlled_length):
        if flow_controlled_length:
            self.conn.acknowledge_received_data(flow_controlled_length, stream_id)
            self.flush()

    async def drain_body(self, stream_id, stream):
        while True:
            item = await stream.data.get()
            if item is None:
                return
            self.acknowledge(stream_id, item[1])

    async def respond(self, stream_id, stream):
        headers = dict(stream.headers)
        url = urllib.parse.urlsplit(headers[":path"])
        query = dict(urllib.parse.parse_qsl(url.query))
        want_trailers = headers.get("x-want-trailers") == "yes"
        try:
            if headers[":method"] == "CONNECT" and headers.get(":protocol") == "websocket":
                return await self.websocket(stream_id, stream, headers)
            if url.path == "/mirror":
                self.conn.send_headers(stream_id, [(":status", "200"), ("content-type", "application/octet-stream")])
                self.flush()
                while True:
                    item = await stream.data.get()
                    if item is None:
                        break
                    await self.send(stream_id, item[0])
                    self.acknowledge(stream_id, item[1])
                return self.finish(stream_id, stream, want_trailers)
            await self.drain_body(stream_id, stream)
            if url.path == "/hang":
                STATS["hanging"] += 1
                await asyncio.Event().wait()
            if url.path == "/slow":
                await asyncio.sleep(int(query.get("ms", "1000")) / 1000)
            if url.path == "/bytes":
                size = int(query["n"])
                self.conn.send_headers(stream_id, [(":status", "200"), ("content-length", str(size))])
                sent = 0
                while sent < size:
                    piece = PATTERN[:min(len(PATTERN), size - sent)]
                    await self.send(stream_id, piece)
                    sent += len(piece)
                return self.finish(stream_id, stream, want_trailers)
            if url.path == "/stats":
                body = json.dumps(STATS).encode()
            else:
                body = json.dumps({
                    "method": headers[":method"], "path": headers[":path"], "headers": stream.headers,
                    "trailers": stream.trailers, "length": stream.length, "sha256": stream.sha.hexdigest(),
                    "body": bytes(stream.short).decode("latin-1") if stream.length <= SHORT_BODY else None,
                    "server_port": self.writer.get_extra_info("sockname")[1],
                }).encode()
            self.conn.send_headers(stream_id, [(":status", "200"), ("content-type", "application/json"),
                                               ("content-length", str(len(body))), ("x-upstream", "h2")])
            await self.send(stream_id, body)
            self.finish(stream_id, stream, want_trailers)
            if url.path == "/goaway":
                # Written raw: the h2 library would refuse to send anything more after its own GOAWAY.
                newest = max(self.streams)
                self.writer.write(b"\x00\x00\x08\x07\x00\x00\x00\x00\x00" + newest.to_bytes(4, "big") + bytes(4))
        except asyncio.CancelledError:
            pass
        except h2.exceptions.StreamClosedError:
            pass
        finally:
            self.streams.pop(stream_id, None)
            self.flush()

    async def websocket(self, stream_id, stream, headers):
        response = [(":status", "200")]
        if "chat" in headers.get("sec-websocket-protocol", ""):
            response.append(("sec-websocket-protocol", "chat"))
        self.conn.send_headers(stream_id, response)
        self.flush()
        pending = b""
        while True:
            item = await stream.data.get()
            if item is None:
                self.conn.end_stream(stream_id)
                return
            self.acknowledge(stream_id, item[1])
            pending += item[0]
            while True:
                parsed = client_frame(pending)
                if parsed is None:
                    break
                fin, opcode, payload, pending = parsed
                if opcode == 0x8:
                    await self.send(stream_id, server_frame(0x8, payload[:2]), end_stream=True)
                    return
                if opcode == 0x9:
                    await self.send(stream_id, server_frame(0xA, payload))
                elif opcode == 0x1 and payload == b"request?":
                    reply = json.dumps({"path": headers[":path"], "headers": stream.headers}).encode()
                    await self.send(stream_id, server_frame(0x1, reply))
                elif opcode in (0x0, 0x1, 0x2):
                    await self.send(stream_id, server_frame(opcode, payload, fin))

    def finish(self, stream_id, stream, want_trailers):
        if want_trailers:
            self.conn.send_headers(stream_id, [("x-checksum", stream.sha.hexdigest()), ("x-status", "done")],
                                   end_stream=True)
        else:
            self.conn.end_stream(stream_id)
        self.flush()


def client_frame(data):
    """A masked client frame at the start of `data`: (fin, opcode, payload, the rest), or None if incomplete."""
    if len(data) < 2:
        return None
    length, offset = data[1] & 0x7F, 2
    if length == 126:
        if len(data) < 4:
            return None
        length, offset = struct.unpack("!H", data[2:4])[0], 4
    elif length == 127:
        if len(data) < 10:
            return None
        length, offset = struct.unpack("!Q", data[2:10])[0], 10
    if len(data) < offset + 4 + length:
        return None
    mask = data[offset:offset + 4]
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(data[offset + 4:offset + 4 + length]))
    return bool(data[0] & 0x80), data[0] & 0x0F, payload, data[offset + 4 + length:]


def server_frame(opcode, payload, fin=True):
    head = bytes([(0x80 if fin else 0) | opcode])
    if len(payload) < 126:
        return head + bytes([len(payload)]) + payload
    if len(payload) < 65536:
        return head + bytes([126]) + struct.pack("!H", len(payload)) + payload
    return head + bytes([127]) + struct.pack("!Q", len(payload)) + payload


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--websocket", action="store_true", help="take WebSocket over HTTP/2 (RFC 8441)")
    args = parser.parse_args()
    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        context.set_alpn_protocols(["h2"])

    async def accept(reader, writer):
        await Connection(reader, writer, websocket=args.websocket).run()

    server = await asyncio.start_server(accept, "127.0.0.1", args.port, ssl=context)
    print("listening %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
