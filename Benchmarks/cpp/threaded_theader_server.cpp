// Apache Thrift's TThreadedServer with THeaderProtocol (Binary inside), serving the echo service: the
// THeader backend of Benchmarks/e2e.sh. One thread per connection answers calls in order, so a
// multiplexing gateway's in-flight calls on one connection come back in the order they were sent.
#include "ConnectionCounter.h"
#include "EchoHandler.h"
#include "ListenPort.h"

#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TServerSocket.h>
#include <thrift/transport/TTransport.h>

#include <cstdio>

using apache::thrift::protocol::THeaderProtocolFactory;
using apache::thrift::server::TThreadedServer;
using apache::thrift::transport::TServerSocket;
using apache::thrift::transport::TTransportFactory;

int main(int argc, char** argv) {
    int port = parseListenPort(argc, argv);
    if (port < 0) {
        std::fprintf(stderr, "usage: %s PORT   (listens on 127.0.0.1:PORT; SIGUSR1 prints the accept count)\n", argv[0]);
        return 64;
    }
    auto counter = std::make_shared<ConnectionCounter>();
    startConnectionReporter(counter);

    auto processor = std::make_shared<EchoServiceProcessor>(std::make_shared<EchoHandler>());
    // The plain TTransportFactory on purpose: THeaderProtocol wraps the socket in its own THeaderTransport,
    // and a THeaderTransportFactory here would wrap it twice and frame every reply twice.
    TThreadedServer server(processor, std::make_shared<TServerSocket>("127.0.0.1", port),
                           std::make_shared<TTransportFactory>(), std::make_shared<THeaderProtocolFactory>());
    server.setServerEventHandler(counter);
    std::printf("listening 127.0.0.1:%d threaded theader binary\n", port);
    std::fflush(stdout);
    server.serve();
    return 0;
}
