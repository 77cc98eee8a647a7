internal import Yams

extension PluginReader {
    static let ipRestrictionKeys = ["allow", "deny", "trusted_proxies"]

    mutating func ipRestriction(_ node: Node) -> IPRestrictionSettings? {
        guard let fields = reader.fields(of: node, what: "'ip_restriction'", allowed: Self.ipRestrictionKeys) else { return nil }
        guard fields["allow"] != nil || fields["deny"] != nil else {
            reader.error(at: node, "'ip_restriction' needs 'allow' or 'deny' (lists of CIDR blocks)")
            return nil
        }
        var valid = true
        func networks(_ key: String) -> [IPNetwork] {
            guard let field = fields[key] else { return [] }
            guard let list = reader.sequence(field.value, what: "'\(key)'") else {
                valid = false
                return []
            }
            var result: [IPNetwork] = []
            for item in list {
                guard let text = reader.string(item, what: "an entry of '\(key)'") else {
                    valid = false
                    continue
                }
                guard let network = IPNetwork(text) else {
                    reader.error(at: item, "'\(text)' in '\(key)' is not an IP address or CIDR block (10.0.0.0/8, 2001:db8::/32)")
                    valid = false
                    continue
                }
                result.append(network)
            }
            return result
        }
        let settings = IPRestrictionSettings(allow: networks("allow"), deny: networks("deny"), trustedProxies: networks("trusted_proxies"))
        return valid ? settings : nil
    }
}
