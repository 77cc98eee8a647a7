// gRPC C++ (Debian's libgrpc++) echo server: every unary call, whatever its method, is answered with the
// request message's bytes, so it serves any .proto without generated code (a CallbackGenericService sees
// raw ByteBuffers). The independent gRPC backend of Benchmarks/e2e.sh, beside the Thrift C++ servers.
// Usage: grpc-echo-server [PORT]   (0 or none: a free port); prints "listening PORT".
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

// One call: read the request, write it back, finish OK (a second request message on a unary path is the
// client's error; it is not read).
class EchoReactor final : public grpc::ServerGenericBidiReactor {
public:
    EchoReactor() { StartRead(&message_); }

    void OnReadDone(bool ok) override {
        if (!ok) {
            Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
            return;
        }
        StartWriteAndFinish(&message_, grpc::WriteOptions(), grpc::Status::OK);
    }

    void OnDone() override { delete this; }

private:
    grpc::ByteBuffer message_;
};

class EchoService final : public grpc::CallbackGenericService {
public:
    grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
        return new EchoReactor();
    }
};

}  // namespace

int main(int argc, char** argv) {
    int requested = argc > 1 ? std::atoi(argv[1]) : 0;
    int port = 0;
    EchoService service;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(requested), grpc::InsecureServerCredentials(), &port);
    builder.RegisterCallbackGenericService(&service);
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (!server || port == 0) {
        std::fprintf(stderr, "grpc-echo-server: could not listen on 127.0.0.1:%d\n", requested);
        return 1;
    }
    std::printf("listening %d (gRPC C++ generic echo, h2c)\n", port);
    std::fflush(stdout);
    server->Wait();
    return 0;
}
