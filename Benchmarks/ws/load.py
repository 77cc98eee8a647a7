#!/usr/bin/env python3
"""WebSocket RPC load for Benchmarks/e2e.sh (set-up sluice-ws-ttheader-demo).

Opens SOCKETS WebSockets to Sluice's `--websocket-path`, spread over PROCESSES worker processes, and keeps
IN_FLIGHT request messages outstanding on each: every message is
    {"id": N, "method": "POST", "path": PATH, "body": <the JSON of --body>}
and its reply {"id": N, "status": ..., "body": ...} is matched by id (replies come in any order). Each
worker connects all its sockets, waits for the others, sends for SECONDS, then waits for the replies still
owed (at most --drain seconds). Prints one summary, parsed by Benchmarks/lib/ws-load.sh:
    messages: 12345 answered in 3.004 s, 4109.9 messages/s
    latency ms: p50 1.52, p90 2.10, p99 3.40, max 10.20
    errors: 0 (non-200 replies 0, closed sockets 0, unanswered 0, unmatched replies 0)
    client CPU: 2.10 s, 170.3 µs per message
Latency is from handing a message to the socket to reading its reply, nearest-rank percentiles over every
answered message. Python is slow next to the gateway: on a small machine messages/s is bounded by this
client, so use several processes and read the gateway's CPU per message as the comparable figure.

--check sends one message on one socket and exits 0 only if it is answered 200 with the request's body.
Only the `websockets` package is needed (Benchmarks/install-deps.sh installs it).
"""

import argparse
import asyncio
import json
import multiprocessing
import sys
import time
from array import array

import websockets

# No permessage-deflate (Sluice negotiates no extension) and no client pings: the run measures RPC traffic.
CONNECT_OPTIONS = {"compression": None, "ping_interval": None, "max_size": 16 * 1024 * 1024, "open_timeout": 10}


def message_parts(path, body_file):
    """The request message as text around its id, built once: a message is prefix + str(id) + suffix."""
    with open(body_file, "rb") as f:
        body = f.read().decode("utf-8").strip()
    json.loads(body)  # a broken payload fails here, not as 400 replies
    return '{"id": ', ', "method": "POST", "path": ' + json.dumps(path) + ', "body": ' + body + "}"


class Tally:
    """One worker's figures, sent to the parent as plain values."""

    def __init__(self):
        self.latencies_us = array("q")
        self.non_ok = 0
        self.closed = 0
        self.unanswered = 0
        self.unmatched = 0

    def as_dict(self, elapsed, cpu):
        return {"latencies": self.latencies_us.tobytes(), "non_ok": self.non_ok, "closed": self.closed,
                "unanswered": self.unanswered, "unmatched": self.unmatched, "elapsed": elapsed, "cpu": cpu}


async def drive(ws, prefix, suffix, in_flight, deadline_ns, drain_s, tally):
    """Keeps in_flight messages outstanding on ws until deadline_ns, then waits for the owed replies."""
    pending = {}  # id -> perf_counter_ns when sent
    window = asyncio.Semaphore(in_flight)
    drained = asyncio.Event()
    stopping = False

    async def receive():
        nonlocal stopping
        try:
            async for text in ws:
                now = time.perf_counter_ns()
                try:
                    reply = json.loads(text)
                    sent_at = pending.pop(reply["id"], None)
                    status = reply["status"]
                except (ValueError, KeyError, TypeError):
                    sent_at, status = None, None
                if sent_at is None:
                    tally.unmatched += 1
                    continue
                tally.latencies_us.append((now - sent_at) // 1000)
                if status != 200:
                    tally.non_ok += 1
                window.release()
                if stopping and not pending:
                    drained.set()
            tally.closed += 1  # the gateway closed the socket before we did
        except websockets.exceptions.ConnectionClosed:
            tally.closed += 1
        finally:
            # Wakes a sender waiting for a free slot, and the drain, on a dead socket.
            window.release()
            drained.set()

    receiver = asyncio.create_task(receive())
    next_id = 0
    try:
        while time.perf_counter_ns() < deadline_ns:
            await window.acquire()
            if receiver.done() or time.perf_counter_ns() >= deadline_ns:
                break
            next_id += 1
            pending[next_id] = time.perf_counter_ns()
            await ws.send(prefix + str(next_id) + suffix)
    except websockets.exceptions.ConnectionClosed:
        pass  # counted by the receiver
    stopping = True
    if pending and not receiver.done():
        try:
            await asyncio.wait_for(drained.wait(), drain_s)
        except asyncio.TimeoutError:
            pass
    tally.unanswered += len(pending)
    receiver.cancel()
    try:
        await receiver
    except asyncio.CancelledError:
        pass


async def connect_all(url, count, tally):
    sockets = await asyncio.gather(*(websockets.connect(url, **CONNECT_OPTIONS) for _ in range(count)),
                                   return_exceptions=True)
    opened = []
    for ws in sockets:
        if isinstance(ws, BaseException):
            tally.closed += 1
            print(f"load.py: connect to {url} failed: {ws!r}", file=sys.stderr)
        else:
            opened.append(ws)
    return opened


async def worker_run(args, sockets, barrier):
    prefix, suffix = message_parts(args.path, args.body)
    tally = Tally()
    opened = await connect_all(args.url, sockets, tally)
    # Every worker starts sending at the same moment, connections made.
    await asyncio.get_running_loop().run_in_executor(None, barrier.wait, 30)
    start = time.perf_counter_ns()
    cpu_start = time.process_time()
    deadline = start + int(args.seconds * 1e9)
    await asyncio.gather(*(drive(ws, prefix, suffix, args.in_flight, deadline, args.drain, tally) for ws in opened))
    elapsed = (time.perf_counter_ns() - start) / 1e9
    cpu = time.process_time() - cpu_start
    await asyncio.gather(*(ws.close() for ws in opened), return_exceptions=True)
    return tally.as_dict(elapsed, cpu)


def worker(args, sockets, barrier, results):
    try:
        results.put(asyncio.run(worker_run(args, sockets, barrier)))
    except BaseException as error:  # the parent must hear from every worker
        barrier.abort()
        results.put({"failure": repr(error)})


def nearest_rank(sorted_values, percent):
    """The smallest value with at least percent % of the values at or below it (integer arithmetic)."""
    rank = max(1, -(-percent * len(sorted_values) // 100))
    return sorted_values[rank - 1]


def run_load(args):
    # Sockets as evenly as possible over the processes.
    shares = [args.sockets // args.processes + (1 if i < args.sockets % args.processes else 0)
              for i in range(args.processes)]
    barrier = multiprocessing.Barrier(args.processes)
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(args, share, barrier, results)) for share in shares]
    for w in workers:
        w.start()
    outcomes = [results.get() for _ in workers]
    for w in workers:
        w.join()
    failures = [o["failure"] for o in outcomes if "failure" in o]
    if failures:
        sys.exit(f"load.py: a worker failed: {failures[0]}")

    latencies = array("q")
    for o in outcomes:
        latencies.frombytes(o["latencies"])
    answered = len(latencies)
    elapsed = max(o["elapsed"] for o in outcomes)
    counts = {key: sum(o[key] for o in outcomes) for key in ("non_ok", "closed", "unanswered", "unmatched")}
    errors = sum(counts.values())
    print(f"websocket RPC load: {args.url}, {args.processes} processes, {args.sockets} sockets x "
          f"{args.in_flight} in flight, {args.seconds:g} s, websockets {websockets.__version__}")
    print(f"messages: {answered} answered in {elapsed:.3f} s, {answered / elapsed:.1f} messages/s")
    if answered:
        ordered = sorted(latencies)
        p50, p90, p99 = (nearest_rank(ordered, p) / 1000 for p in (50, 90, 99))
        print(f"latency ms: p50 {p50:.2f}, p90 {p90:.2f}, p99 {p99:.2f}, max {ordered[-1] / 1000:.2f}")
    print(f"errors: {errors} (non-200 replies {counts['non_ok']}, closed sockets {counts['closed']}, "
          f"unanswered {counts['unanswered']}, unmatched replies {counts['unmatched']})")
    if not answered:
        sys.exit("load.py: no message was answered")
    # Beside the gateway's CPU per message: how much the client itself needed, all processes together.
    cpu = sum(o["cpu"] for o in outcomes)
    print(f"client CPU: {cpu:.2f} s, {cpu * 1e6 / answered:.1f} µs per message")


async def check(args):
    """One message; the reply must be status 200 with a body equal to the request's."""
    prefix, suffix = message_parts(args.path, args.body)
    with open(args.body, "rb") as f:
        expected = json.load(f)
    async with websockets.connect(args.url, **CONNECT_OPTIONS) as ws:
        await ws.send(prefix + "1" + suffix)
        text = await asyncio.wait_for(ws.recv(), 10)
    reply = json.loads(text)
    if reply.get("id") != 1 or reply.get("status") != 200 or reply.get("body") != expected:
        sys.exit(f"load.py: the reply is not status 200 with the request's body: {text[:400]}")
    print(f"reply status 200, {len(text)} byte message, body equal to the request JSON")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="ws://HOST:PORT/PATH of the gateway's WebSocket endpoint")
    parser.add_argument("--body", required=True, help="JSON file: the body of every request message")
    parser.add_argument("--path", default="/bench/echo", help="the route each message calls (POST)")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--sockets", type=int, default=8)
    parser.add_argument("--in-flight", type=int, default=8, help="messages outstanding per socket")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--drain", type=float, default=5, help="seconds to wait for owed replies at the end")
    parser.add_argument("--check", action="store_true", help="one message, checked; no load")
    args = parser.parse_args()
    if args.check:
        asyncio.run(check(args))
        return
    if args.seconds <= 0 or args.in_flight < 1 or args.processes < 1 or args.sockets < args.processes:
        parser.error("--seconds must be positive, --in-flight and --processes at least 1, --sockets at least --processes")
    run_load(args)


if __name__ == "__main__":
    main()
