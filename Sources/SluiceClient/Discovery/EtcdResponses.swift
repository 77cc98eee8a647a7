internal import NIOCore
internal import SluiceJSON

/// A `/v3/kv/range` answer: the keys under the prefix and the store revision they were read at.
struct EtcdRangeResponse: Sendable, Hashable {
    var revision: Int64
    var keyValues: [EtcdKeyValue]

    /// Parses `{"header":{"revision":"7",...},"kvs":[{"key":"<b64>","value":"<b64>",...}],"count":"1"}`
    /// (`kvs` is absent when nothing matched).
    static func parse(_ body: ByteBuffer) throws(EtcdResponseError) -> EtcdRangeResponse {
        try body.scanEtcdJSON { (scanner: inout JSONScanner) throws(EtcdResponseError) in
            var revision: Int64?
            var keyValues: [EtcdKeyValue] = []
            var failure: String?
            try scanner.forEachEtcdField { (scanner: inout JSONScanner, key: String) throws(EtcdResponseError) in
                switch key {
                case "header": revision = try scanner.readEtcdHeaderRevision()
                case "kvs":
                    try scanner.forEachEtcdElement { (scanner: inout JSONScanner) throws(EtcdResponseError) in
                        keyValues.append(try scanner.readEtcdKeyValue())
                    }
                case "error", "message": failure = try scanner.readEtcdString()
                default: try scanner.skipEtcdValue()
                }
            }
            if let failure { throw EtcdResponseError("etcd: \(failure)") }
            guard let revision else { throw EtcdResponseError("a range response without header.revision") }
            return EtcdRangeResponse(revision: revision, keyValues: keyValues)
        }
    }
}

/// One change in a watch result.
enum EtcdEvent: Sendable, Hashable {
    case put(EtcdKeyValue)
    case delete(key: [UInt8])
}

/// One line of the `/v3/watch` stream.
enum EtcdWatchMessage: Sendable, Hashable {
    /// The watch exists (the first message).
    case created
    /// Changes, in revision order, up to `revision`; empty for a progress notification.
    case events([EtcdEvent], revision: Int64?)
    /// etcd ended the watch: the start revision was compacted away (`compactRevision`), or for `reason`.
    case canceled(compactRevision: Int64?, reason: String)
    /// The gateway reported an error instead of a result.
    case failed(String)

    /// Parses `{"result":{"header":{...},"created":true}}`, `{"result":{...,"events":[{"type":"DELETE","kv":{...}}]}}`,
    /// `{"result":{...,"canceled":true,"compact_revision":"4"}}` or `{"error":{"message":"..."}}`. PUT is
    /// protobuf's default enum value, so a PUT event has no `type`.
    static func parse(_ line: ByteBuffer) throws(EtcdResponseError) -> EtcdWatchMessage {
        try line.scanEtcdJSON { (scanner: inout JSONScanner) throws(EtcdResponseError) in
            var message: EtcdWatchMessage?
            try scanner.forEachEtcdField { (scanner: inout JSONScanner, key: String) throws(EtcdResponseError) in
                switch key {
                case "result": message = try parseResult(&scanner)
                case "error": message = .failed(try readError(&scanner))
                default: try scanner.skipEtcdValue()
                }
            }
            guard let message else { throw EtcdResponseError("a watch message without result or error") }
            return message
        }
    }

    private static func parseResult(_ scanner: inout JSONScanner) throws(EtcdResponseError) -> EtcdWatchMessage {
        var created = false
        var canceled = false
        var compactRevision: Int64?
        var reason = ""
        var revision: Int64?
        var events: [EtcdEvent] = []
        try scanner.forEachEtcdField { (scanner: inout JSONScanner, key: String) throws(EtcdResponseError) in
            switch key {
            case "header": revision = try scanner.readEtcdHeaderRevision()
            case "created": created = try scanner.readEtcdBool()
            case "canceled": canceled = try scanner.readEtcdBool()
            case "compact_revision": compactRevision = try scanner.readEtcdInt64()
            case "cancel_reason": reason = try scanner.readEtcdString()
            case "events":
                try scanner.forEachEtcdElement { (scanner: inout JSONScanner) throws(EtcdResponseError) in
                    events.append(try parseEvent(&scanner))
                }
            default: try scanner.skipEtcdValue()
            }
        }
        if canceled {
            let compacted = compactRevision.flatMap { $0 > 0 ? $0 : nil }
            return .canceled(compactRevision: compacted, reason: reason)
        }
        if created && events.isEmpty { return .created }
        return .events(events, revision: revision)
    }

    private static func parseEvent(_ scanner: inout JSONScanner) throws(EtcdResponseError) -> EtcdEvent {
        var isDelete = false
        var keyValue: EtcdKeyValue?
        try scanner.forEachEtcdField { (scanner: inout JSONScanner, key: String) throws(EtcdResponseError) in
            switch key {
            case "type":
                let type = try scanner.readEtcdString()
                guard type == "PUT" || type == "DELETE" else { throw EtcdResponseError("unknown event type \(type)") }
                isDelete = type == "DELETE"
            case "kv": keyValue = try scanner.readEtcdKeyValue()
            default: try scanner.skipEtcdValue()
            }
        }
        guard let keyValue else { throw EtcdResponseError("a watch event without kv") }
        return isDelete ? .delete(key: keyValue.key) : .put(keyValue)
    }

    /// The gateway's error: an object with `message` (newer) or a string (older gateways).
    private static func readError(_ scanner: inout JSONScanner) throws(EtcdResponseError) -> String {
        do {
            guard try scanner.peekKind() == .object else { return try scanner.readEtcdString() }
        } catch { throw EtcdResponseError("bad JSON: \(error)") }
        var message = "unknown error"
        try scanner.forEachEtcdField { (scanner: inout JSONScanner, key: String) throws(EtcdResponseError) in
            if key == "message" { message = try scanner.readEtcdString() } else { try scanner.skipEtcdValue() }
        }
        return message
    }
}

extension JSONScanner {
    mutating func readEtcdBool() throws(EtcdResponseError) -> Bool {
        do { return try readBool() } catch { throw EtcdResponseError(error) }
    }
}
