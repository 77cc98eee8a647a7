import SluiceThrift
import Testing

@Suite("IDL robustness")
struct IDLFuzzTests {
    static let document = """
        namespace go fuzz
        include "other.thrift"
        typedef list<map<string, set<i64>>> Deep (a = "b")
        enum Color { RED = 1, GREEN, BLUE = 0x10 }
        const Color C = Color.GREEN
        const map<string, list<double>> M = {"a": [1.5e3, -2], 'b': []}
        struct S {
          1: required string name = "x" (api.query = "n")
          -1: i32 nope
          optional S next;
          3: Deep deep
          4: uuid id = "00112233-4455-6677-8899-aabbccddeeff"
        }
        union U { 1: S s; 2: binary b }
        exception E { 1: string message }
        /* block */ service Svc extends other.Base {
          oneway void fire(1: S s)
          S get(1: i32 id, 2: Color c = C) throws (1: E e) (api.get = "/s/:id")
        }
        """

    static let other = "service Base { void ping() }\nstruct O {}"

    private func parse(_ source: String) {
        _ = try? ThriftIDL.parse(
            source: source, fileName: "fuzz.thrift",
            readFile: { $0 == "other.thrift" ? Array(Self.other.utf8) : nil })
    }

    @Test("every truncation of a valid document fails cleanly or parses")
    func truncations() {
        let scalars = Array(Self.document.unicodeScalars)
        for length in 0...scalars.count {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[..<length])
            parse(text)
        }
    }

    @Test("random byte edits never crash")
    func mutations() {
        var generator = IDLSplitMix64(seed: 0x5EED)
        let bytes = Array(Self.document.utf8)
        let alphabet = Array("{}()[]<>,;:=*&\"'/#.-+0x9aZ_ \n\u{00}é".utf8)
        for _ in 0..<400 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let position = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated[position] = alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
                case 1: mutated.remove(at: position)
                default: mutated.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)], at: position)
                }
            }
            parse(String(decoding: mutated, as: UTF8.self))
        }
    }

    @Test("long typedef, constant and extends chains are errors, not stack overflows")
    func longChains() throws {
        let count = 1_000
        let typedefs = (0..<count).map { "typedef T\($0 + 1) T\($0)" }.joined(separator: "\n") + "\ntypedef i32 T\(count)"
        #expect(idlError(typedefs)?.message == "typedef chain longer than 200 is not supported")
        let constants = (0..<count).map { "const i32 C\($0) = C\($0 + 1)" }.joined(separator: "\n") + "\nconst i32 C\(count) = 1"
        #expect(idlError(constants)?.message == "constant chain longer than 200 is not supported")
        let services = (0..<count).map { "service S\($0) extends S\($0 + 1) {}" }.joined(separator: "\n") + "\nservice S\(count) {}"
        #expect(idlError(services)?.message == "'extends' chain longer than 200 is not supported")
        // Chains of ordinary length resolve.
        let schema = try parseIDL((0..<50).map { "typedef T\($0 + 1) T\($0)" }.joined(separator: "\n") + "\ntypedef i64 T50")
        #expect(schema.typedefs["T0"] == .i64)
    }

    @Test("pathological nesting is an error, not a stack overflow")
    func deepNesting() {
        let deepType = "typedef " + String(repeating: "list<", count: 5000) + "i32" + String(repeating: ">", count: 5000) + " T"
        #expect(idlError(deepType)?.message == "nesting deeper than 100 levels is not supported")
        let deepConst = "const i32 X = " + String(repeating: "[", count: 5000)
        #expect(idlError(deepConst)?.message == "nesting deeper than 100 levels is not supported")
    }
}

/// A small deterministic generator, so a failing mutation can be replayed.
struct IDLSplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
