import NIOCore
import SluiceJSON
import Testing

@testable import SluiceProtobuf

/// The schema of the binding, projection and status tests: `.proto` text loaded by Sluice's own loader (no
/// protoc needed), with the embedded `google/rpc` files added.
enum BindingFixture {
    static let proto = """
        syntax = "proto3";
        package bind.test;

        import "google/protobuf/duration.proto";
        import "google/protobuf/field_mask.proto";
        import "google/protobuf/struct.proto";
        import "google/protobuf/timestamp.proto";
        import "google/protobuf/wrappers.proto";
        import "legacy.proto";

        enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }

        message Address { string city = 1; int32 zip = 2; }

        message Order {
          string customer_id = 1;
          int32 quantity = 2;
          repeated string tags = 3;
          Address address = 4;
          google.protobuf.Timestamp placed_at = 5;
          map<string, int32> counts = 6;
          oneof payment { string card = 7; string voucher = 8; }
        }

        message Request {
          Order order = 1;
          int32 f_int32 = 2;
          int64 f_int64 = 3;
          uint32 f_uint32 = 4;
          uint64 f_uint64 = 5;
          sint32 f_sint32 = 6;
          sint64 f_sint64 = 7;
          fixed32 f_fixed32 = 8;
          fixed64 f_fixed64 = 9;
          sfixed32 f_sfixed32 = 10;
          sfixed64 f_sfixed64 = 11;
          float f_float = 12;
          double f_double = 13;
          bool f_bool = 14;
          string f_string = 15;
          bytes f_bytes = 16;
          Color color = 17;
          repeated int32 ids = 18;
          repeated Color colors = 19;
          google.protobuf.Timestamp ts = 20;
          google.protobuf.Duration dur = 21;
          google.protobuf.Int64Value wrapped = 22;
          google.protobuf.FieldMask mask = 23;
          google.protobuf.Struct meta = 24;
          map<string, string> labels = 25;
          repeated Order orders = 26;
          google.protobuf.StringValue name = 27;
          google.protobuf.BoolValue flag = 28;
          repeated google.protobuf.Timestamp times = 29;
          bind.legacy.Legacy legacy = 30;
          optional int32 maybe = 31;
        }

        message Reply {
          Order order = 1;
          repeated Order orders = 2;
          map<string, int32> counts = 3;
          int64 total = 4;
          Color color = 5;
          google.protobuf.Timestamp at = 6;
          string note = 7;
          repeated int32 ids = 8;
        }
        """

    static let legacy = """
        syntax = "proto2";
        package bind.legacy;
        enum Level { LOW = 1; HIGH = 2; }
        message Legacy { optional Level level = 1; }
        """

    static let loaded: Result<ProtobufSchema, any Error> = Result {
        let files = try ProtoLoader(
            importPaths: ["."], source: .inMemory(["main.proto": proto, "legacy.proto": legacy])
        )
        .load(file: "main.proto")
        return try ProtobufSchema(files: ProtobufSchema.addingRPCStatusFiles(to: files))
    }

    static func schema() throws -> ProtobufSchema { try loaded.get() }

    static func message(_ name: String) throws -> ProtobufMessageID {
        try #require(try schema().message(named: name))
    }

    /// `bind.test.Request` (or `message`) written from a call input.
    static func encode(
        _ message: String = "bind.test.Request", body: String?, target: [String] = [], bound: [BoundValue] = [],
        sendsEmptyTarget: Bool = false, strict: Bool = false
    ) throws -> [UInt8] {
        let input = CallInput(
            body: body.map { ByteBuffer(string: $0) }, bodyTarget: target, bound: bound,
            sendsEmptyTarget: sendsEmptyTarget)
        var out = ByteBuffer()
        try ProtobufJSONCodec.encode(
            try self.message(message), schema: try schema(), input: input,
            options: ProtobufTranscodeOptions(strict: strict),
            into: &out)
        return Array(out.readableBytesView)
    }

    /// Protobuf bytes of `message` as JSON (whole, or one field of it).
    static func json(
        _ bytes: [UInt8], message: String = "bind.test.Request", field: [String]? = nil,
        options: ProtobufTranscodeOptions = ProtobufTranscodeOptions()
    ) throws -> String {
        var input = ByteBuffer(bytes: bytes)
        var out = ByteBuffer()
        try ProtobufJSONCodec.decode(
            try self.message(message), schema: try schema(), from: &input, field: field, options: options, into: &out)
        return String(buffer: out)
    }

    /// The call input written, then read back as JSON: what the backend would see.
    static func request(
        body: String?, target: [String] = [], bound: [BoundValue] = [], sendsEmptyTarget: Bool = false,
        strict: Bool = false
    ) throws -> String {
        try json(encode(body: body, target: target, bound: bound, sendsEmptyTarget: sendsEmptyTarget, strict: strict))
    }

    /// The error writing the input gives.
    static func error(
        body: String? = nil, target: [String] = [], bound: [BoundValue], strict: Bool = false
    ) -> ProtobufTranscodeError? {
        do {
            _ = try encode(body: body, target: target, bound: bound, strict: strict)
            return nil
        } catch let error as ProtobufTranscodeError {
            return error
        } catch {
            return nil
        }
    }
}

/// A path parameter (or, with `query`, a query parameter) `dotted` = `text`.
func bound(_ dotted: String, _ text: String, query: Bool = false) -> BoundValue {
    BoundValue(
        path: dotted.split(separator: ".").map(String.init), text: text,
        source: query ? "query parameter '\(dotted)'" : "path parameter '\(dotted)'", isQueryParameter: query)
}
