"""A small HTTP/2 client over the `h2` library, for tests that need more than curl: many streams on one
connection, raw frames (resets, CONTINUATION floods, bad HPACK) and the server's GOAWAY and RST_STREAM."""

import json
import socket
import ssl

import h2.config
import h2.connection
import h2.events
import h2.settings


class H2Connection:
    def __init__(self, port, tls_ca=None, server_name="localhost", timeout=10, alpn=("h2",)):
        raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        if tls_ca is not None:
            context = ssl.create_default_context(cafile=str(tls_ca))
            context.set_alpn_protocols(list(alpn))
            raw = context.wrap_socket(raw, server_hostname=server_name)
        self.sock = raw
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.responses = {}   # stream id -> {"status", "headers", "body", "ended"}
        self.resets = {}      # stream id -> error code
        self.goaway = None    # (error code, last stream id)
        self.closed = False
        self.protocol_error = None  # what the client library refused in the server's frames
        self.remote_settings = {}
        self._raw = b""
        # False: DATA is never acknowledged, so the flow-control windows the client gives close and stay closed.
        self.acknowledge = True

    def start(self, send=True):
        self.conn.initiate_connection()
        if send:
            self.flush()
        return self

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def send_raw(self, data):
        self.sock.sendall(data)

    def request(self, method, path, body=None, headers=(), end_stream=True, flush=True):
        stream_id = self.conn.get_next_available_stream_id()
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        all_headers = [(":method", method), (":path", path), (":scheme", "http"), (":authority", "127.0.0.1")]
        if body is not None and not any(name.lower() == "content-type" for name, _ in headers):
            all_headers.append(("content-type", "application/json"))
        all_headers += list(headers)
        self.conn.send_headers(stream_id, all_headers, end_stream=end_stream and body is None)
        if body is not None:
            self.conn.send_data(stream_id, body, end_stream=end_stream)
        self.responses[stream_id] = {"status": None, "headers": [], "body": b"", "ended": False}
        if flush:
            self.flush()
        return stream_id

    def reset(self, stream_id, code=8):
        self.conn.reset_stream(stream_id, error_code=code)
        self.flush()

    def pump(self):
        """Reads once and handles the events; False when the connection is closed."""
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise
        except OSError:  # reset by the server, or TLS torn down
            data = b""
        if not data:
            self.closed = True
            return False
        self._watch_goaway(data)
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError as error:
            self.closed = True
            self.protocol_error = error
            return False
        for event in events:
            if isinstance(event, h2.events.ResponseReceived):
                entry = self.responses.setdefault(event.stream_id, {"status": None, "headers": [], "body": b"", "ended": False})
                entry["headers"] = event.headers
                entry["status"] = int(dict(event.headers)[":status"])
            elif isinstance(event, h2.events.DataReceived):
                self.responses[event.stream_id]["body"] += event.data
                if self.acknowledge:
                    self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.InformationalResponseReceived):
                self.responses[event.stream_id].setdefault("informational", []).append(int(dict(event.headers)[":status"]))
            elif isinstance(event, h2.events.TrailersReceived):
                self.responses[event.stream_id]["trailers"] = event.headers
            elif isinstance(event, h2.events.StreamEnded):
                self.responses[event.stream_id]["ended"] = True
            elif isinstance(event, h2.events.StreamReset):
                self.resets[event.stream_id] = int(event.error_code)
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.goaway = (int(event.error_code), event.last_stream_id)
            elif isinstance(event, h2.events.RemoteSettingsChanged):
                for key, setting in event.changed_settings.items():
                    self.remote_settings[int(key)] = setting.new_value
        try:
            self.flush()  # acknowledgements the library owes
        except OSError:  # the server has closed the connection meanwhile (after a GOAWAY, say)
            self.closed = True
            return False
        return True

    def _watch_goaway(self, data):
        """Finds a GOAWAY in the raw frames: the `h2` library drops the events of a read in which it
        refuses a frame, and a server's last read often holds both."""
        self._raw += data
        while len(self._raw) >= 9:
            length = int.from_bytes(self._raw[:3], "big")
            if len(self._raw) < 9 + length:
                return
            kind, payload = self._raw[3], self._raw[9:9 + length]
            if kind == GOAWAY and self.goaway is None:
                self.goaway = (int.from_bytes(payload[4:8], "big"), int.from_bytes(payload[:4], "big") & 0x7FFFFFFF)
            self._raw = self._raw[9 + length:]

    def wait(self, done, timeout=None):
        """Pumps until `done()` or the connection closes or `timeout` passes; returns `done()`."""
        if timeout is not None:
            self.sock.settimeout(timeout)
        try:
            while not done():
                if not self.pump():
                    break
        except socket.timeout:
            pass
        return done()

    def wait_for_responses(self, stream_ids, timeout=30):
        return self.wait(lambda: all(self.responses[s]["ended"] or s in self.resets for s in stream_ids), timeout)

    def body_json(self, stream_id):
        return json.loads(self.responses[stream_id]["body"])

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def frame(kind, flags, stream_id, payload=b""):
    """A raw HTTP/2 frame (RFC 9113 §4.1)."""
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream_id.to_bytes(4, "big") + payload


PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
HEADERS, RST_STREAM, SETTINGS, GOAWAY, CONTINUATION = 0x1, 0x3, 0x4, 0x7, 0x9
END_STREAM, END_HEADERS = 0x1, 0x4
PROTOCOL_ERROR, ENHANCE_YOUR_CALM, REFUSED_STREAM, COMPRESSION_ERROR = 0x1, 0xb, 0x7, 0x9


class RawH2:
    """Frames by hand, for what the `h2` library will not do: it stops reading at a GOAWAY, but a server
    that is shutting down goes on answering the streams below the GOAWAY's last stream id."""

    def __init__(self, port, timeout=10):
        import hpack
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.encoder = hpack.Encoder()
        self.decoder = hpack.Decoder()
        self.buffer = b""
        self.sock.sendall(PREFACE + frame(SETTINGS, 0, 0))

    def request(self, stream_id, method, path, body=b""):
        block = self.encoder.encode([(":method", method), (":path", path), (":scheme", "http"),
                                     (":authority", "127.0.0.1"), ("content-type", "application/json")])
        self.sock.sendall(frame(HEADERS, END_HEADERS | (0 if body else END_STREAM), stream_id, block)
                          + (frame(0x0, END_STREAM, stream_id, body) if body else b""))

    def frames(self):
        """Yields (type, flags, stream id, payload) until the server closes; acknowledges SETTINGS."""
        while True:
            while len(self.buffer) < 9 or len(self.buffer) < 9 + int.from_bytes(self.buffer[:3], "big"):
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                self.buffer += chunk
            length = int.from_bytes(self.buffer[:3], "big")
            kind, flags = self.buffer[3], self.buffer[4]
            stream_id = int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
            payload, self.buffer = self.buffer[9:9 + length], self.buffer[9 + length:]
            if kind == SETTINGS and not flags & 0x1:
                self.sock.sendall(frame(SETTINGS, 0x1, 0))
            yield kind, flags, stream_id, payload

    def drain(self, quiet):
        """Reads (and drops) frames until none comes for `quiet` seconds; the timeout then goes back to 10 s."""
        self.sock.settimeout(quiet)
        try:
            for _ in self.frames():
                pass
        except OSError:
            pass
        self.sock.settimeout(10)

    def close(self):
        self.sock.close()
