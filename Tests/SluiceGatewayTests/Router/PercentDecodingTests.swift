import Testing
@testable import SluiceGateway

@Suite("Percent-decoding")
struct PercentDecodingTests {
    @Test(
        "decodes",
        arguments: [
            ("alice", false, "alice"),
            ("al%20ice", false, "al ice"),
            ("a+b", false, "a+b"),
            ("a+b", true, "a b"),
            ("%E2%82%AC%2f", false, "€/"),
            ("%41%62", false, "Ab"),
        ]
    )
    func decodes(raw: String, plusAsSpace: Bool, expected: String) {
        #expect(PercentDecoding.decode(Array(raw.utf8), plusAsSpace: plusAsSpace) == expected)
    }

    @Test("keeps %2F and %2f as written when asked (multi-segment captures), decoding everything else")
    func keepsEncodedSlash() {
        #expect(PercentDecoding.decode(Array("a%2Fb%2fc%20d/e".utf8), plusAsSpace: false, keepingEncodedSlash: true) == "a%2Fb%2fc d/e")
        #expect(PercentDecoding.decode(Array("a%2Fb".utf8), plusAsSpace: false) == "a/b")
        #expect(PercentDecoding.decode(Array("%2".utf8), plusAsSpace: false, keepingEncodedSlash: true) == nil)
    }

    @Test("rejects truncated escapes, bad hex and invalid UTF-8", arguments: ["%", "%4", "%zz", "%FF", "a%C3"])
    func rejects(raw: String) {
        #expect(PercentDecoding.decode(Array(raw.utf8), plusAsSpace: false) == nil)
    }
}
