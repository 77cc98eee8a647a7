import NIOCore
import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

/// A non-OK gRPC status as grpc-gateway's error body, its details from `grpc-status-details-bin`.
@Suite struct StatusJSONTests {
    /// A message from JSON, in binary.
    private func binary(_ message: String, _ json: String) throws -> [UInt8] {
        var out = ByteBuffer()
        try ProtobufJSONCodec.encode(
            try BindingFixture.message(message), schema: try BindingFixture.schema(), json: ByteBuffer(string: json),
            into: &out)
        return Array(out.readableBytesView)
    }

    /// Field `number` holding `payload`, length-delimited.
    private func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count < 128)
        return [number << 3 | 2, UInt8(payload.count)] + payload
    }

    private func body(
        code: Int = 3, message: String = "bad", details: [UInt8]?, schema: ProtobufSchema? = nil
    ) throws -> (String, ProtobufStatusJSON.Outcome) {
        var out = ByteBuffer()
        let outcome = ProtobufStatusJSON.write(
            code: code, message: message, details: details.map { ByteBuffer(bytes: $0) },
            schema: try schema ?? BindingFixture.schema(), into: &out)
        return (String(buffer: out), outcome)
    }

    @Test("the standard details are written as protobuf JSON with their @type")
    func standardDetails() throws {
        let status = try binary(
            "google.rpc.Status",
            """
            {"code": 3, "message": "ignored", "details": [
              {"@type": "type.googleapis.com/google.rpc.BadRequest",
               "fieldViolations": [{"field": "order.quantity", "description": "must be positive"}]},
              {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.500s"},
              {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "STOCK", "metadata": {"sku": "A1"}}]}
            """)
        let (json, outcome) = try body(message: "invalid order", details: status)
        #expect(
            json == #"{"code":3,"message":"invalid order","details":["#
                + #"{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"order.quantity","description":"must be positive"}]},"#
                + #"{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.500s"},"#
                + #"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"STOCK","metadata":{"sku":"A1"}}]}"#)
        #expect(outcome == ProtobufStatusJSON.Outcome(unreadableDetails: nil, rawDetails: 0))
    }

    @Test("a detail of a type the schema does not know is its type URL and base64 bytes; the others stay")
    func unknownDetailType() throws {
        let known = try binary("google.rpc.Status", #"{"details": [{"@type": "type.googleapis.com/google.rpc.Help"}]}"#)
        let unknown = field(3, field(1, Array("type.googleapis.com/acme.Secret".utf8)) + field(2, [1, 2, 3]))
        let (json, outcome) = try body(details: unknown + known)
        #expect(
            json == #"{"code":3,"message":"bad","details":[{"@type":"type.googleapis.com/acme.Secret","value":"AQID"},"#
                + #"{"@type":"type.googleapis.com/google.rpc.Help"}]}"#)
        #expect(outcome.rawDetails == 1)
        #expect(outcome.unreadableDetails == nil)
    }

    @Test("a detail whose bytes do not read as its type is written raw too")
    func malformedDetail() throws {
        let truncated = field(
            3, field(1, Array("type.googleapis.com/google.rpc.BadRequest".utf8)) + field(2, [0x0A, 0x05]))
        let (json, outcome) = try body(details: truncated)
        #expect(json.contains(#"{"@type":"type.googleapis.com/google.rpc.BadRequest","value":"CgU="}"#))
        #expect(outcome.rawDetails == 1)
    }

    @Test("without the rpc files in the schema, the standard details are raw, not an error")
    func schemaWithoutRPCFiles() throws {
        let files = try ProtoLoader(
            importPaths: ["."], source: .inMemory(["a.proto": "syntax = \"proto3\"; message A {}"])
        )
        .load(file: "a.proto")
        let bare = try ProtobufSchema(files: files)
        let status = try binary(
            "google.rpc.Status", #"{"details": [{"@type": "type.googleapis.com/google.rpc.Help"}]}"#)
        let (json, outcome) = try body(details: status, schema: bare)
        #expect(
            json
                == #"{"code":3,"message":"bad","details":[{"@type":"type.googleapis.com/google.rpc.Help","value":""}]}"#
        )
        #expect(outcome.rawDetails == 1)
    }

    @Test("no details is an empty list; unreadable details too, and the outcome says why")
    func missingOrUnreadableDetails() throws {
        let (none, noneOutcome) = try body(code: 5, message: "no \"such\" order", details: nil)
        #expect(none == #"{"code":5,"message":"no \"such\" order","details":[]}"#)
        #expect(noneOutcome == ProtobufStatusJSON.Outcome(unreadableDetails: nil, rawDetails: 0))
        let (empty, _) = try body(details: [])
        #expect(empty == #"{"code":3,"message":"bad","details":[]}"#)
        let (broken, outcome) = try body(details: [0x1A, 0x05, 0x01])
        #expect(broken == #"{"code":3,"message":"bad","details":[]}"#)
        #expect(outcome.unreadableDetails?.kind == .malformedProtobuf)
    }

    @Test("the body is appended after what the buffer holds")
    func appends() throws {
        var out = ByteBuffer(string: "x")
        ProtobufStatusJSON.write(code: 1, message: "", details: nil, schema: try BindingFixture.schema(), into: &out)
        #expect(String(buffer: out) == #"x{"code":1,"message":"","details":[]}"#)
    }
}

/// The embedded `google/rpc` files added to a user's files.
@Suite struct RPCStatusFilesTests {
    @Test("the standard detail types and codes resolve once the files are added")
    func typesResolve() throws {
        let schema = try BindingFixture.schema()
        for name in [
            "google.rpc.Status", "google.rpc.BadRequest", "google.rpc.ErrorInfo", "google.rpc.RetryInfo",
            "google.rpc.LocalizedMessage", "google.protobuf.Any", "google.protobuf.Duration",
        ] {
            #expect(schema.message(named: name) != nil, "\(name)")
        }
        #expect(schema.enums.contains { $0.fullName == "google.rpc.Code" })
    }

    @Test("files the user already has, by name or by type, are not added twice")
    func noDuplicates() throws {
        let own = try ProtoLoader(importPaths: [], source: .inMemory([:])).load(file: "google/rpc/status.proto")
        let added = try ProtobufSchema.addingRPCStatusFiles(to: own)
        #expect(added.filter { $0.name == "google/rpc/status.proto" }.count == 1)
        #expect(added.contains { $0.name == "google/rpc/error_details.proto" })
        _ = try ProtobufSchema(files: added)

        let copy = """
            syntax = "proto3";
            package google.rpc;
            message Status { int32 code = 1; string message = 2; }
            """
        let renamed = try ProtoLoader(importPaths: ["."], source: .inMemory(["vendor/status.proto": copy]))
            .load(file: "vendor/status.proto")
        let withCopy = try ProtobufSchema.addingRPCStatusFiles(to: renamed)
        #expect(!withCopy.contains { $0.name == "google/rpc/status.proto" })
        let schema = try ProtobufSchema(files: withCopy)
        #expect(schema.message(named: "google.rpc.BadRequest") != nil)
    }
}
