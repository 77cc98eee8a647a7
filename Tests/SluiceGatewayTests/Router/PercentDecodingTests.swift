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

    @Test("rejects truncated escapes, bad hex and invalid UTF-8", arguments: ["%", "%4", "%zz", "%FF", "a%C3"])
    func rejects(raw: String) {
        #expect(PercentDecoding.decode(Array(raw.utf8), plusAsSpace: false) == nil)
    }
}
