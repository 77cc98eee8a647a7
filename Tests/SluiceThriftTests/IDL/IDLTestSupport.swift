import SluiceThrift
import Testing

/// Parses `source` as file `t.thrift` with no includes available.
func parseIDL(_ source: String, file: String = "t.thrift") throws(ThriftIDLError) -> ThriftSchema {
    try ThriftIDL.parse(source: source, fileName: file, readFile: { _ in nil })
}

/// The error `source` fails with (recording a test failure if it parses); `files` are its includes.
func idlError(
    _ source: String, file: String = "t.thrift", files: [String: String] = [:],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> ThriftIDLError? {
    do {
        _ = try ThriftIDL.parse(source: source, fileName: file, readFile: { files[$0].map { Array($0.utf8) } })
        Issue.record("expected an IDL error", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// In-memory include files, keyed by the path the loader asks for.
func parseIDL(_ source: String, file: String = "t.thrift", files: [String: String], includeDirectories: [String] = [])
    throws(ThriftIDLError) -> ThriftSchema
{
    try ThriftIDL.parse(
        source: source, fileName: file, includeDirectories: includeDirectories,
        readFile: { path in files[path].map { Array($0.utf8) } })
}

extension ThriftSchema {
    func structNamed(_ name: String) -> StructDescriptor? { structs.first { $0.name == name } }
    func structIDNamed(_ name: String) -> StructID? { structs.firstIndex { $0.name == name }.map(StructID.init) }
    func enumNamed(_ name: String) -> EnumDescriptor? { enums.first { $0.name == name } }
    func enumIDNamed(_ name: String) -> EnumID? { enums.firstIndex { $0.name == name }.map(EnumID.init) }
}

extension StructDescriptor {
    func fieldNamed(_ name: String) -> FieldDescriptor? { fields.first { $0.name == name } }
}
