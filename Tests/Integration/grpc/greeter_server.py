"""grpcio serving greeter.proto for test_call_grpc.py, from Python code that protoc (grpcio-tools) generated
into the directory named by --gen. Hello echoes its request back with a greeting, `big` + 1 and the
`x-user` metadata; Fail aborts with NOT_FOUND, a message and a google.rpc.Status in grpc-status-details-bin
whose details hold the request (an Any). Watch streams three replies (for the name "fail", two, then
RESOURCE_EXHAUSTED); Collect greets every name it was sent, with the sum of their `big`; Chat greets each
request as it comes. --reflection picks server reflection: grpcio-reflection's v1alpha (the only one it
offers), the same servicer under grpc.reflection.v1's path, or none. Prints `listening PORT`."""

import argparse
import sys
from concurrent import futures

import grpc
from google.protobuf import any_pb2
from google.rpc import status_pb2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    parser.add_argument("--reflection", choices=["v1alpha", "v1", "none"], default="v1alpha")
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
                if request.name == "fail" and index == 2:
                    context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "quota used up")
                yield greeter_pb2.HelloReply(greeting="%s %d" % (request.name, index))

        def Collect(self, request_iterator, context):
            names, total = [], 0
            for request in request_iterator:
                names.append(request.name)
                total += request.big
            return greeter_pb2.HelloReply(greeting="hello " + ", ".join(names), big=total)

        def Chat(self, request_iterator, context):
            for request in request_iterator:
                yield greeter_pb2.HelloReply(greeting="hello " + request.name)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    greeter_pb2_grpc.add_GreeterServicer_to_server(Greeter(), server)
    add_reflection(server, args.reflection, [greeter_pb2.DESCRIPTOR.services_by_name["Greeter"].full_name])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("listening %d" % port, flush=True)
    server.wait_for_termination()


def add_reflection(server, version, services):
    if version == "none":
        return
    from grpc_reflection.v1alpha import reflection, reflection_pb2
    if version == "v1alpha":
        reflection.enable_server_reflection(services + [reflection.SERVICE_NAME], server)
        return
    # v1's messages are v1alpha's, field for field: the same servicer answers under v1's name.
    name = "grpc.reflection.v1.ServerReflection"
    servicer = reflection.ReflectionServicer(services + [name])
    handler = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo, request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(name, {"ServerReflectionInfo": handler}),))


if __name__ == "__main__":
    main()
