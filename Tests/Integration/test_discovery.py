"""`sluice discover` against a real etcd (Debian's etcd-server) holding Kitex registry-etcd entries, and against
the system resolver reading a hosts file the test rewrites (inside `unshare --mount`)."""

import json
import queue
import shutil
import socket
import subprocess
import threading
import time

import pytest

from support.etcd import PREFIX, b64  # noqa: F401 (the etcd fixture is in conftest)
from support.processes import Child, free_port

class Discover:
    """`sluice discover ...` whose JSON lines are read as they come."""

    def __init__(self, sluice_bin, workdir, args, prefix=()):
        self.child = Child([*prefix, sluice_bin, "discover", *args], workdir / "discover.log")

    def next_set(self, timeout=10.0):
        """The addresses and weights of the next JSON line (log lines, which go to stderr here too, are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no endpoint set in %.0fs; output:\n%s" % (timeout, self.child.text()))
            try:
                line = self.child.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError("sluice discover exited; output:\n%s" % self.child.text())
            if line.startswith("{"):
                return {e["address"]: e["weight"] for e in json.loads(line)["endpoints"]}

    def wait_for_set(self, expected, timeout=10.0):
        """Reads sets until one equals `expected`; returns how long it took."""
        started = time.monotonic()
        while True:
            current = self.next_set(timeout=max(0.1, timeout - (time.monotonic() - started)))
            if current == expected:
                return time.monotonic() - started

    def assert_quiet(self, seconds):
        """No new set for `seconds` (used only to check that a failure does not drop the last set)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.child.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                continue
            assert line is not None and not line.startswith("{"), "unexpected output: %r" % line

    def stop(self):
        return self.child.stop()


@pytest.fixture
def discover(sluice_bin, workdir):
    started = []

    def start(*args, prefix=()):
        d = Discover(sluice_bin, workdir, [str(a) for a in args], prefix=prefix)
        started.append(d)
        return d

    yield start
    for d in started:
        d.stop()


def test_etcd_kitex_entries_come_and_go(etcd, discover):
    etcd.register("127.0.0.1:8888", tags={"cluster": "a"})
    d = discover("--etcd", etcd.address, "--service", "echo")
    assert d.next_set() == {"127.0.0.1:8888": 10}

    etcd.register("127.0.0.1:8889", weight=3, tags=None)
    assert d.wait_for_set({"127.0.0.1:8888": 10, "127.0.0.1:8889": 3}, timeout=2) < 2

    etcd.deregister("127.0.0.1:8888")
    assert d.wait_for_set({"127.0.0.1:8889": 3}, timeout=2) < 2

    # Another service's keys and a value Kitex could not read are not endpoints; the bad one is logged.
    etcd.put_raw("kitex/registry-etcd/other/127.0.0.1:7000", json.dumps({"address": "127.0.0.1:7000"}))
    etcd.put_raw(PREFIX + "bad", "{not json")
    etcd.register("127.0.0.1:8890", weight=0)  # weight 0 reads as Kitex's default 10
    assert d.wait_for_set({"127.0.0.1:8889": 3, "127.0.0.1:8890": 10}, timeout=2) < 2
    assert d.stop() == 0
    assert "etcd registry value skipped" in d.child.text()


def test_etcd_lease_expiry_removes_the_endpoint(etcd, discover):
    etcd.register("127.0.0.1:9001")
    etcd.register("127.0.0.1:9002", ttl=2)
    d = discover("--etcd", etcd.address, "--service", "echo")
    assert d.next_set() == {"127.0.0.1:9001": 10, "127.0.0.1:9002": 10}
    # etcd expires the lease about TTL seconds later; the DELETE reaches us at once.
    d.wait_for_set({"127.0.0.1:9001": 10}, timeout=8)


def test_lost_etcd_keeps_the_last_set_and_recovers(etcd, discover):
    etcd.register("127.0.0.1:8888")
    # A dead first address: the source tries the next one in turn.
    dead = "127.0.0.1:%d" % free_port()
    d = discover("--etcd", dead, "--etcd", etcd.address, "--service", "echo")
    assert d.next_set() == {"127.0.0.1:8888": 10}

    etcd.stop()
    d.assert_quiet(1.5)  # no empty set is printed while etcd is gone
    assert d.child.alive()
    assert "etcd lost; keeping the last endpoints" in d.child.text()

    etcd.start()  # same data, same ports
    etcd.register("127.0.0.1:8889")
    d.wait_for_set({"127.0.0.1:8888": 10, "127.0.0.1:8889": 10}, timeout=10)


def test_watch_compaction_re_ranges(etcd, discover):
    etcd.register("127.0.0.1:8888")
    d = discover("--etcd", etcd.address, "--service", "echo")
    assert d.next_set() == {"127.0.0.1:8888": 10}
    for port in range(9100, 9105):
        etcd.register("127.0.0.1:%d" % port)
    etcd.deregister("127.0.0.1:8888")
    expected = {"127.0.0.1:%d" % port: 10 for port in range(9100, 9105)}
    d.wait_for_set(expected, timeout=5)
    revision = int(etcd.call("/v3/kv/range", {"key": b64("x")})["header"]["revision"])
    etcd.call("/v3/kv/compaction", {"revision": revision, "physical": True})
    etcd.register("127.0.0.1:9200")
    expected["127.0.0.1:9200"] = 10
    d.wait_for_set(expected, timeout=5)


class BlackHole:
    """Accepts connections and reads them, but never answers: an etcd that hangs."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.held:
            connection.close()


class FreezableProxy:
    """A TCP relay to `port` that can be frozen: it then stops relaying and stops accepting, and holds every
    connection open, as a hung etcd (or a black-holed network path) would."""

    def __init__(self, port):
        self.port = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        self.running = threading.Event()
        self.running.set()
        self.sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if not self.running.is_set():
                continue  # frozen: held, never relayed
            upstream = socket.create_connection(("127.0.0.1", self.port))
            self.sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self.running.wait()
                sink.sendall(data)
        except OSError:
            pass

    def freeze(self):
        self.running.clear()

    def close(self):
        self.running.set()
        self.listener.close()
        for s in self.sockets:
            s.close()


def test_etcd_that_never_answers_is_left_for_the_next(etcd, discover):
    etcd.register("127.0.0.1:8888")
    hole = BlackHole()
    try:
        # Without a range timeout the source would wait on the first address for ever.
        d = discover("--etcd", hole.address, "--etcd", etcd.address, "--service", "echo",
                     "--request-timeout", "300ms")
        assert d.next_set(timeout=15) == {"127.0.0.1:8888": 10}
        assert "etcd did not answer the range" in d.child.text()
    finally:
        hole.close()


def test_etcd_that_hangs_while_watched_is_left_for_the_next(etcd, discover):
    etcd.register("127.0.0.1:8888")
    proxy = FreezableProxy(etcd.client_port)
    try:
        d = discover("--etcd", proxy.address, "--etcd", etcd.address, "--service", "echo",
                     "--request-timeout", "300ms", "--probe-interval", "200ms")
        assert d.next_set() == {"127.0.0.1:8888": 10}
        # The watch through the proxy goes silent; only the probe can tell, and the source moves on.
        proxy.freeze()
        etcd.register("127.0.0.1:8889")
        d.wait_for_set({"127.0.0.1:8888": 10, "127.0.0.1:8889": 10}, timeout=15)
        assert "etcd did not answer a liveness probe" in d.child.text()
    finally:
        proxy.close()


def unshare_works():
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "--mount", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def test_dns_follows_a_hosts_file(sluice_bin, workdir, discover):
    if not unshare_works():
        pytest.skip("unshare --mount is not permitted here (needs root or user namespaces)")
    hosts = workdir / "hosts"
    hosts.write_text("127.0.0.1 localhost\n127.0.0.11 backend.sluice.test\n127.0.0.12 backend.sluice.test\n")
    # A private mount namespace where /etc/hosts is our file; the discover process sees every rewrite.
    script = 'mount --bind "$1" /etc/hosts && shift && exec "$@"'
    d = discover("--dns", "backend.sluice.test:9090", "--interval", "200ms",
                 prefix=["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(hosts)])
    assert d.next_set() == {"127.0.0.11:9090": 1, "127.0.0.12:9090": 1}

    def rewrite(text):
        # In place (same inode): a bind mount pins the inode, so a rename would not be seen.
        with open(hosts, "r+") as f:
            f.seek(0)
            f.write(text)
            f.truncate()

    rewrite("127.0.0.1 localhost\n127.0.0.13 backend.sluice.test\n127.0.0.12 backend.sluice.test\n")
    d.wait_for_set({"127.0.0.12:9090": 1, "127.0.0.13:9090": 1}, timeout=5)

    # The name vanishing is a failed resolution: the last set stays.
    rewrite("127.0.0.1 localhost\n")
    d.assert_quiet(1.0)
    rewrite("127.0.0.1 localhost\n127.0.0.14 backend.sluice.test\n")
    d.wait_for_set({"127.0.0.14:9090": 1}, timeout=5)
    assert d.stop() == 0
    assert "dns resolution failed; keeping the last endpoints" in d.child.text()


def test_discover_rejects_bad_arguments(sluice):
    assert sluice("discover").returncode != 0
    assert "--service" in sluice("discover", "--etcd", "127.0.0.1:2379").stderr
    assert "host:port" in sluice("discover", "--dns", "nohost").stderr
