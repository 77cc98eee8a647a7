"""A real etcd member (Debian's etcd-server) on free loopback ports, with Kitex registry-etcd writes."""

import base64
import json
import time
import urllib.request

from support.processes import Child, free_port, wait_for_port

PREFIX = "kitex/registry-etcd/echo/"


def b64(text):
    return base64.b64encode(text.encode()).decode()


class Etcd:
    """One etcd member on free loopback ports with its own data directory; restartable on the same ports."""

    def __init__(self, workdir):
        self.data = workdir / ("etcd-%d" % free_port())
        self.client_port = free_port()
        self.peer_port = free_port()
        self.child = None
        self.workdir = workdir

    @property
    def address(self):
        return "127.0.0.1:%d" % self.client_port

    def start(self):
        client = "http://%s" % self.address
        peer = "http://127.0.0.1:%d" % self.peer_port
        self.child = Child(["etcd", "--name", "t", "--data-dir", self.data, "--listen-client-urls", client,
                            "--advertise-client-urls", client, "--listen-peer-urls", peer,
                            "--initial-advertise-peer-urls", peer, "--initial-cluster", "t=" + peer],
                           self.workdir / "etcd.log")
        wait_for_port(self.client_port, timeout=20)
        # The port opens before the member can serve; a read tells us it is ready.
        deadline = time.monotonic() + 20
        while True:
            try:
                self.call("/v3/kv/range", {"key": b64("ready")})
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def call(self, path, body):
        request = urllib.request.Request("http://%s%s" % (self.address, path), data=json.dumps(body).encode(),
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    def register(self, address, weight=10, tags=None, ttl=None):
        """A PUT as Kitex's registry-etcd writes it, with a lease when `ttl` is given; returns the lease id."""
        value = json.dumps({"network": "tcp", "address": address, "weight": weight, "tags": tags})
        body = {"key": b64(PREFIX + address), "value": b64(value)}
        lease = None
        if ttl is not None:
            lease = self.call("/v3/lease/grant", {"TTL": ttl})["ID"]
            body["lease"] = lease
        self.call("/v3/kv/put", body)
        return lease

    def put_raw(self, key, value):
        self.call("/v3/kv/put", {"key": b64(key), "value": b64(value)})

    def deregister(self, address):
        self.call("/v3/kv/deleterange", {"key": b64(PREFIX + address)})

    def stop(self):
        if self.child:
            self.child.kill()
            self.child.stop()
            self.child = None
