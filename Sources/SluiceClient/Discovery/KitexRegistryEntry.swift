internal import SluiceJSON

/// One value Kitex's registry-etcd writes under `kitex/registry-etcd/<service>/<address>`:
/// `{"network":"tcp","address":"127.0.0.1:8888","weight":10,"tags":{"k":"v"}}`.
///
/// Read as Kitex's own resolver reads it (kitex-contrib/registry-etcd `etcd_resolver.go`): Go's
/// `encoding/json` into `{Network, Address string; Weight int; Tags map[string]string}`, so field names match
/// case-insensitively, unknown fields are ignored, `tags` may be null, and a weight that is absent, null or
/// ≤ 0 becomes the default 10. A value Go would fail to decode (not an object, a string weight, a fraction, a
/// tag that is not a string) is skipped with a reason, as Kitex skips it with a warning.
struct KitexRegistryEntry: Sendable, Hashable {
    /// Kitex's `defaultWeight`.
    static let defaultWeight = 10
    /// Values larger than this are rejected unread (Kitex's are ~100 bytes).
    static let maxValueBytes = 64 * 1024

    var network: String
    var endpoint: WeightedEndpoint
    var tags: [String: String]

    static func parse(_ value: [UInt8]) throws(KitexEntryError) -> KitexRegistryEntry {
        guard value.count <= maxValueBytes else { throw .tooLarge(value.count) }
        let fields: Result<(String, String?, Int64?, [String: String]), KitexEntryError> = value.withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes: bytes, maxDepth: 8)
            do {
                let fields = try readFields(&scanner)
                try scanner.finish()
                return .success(fields)
            } catch let error as KitexEntryError {
                return .failure(error)
            } catch {
                return .failure(.badJSON("\(error)"))
            }
        }
        let (network, address, weight, tags) = try fields.get()
        guard network.isEmpty || network == "tcp" else { throw .unsupportedNetwork(network) }
        guard let address, let endpoint = Endpoint(parsing: address) else { throw .badAddress(address ?? "") }
        let chosen = weight.flatMap { $0 > 0 ? Int(exactly: $0) : nil } ?? defaultWeight
        return KitexRegistryEntry(network: network, endpoint: WeightedEndpoint(endpoint, weight: chosen), tags: tags)
    }

    private static func readFields(_ scanner: inout JSONScanner) throws -> (String, String?, Int64?, [String: String]) {
        var network = ""
        var address: String?
        var weight: Int64?
        var tags: [String: String] = [:]
        guard try scanner.peekKind() == .object else { throw KitexEntryError.badJSON("not an object") }
        var cursor = try scanner.beginObject()
        while let key = try scanner.nextKey(&cursor) {
            // Go's encoding/json matches field names without regard to case.
            switch scanner.decodedString(key).lowercased() {
            case "network": network = try readOptionalString(&scanner, field: "network") ?? ""
            case "address": address = try readOptionalString(&scanner, field: "address")
            case "weight":
                if try scanner.readNullIfPresent() { break }
                guard try scanner.peekKind() == .number else { throw KitexEntryError.badWeight("not a number") }
                let token = try scanner.readNumber()
                guard token.isInteger, case .value(let value) = scanner.integer(token) else {
                    throw KitexEntryError.badWeight(String(decoding: scanner.rawBytes(of: token), as: UTF8.self))
                }
                weight = value
            case "tags":
                if try scanner.readNullIfPresent() { break }
                guard try scanner.peekKind() == .object else { throw KitexEntryError.badTags("not an object") }
                var tagCursor = try scanner.beginObject()
                while let tag = try scanner.nextKey(&tagCursor) {
                    let name = scanner.decodedString(tag)
                    if try scanner.readNullIfPresent() { continue }
                    guard try scanner.peekKind() == .string else { throw KitexEntryError.badTags("\(name) is not a string") }
                    tags[name] = scanner.decodedString(try scanner.readString())
                }
            default:
                try scanner.skipValue()
            }
        }
        return (network, address, weight, tags)
    }

    private static func readOptionalString(_ scanner: inout JSONScanner, field: String) throws -> String? {
        if try scanner.readNullIfPresent() { return nil }
        guard try scanner.peekKind() == .string else { throw KitexEntryError.badJSON("\(field) is not a string") }
        return scanner.decodedString(try scanner.readString())
    }
}

/// Why a registry value was skipped.
enum KitexEntryError: Error, Sendable, Hashable, CustomStringConvertible {
    case tooLarge(Int)
    case badJSON(String)
    case badWeight(String)
    case badTags(String)
    case unsupportedNetwork(String)
    case badAddress(String)

    var description: String {
        switch self {
        case .tooLarge(let count): "the value is \(count) bytes, over the \(KitexRegistryEntry.maxValueBytes)-byte limit"
        case .badJSON(let detail): "the value is not Kitex's instance JSON: \(detail)"
        case .badWeight(let text): "weight is not an integer: \(text)"
        case .badTags(let detail): "tags must map strings to strings: \(detail)"
        case .unsupportedNetwork(let network): "network \(network) is not tcp"
        case .badAddress(let address): "address '\(address)' is not host:port"
        }
    }
}
