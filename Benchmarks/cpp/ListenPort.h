// The echo servers' only argument: `PROGRAM PORT`, the port to listen on (always on 127.0.0.1).
#pragma once

#include <cstdlib>

// The port, or -1 when the arguments are not exactly one number in 1...65535.
inline int parseListenPort(int argc, char** argv) {
    if (argc != 2) return -1;
    char* end = nullptr;
    long port = std::strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || port < 1 || port > 65535) return -1;
    return static_cast<int>(port);
}
