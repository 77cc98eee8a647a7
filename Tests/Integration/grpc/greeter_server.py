"""grpcio serving greeter.proto for test_call_grpc.py, from Python code that protoc (grpcio-tools) generated
into the directory named by --gen. Hello echoes its request back with a greeting, `big` + 1 and the
`x-user` metadata; Fail aborts with NOT_FOUND, a message and a google.rpc.Status in grpc-status-details-bin
whose details hold the request (an Any). Prints `listening PORT`."""

import argparse
import sys
from concurrent import futures

import grpc
from google.protobuf import any_pb2
from google.rpc import status_pb2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    args = parser.parse_args()
    sys.path.insert(0, args.gen)
    import greeter_pb2
    import greeter_pb2_grpc

    class Greeter(greeter_pb2_grpc.GreeterServicer):
        def Hello(self, request, context):
            user = dict(context.invocation_metadata()).get("x-user", "")
            return greeter_pb2.HelloReply(
                greeting="hello " + request.name, big=request.big + 1, tags=request.tags, at=request.at,
                counts=request.counts, mood=request.mood, user=user)

        def Fail(self, request, context):
            detail = any_pb2.Any()
            detail.Pack(request)
            status = status_pb2.Status(code=grpc.StatusCode.NOT_FOUND.value[0], message="no such user: " + request.name,
                                       details=[detail])
            context.set_trailing_metadata([("grpc-status-details-bin", status.SerializeToString())])
            context.abort(grpc.StatusCode.NOT_FOUND, "no such user: " + request.name)

        def Watch(self, request, context):
            for index in range(3):
                yield greeter_pb2.HelloReply(greeting="%s %d" % (request.name, index))

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    greeter_pb2_grpc.add_GreeterServicer_to_server(Greeter(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("listening %d" % port, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
