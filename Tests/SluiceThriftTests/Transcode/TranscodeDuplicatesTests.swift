import NIOCore
import SluiceJSON
import Testing

@testable import SluiceThrift

@Suite("Transcode set elements and map keys")
struct TranscodeDuplicatesTests {
    static let protocols = ThriftProtocolKind.allCases

    @Test(
        "a set element that converts to an earlier one is a 400 naming its index and the earlier one's offset",
        arguments: [
            (#"{"tags": ["a", "b", "c", "b"]}"#, "$.tags[3]", 25, 15),
            (#"{"tags": ["a", "\u0061"]}"#, "$.tags[1]", 15, 10),
            (#"{"ids": [7, 1, 1.0]}"#, "$.ids[2]", 15, 12),
            (#"{"ids": [10, 1e1]}"#, "$.ids[1]", 13, 9),
            (#"{"points": [{"x": 1, "y": 2}, {"x": 1, "y": 2}]}"#, "$.points[1]", 30, 12),
            (#"{"doubles": [0.5, 5e-1]}"#, "$.doubles[1]", 18, 13),
        ])
    func duplicateSetElements(_ json: String, _ path: String, _ offset: Int, _ earlier: Int) throws {
        for kind in Self.protocols {
            let failure = try #require(NumbersSchema.error(json, kind), "\(json)")
            #expect(failure.kind == .invalidValue, "\(json)")
            #expect(failure.path == path, "\(json)")
            #expect(failure.offset == offset, "\(json)")
            #expect(failure.message == "duplicate set element (equal to the element at byte \(earlier))", "\(json)")
        }
    }

    @Test(
        "map keys that convert to the same key are a 400 naming the second key",
        arguments: [
            (#"{"m": {"1": 1, "01": 2}}"#, #"$.m["01"]"#, "i32", 7),
            (#"{"m": {"-0": 1, "0": 2}}"#, #"$.m["0"]"#, "i32", 7),
            (#"{"byTag": {"a": 1, "\u0061": 2}}"#, #"$.byTag["a"]"#, "string", 11),
            (#"{"byDouble": {"1.0": "a", "1": "b"}}"#, #"$.byDouble["1"]"#, "double", 14),
            (#"{"byLevel": {"HIGH": 1, "2": 2}}"#, #"$.byLevel["2"]"#, "enum Level", 13),
        ])
    func duplicateObjectKeys(_ json: String, _ path: String, _ type: String, _ earlier: Int) throws {
        for kind in Self.protocols {
            let failure = try #require(NumbersSchema.error(json, kind), "\(json)")
            #expect(failure.kind == .invalidValue, "\(json)")
            #expect(failure.path == path, "\(json)")
            #expect(failure.message == "duplicate map key (the same \(type) as the key at byte \(earlier))", "\(json)")
        }
    }

    @Test("a repeated key in a [key, value] map is a 400 at the pair's key", arguments: protocols)
    func duplicatePairKeys(_ kind: ThriftProtocolKind) throws {
        let json = #"{"byPoint": [[{"x": 1}, 1], [{"x": 2}, 2], [{"x": 1}, 3]]}"#
        let failure = try #require(NumbersSchema.error(json, kind))
        #expect(failure.kind == .invalidValue)
        #expect(failure.path == "$.byPoint[2][0]")
        #expect(failure.offset == 44)
        #expect(failure.message == "duplicate map key (the same Point as the key at byte 14)")
    }

    @Test("distinct elements and keys pass, values may repeat, and lists keep their repeats", arguments: protocols)
    func distinct(_ kind: ThriftProtocolKind) throws {
        let json = #"{"ids":[1,2,-1],"tags":["a","A"],"m":{"1":5,"2":5},"list":[1,1],"doubles":[0.0,-0.0]}"#
        let decoded = try decode(try NumbersSchema.encode(json, kind), NumbersSchema.numbers, kind, schema: NumbersSchema.schema)
        #expect(decoded == json)
    }

    @Test("large sets are checked through the hash table, without missing a repeat", arguments: protocols)
    func largeSets(_ kind: ThriftProtocolKind) throws {
        let distinct = (0..<2000).map(String.init).joined(separator: ",")
        let bytes = try NumbersSchema.encode(#"{"ids":[\#(distinct)]}"#, kind)
        #expect(bytes.readableBytes > 2000)
        let failure = try #require(NumbersSchema.error(#"{"ids":[\#(distinct),1999.0]}"#, kind))
        #expect(failure.path == "$.ids[2000]")
        let mapJSON = (0..<500).map { #""\#($0)":0"# }.joined(separator: ",")
        let mapFailure = try #require(NumbersSchema.error(#"{"m":{\#(mapJSON),"0499":1}}"#, kind))
        #expect(mapFailure.path == #"$.m["0499"]"#)
    }

    @Test("repeated bound values for a set are a 400 naming the parameter; for a list they are kept")
    func boundSets() throws {
        let values = ["3", "4", "03"].map { BoundValue(path: ["req", "ids"], text: $0, source: "query parameter 'id'") }
        let failure = try #require(transcodeError { _ = try NumbersSchema.arguments(values) })
        #expect(failure.kind == .invalidValue)
        #expect(failure.path == "$.req.ids[2]")
        #expect(failure.message == "query parameter 'id': duplicate set element (equal to element 0)")
        let list = ["3", "3"].map { BoundValue(path: ["req", "list"], text: $0, source: "query parameter 'n'") }
        #expect(try NumbersSchema.arguments(list) == #"{"req":{"list":[3,3]}}"#)
    }

    @Test("the duplicate table finds byte-equal ranges and nothing else")
    func table() {
        let bytes: [UInt8] = Array("abcabcab".utf8)
        bytes.withUnsafeBytes { raw in
            var seen = EncodedDuplicates()
            #expect(seen.insert(0..<3, origin: 100, in: raw) == nil)
            #expect(seen.insert(1..<3, origin: 101, in: raw) == nil)  // "bc"
            #expect(seen.insert(6..<8, origin: 102, in: raw) == nil)  // "ab": a prefix of "abc" is not equal
            #expect(seen.insert(3..<6, origin: 103, in: raw) == 100)  // "abc" again
            #expect(seen.insert(4..<6, origin: 104, in: raw) == 101)
            #expect(seen.insert(8..<8, origin: 105, in: raw) == nil)  // empty
            #expect(seen.insert(0..<0, origin: 106, in: raw) == 105)
            #expect(seen.count == 4)
        }
    }
}
