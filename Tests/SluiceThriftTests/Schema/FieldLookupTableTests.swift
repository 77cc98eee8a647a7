import NIOCore
import Testing

@testable import SluiceThrift

@Suite("Field lookup table")
struct FieldLookupTableTests {
    private static let schema = ThriftSchema(structs: [
        structure("A", [field(1, "id", .i64), field(7, "long_field_name_x", .string), field(-2, "q\"uote", .bool)]),
        structure("Empty", []),
        structure("B", [field(3, "é", .i32), field(4, "id", .i32)]),
    ])

    private func name(_ text: String, _ body: (UnsafeRawBufferPointer) -> Int?) -> Int? {
        Array(text.utf8).withUnsafeBytes(body)
    }

    @Test("finds fields by id and by name bytes, whatever the hint")
    func lookups() {
        let table = Self.schema.fieldLookup
        let a = table.range(of: StructID(0))
        let b = table.range(of: StructID(2))
        for hint in 0..<5 {
            #expect(table.index(ofID: 1, in: a, hint: hint) == 0)
            #expect(table.index(ofID: 7, in: a, hint: hint) == 1)
            #expect(table.index(ofID: -2, in: a, hint: hint) == 2)
            #expect(table.index(ofID: 3, in: a, hint: hint) == nil)
            #expect(table.index(ofID: 4, in: b, hint: hint) == 1)
            #expect(name("long_field_name_x") { table.index(ofName: $0, in: a, hint: hint) } == 1)
            #expect(name("long_field_name_y") { table.index(ofName: $0, in: a, hint: hint) } == nil)
            #expect(name("long_field_name") { table.index(ofName: $0, in: a, hint: hint) } == nil)
            #expect(name("q\"uote") { table.index(ofName: $0, in: a, hint: hint) } == 2)
            #expect(name("id") { table.index(ofName: $0, in: b, hint: hint) } == 1)
            #expect(name("é") { table.index(ofName: $0, in: b, hint: hint) } == 0)
            #expect(name("") { table.index(ofName: $0, in: a, hint: hint) } == nil)
        }
        #expect(table.range(of: StructID(1)).count == 0)
    }

    @Test("keys are written as JSON, escaped once")
    func keys() {
        let table = Self.schema.fieldLookup
        let a = table.range(of: StructID(0))
        let keys = (0..<3).map { String(decoding: table.key(table.entry($0, in: a)), as: UTF8.self) }
        #expect(keys == [#""id":"#, #""long_field_name_x":"#, #""q\"uote":"#])
    }

    @Test("changing the structs rebuilds the table")
    func rebuilt() {
        var schema = Self.schema
        let before = schema.fieldLookup
        #expect(schema.fieldLookup === before)
        schema.structs[2].fields.append(field(9, "added", .bool))
        let after = schema.fieldLookup
        #expect(after !== before)
        #expect(name("added") { after.index(ofName: $0, in: after.range(of: StructID(2)), hint: 0) } == 2)
        // The original value still has its own table.
        #expect(Self.schema.fieldLookup.range(of: StructID(2)).count == 2)
    }
}
