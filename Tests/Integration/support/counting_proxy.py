"""A loopback TCP relay in front of a backend that counts the connections it is given.

The backend's side of a client's connection pool, observed without changing the backend: how many connections
were ever opened (`accepted`), how many are open now (`open`) and the most open at once (`peak`).
"""

import socket
import threading


class CountingProxy:
    def __init__(self, backend_port):
        self.backend_port = backend_port
        self.lock = threading.Lock()
        self.accepted = 0
        self.open = 0
        self.peak = 0
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self.listener.getsockname()[1]
        self.closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def counts(self):
        with self.lock:
            return {"accepted": self.accepted, "open": self.open, "peak": self.peak}

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.backend_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.accepted += 1
                self.open += 1
                self.peak = max(self.peak, self.open)
            done = threading.Semaphore(0)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink, done), daemon=True).start()
            threading.Thread(target=self._reap, args=(client, upstream, done), daemon=True).start()

    @staticmethod
    def _pipe(source, sink, done):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            # Either side closing ends the relayed connection as a whole.
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            done.release()

    def _reap(self, client, upstream, done):
        done.acquire()
        done.acquire()
        client.close()
        upstream.close()
        with self.lock:
            self.open -= 1

    def close(self):
        self.listener.close()
