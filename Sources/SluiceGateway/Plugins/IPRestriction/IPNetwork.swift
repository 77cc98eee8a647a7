#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An IPv4 or IPv6 address as 128 bits, IPv4 mapped into `::ffff:0:0/96` (RFC 4291 §2.5.5.2), so one
/// comparison serves both families and `::ffff:10.0.0.1` (how a dual-stack socket reports an IPv4 peer)
/// matches `10.0.0.0/8`.
struct IPAddress: Sendable, Hashable {
    var high: UInt64
    var low: UInt64

    /// Parses dotted IPv4 or any IPv6 text form (`inet_pton`); a zone (`fe80::1%eth0`) is ignored.
    init?(_ text: some StringProtocol) {
        let bare = String(text.prefix { $0 != "%" })
        if !bare.contains(":") {
            var v4 = in_addr()
            guard inet_pton(AF_INET, bare, &v4) == 1 else { return nil }
            let value = UInt32(bigEndian: v4.s_addr)
            high = 0
            low = 0x0000_FFFF_0000_0000 | UInt64(value)
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }
}

/// A CIDR block (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a /32 or /128.
struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    let base: IPAddress
    /// Prefix length over the 128-bit form (an IPv4 /8 is 104).
    let prefix: Int
    let description: String

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let width = address.isIPv4 ? 32 : 128
        var length = width
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...width).contains(value), parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return nil
            }
            length = value
        }
        prefix = length + (128 - width)
        base = Self.masked(address, prefix)
        description = text
    }

    func contains(_ address: IPAddress) -> Bool { Self.masked(address, prefix) == base }

    private static func masked(_ address: IPAddress, _ prefix: Int) -> IPAddress {
        var result = address
        if prefix < 64 {
            result.high &= prefix == 0 ? 0 : ~0 << (64 - prefix)
            result.low = 0
        } else if prefix < 128 {
            result.low &= ~0 << (128 - prefix)
        }
        return result
    }
}
