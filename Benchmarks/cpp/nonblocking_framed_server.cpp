// Apache Thrift's TNonblockingServer (libevent) with TFramedTransport + TBinaryProtocol, serving the echo
// service: the framed backend of Benchmarks/e2e.sh. Framed carries one call per connection at a time, so
// the gateway needs a pool; the accept counter shows whether it keeps its connections.
#include "EchoServerSetup.h"

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TNonblockingServer.h>
#include <thrift/transport/TNonblockingServerSocket.h>

using apache::thrift::protocol::TBinaryProtocolFactory;
using apache::thrift::server::TNonblockingServer;
using apache::thrift::transport::TNonblockingServerSocket;

int main(int argc, char** argv) {
    EchoServerSetup setup = prepareEchoServer(argc, argv);
    // TNonblockingServer always frames. No thread manager: calls run on the one I/O thread, as a small
    // echo service would be deployed.
    TNonblockingServer server(setup.processor, std::make_shared<TBinaryProtocolFactory>(),
                              std::make_shared<TNonblockingServerSocket>("127.0.0.1", setup.port));
    server.setServerEventHandler(setup.counter);
    announceListening(setup.port, "nonblocking framed binary");
    server.serve();
    return 0;
}
