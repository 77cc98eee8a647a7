internal import NIOCore
internal import SluiceJSON

/// One key and value as etcd's JSON gateway sends them, base64 decoded.
struct EtcdKeyValue: Sendable, Hashable {
    var key: [UInt8]
    var value: [UInt8]
}

/// A response body the source cannot use (not JSON, or not the shape etcd sends).
struct EtcdResponseError: Error, Sendable, Hashable, CustomStringConvertible {
    var message: String

    init(_ message: String) { self.message = message }
    init(_ error: JSONError) { self.message = "bad JSON: \(error)" }

    /// What a reader that mixes the scanner's errors and its own throws.
    init(any error: any Error) {
        switch error {
        case let error as EtcdResponseError: self = error
        case let error as JSONError: self.init(error)
        default: self.init("\(error)")
        }
    }

    var description: String { message }
}

/// Readers for the parts of etcd's JSON that recur: int64s (a string in grpc-gateway's JSON, a number from
/// some proxies), base64 bytes, and objects walked key by key.
extension JSONScanner {
    mutating func readEtcdInt64() throws(EtcdResponseError) -> Int64 {
        do {
            let text: IntegerText
            switch try peekKind() {
            case .string:
                let token = try readString()
                text = withDecodedBytes(token) { IntegerText.parse($0) }
            case .number:
                text = integer(try readNumber())
            default:
                throw EtcdResponseError("expected an integer at byte \(offset)")
            }
            guard case .value(let value) = text else { throw EtcdResponseError("bad integer at byte \(offset)") }
            return value
        } catch {
            throw EtcdResponseError(any: error)
        }
    }

    mutating func readEtcdBytes() throws(EtcdResponseError) -> [UInt8] {
        do {
            let token = try readString()
            guard let bytes = withDecodedBytes(token, { Base64.decode(String(decoding: $0, as: UTF8.self)) }) else {
                throw EtcdResponseError("bad base64 at byte \(token.quoteOffset)")
            }
            return bytes
        } catch {
            throw EtcdResponseError(any: error)
        }
    }

    /// Calls `body` with each key of the object at the scanner; `body` must consume (or skip) the value.
    mutating func forEachEtcdField(
        _ body: (inout JSONScanner, String) throws(EtcdResponseError) -> Void
    ) throws(EtcdResponseError) {
        do {
            var cursor = try beginObject()
            while let key = try nextKey(&cursor) {
                try body(&self, decodedString(key))
            }
        } catch {
            throw EtcdResponseError(any: error)
        }
    }

    /// The `header.revision` of an etcd response.
    mutating func readEtcdHeaderRevision() throws(EtcdResponseError) -> Int64? {
        var revision: Int64?
        try forEachEtcdField { (scanner: inout JSONScanner, key: String) throws(EtcdResponseError) in
            if key == "revision" { revision = try scanner.readEtcdInt64() } else { try scanner.skipEtcdValue() }
        }
        return revision
    }

    mutating func readEtcdKeyValue() throws(EtcdResponseError) -> EtcdKeyValue {
        var key: [UInt8]?
        var value: [UInt8] = []
        try forEachEtcdField { (scanner: inout JSONScanner, field: String) throws(EtcdResponseError) in
            switch field {
            case "key": key = try scanner.readEtcdBytes()
            case "value": value = try scanner.readEtcdBytes()
            default: try scanner.skipEtcdValue()
            }
        }
        guard let key else { throw EtcdResponseError("a key-value without a key") }
        return EtcdKeyValue(key: key, value: value)
    }

    mutating func skipEtcdValue() throws(EtcdResponseError) {
        do { try skipValue() } catch { throw EtcdResponseError(error) }
    }

    mutating func readEtcdString() throws(EtcdResponseError) -> String {
        do {
            if try readNullIfPresent() { return "" }
            switch try peekKind() {
            case .string: return decodedString(try readString())
            default:
                try skipValue()
                return ""
            }
        } catch { throw EtcdResponseError(error) }
    }

    /// Runs `body` for each element of the array at the scanner (a `null` is an empty array).
    mutating func forEachEtcdElement(_ body: (inout JSONScanner) throws(EtcdResponseError) -> Void) throws(EtcdResponseError) {
        do {
            if try readNullIfPresent() { return }
            var cursor = try beginArray()
            while try nextElement(&cursor) {
                try body(&self)
            }
        } catch {
            throw EtcdResponseError(any: error)
        }
    }
}

extension ByteBuffer {
    /// Scans the readable bytes as one JSON document with `body`, requiring nothing after it.
    func scanEtcdJSON<T>(_ body: (inout JSONScanner) throws(EtcdResponseError) -> T) throws(EtcdResponseError) -> T {
        let result: Result<T, EtcdResponseError> = withUnsafeReadableBytes { bytes in
            var scanner = JSONScanner(bytes: bytes)
            let value: T
            do throws(EtcdResponseError) {
                value = try body(&scanner)
            } catch {
                return .failure(error)
            }
            do throws(JSONError) {
                try scanner.finish()
            } catch {
                return .failure(EtcdResponseError(error))
            }
            return .success(value)
        }
        return try result.get()
    }
}
