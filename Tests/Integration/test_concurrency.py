"""Many requests at once through the gateway over a multiplexed transport: each gets its own answer."""

import concurrent.futures
import os

import pytest

from conftest import ECHO_IDL, store_service

PARALLEL = 200


def connections_to(pid, port):
    """TCP connections process `pid` has open to 127.0.0.1:`port` (its sockets matched against /proc/net/tcp)."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    count = 0
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            remote, state, inode = fields[2], fields[3], fields[9]
            if state == "01" and remote == "0100007F:%04X" % port and inode in inodes:
                count += 1
    return count


def fire(gw, requests):
    """Sends every (path, body, expected) at once; returns the mismatches."""
    def one(request):
        path, body, check = request
        response = gw.post(path, body, timeout=30)
        return None if response.status == 200 and check(response.json) else (path, body, response)

    with concurrent.futures.ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return [r for r in pool.map(one, requests) if r is not None]


@pytest.mark.parametrize("backend_name", ["theader-python", "ttheader-demo"])
def test_parallel_requests_over_two_multiplexed_connections(start_gateway, python_backends, demo_backend,
                                                            backend_name):
    if backend_name == "theader-python":
        port = python_backends["theader"].port
        service = store_service("s", python_backends["theader"].address, "theader", "binary", timeout="10s",
                                connections=2)
    else:
        port = demo_backend.port
        service = store_service("s", demo_backend.address, "ttheader", "binary", timeout="10s",
                                connections=2)
    gw = start_gateway({
        "services": [service],
        "routes": [{"method": "POST", "path": "/echo", "service": "s", "call": "StoreService.echoItem",
                    "body": "item"}],
    })
    requests = [("/echo", {"id": i, "name": "n%d" % i, "tags": [str(i)] * (i % 7)},
                 lambda out, i=i: out["id"] == i and out["name"] == "n%d" % i and out.get("tags", []) == [str(i)] * (i % 7))
                for i in range(PARALLEL)]
    failures = fire(gw, requests)
    assert failures == [], failures[:5]
    opened = connections_to(gw.child.proc.pid, port)
    assert opened == 2, "the gateway has %d connections to the backend" % opened


def test_parallel_echo_over_ttheader(start_gateway, demo_backend):
    gw = start_gateway({
        "services": [{"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                      "endpoints": [demo_backend.address], "timeout": "10s"}],
        "routes": [{"method": "POST", "path": "/echo/{req.name}", "service": "echo", "call": "EchoService.Say",
                    "body": "req"}],
    })
    requests = [("/echo/n%d" % i, {"message": "m" * i},
                 lambda out, i=i: out == {"name": "n%d" % i, "message": "m" * i})
                for i in range(PARALLEL)]
    failures = fire(gw, requests)
    assert failures == [], failures[:5]
