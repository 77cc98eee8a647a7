import SluiceThrift
import Testing

@Suite("ThriftSchema")
struct SchemaTests {
    @Test("finds a method by Service.method, qualified or not")
    func methodLookup() throws {
        let here = SourceLocation(file: "t.thrift", line: 1, column: 1)
        let args = StructDescriptor(name: "S.m_args", kind: .struct, fields: [], location: here)
        let result = StructDescriptor(name: "S.m_result", kind: .struct, fields: [], location: here)
        let method = MethodDescriptor(
            name: "m", arguments: StructID(0), result: StructID(1), returnType: nil, oneway: false, location: here)
        let service = ServiceDescriptor(name: "S", methods: [method], location: here)
        let schema = ThriftSchema(structs: [args, result], services: ["S": service, "inc.S": service])
        #expect(schema.method("S.m")?.method.name == "m")
        #expect(schema.method("inc.S.m")?.service.name == "S")
        #expect(schema.method("S.nope") == nil)
        #expect(schema.method("nodot") == nil)
    }
}
