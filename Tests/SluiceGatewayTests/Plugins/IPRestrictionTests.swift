import Testing
@testable import SluiceGateway

@Suite("ip_restriction")
struct IPRestrictionTests {
    func network(_ text: String) throws -> IPNetwork { try #require(IPNetwork(text)) }

    @Test("CIDR blocks of both families; IPv4 also as an IPv4-mapped IPv6 address")
    func blocks() throws {
        let ten = try network("10.0.0.0/8")
        #expect(ten.contains(try #require(IPAddress("10.255.1.2"))))
        #expect(ten.contains(try #require(IPAddress("::ffff:10.0.0.1"))))
        #expect(!ten.contains(try #require(IPAddress("11.0.0.1"))))
        let doc = try network("2001:db8::/32")
        #expect(doc.contains(try #require(IPAddress("2001:db8:1::5"))))
        #expect(!doc.contains(try #require(IPAddress("2001:db9::1"))))
        let everyV4 = try network("0.0.0.0/0")
        let v6 = try #require(IPAddress("2001:db8::1"))
        #expect(everyV4.contains(try #require(IPAddress("203.0.113.9"))))
        #expect(!everyV4.contains(v6))
        #expect(try network("::/0").contains(try #require(IPAddress("2001:db8::1"))))
        let host = try network("192.0.2.7")
        let (inside, outside) = (try #require(IPAddress("192.0.2.7")), try #require(IPAddress("192.0.2.8")))
        #expect(host.contains(inside) && !host.contains(outside))
        let zoned = try #require(IPAddress("fe80::1%eth0"))
        #expect(zoned == IPAddress("fe80::1"))
    }

    @Test("what is not an address or a block", arguments: ["10.0.0.0/33", "10.0.0/8", "::/129", "10.0.0.0/+8", "a.b.c.d", "", "10.0.0.0/"])
    func invalid(_ text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test("deny wins; with an allow list, an address on neither is refused")
    func lists() throws {
        let settings = IPRestrictionSettings(
            allow: [try network("10.0.0.0/8")], deny: [try network("10.9.0.0/16")], trustedProxies: [])
        #expect(settings.permits(try #require(IPAddress("10.1.1.1"))))
        #expect(!settings.permits(try #require(IPAddress("10.9.1.1"))))
        #expect(!settings.permits(try #require(IPAddress("192.0.2.1"))))
    }

    @Test("X-Forwarded-For is read right to left past trusted proxies, and only behind one")
    func forwarded() throws {
        let settings = IPRestrictionSettings(allow: [], deny: [], trustedProxies: [try network("127.0.0.1/32"), try network("10.0.0.0/8")])
        #expect(settings.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7, 10.1.1.1"]) == IPAddress("203.0.113.7"))
        #expect(settings.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.1", "203.0.113.7"]) == IPAddress("203.0.113.7"))
        #expect(settings.clientAddress(peer: "192.0.2.1", forwardedFor: ["203.0.113.7"]) == IPAddress("192.0.2.1"))
        #expect(settings.clientAddress(peer: "127.0.0.1", forwardedFor: []) == IPAddress("127.0.0.1"))
        #expect(settings.clientAddress(peer: "127.0.0.1", forwardedFor: ["not-an-ip"]) == nil)
        #expect(settings.clientAddress(peer: nil, forwardedFor: []) == nil)
    }
}
