import SluiceThrift

/// Hand-built schemas, so gateway tests do not depend on the IDL parser.
enum TestSchemas {
    static func location(_ line: Int, file: String = "echo.thrift") -> SourceLocation {
        SourceLocation(file: file, line: line, column: 1)
    }

    static func field(_ id: Int16, _ name: String, _ type: ThriftType, _ annotations: [(String, String)] = [], line: Int = 1) -> FieldDescriptor {
        FieldDescriptor(
            id: id,
            name: name,
            type: type,
            annotations: Annotations(annotations.map { (key: $0.0, value: $0.1) }),
            location: location(line)
        )
    }

    /// ```thrift
    /// struct Inner { 1: i64 id }
    /// struct EchoRequest { 1: string name; 2: bool verbose; 3: string user; 4: list<string> tags; 5: Inner inner; 6: map<string,string> attrs; 7: i32 page }
    /// struct EchoResponse { 1: string text }
    /// exception NotFound { 1: string message }
    /// exception Invalid { 1: string message }
    /// service EchoService {
    ///   EchoResponse Say(1: EchoRequest req) throws (1: NotFound notFound, 2: Invalid invalid)
    ///   void Ping()
    ///   oneway void Fire(1: string what)
    /// }
    /// ```
    /// `annotations` go on `Say`; `fieldAnnotations` on EchoRequest's fields by name.
    static func echo(
        sayAnnotations: [(String, String)] = [],
        pingAnnotations: [(String, String)] = [],
        fieldAnnotations: [String: [(String, String)]] = [:],
        file: String = "echo.thrift"
    ) -> ThriftSchema {
        func requestField(_ id: Int16, _ name: String, _ type: ThriftType) -> FieldDescriptor {
            field(id, name, type, fieldAnnotations[name] ?? [], line: 10 + Int(id))
        }
        let structs = [
            StructDescriptor(name: "Inner", kind: .struct, fields: [field(1, "id", .i64)], location: location(2)),
            StructDescriptor(
                name: "EchoRequest",
                kind: .struct,
                fields: [
                    requestField(1, "name", .string),
                    requestField(2, "verbose", .bool),
                    requestField(3, "user", .string),
                    requestField(4, "tags", .list(.string)),
                    requestField(5, "inner", .structure(StructID(0))),
                    requestField(6, "attrs", .map(key: .string, value: .string)),
                    requestField(7, "page", .i32),
                ],
                location: location(10)
            ),
            StructDescriptor(name: "EchoResponse", kind: .struct, fields: [field(1, "text", .string)], location: location(20)),
            StructDescriptor(name: "NotFound", kind: .exception, fields: [field(1, "message", .string)], location: location(21)),
            StructDescriptor(name: "Invalid", kind: .exception, fields: [field(1, "message", .string)], location: location(22)),
            // 5, 6: Say
            StructDescriptor(name: "EchoService.Say_args", kind: .struct, fields: [field(1, "req", .structure(StructID(1)))], location: location(30)),
            StructDescriptor(
                name: "EchoService.Say_result",
                kind: .struct,
                fields: [
                    field(0, "success", .structure(StructID(2))),
                    field(1, "notFound", .structure(StructID(3))),
                    field(2, "invalid", .structure(StructID(4))),
                ],
                location: location(30)
            ),
            // 7, 8: Ping
            StructDescriptor(name: "EchoService.Ping_args", kind: .struct, fields: [], location: location(31)),
            StructDescriptor(name: "EchoService.Ping_result", kind: .struct, fields: [], location: location(31)),
            // 9, 10: Fire
            StructDescriptor(name: "EchoService.Fire_args", kind: .struct, fields: [field(1, "what", .string)], location: location(32)),
            StructDescriptor(name: "EchoService.Fire_result", kind: .struct, fields: [], location: location(32)),
        ]
        let service = ServiceDescriptor(
            name: "EchoService",
            methods: [
                MethodDescriptor(
                    name: "Say", arguments: StructID(5), result: StructID(6), returnType: .structure(StructID(2)),
                    oneway: false, annotations: Annotations(sayAnnotations.map { (key: $0.0, value: $0.1) }),
                    location: SourceLocation(file: file, line: 30, column: 5)
                ),
                MethodDescriptor(
                    name: "Ping", arguments: StructID(7), result: StructID(8), returnType: nil, oneway: false,
                    annotations: Annotations(pingAnnotations.map { (key: $0.0, value: $0.1) }),
                    location: SourceLocation(file: file, line: 31, column: 5)
                ),
                MethodDescriptor(
                    name: "Fire", arguments: StructID(9), result: StructID(10), returnType: nil, oneway: true,
                    location: SourceLocation(file: file, line: 32, column: 5)
                ),
            ],
            location: location(29)
        )
        return ThriftSchema(structs: structs, services: ["EchoService": service], rootFile: file)
    }
}
