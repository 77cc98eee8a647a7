internal import SluiceProtobuf
internal import SluiceThrift

/// What flow-control rules need to know of a route's method, read once when the rules load.
extension RouteCall {
    /// The method's arguments in declaration order (Sentinel's `paramIdx` counts them): a Thrift method's
    /// parameters, a gRPC request message's fields.
    var argumentNames: [String] {
        switch self {
        case .thrift(let call): call.schema[call.method.arguments].fields.map(\.name)
        case .grpc(let call): call.schema[call.method.input].fields.map(\.name)
        }
    }

    /// The `throws` field ids of the declared exceptions named in `names`, by type name (qualified or not)
    /// or by field name.
    func exceptionFieldIDs(named names: Set<String>) -> Set<Int16> {
        guard case .thrift(let call) = self, !names.isEmpty else { return [] }
        var ids: Set<Int16> = []
        for field in call.schema[call.method.result].fields where field.id != 0 {
            if Self.exceptionNames(of: field, in: call.schema).contains(where: names.contains) { ids.insert(field.id) }
        }
        return ids
    }

    /// The names a `throws` field answers to: its field name, its type's name and that name's last dotted part.
    /// Loading the configuration checks rules' names against the same list.
    static func exceptionNames(of field: FieldDescriptor, in schema: ThriftSchema) -> [String] {
        var names = [field.name]
        if case .structure(let id) = field.type {
            let typeName = schema[id].name
            names.append(typeName)
            if let dot = typeName.lastIndex(of: ".") { names.append(String(typeName[typeName.index(after: dot)...])) }
        }
        return names
    }
}
