"""A Kitex-style TTHeader peer written from the wire layout alone (shared/reference/thrift-wire.md §1), to
check what Sluice's client writes, independently of Sluice's own decoder.

It accepts connections on a free loopback port, parses every TTHeader frame strictly (any deviation is
recorded as an error), records the headers, and answers each strict-Binary CALL with a REPLY whose result
is `{0: string "pong"}`, in a TTHeader frame with an empty info section, as a default Kitex server does.
"""

import socket
import struct
import threading


class TTHeaderPeer:
    def __init__(self):
        self.requests = []
        self.errors = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def close(self):
        self._closed = True
        self._sock.close()

    def _accept(self):
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            while True:
                try:
                    head = _recv(conn, 4)
                except EOFError:
                    return
                (length,) = struct.unpack(">I", head)
                frame = _recv(conn, length)
                try:
                    request = parse_frame(frame)
                except Exception as error:  # recorded for the test to report
                    self.errors.append("%s: %s" % (type(error).__name__, error))
                    return
                self.requests.append(request)
                if request["message_type"] == 1:
                    conn.sendall(reply_frame(request["seq_id"], request["method"]))


def parse_frame(frame):
    magic, flags, seq_id, header_words = struct.unpack(">HHIH", frame[:10])
    assert magic == 0x1000, "magic %#x" % magic
    header_end = 10 + header_words * 4
    assert header_end <= len(frame), "header size beyond the frame"
    header = frame[10:header_end]
    protocol_id, transform_count = header[0], header[1]
    pos = 2 + transform_count
    int_keys, str_keys, acl = {}, {}, None
    while pos < len(header):
        info_id = header[pos]
        pos += 1
        if info_id == 0x00:
            continue  # padding
        if info_id == 0x01:
            (count,) = struct.unpack(">H", header[pos:pos + 2])
            pos += 2
            for _ in range(count):
                key, pos = _u16_string(header, pos)
                value, pos = _u16_string(header, pos)
                str_keys[key] = value
        elif info_id == 0x10:
            (count,) = struct.unpack(">H", header[pos:pos + 2])
            pos += 2
            for _ in range(count):
                (key,) = struct.unpack(">H", header[pos:pos + 2])
                value, pos = _u16_string(header, pos + 2)
                int_keys[key] = value
        elif info_id == 0x11:
            acl, pos = _u16_string(header, pos)
        else:
            raise ValueError("unknown info id %#x" % info_id)
    payload = frame[header_end:]
    version, message_type = struct.unpack(">HH", payload[:4])
    assert version == 0x8001, "not strict binary: %#x" % version
    (name_length,) = struct.unpack(">I", payload[4:8])
    method = payload[8:8 + name_length].decode()
    (payload_seq_id,) = struct.unpack(">i", payload[8 + name_length:12 + name_length])
    return {"flags": flags, "seq_id": seq_id, "payload_seq_id": payload_seq_id, "header_bytes": len(header),
            "protocol_id": protocol_id, "transforms": transform_count, "int_keys": int_keys,
            "str_keys": str_keys, "acl": acl, "message_type": message_type, "method": method}


def reply_frame(seq_id, method):
    name = method.encode()
    payload = (struct.pack(">HHI", 0x8001, 2, len(name)) + name + struct.pack(">i", seq_id)
               + b"\x0b\x00\x00" + struct.pack(">I", 4) + b"pong" + b"\x00")
    header = b"\x00\x00\x00\x00"  # protocol Binary, no transforms, padding to one word
    body = struct.pack(">HHIH", 0x1000, 0, seq_id, len(header) // 4) + header + payload
    return struct.pack(">I", len(body)) + body


def _u16_string(data, pos):
    (length,) = struct.unpack(">H", data[pos:pos + 2])
    return data[pos + 2:pos + 2 + length].decode(), pos + 2 + length


def _recv(conn, count):
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data
