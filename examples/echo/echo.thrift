// The smallest useful service: the request comes back as the response.
// Request and Response have the same field ids and types on purpose, so the demo backend can answer
// Say by re-tagging the argument bytes as the result (it is also the benchmark backend).

namespace go echo
namespace py echo

struct Request {
    1: required string name,
    2: optional string message,
    3: optional bool verbose,
    4: optional string user,
}

struct Response {
    1: required string name,
    2: optional string message,
    3: optional bool verbose,
    4: optional string user,
}

service EchoService {
    Response Say(1: Request req),
    /// The same, under the name Kitex's TTHeader golden vectors call (`Echo`).
    Response Echo(1: Request req),
}
