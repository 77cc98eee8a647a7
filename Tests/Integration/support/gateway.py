"""`sluice run` as a test fixture, and an HTTP client for it."""

import http.client
import json
import pathlib
import re
import socket

from support.processes import Child, wait_for_port


def write_routes(directory, document, name="routes.yaml"):
    """Writes a route document. JSON is YAML, so no YAML library is needed."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(json.dumps(document, indent=2))
    return directory


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


class Gateway:
    def __init__(self, child, port):
        self.child = child
        self.port = port

    @classmethod
    def start(cls, sluice_bin, routes_dir, log_path, extra=()):
        child = Child([sluice_bin, "run", "--routes", routes_dir, "--listen", "127.0.0.1:0", *extra], log_path)
        port = int(child.wait_for_line(r"listening on http://127\.0\.0\.1:(\d+)", timeout=30).group(1))
        wait_for_port(port)
        return cls(child, port)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None, headers=None, timeout=10):
        """One request on a fresh connection. `body` may be bytes, str, or a JSON-able value."""
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        all_headers.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            conn.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body=body, **kwargs)

    def raw(self, data, timeout=5):
        """Sends raw bytes on a new connection and returns everything read until the peer closes or goes quiet."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            chunks = []
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            except socket.timeout:
                pass
            return b"".join(chunks)

    def stop(self):
        return self.child.stop()


def start_with_config(sluice_bin, config, log_path, extra=()):
    """Starts `sluice run --config` from another directory (paths must resolve against the file); returns
    the child and its listeners as (scheme, port) in config order."""
    child = Child([sluice_bin, "run", "--config", config, *extra], log_path, cwd="/")
    line = child.wait_for_line(r"listening on (.*) \(\d+ routes", timeout=30).group(1)
    listeners = [(scheme, int(port)) for scheme, port in re.findall(r"(https?)://127\.0\.0\.1:(\d+)", line)]
    for _, port in listeners:
        wait_for_port(port)
    return child, listeners
