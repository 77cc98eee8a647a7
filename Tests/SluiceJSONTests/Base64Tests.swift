import NIOCore
import SluiceJSON
import Testing

@Suite("Base64")
struct Base64Tests {
    // RFC 4648 §10 test vectors.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test("encodes the RFC 4648 vectors")
    func encodes() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
        }
    }

    @Test("decodes padded and unpadded input")
    func decodes() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.decode(encoded) == Array(plain.utf8))
            let unpadded = String(encoded.prefix { $0 != "=" })
            #expect(Base64.decode(unpadded) == Array(plain.utf8))
        }
    }

    @Test("decodes the URL-safe alphabet")
    func urlSafe() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64.decode("-_-_") == bytes)
        #expect(Base64.decode("+/+/") == bytes)
    }

    @Test("rejects what is not base64", arguments: ["Zg=", "Z", "Zm9v!", "Zm 9v", "Zg==Zg==", "=Zg=", "Zm9vY==="])
    func rejects(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test("round-trips every byte value")
    func roundTrip() {
        let bytes = (0...255).map { UInt8($0) } + [1, 2]
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }
}
