"""Big bodies through the gateway with its memory watched: the gateway's VmRSS is sampled while curl streams
a body up (from a pipe, never held whole here) or down (counted as it arrives)."""

import hashlib
import json
import pathlib
import subprocess
import threading

PATTERN = bytes(range(256)) * 256  # 64 KiB, the echo upstream's download pattern
MiB = 1 << 20


def vm_rss_kib(pid):
    for line in pathlib.Path("/proc/%d/status" % pid).read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


def rss_growth_mib(pid, transfer):
    """Runs `transfer()` while sampling `pid`'s VmRSS; returns the peak's growth over the start, in MiB."""
    before = vm_rss_kib(pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.wait(0.05):
            peak[0] = max(peak[0], vm_rss_kib(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        transfer()
    finally:
        done.set()
        sampler.join()
    return (max(peak[0], vm_rss_kib(pid)) - before) / 1024


def upload(command, size):
    """Pipes `size` bytes of the pattern into `command` (curl reading stdin); returns the upstream's JSON echo
    and the SHA-256 of what was sent."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    digest = hashlib.sha256()
    block = PATTERN * 16
    for _ in range(size // len(block)):
        process.stdin.write(block)
        digest.update(block)
    process.stdin.close()
    out = process.stdout.read()
    assert process.wait(timeout=120) == 0, process.stderr.read()
    return json.loads(out), digest.hexdigest()


def download(command):
    """Runs `command` (curl printing a body); returns how many bytes it printed."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    received = 0
    while data := process.stdout.read(1 << 20):
        received += len(data)
    assert process.wait(timeout=120) == 0
    return received
