import SluiceJSON

extension ProtobufJSONCodec {
    /// What a route names a field for, when it is loaded.
    public enum FieldUse: Sendable, Hashable {
        /// The request body fills it (`body: order`), or the answer is it (`response_body`): any field, reached
        /// through singular message fields.
        case wholeValue
        /// A path variable or a declared query parameter sets it from text: as ``wholeValue``, and the field
        /// must take text (a scalar, an enum, a repeated one of those, `Timestamp`, `Duration`, `FieldMask`, a
        /// wrapper).
        case text
    }

    /// Checks, when a route is loaded rather than on each request, that `path` (`.proto` or JSON names) names
    /// a field of `message` usable as `use`: the errors ``encode(_:schema:input:options:into:)`` and
    /// ``decode(_:schema:from:field:options:into:)`` would give for it on every call.
    public static func checkField(
        _ path: [String], of message: ProtobufMessageID, schema: ProtobufSchema, for use: FieldUse
    ) throws(ProtobufTranscodeError) {
        let resolver = ProtobufBindingPlan.Resolver(schema: schema, table: schema.table, request: Int32(message.index))
        let source = "'\(path.joined(separator: "."))'"
        switch use {
        case .wholeValue:
            _ = try resolver.resolve(path, source: source)
        case .text:
            _ = try resolver.resolveBound(BoundValue(path: path, text: "", source: source), skipUnknown: false)
        }
    }
}
