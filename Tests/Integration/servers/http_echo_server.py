"""An HTTP/1.1 upstream for the proxy tests (stdlib only): it tells what it received, and streams bodies.

  any path           -> 200 JSON {method, path, headers: [[name, value]...], body_bytes, body_sha256, body}
  /download?bytes=N  -> N bytes of a repeating pattern, Content-Length framed (chunked with &chunked=1)
  /slow?ms=N         -> the echo, after N ms
  /close             -> a response whose body ends when the server closes the connection
  /trailers          -> a chunked body "abc" with trailer fields X-Checksum: abc and Keep-Alive: 5
  /healthz           -> 200 {"ok": true} (a health check's probe)
  /control/fail?status=N -> from now on every other request is answered N (JSON {server_port, failing})
  /control/recover   -> answer normally again
  /control/count     -> {"served": requests answered (control and /healthz aside), "failed": of them, answered N,
                          "probes": /healthz requests}

The echo names the port it listens on (`server_port`), so a test can tell which of several answered; with
--delay-ms every answer waits that long first.

Request bodies are read as they arrive (Content-Length or chunked), hashed, and not kept (unless small).
With --tls-cert/--tls-key it serves HTTPS (requiring a client certificate signed by --tls-client-ca when
given), and the echo tells what the TLS client sent: {tls: {peer_port, sni, alpn, client_certificate}}.
Prints "listening PORT" once ready.
"""

import argparse
import hashlib
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATTERN = bytes(range(256)) * 256  # 64 KiB


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        digest = hashlib.sha256()
        total = 0
        kept = []
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                remaining = size
                while remaining:
                    data = self.rfile.read(min(remaining, 1 << 16))
                    remaining -= len(data)
                    total += len(data)
                    digest.update(data)
                    if total <= 4096:
                        kept.append(data)
                self.rfile.readline()
        else:
            remaining = int(self.headers.get("Content-Length", "0"))
            while remaining:
                data = self.rfile.read(min(remaining, 1 << 16))
                if not data:
                    break
                remaining -= len(data)
                total += len(data)
                digest.update(data)
                if total <= 4096:
                    kept.append(data)
        body = b"".join(kept) if total <= 4096 else b""
        return total, digest.hexdigest(), body

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        total, sha, body = self.read_body()
        if url.path.startswith("/control/"):
            return self.control(url.path, query)
        server = self.server
        with server.lock:
            failing = server.fail_status
            if url.path == "/healthz":
                server.probes += 1
            else:
                server.served += 1
                server.failed += 1 if failing else 0
        if failing:
            return self.send_json(failing, {"server_port": server.server_address[1], "failing": True})
        if url.path == "/healthz":
            return self.send_json(200, {"ok": True})
        if url.path == "/download":
            return self.download(int(query["bytes"][0]), query.get("chunked") == ["1"])
        if url.path == "/slow":
            time.sleep(int(query["ms"][0]) / 1000)
        if self.server.delay_ms:
            time.sleep(self.server.delay_ms / 1000)
        if url.path == "/trailers":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Trailer", "X-Checksum")
            self.end_headers()
            self.wfile.write(b"3\r\nabc\r\n0\r\nX-Checksum: abc\r\nKeep-Alive: 5\r\n\r\n")
            return
        if url.path == "/status":
            # An answer with the status asked for, for flow-control tests of what counts as an error.
            text = b'{"status": %d}' % int(query["code"][0])
            self.send_response(int(query["code"][0]))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)
            return
        if url.path == "/close":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"until the end")
            self.close_connection = True
            return
        reply = json.dumps({
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_bytes": total,
            "body_sha256": sha,
            "body": body.decode("latin-1"),
            "tls": self.tls_info(),
            "server_port": self.server.server_address[1],
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.send_header("Connection", "keep-alive, X-Hop")
        self.send_header("X-Hop", "should not pass")
        self.send_header("Keep-Alive", "timeout=5")
        self.send_header("X-Upstream", "yes")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply)

    def control(self, path, query):
        server = self.server
        with server.lock:
            if path == "/control/fail":
                server.fail_status = int(query.get("status", ["503"])[0])
            elif path == "/control/recover":
                server.fail_status = 0
            counts = {"served": server.served, "failed": server.failed, "probes": server.probes}
        self.send_json(200, counts)

    def send_json(self, status, value):
        text = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(text)

    def tls_info(self):
        connection = self.connection
        if not hasattr(connection, "selected_alpn_protocol"):
            return None
        return {
            "peer_port": self.client_address[1],
            "sni": getattr(connection, "sni", None),
            "alpn": connection.selected_alpn_protocol(),
            "client_certificate": bool(connection.getpeercert()),
        }

    def download(self, size, chunked):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        remaining = size
        while remaining:
            data = PATTERN[: min(remaining, len(PATTERN))]
            remaining -= len(data)
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                self.wfile.write(data)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any


def tls_socket(listener, args):
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    context.set_alpn_protocols(["http/1.1"])
    if args.tls_client_ca:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(args.tls_client_ca)

    def remember_sni(connection, server_name, _context):
        connection.sni = server_name

    context.sni_callback = remember_sni
    # The handshake happens on the connection's first read, in its own thread: a client that fails it (or
    # stalls) does not hold up the accepting loop.
    return context.wrap_socket(listener, server_side=True, do_handshake_on_connect=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate")
    parser.add_argument("--tls-key", help="the certificate's PEM key")
    parser.add_argument("--tls-client-ca", help="require a client certificate signed by this CA (mTLS)")
    parser.add_argument("--delay-ms", type=int, default=0, help="wait this long before every answer")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.delay_ms = args.delay_ms
    server.lock = threading.Lock()
    server.fail_status = 0
    server.served = 0
    server.failed = 0
    server.probes = 0
    server.daemon_threads = True
    if args.tls_cert:
        server.socket = tls_socket(server.socket, args)
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
