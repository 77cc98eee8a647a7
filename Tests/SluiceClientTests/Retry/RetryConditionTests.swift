import Testing

@testable import SluiceClient

@Suite("Retry conditions")
struct RetryConditionTests {
    @Test(
        "each spelling parses and prints back",
        arguments: [
            ("connect_failure", RetryCondition.connectFailure), ("reset", .reset), ("timeout", .timeout),
            ("unavailable", .unavailable), ("exception:Busy", .exception("Busy")),
            ("grpc:UNAVAILABLE", .grpc(14)), ("grpc:RESOURCE_EXHAUSTED", .grpc(8)), ("http:503", .http(503)),
            ("http:5xx", .httpClass(5)), ("http:4xx", .httpClass(4)),
        ] as [(String, RetryCondition)])
    func parses(text: String, condition: RetryCondition) throws {
        #expect(try RetryCondition(parsing: text) == condition)
        #expect(condition.description == text)
    }

    @Test("gRPC codes by number and in any case; HTTP classes in any case")
    func grpcNumbers() throws {
        #expect(try RetryCondition(parsing: "grpc:14") == .grpc(14))
        #expect(try RetryCondition(parsing: "grpc:unavailable") == .grpc(14))
        #expect(try RetryCondition(parsing: "grpc:16") == .grpc(16))
        #expect(try RetryCondition(parsing: "http:5XX") == .httpClass(5))
    }

    @Test(
        "a bad entry names itself and the nearest valid spelling",
        arguments: [
            ("connect_failures", "connect_failure"), ("conect-failure", "connect_failure"), ("rest", "reset"),
            ("timeouts", "timeout"), ("grpc:UNAVALABLE", "grpc:UNAVAILABLE"),
            ("grpc:DEADLINE_EXCEED", "grpc:DEADLINE_EXCEEDED"),
            ("htp:503", "http:503"), ("exeption:Busy", "exception:Busy"), ("http:6xx", "http:5xx"),
        ] as [(String, String)])
    func suggestion(entry: String, nearest: String) {
        let error = #expect(throws: RetryConditionError.self) { try RetryCondition(parsing: entry) }
        #expect(error?.entry == entry)
        #expect(error?.suggestion == nearest)
        #expect(error?.description.contains("'\(entry)'") == true)
    }

    @Test(
        "out-of-range and empty values are errors",
        arguments: [
            "grpc:0", "grpc:17", "grpc:OK", "http:200", "http:600", "http:50", "exception:", "exception:a b", "",
            "xyzzy-plugh-frobnicate",
        ])
    func rejects(entry: String) {
        #expect(throws: RetryConditionError.self) { try RetryCondition(parsing: entry) }
    }

    @Test("garbage gets no far-fetched suggestion")
    func noSuggestion() {
        let error = #expect(throws: RetryConditionError.self) { try RetryCondition(parsing: "xyzzy-plugh-frobnicate") }
        #expect(error?.suggestion == nil)
    }

    @Test("conditions match only their kind")
    func matching() {
        #expect(RetryCondition.httpClass(5).matches(.http(502)))
        #expect(!RetryCondition.httpClass(5).matches(.http(429)))
        #expect(RetryCondition.http(503).matches(.http(503)))
        #expect(!RetryCondition.http(503).matches(.http(502)))
        #expect(RetryCondition.grpc(14).matches(.grpc(14)))
        #expect(!RetryCondition.grpc(14).matches(.http(14)))
        #expect(RetryCondition.exception("Busy").matches(.exception("Busy")))
        #expect(!RetryCondition.exception("Busy").matches(.exception("Gone")))
        #expect(!RetryCondition.reset.matches(.timeout))
        #expect(!RetryCondition.connectFailure.matches(.other))
    }

    @Test("unavailable also matches gRPC's UNAVAILABLE status, and only that one")
    func unavailableMatchesGRPC() {
        #expect(RetryCondition.unavailable.matches(.grpc(14)))
        #expect(!RetryCondition.unavailable.matches(.grpc(13)))
        #expect(!RetryCondition.grpc(14).matches(.unavailable))
    }

    @Test("a gRPC reply is a failed attempt exactly when its status is not OK, and was written")
    func grpcReplyFailure() {
        #expect(GRPCWire.failure(of: GRPCReply(statusCode: 0)) == nil)
        #expect(GRPCWire.failure(of: GRPCReply(statusCode: 14)) == AttemptFailure(.grpc(14), requestWritten: true))
    }
}
