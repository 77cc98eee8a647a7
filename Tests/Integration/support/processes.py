"""Free ports, waiting for listeners, and child processes that are always reaped."""

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time


def free_port():
    """A loopback port nobody listens on right now (for a process that cannot report the one it bound)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10.0, host="127.0.0.1"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("nothing listens on %s:%d after %.1fs" % (host, port, timeout))


def port_is_closed(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return False
    except OSError:
        return True


class Child:
    """A child process whose output lines are collected (and logged to a file) by a reader thread.

    It runs in its own process group, so `stop()` also ends anything it started.
    """

    def __init__(self, args, log_path, env=None, cwd=None):
        self.args = args
        self.log_path = log_path
        self.lines = queue.Queue()
        self.output = []
        self._log = open(log_path, "a", buffering=1)
        self._log.write("$ %s\n" % " ".join(map(str, args)))
        self.proc = subprocess.Popen(
            [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, cwd=cwd, text=True, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self._log.write(line)
            self.output.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for_line(self, pattern, timeout=30.0):
        """The first match of `pattern` in an output line; fails if the process exits or time runs out."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("%s: no line matching %r in %.0fs; output:\n%s"
                                   % (self.args[0], pattern, timeout, self.text()))
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                self.proc.wait()
                raise RuntimeError("%s exited with %s before printing %r; output:\n%s"
                                   % (self.args[0], self.proc.returncode, pattern, self.text()))
            match = regex.search(line)
            if match:
                return match

    def text(self):
        return "".join(self.output)

    def alive(self):
        return self.proc.poll() is None

    def signal(self, sig):
        if self.alive():
            os.killpg(self.proc.pid, sig)

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL after `timeout`; returns the exit code."""
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._reader.join(timeout=5)
        self._log.close()
        return self.proc.returncode

    def kill(self):
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
