"""The store example's StoreService on Apache Thrift's Python library, for Sluice's integration tests.

Usage: store_server.py --gen-dir DIR --transport theader|framed|buffered --protocol binary|compact [--log-calls]

Listens on 127.0.0.1 on a free port and prints `listening <port>` on stdout once it accepts connections. With
`--log-calls` it prints `call <method> in_flight=<n> at=<seconds>` as each call starts (n counts calls of every
method then running, this one included; `at` is `time.monotonic()`, CLOCK_MONOTONIC, the clock Sluice's flow
windows are aligned to), so a test can count what reached the backend, how many ran at once, and when.
Each connection gets its own thread; requests on one connection are answered in order (which is what a
multiplexed THeader client must cope with). Handler state is in memory and shared by all connections.
"""

import argparse
import socket
import sys
import threading
import time


def build_handler(ttypes, ctypes, TApplicationException):
    class Handler:
        def __init__(self):
            self.lock = threading.Lock()
            self.items = {}
            self.logged = []
            for item in seed_items(ttypes, ctypes):
                self.items[item.id] = item

        def ping(self):
            return "pong"

        def getItem(self, req):
            with self.lock:
                item = self.items.get(req.id)
            if item is None:
                raise ctypes.NotFound(id=str(req.id), message="no item %d" % req.id)
            return item

        def createItem(self, req):
            item = req.item
            if not item.name:
                raise ctypes.Invalid(field="item.name", reason="must not be empty")
            if not req.dry_run:
                with self.lock:
                    self.items[item.id] = item
            return item

        def search(self, req):
            with self.lock:
                items = sorted(self.items.values(), key=lambda i: i.id)
            if req.q:
                items = [i for i in items if req.q.lower() in i.name.lower()]
            if req.color is not None:
                items = [i for i in items if i.colors and req.color in i.colors]
            return ttypes.SearchResult(items=items[: max(req.limit, 0)], total=len(items))

        def deleteItem(self, req):
            with self.lock:
                if self.items.pop(req.id, None) is None:
                    raise ctypes.NotFound(id=str(req.id), message="no item %d" % req.id)

        def find(self, selector):
            with self.lock:
                items = sorted(self.items.values(), key=lambda i: i.id)
            if selector.id is not None:
                found = [i for i in items if i.id == selector.id]
                key = str(selector.id)
            elif selector.name is not None:
                found = [i for i in items if i.name == selector.name]
                key = selector.name
            elif selector.tags is not None:
                if not selector.tags:
                    raise ctypes.Invalid(field="selector.tags", reason="must not be empty")
                found = [i for i in items if i.tags and set(selector.tags) <= set(i.tags)]
                key = ",".join(selector.tags)
            else:
                raise ctypes.Invalid(field="selector", reason="no field set")
            if not found:
                raise ctypes.NotFound(id=key, message="nothing matches %s" % key)
            return found[0]

        def echoItem(self, item):
            return item

        def logEvent(self, event, attrs):
            with self.lock:
                self.logged.append(event)

        def events(self):
            with self.lock:
                return list(self.logged)

        def fail(self, type, message):
            raise TApplicationException(type, message)

        def slow(self, millis):
            time.sleep(millis / 1000.0)
            return "slept %d ms" % millis

    return Handler()


class CallLog:
    """Wraps a handler: prints each call as it starts, with the number of calls running at that moment."""

    def __init__(self, handler):
        self._handler = handler
        self._lock = threading.Lock()
        self._running = 0

    def __getattr__(self, name):
        method = getattr(self._handler, name)
        if not callable(method):
            return method

        def logged(*args):
            at = time.monotonic()
            with self._lock:
                self._running += 1
                print("call %s in_flight=%d at=%.6f" % (name, self._running, at), flush=True)
            try:
                return method(*args)
            finally:
                with self._lock:
                    self._running -= 1

        return logged


def seed_items(ttypes, ctypes):
    """The same three items Sluice's demo backend starts with."""
    return [
        ttypes.Item(id=1, name="Widget", description="A small widget",
                    price=ctypes.Money(units=12, nanos=500000000, currency="EUR"),
                    status=ctypes.Status.ACTIVE, tags=["tools", "small"], colors={ttypes.Color.RED},
                    stock={"berlin": 3, "paris": 0}, featured=True, rating=4, shelf=12, weight=0.25),
        ttypes.Item(id=2, name="Gadget", price=ctypes.Money(units=99, nanos=0, currency="USD"),
                    status=ctypes.Status.ACTIVE, tags=["tools"], colors={ttypes.Color.GREEN, ttypes.Color.BLUE},
                    rating=5, shelf=3, weight=1.5),
        ttypes.Item(id=3, name="Gizmo", status=ctypes.Status.DISCONTINUED, tags=["toys"], weight=1.5),
    ]


def tls_server_socket(args):
    """Apache Thrift's TLS server socket; with a client CA, clients must present a certificate it signed."""
    import ssl

    from thrift.transport import TSSLSocket

    # A context of our own: thrift 0.25 checks `cert_reqs` against a client-side default context and refuses
    # a plain server without `ca_certs`.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    options = {"ssl_context": context}
    if args.tls_client_ca:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(args.tls_client_ca)
        # The default callback wants the client's address among its certificate's IP names; a client
        # certificate names a client, not an address, so the CA's signature is the check here.
        options["validate_callback"] = lambda cert, address: None
    return TSSLSocket.TSSLServerSocket(host="127.0.0.1", port=0, **options)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--transport", choices=["theader", "framed", "buffered"], required=True)
    parser.add_argument("--protocol", choices=["binary", "compact"], default="binary")
    parser.add_argument("--tls-cert", help="serve TLS (TSSLServerSocket) with this PEM certificate")
    parser.add_argument("--tls-key", help="the certificate's PEM key")
    parser.add_argument("--tls-client-ca", help="require a client certificate signed by this CA (mTLS)")
    parser.add_argument("--log-calls", action="store_true", help="print each call as it starts, with the calls running")
    args = parser.parse_args()
    sys.path.insert(0, args.gen_dir)

    from thrift.Thrift import TApplicationException
    from thrift.protocol import TBinaryProtocol, TCompactProtocol
    from thrift.protocol.THeaderProtocol import THeaderProtocolFactory
    from thrift.server import TServer
    from thrift.transport import TSocket, TTransport
    from thrift.transport.THeaderTransport import THeaderClientType, THeaderSubprotocolID

    from common import ttypes as ctypes
    from store import StoreService
    from store import ttypes

    handler = build_handler(ttypes, ctypes, TApplicationException)
    if args.log_calls:
        handler = CallLog(handler)
    processor = StoreService.Processor(handler)

    if args.transport == "theader":
        default = THeaderSubprotocolID.COMPACT if args.protocol == "compact" else THeaderSubprotocolID.BINARY
        tfactory = TTransport.TTransportFactoryBase()
        pfactory = THeaderProtocolFactory(allowed_client_types=(THeaderClientType.HEADERS,), default_protocol=default)
    else:
        if args.transport == "framed":
            tfactory = TTransport.TFramedTransportFactory()
        else:
            tfactory = TTransport.TBufferedTransportFactory()
        if args.protocol == "compact":
            pfactory = TCompactProtocol.TCompactProtocolFactory()
        else:
            pfactory = TBinaryProtocol.TBinaryProtocolFactory(strictRead=True, strictWrite=True)

    if args.tls_cert:
        server_socket = tls_server_socket(args)
    else:
        server_socket = TSocket.TServerSocket(host="127.0.0.1", port=0, socket_family=socket.AF_INET)
    server = TServer.TThreadedServer(processor, server_socket, tfactory, pfactory, daemon=True)
    # Listen here rather than in serve(), so the chosen port can be reported before the first accept.
    server_socket.listen()
    server_socket.listen = lambda: None
    port = server_socket.handle.getsockname()[1]
    print("listening %d" % port, flush=True)
    server.serve()


if __name__ == "__main__":
    main()
