import NIOCore
import SluiceJSON
import SluiceThrift

// Schemas built by hand, as the IDL parser would build them, so the transcoder is tested on its own.

private let here = SourceLocation(file: "test.thrift", line: 1, column: 1)

func field(
    _ id: Int16, _ name: String, _ type: ThriftType, _ requiredness: Requiredness = .default,
    default value: ConstValue? = nil
) -> FieldDescriptor {
    FieldDescriptor(id: id, name: name, type: type, requiredness: requiredness, defaultValue: value, location: here)
}

func structure(_ name: String, _ kind: StructDescriptor.Kind, _ fields: [FieldDescriptor]) -> StructDescriptor {
    StructDescriptor(name: name, kind: kind, fields: fields, location: here)
}

func structure(_ name: String, _ fields: [FieldDescriptor]) -> StructDescriptor {
    StructDescriptor(name: name, kind: .struct, fields: fields, location: here)
}

/// The schema most transcoding tests share.
enum TestSchema {
    static let color = EnumID(0)
    static let item = StructID(0)
    static let allTypes = StructID(1)
    static let choice = StructID(2)
    static let request = StructID(3)
    static let notFound = StructID(4)
    static let echoArgs = StructID(5)
    static let echoResult = StructID(6)
    static let pingArgs = StructID(7)
    static let pingResult = StructID(8)
    static let compactVector = StructID(9)
    static let defaults = StructID(10)
    static let wide = StructID(11)

    static let schema: ThriftSchema = {
        let colorType = ThriftType.enumeration(color)
        let structs = [
            structure("Item", [field(1, "id", .i32, .required), field(2, "name", .string, .optional)]),
            structure(
                "AllTypes",
                [
                    field(1, "b", .bool), field(2, "byte", .i8), field(3, "short", .i16), field(4, "int", .i32),
                    field(5, "long", .i64), field(6, "dbl", .double), field(7, "str", .string),
                    field(8, "bin", .binary), field(9, "uuid", .uuid), field(10, "color", colorType),
                    field(11, "ints", .list(.i32)), field(12, "tags", .set(.string)),
                    field(13, "counts", .map(key: .string, value: .i32)),
                    field(14, "names", .map(key: .i32, value: .string)),
                    field(15, "flags", .map(key: colorType, value: .bool)),
                    field(16, "byItem", .map(key: .structure(item), value: .string)),
                    field(17, "item", .structure(item)), field(18, "items", .list(.structure(item))),
                    field(19, "choice", .structure(choice)),
                    field(20, "nested", .map(key: .i64, value: .list(.structure(item)))),
                    field(21, "matrix", .list(.list(.i32))), field(22, "weights", .map(key: .double, value: .i32)),
                    field(23, "bools", .list(.bool)), field(24, "pairs", .map(key: .bool, value: .uuid)),
                    field(-1, "negative", .i16), field(300, "far", .i32),
                ]),
            structure("Choice", .union, [field(1, "number", .i32), field(2, "text", .string)]),
            structure(
                "Request",
                [
                    field(1, "name", .string, .required), field(2, "verbose", .bool, .optional),
                    field(3, "user", .string, .optional), field(4, "items", .list(.structure(item))),
                    field(5, "limit", .i32, default: .int(10)), field(6, "ids", .list(.i64), .optional),
                    field(7, "big", .i64, .optional), field(8, "color", colorType, .optional),
                    field(9, "item", .structure(item), .optional),
                ]),
            structure("shared.NotFound", .exception, [field(1, "message", .string), field(2, "code", .i32)]),
            structure("Echo.echo_args", [field(1, "req", .structure(request)), field(2, "page", .i32)]),
            structure(
                "Echo.echo_result",
                [field(0, "success", .structure(request), .optional), field(3, "notFound", .structure(notFound), .optional)]),
            structure("Echo.ping_args", []),
            structure("Echo.ping_result", [field(1, "nf", .structure(notFound), .optional)]),
            structure(
                "CompactVector",
                [
                    field(1, "t", .bool), field(2, "f", .bool), field(3, "d", .double), field(20, "l", .i64),
                    field(21, "bools", .list(.bool)), field(5, "m", .map(key: .string, value: .i32)),
                    field(6, "empty", .map(key: .string, value: .string)),
                ]),
            structure(
                "Defaults",
                [
                    field(1, "n", .i32, default: .int(7)), field(2, "s", .string, .required, default: .string("x")),
                    field(3, "l", .list(.i32), default: .list([.int(1), .int(2)])),
                    field(4, "m", .map(key: .string, value: .double), default: .map([ConstPair(key: .string("a"), value: .int(1))])),
                    field(5, "o", .i32, .optional, default: .int(5)),
                    field(6, "it", .structure(item), default: .map([ConstPair(key: .string("id"), value: .int(3))])),
                    field(7, "c", colorType, default: .int(2)), field(8, "b", .bool, default: .bool(true)),
                ]),
            structure("Wide", (0..<70).map { field(Int16($0 + 1), "f\($0)", .i32, $0 == 69 ? .required : .default) }),
        ]
        let echo = MethodDescriptor(
            name: "echo", arguments: echoArgs, result: echoResult, returnType: .structure(request), oneway: false,
            location: here)
        let ping = MethodDescriptor(
            name: "ping", arguments: pingArgs, result: pingResult, returnType: nil, oneway: false, location: here)
        return ThriftSchema(
            structs: structs,
            enums: [
                EnumDescriptor(
                    name: "Color", values: [.init(name: "RED", value: 1), .init(name: "GREEN", value: 2), .init(name: "BLUE", value: 4)],
                    location: here)
            ],
            services: ["Echo": ServiceDescriptor(name: "Echo", methods: [echo, ping], location: here)])
    }()

    static var echo: MethodDescriptor { schema.method("Echo.echo")!.method }
    static var ping: MethodDescriptor { schema.method("Echo.ping")!.method }
}

func encode(
    _ json: String, _ id: StructID, _ kind: ThriftProtocolKind, options: TranscodeOptions = TranscodeOptions(),
    schema: ThriftSchema = TestSchema.schema
) throws(TranscodeError) -> ByteBuffer {
    var out = ByteBuffer()
    try ThriftJSONCodec.encodeStruct(id, schema: schema, json: ByteBuffer(string: json), protocol: kind, options: options, into: &out)
    return out
}

func decode(
    _ thrift: ByteBuffer, _ id: StructID, _ kind: ThriftProtocolKind, options: TranscodeOptions = TranscodeOptions(),
    schema: ThriftSchema = TestSchema.schema
) throws(TranscodeError) -> String {
    var input = thrift
    var out = ByteBuffer()
    try ThriftJSONCodec.decodeStruct(id, schema: schema, from: &input, protocol: kind, options: options, into: &out)
    return String(buffer: out)
}

func roundTrip(
    _ json: String, _ id: StructID, _ kind: ThriftProtocolKind, options: TranscodeOptions = TranscodeOptions()
) throws(TranscodeError) -> String {
    try decode(try encode(json, id, kind, options: options), id, kind, options: options)
}

/// The error `body` throws, or nil.
func transcodeError(_ body: () throws -> Void) -> TranscodeError? {
    do {
        try body()
        return nil
    } catch let error as TranscodeError {
        return error
    } catch {
        return nil
    }
}

func encodeArguments(
    _ input: CallInput, _ kind: ThriftProtocolKind, method: MethodDescriptor = TestSchema.echo,
    options: TranscodeOptions = TranscodeOptions()
) throws(TranscodeError) -> ByteBuffer {
    var out = ByteBuffer()
    try ThriftJSONCodec.encodeArguments(
        method: method, schema: TestSchema.schema, input: input, protocol: kind, options: options, into: &out)
    return out
}

func hexString(_ text: String) -> ByteBuffer { ByteBuffer(bytes: hexBytes(text)) }
