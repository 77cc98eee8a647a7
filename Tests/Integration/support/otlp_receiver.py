"""An OTLP/HTTP trace receiver: POST /v1/traces with a protobuf ExportTraceServiceRequest, decoded by
OpenTelemetry's own generated classes (the opentelemetry-proto package), answered as the spec says."""

import http.server
import threading
import time

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2


def _value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


class OTLPReceiver:
    def __init__(self):
        self.spans = []
        self.requests = []
        self.errors = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    receiver._receive(self.path, self.headers.get("Content-Type"), body)
                except Exception as error:  # noqa: BLE001 (reported to the test)
                    receiver.errors.append(repr(error))
                reply = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _receive(self, path, content_type, body):
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(body)
        with self._lock:
            self.requests.append({"path": path, "content_type": content_type})
            for resource_spans in request.resource_spans:
                resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        self.spans.append({
                            "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                            "parent_span_id": span.parent_span_id.hex(), "name": span.name, "kind": span.kind,
                            "attributes": {a.key: _value(a.value) for a in span.attributes},
                            "status": span.status.code, "resource": resource,
                            "start": span.start_time_unix_nano, "end": span.end_time_unix_nano,
                        })

    def wait_for(self, predicate, timeout=20):
        """The spans once `predicate(spans)` holds (they arrive with each export interval)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                spans = list(self.spans)
            if predicate(spans) or time.monotonic() > deadline:
                return spans
            time.sleep(0.05)

    def span(self, trace_id, timeout=20):
        spans = self.wait_for(lambda spans: any(s["trace_id"] == trace_id for s in spans), timeout)
        return next((s for s in spans if s["trace_id"] == trace_id), None)

    def close(self):
        self._server.shutdown()
        self._server.server_close()
