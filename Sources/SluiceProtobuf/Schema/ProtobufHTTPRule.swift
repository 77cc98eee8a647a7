public import SwiftProtobuf

/// A method's `google.api.http` option (google/api/http.proto's `HttpRule`): how an HTTP request maps onto
/// the call. Read from the descriptor's options as bytes, so it works alike for `.proto` text, descriptor
/// sets and reflection, none of which carries the annotation as a typed extension.
public struct ProtobufHTTPRule: Sendable, Hashable {
    /// `GET`, `PUT`, `POST`, `DELETE`, `PATCH`, or a `custom` pattern's kind as written.
    public var method: String
    /// The path template, as written.
    public var path: String
    /// `""` (no body), `"*"`, or a request field's name.
    public var body: String
    /// `""` (the whole response), or a response field's name.
    public var responseBody: String
    public var additionalBindings: [ProtobufHTTPRule]

    public init(method: String, path: String, body: String = "", responseBody: String = "", additionalBindings: [ProtobufHTTPRule] = []) {
        self.method = method
        self.path = path
        self.body = body
        self.responseBody = responseBody
        self.additionalBindings = additionalBindings
    }

    /// `google.api.http`'s extension number on `MethodOptions`.
    static let extensionNumber: Int32 = 72_295_728

    /// The method's rule; nil when it has none.
    /// - Throws: when the option's bytes are not an `HttpRule` (or a rule sets no pattern).
    public static func of(_ method: Google_Protobuf_MethodDescriptorProto) throws(ProtobufTranscodeError) -> ProtobufHTTPRule? {
        let bytes = [UInt8](method.options.unknownFields.data)
        guard !bytes.isEmpty else { return nil }
        let result = bytes.withUnsafeBytes { buffer -> Result<ProtobufHTTPRule?, ProtobufTranscodeError> in
            do throws(ProtobufTranscodeError) {
                var reader = ProtobufWireReader(bytes: buffer, range: 0..<buffer.count)
                var rule: ProtobufHTTPRule?
                while !reader.isAtEnd {
                    let (number, wireType) = try reader.tag()
                    guard number == extensionNumber, wireType == .lengthDelimited else {
                        try reader.skip(wireType, number: number, depth: 8)
                        continue
                    }
                    // A repeated occurrence merges into the first, as protobuf reads a singular message twice.
                    rule = try parse(buffer, reader.lengthDelimited(), into: rule, depth: 8)
                }
                return .success(rule)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, into existing: ProtobufHTTPRule?, depth: Int
    ) throws(ProtobufTranscodeError) -> ProtobufHTTPRule {
        guard depth > 0 else { throw ProtobufTranscodeError(.tooDeep, offset: range.lowerBound, "google.api.http bindings nest too deep") }
        var rule = existing ?? ProtobufHTTPRule(method: "", path: "")
        var reader = ProtobufWireReader(bytes: bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            guard wireType == .lengthDelimited else {
                try reader.skip(wireType, number: number, depth: depth)
                continue
            }
            let value = try reader.lengthDelimited()
            switch number {
            case 2, 3, 4, 5, 6:
                rule.method = ["GET", "PUT", "POST", "DELETE", "PATCH"][Int(number) - 2]
                rule.path = text(bytes, value)
            case 7: rule.body = text(bytes, value)
            case 8:
                // CustomHttpPattern { string kind = 1; string path = 2; }
                var custom = ProtobufWireReader(bytes: bytes, range: value)
                while !custom.isAtEnd {
                    let (field, type) = try custom.tag()
                    guard type == .lengthDelimited, field == 1 || field == 2 else {
                        try custom.skip(type, number: field, depth: depth)
                        continue
                    }
                    let part = text(bytes, try custom.lengthDelimited())
                    if field == 1 { rule.method = part } else { rule.path = part }
                }
            case 11: rule.additionalBindings.append(try parse(bytes, value, into: nil, depth: depth - 1))
            case 12: rule.responseBody = text(bytes, value)
            default: continue  // selector (1) and fields added later
            }
        }
        guard !rule.method.isEmpty, !rule.path.isEmpty else {
            throw ProtobufTranscodeError(.malformedProtobuf, offset: range.lowerBound, "a google.api.http rule sets no method and path")
        }
        return rule
    }

    private static func text(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
