"""grpcio serving passthrough.proto for test_grpc_passthrough.py, from Python code that protoc (grpcio-tools)
generated into the directory named by --gen. Unary echoes the text with the `x-user` metadata, sends the
initial metadata `x-served-by: relay` and the trailer `x-trace` (the text's first 16 characters); Split
streams `count` notes; Join joins the texts it was sent; Echo answers each note as it comes; Fail aborts with
INVALID_ARGUMENT and a trailer, or with the status its `x-status` metadata names (`OK` echoes the note); Slow
sleeps 3 s; Deadline answers the deadline it saw left. Prints `listening PORT`, and with --log-calls
`call METHOD TEXT` as each call starts."""

import argparse
import sys
import time
from concurrent import futures

import grpc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    parser.add_argument("--log-calls", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, args.gen)
    import passthrough_pb2 as pb
    import passthrough_pb2_grpc as pb_grpc

    def logged(method):
        def call(self, request, context):
            if args.log_calls:
                text = request.text if hasattr(request, "text") else "-"
                print("call %s %s" % (method.__name__, text), flush=True)
            return method(self, request, context)
        call.__name__ = method.__name__
        return call

    class Relay(pb_grpc.RelayServicer):
        @logged
        def Unary(self, request, context):
            user = dict(context.invocation_metadata()).get("x-user", "")
            context.send_initial_metadata([("x-served-by", "relay")])
            context.set_trailing_metadata([("x-trace", request.text[:16])])
            return pb.Note(text="%s from %s" % (request.text, user), count=request.count + 1)

        def Split(self, request, context):
            for index in range(request.count):
                yield pb.Note(text="%s %d" % (request.text, index), count=index)

        def Join(self, request_iterator, context):
            texts = [note.text for note in request_iterator]
            return pb.Note(text="+".join(texts), count=len(texts))

        @logged
        def Echo(self, request_iterator, context):
            for note in request_iterator:
                yield pb.Note(text="echo " + note.text, count=note.count)

        @logged
        def Fail(self, request, context):
            status = dict(context.invocation_metadata()).get("x-status", "INVALID_ARGUMENT")
            if status == "OK":
                return request
            context.set_trailing_metadata([("x-reason", "bad-input")])
            context.abort(grpc.StatusCode[status], "bad text: " + request.text)

        def Slow(self, request, context):
            time.sleep(3)
            return request

        def Deadline(self, request, context):
            remaining = context.time_remaining()
            return pb.Note(remaining=-1 if remaining is None else remaining)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    pb_grpc.add_RelayServicer_to_server(Relay(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("listening %d" % port, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
