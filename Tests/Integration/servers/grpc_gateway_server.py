#!/usr/bin/env python3
"""grpcio serving grpc/gateway_test.proto and grpc/gateway_templates.proto for test_grpc_gateway*.py, from the
Python code protoc (grpcio-tools) generated into the directory named by --gen (support/grpc_gateway_peer.py).

Types.Echo answers its request and keeps it for Types.LastEcho (the differential test asks what arrived);
Orders, Search, GetFile and the Library methods answer what they were bound from; Status.Fail answers the
status code its request names (with the trailer x-trailer-note: failed N), and google.rpc.BadRequest and
ErrorInfo details when asked; Streams.Watch streams `a` messages (16 KiB each when b is "big", counted for
Streams.Produced, which answers b "STATE:A" of the last one; ending with a status when b is "fail:CODE:MESSAGE"), Streams.Chat answers each message with
a ten times larger `a`; Status.Headers answers the request's x-* metadata and sets x-served-by
(headers) and x-trailer-note (trailers); Status.Slow sleeps. Server reflection is on when grpcio-reflection is
installed.

Listens on 127.0.0.1 (a free port, or --port; over TLS with --cert and --key), prints `listening PORT`, and
exits when its stdin closes if stdin is a pipe; otherwise (stdin from /dev/null, as support.processes.Child
starts it) it runs until terminated.
"""
import argparse
import base64
import os
import stat
import sys
import threading
import time
from concurrent import futures

try:
    import grpc
except ImportError:
    print("grpcio is not installed (pip install 'grpcio>=1.60')", file=sys.stderr)
    sys.exit(3)
from google.protobuf import any_pb2, empty_pb2
from google.rpc import error_details_pb2, status_pb2

CODES = {code.value[0]: code for code in grpc.StatusCode}


def services(pb2, pb2_grpc, templates, templates_grpc, codec):
    lock = threading.Lock()
    last_echo = [codec.Everything()]
    # The last big Watch: messages handed to grpcio so far, and how it ended.
    watched = [0, "none", 0]

    class Types(pb2_grpc.TypesServicer):
        def Echo(self, request, context):
            with lock:
                last_echo[0] = request
            return request

        def LastEcho(self, request, context):
            with lock:
                return last_echo[0]

    class Orders(pb2_grpc.OrdersServicer):
        def CreateOrder(self, request, context):
            return pb2.CreateOrderResponse(order=request.order, request_id=request.request_id, dry_run=request.dry_run,
                                           created=not request.dry_run)

        def GetOrder(self, request, context):
            if request.order_id == "missing":
                context.abort(grpc.StatusCode.NOT_FOUND, "no order missing")
            return pb2.Order(customer_id=request.customer_id, id=request.order_id, items=request.read_mask.paths)

        def UpdateOrder(self, request, context):
            return request

        def DeleteOrder(self, request, context):
            return empty_pb2.Empty()

        def Search(self, request, context):
            return request

        def GetFile(self, request, context):
            return request

    class Status(pb2_grpc.StatusServicer):
        def Fail(self, request, context):
            if request.code == 0:
                return empty_pb2.Empty()
            code = CODES[request.code]
            trailers = [("x-trailer-note", "failed %d" % request.code)]
            for key, value in sorted(request.trailers.items()):
                trailers.append((key, base64.b64decode(value) if key.endswith("-bin") else value))
            if request.with_details or request.with_unknown_detail:
                violation = error_details_pb2.BadRequest.FieldViolation(
                    field="code", description="asked for %d" % request.code)
                bad = error_details_pb2.BadRequest(field_violations=[violation])
                info = error_details_pb2.ErrorInfo(
                    reason="ASKED", domain="sluice.test", metadata={"code": str(request.code)})
                details = []
                for detail in (bad, info) if request.with_details else ():
                    packed = any_pb2.Any()
                    packed.Pack(detail)
                    details.append(packed)
                if request.with_unknown_detail:
                    details.append(any_pb2.Any(type_url="type.googleapis.com/not.Loaded", value=b"\x08\x01"))
                status = status_pb2.Status(code=request.code, message=request.message, details=details)
                trailers.append(("grpc-status-details-bin", status.SerializeToString()))
            context.set_trailing_metadata(trailers)
            context.abort(code, request.message)

        def Headers(self, request, context):
            seen = {}
            for key, value in context.invocation_metadata():
                if key.startswith("x-") or key in ("traceparent", "tracestate"):
                    seen[key] = seen[key] + "," + value if key in seen else value
            context.send_initial_metadata([("x-served-by", "grpc-gateway-server")])
            context.set_trailing_metadata([("x-trailer-note", request.note or "none")])
            remaining = context.time_remaining()
            deadline = -1 if remaining is None else int(remaining * 1000)
            return pb2.HeadersReply(metadata=seen, note=request.note, deadline_millis=deadline)

        def Slow(self, request, context):
            deadline = time.monotonic() + request.millis / 1000
            while context.is_active() and time.monotonic() < deadline:
                time.sleep(0.01)
            return pb2.SlowReply(finished=True)

        def Describe(self, request, context):
            reasons = [violation.field for violation in request.field_violations]
            return error_details_pb2.ErrorInfo(reason=",".join(reasons), domain="describe")

    class Streams(pb2_grpc.StreamsServicer):
        def Watch(self, request, context):
            # b "big": 16 KiB messages, counted for Produced; b "fail:CODE:MESSAGE": that status after the messages.
            big = request.b == "big"
            payload = "x" * 16384 if big else ""
            context.send_initial_metadata((("x-served-by", "grpc-gateway-server"),))
            if big:
                with lock:
                    watched[:] = [0, "running", request.a]
                context.add_callback(lambda: watch_ended())
            for index in range(request.a):
                yield codec.Nested(a=index, b=payload)
                if big:
                    with lock:
                        watched[0] = index + 1
            if big:
                with lock:
                    watched[1] = "completed"
            if request.b.startswith("fail:"):
                _, code, message = request.b.split(":", 2)
                context.abort(CODES[int(code)], message)

        def Produced(self, request, context):
            with lock:
                return codec.Nested(a=watched[0], b="%s:%d" % (watched[1], watched[2]))

        def Upload(self, requests, context):
            return codec.Nested(a=sum(request.a for request in requests))

        def Chat(self, requests, context):
            for request in requests:
                yield codec.Nested(a=request.a * 10, b=request.b)

    def watch_ended():
        with lock:
            if watched[1] == "running":
                watched[1] = "cancelled"

    class Library(templates_grpc.LibraryServicer):
        def GetBook(self, request, context):
            return templates.Book(name=request.name, title="title of " + request.name)

        def ListBooks(self, request, context):
            return templates.ListBooksResponse(parent=request.parent, page_size=request.page_size)

        def CancelOrder(self, request, context):
            return templates.CancelOrderResponse(order_id=request.order_id, reason=request.reason, cancelled=True)

    return [
        (pb2_grpc.add_TypesServicer_to_server, Types()),
        (pb2_grpc.add_OrdersServicer_to_server, Orders()),
        (pb2_grpc.add_StatusServicer_to_server, Status()),
        (pb2_grpc.add_StreamsServicer_to_server, Streams()),
        (templates_grpc.add_LibraryServicer_to_server, Library()),
    ]


def enable_reflection(server, pb2, templates):
    try:
        from grpc_reflection.v1alpha import reflection
    except ImportError:
        return False
    names = [service.full_name
             for module in (pb2, templates) for service in module.DESCRIPTOR.services_by_name.values()]
    reflection.enable_server_reflection(names + [reflection.SERVICE_NAME], server)
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    parser.add_argument("--port", type=int, default=0, help="the port to listen on (0: a free one)")
    parser.add_argument("--cert", help="serve h2 over TLS with this certificate (PEM) and --key")
    parser.add_argument("--key")
    args = parser.parse_args()
    sys.path.insert(0, args.gen)
    import codec_types_pb2
    import gateway_templates_pb2
    import gateway_templates_pb2_grpc
    import gateway_test_pb2
    import gateway_test_pb2_grpc

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    modules = (gateway_test_pb2, gateway_test_pb2_grpc, gateway_templates_pb2, gateway_templates_pb2_grpc)
    for add, servicer in services(*modules, codec_types_pb2):
        add(servicer, server)
    reflecting = enable_reflection(server, gateway_test_pb2, gateway_templates_pb2)
    address = "127.0.0.1:%d" % args.port
    if args.cert:
        with open(args.cert, "rb") as cert, open(args.key, "rb") as key:
            port = server.add_secure_port(address, grpc.ssl_server_credentials([(key.read(), cert.read())]))
    else:
        port = server.add_insecure_port(address)
    server.start()
    print("reflection %s" % ("on" if reflecting else "off (grpcio-reflection is not installed)"), flush=True)
    print("listening %d" % port, flush=True)
    if stat.S_ISFIFO(os.fstat(0).st_mode):
        sys.stdin.read()
        os._exit(0)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
