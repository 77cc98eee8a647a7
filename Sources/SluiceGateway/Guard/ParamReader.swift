internal import NIOCore
internal import SluiceJSON

/// How one route reads one entry of a resource's parameter list (a hot-parameter rule's value), resolved
/// when the rules load: a method argument by position becomes its field.
enum ParamReader: Sendable, Hashable {
    case clientIP
    case header(String)
    case query(String)
    case cookie(String)
    /// A field of the call's arguments: its bound value (path, query, header, cookie) if it has one, else
    /// its value in the JSON body.
    case field([String])
    /// An argument the method does not have: the rule does not apply (Sentinel passes an index past the args).
    case absent

    /// A consistent-hash key read the way a hot-parameter rule reads its value.
    init(hashKey: HashKeySource) {
        switch hashKey {
        case .header(let name): self = .header(name)
        case .query(let name): self = .query(name)
        case .pathParam(let variable): self = .field(variable.split(separator: ".").map(String.init))
        case .clientIP: self = .clientIP
        case .cookie(let name): self = .cookie(name)
        }
    }

    func read(_ items: FlowRequestItems, input: CallInput?) -> String? {
        switch self {
        case .clientIP: return items.remoteAddress
        case .header(let name): return items.header(name)
        case .query(let name): return items.urlParam(name)
        case .cookie(let name): return items.cookie(name)
        case .absent: return nil
        case .field(let path):
            guard let input else { return nil }
            if let bound = input.bound.first(where: { $0.path == path }) { return bound.text }
            guard let body = input.body, path.starts(with: input.bodyTarget) else { return nil }
            return body.withUnsafeReadableBytes { JSONScanner.fieldText(at: path.dropFirst(input.bodyTarget.count), in: $0) }
        }
    }
}
