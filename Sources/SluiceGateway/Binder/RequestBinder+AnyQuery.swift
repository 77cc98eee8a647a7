internal import SluiceJSON

extension RequestBinder {
    /// google.api.http's query mapping for gRPC routes: a key the route names binds its field; any other
    /// key (`a.b=1`) binds the request field it spells, which the codec resolves (and, unless the route is
    /// strict, skips when there is none). Repeated keys give repeated values.
    func bindAnyQuery(_ pairs: Substring, into bound: inout [BoundValue]) throws(BindingError) {
        for pair in pairs.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            guard let key = PercentDecoding.decode(pair[..<(equals ?? pair.endIndex)], plusAsSpace: true) else {
                throw BindingError(source: "a query parameter", message: "a query parameter's name is not valid percent-encoded UTF-8")
            }
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            let source = "query parameter '\(key)'"
            guard let value = PercentDecoding.decode(rawValue, plusAsSpace: true) else {
                throw BindingError(source: source, message: "\(source) is not valid percent-encoded UTF-8")
            }
            if let parameter = query.first(where: { $0.name == key }) {
                Self.append(value, for: parameter, into: &bound)
            } else if !key.isEmpty {
                let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                bound.append(BoundValue(path: path, text: value, source: source, isQueryParameter: true))
            }
        }
    }
}
