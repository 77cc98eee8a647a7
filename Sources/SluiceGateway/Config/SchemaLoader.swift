public import SluiceThrift

/// Loads the IDL a service names. A seam so configuration can be validated against schemas from any
/// source (the IDL parser today; in-memory schemas in tests; descriptor sets or reflection later).
public struct SchemaLoader: Sendable {
    let load: @Sendable (_ path: String, _ includeDirectories: [String]) throws(ConfigDiagnostic) -> ThriftSchema

    public init(_ load: @escaping @Sendable (_ path: String, _ includeDirectories: [String]) throws(ConfigDiagnostic) -> ThriftSchema) {
        self.load = load
    }
}
