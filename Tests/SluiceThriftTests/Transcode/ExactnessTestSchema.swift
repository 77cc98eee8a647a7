import NIOCore
import SluiceJSON
import SluiceThrift

/// Numbers, sets and maps of every kind the exactness and duplicate rules cover, and an exception with a
/// field named `type`.
enum NumbersSchema {
    static let numbers = StructID(0)
    static let point = StructID(1)
    static let problem = StructID(2)
    static let args = StructID(3)
    static let result = StructID(4)
    static let level = EnumID(0)

    static let schema: ThriftSchema = {
        let structs = [
            structure(
                "Numbers",
                [
                    field(1, "big", .i64), field(2, "int", .i32), field(3, "tiny", .i8), field(4, "dbl", .double),
                    field(5, "level", .enumeration(level)), field(6, "ids", .set(.i32)), field(7, "tags", .set(.string)),
                    field(8, "m", .map(key: .i32, value: .i32)), field(9, "byDouble", .map(key: .double, value: .string)),
                    field(10, "byPoint", .map(key: .structure(point), value: .i32)), field(11, "points", .set(.structure(point))),
                    field(12, "list", .list(.i32)), field(13, "byTag", .map(key: .string, value: .i32)),
                    field(14, "doubles", .set(.double)), field(15, "byLevel", .map(key: .enumeration(level), value: .i32)),
                ]),
            structure("Point", [field(1, "x", .i32), field(2, "y", .i32)]),
            structure("errors.Problem", .exception, [field(1, "type", .string), field(2, "code", .i32)]),
            structure("Calc.run_args", [field(1, "req", .structure(numbers))]),
            structure(
                "Calc.run_result",
                [field(0, "success", .structure(numbers), .optional), field(1, "problem", .structure(problem), .optional)]),
        ]
        let run = MethodDescriptor(
            name: "run", arguments: args, result: result, returnType: .structure(numbers), oneway: false,
            location: SourceLocation(file: "numbers.thrift", line: 1, column: 1))
        return ThriftSchema(
            structs: structs,
            enums: [
                EnumDescriptor(
                    name: "Level", values: [.init(name: "LOW", value: 1), .init(name: "HIGH", value: 2)],
                    location: SourceLocation(file: "numbers.thrift", line: 1, column: 1))
            ],
            services: [
                "Calc": ServiceDescriptor(
                    name: "Calc", methods: [run], location: SourceLocation(file: "numbers.thrift", line: 1, column: 1))
            ])
    }()

    static var run: MethodDescriptor { schema.method("Calc.run")!.method }

    /// `Numbers` from `json`, as Thrift bytes.
    static func encode(_ json: String, _ kind: ThriftProtocolKind = .binary) throws(TranscodeError) -> ByteBuffer {
        try SluiceThriftTests.encode(json, numbers, kind, schema: schema)
    }

    /// The arguments of `Calc.run` from bound values alone.
    static func arguments(_ bound: [BoundValue], _ kind: ThriftProtocolKind = .binary) throws(TranscodeError) -> String {
        var out = ByteBuffer()
        try ThriftJSONCodec.encodeArguments(
            method: run, schema: schema, input: CallInput(body: nil, bodyTarget: ["req"], bound: bound), protocol: kind,
            options: TranscodeOptions(), into: &out)
        return try decode(out, args, kind, schema: schema)
    }

    /// The error encoding `json` as `Numbers` throws, or nil.
    static func error(_ json: String, _ kind: ThriftProtocolKind = .binary) -> TranscodeError? {
        transcodeError { _ = try encode(json, kind) }
    }
}
