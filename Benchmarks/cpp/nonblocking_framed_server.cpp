// Apache Thrift's TNonblockingServer (libevent) with TFramedTransport + TBinaryProtocol, serving the echo
// service: the framed backend of Benchmarks/e2e.sh. Framed carries one call per connection at a time, so
// the gateway needs a pool; the accept counter shows whether it keeps its connections.
#include "ConnectionCounter.h"
#include "EchoHandler.h"
#include "ListenPort.h"

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TNonblockingServer.h>
#include <thrift/transport/TNonblockingServerSocket.h>

#include <cstdio>

using apache::thrift::protocol::TBinaryProtocolFactory;
using apache::thrift::server::TNonblockingServer;
using apache::thrift::transport::TNonblockingServerSocket;

int main(int argc, char** argv) {
    int port = parseListenPort(argc, argv);
    if (port < 0) {
        std::fprintf(stderr, "usage: %s PORT   (listens on 127.0.0.1:PORT; SIGUSR1 prints the accept count)\n", argv[0]);
        return 64;
    }
    auto counter = std::make_shared<ConnectionCounter>();
    startConnectionReporter(counter);

    auto processor = std::make_shared<EchoServiceProcessor>(std::make_shared<EchoHandler>());
    auto socket = std::make_shared<TNonblockingServerSocket>("127.0.0.1", port);
    // TNonblockingServer always frames; no thread manager, so calls run on the single I/O thread, the
    // way a small echo service would be deployed.
    TNonblockingServer server(processor, std::make_shared<TBinaryProtocolFactory>(), socket);
    server.setServerEventHandler(counter);
    std::printf("listening 127.0.0.1:%d nonblocking framed binary\n", port);
    std::fflush(stdout);
    server.serve();
    return 0;
}
