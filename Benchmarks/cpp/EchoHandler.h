// The echo service of examples/echo/echo.thrift, answered like `sluice demo --backend-only` answers it:
// the response carries the request's fields back, so every backend of the benchmark returns the same JSON.
#pragma once

#include "EchoService.h"

class EchoHandler final : public EchoServiceIf {
public:
    void Say(Response& reply, const Request& request) override { echo(reply, request); }
    void Echo(Response& reply, const Request& request) override { echo(reply, request); }

private:
    static void echo(Response& reply, const Request& request) {
        // Field by field because Request and Response are distinct generated types; unset optionals stay
        // unset so the JSON Sluice writes back has exactly the members the client sent.
        reply.__set_name(request.name);
        if (request.__isset.message) reply.__set_message(request.message);
        if (request.__isset.verbose) reply.__set_verbose(request.verbose);
        if (request.__isset.user) reply.__set_user(request.user);
    }
};
