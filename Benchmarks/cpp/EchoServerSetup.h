// What both echo servers do before serving: read `PROGRAM PORT` (always on 127.0.0.1), start the
// connection reporter and build the echo processor. Only the server class and its transport differ.
#pragma once

#include "ConnectionCounter.h"
#include "EchoHandler.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

struct EchoServerSetup {
    int port;
    std::shared_ptr<ConnectionCounter> counter;
    std::shared_ptr<EchoServiceProcessor> processor;
};

// Exits with a usage message unless the arguments are exactly one port number in 1...65535.
inline EchoServerSetup prepareEchoServer(int argc, char** argv) {
    char* end = nullptr;
    long port = argc == 2 ? std::strtol(argv[1], &end, 10) : 0;
    if (argc != 2 || end == argv[1] || *end != '\0' || port < 1 || port > 65535) {
        std::fprintf(stderr, "usage: %s PORT   (listens on 127.0.0.1:PORT; SIGUSR1 prints the accept count)\n", argv[0]);
        std::exit(64);
    }
    auto counter = std::make_shared<ConnectionCounter>();
    startConnectionReporter(counter);
    return {static_cast<int>(port), counter, std::make_shared<EchoServiceProcessor>(std::make_shared<EchoHandler>())};
}

// e2e.sh waits for the port; this line in the server's log says which server answered.
inline void announceListening(int port, const char* kind) {
    std::printf("listening 127.0.0.1:%d %s\n", port, kind);
    std::fflush(stdout);
}
