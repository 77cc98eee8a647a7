// Apache Thrift's TThreadedServer with THeaderProtocol (Binary inside), serving the echo service: the
// THeader backend of Benchmarks/e2e.sh. One thread per connection answers calls in order, so a
// multiplexing gateway's in-flight calls on one connection come back in the order they were sent.
#include "EchoServerSetup.h"

#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TServerSocket.h>
#include <thrift/transport/TTransport.h>

using apache::thrift::protocol::THeaderProtocolFactory;
using apache::thrift::server::TThreadedServer;
using apache::thrift::transport::TServerSocket;
using apache::thrift::transport::TTransportFactory;

int main(int argc, char** argv) {
    EchoServerSetup setup = prepareEchoServer(argc, argv);
    // The plain TTransportFactory on purpose: THeaderProtocol wraps the socket in its own THeaderTransport,
    // and a THeaderTransportFactory here would wrap it twice and frame every reply twice.
    TThreadedServer server(setup.processor, std::make_shared<TServerSocket>("127.0.0.1", setup.port),
                           std::make_shared<TTransportFactory>(), std::make_shared<THeaderProtocolFactory>());
    server.setServerEventHandler(setup.counter);
    announceListening(setup.port, "threaded theader binary");
    server.serve();
    return 0;
}
