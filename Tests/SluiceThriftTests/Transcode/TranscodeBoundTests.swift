import NIOCore
import SluiceJSON
import SluiceThrift
import Testing

@Suite("Transcode bound values")
struct TranscodeBoundTests {
    static let protocols = ThriftProtocolKind.allCases

    /// Encodes `_args` of echo from `input`, then decodes them back to JSON for comparison.
    private func arguments(_ input: CallInput, _ kind: ThriftProtocolKind, options: TranscodeOptions = TranscodeOptions()) throws -> String {
        let bytes = try encodeArguments(input, kind, options: options)
        return try decode(bytes, TestSchema.echoArgs, kind)
    }

    private func bound(_ path: String, _ text: String, _ source: String = "query parameter 'q'") -> BoundValue {
        BoundValue(path: path.split(separator: ".").map(String.init), text: text, source: source)
    }

    @Test("the body fills the whole arguments object by default", arguments: protocols)
    func wholeBody(_ kind: ThriftProtocolKind) throws {
        let input = CallInput(body: ByteBuffer(string: #"{"req":{"name":"a"},"page":3}"#))
        #expect(try arguments(input, kind) == #"{"req":{"name":"a","limit":10},"page":3}"#)
    }

    @Test("the body can fill one argument", arguments: protocols)
    func bodyTarget(_ kind: ThriftProtocolKind) throws {
        let input = CallInput(body: ByteBuffer(string: #"{"name":"a","items":[{"id":1}]}"#), bodyTarget: ["req"])
        #expect(try arguments(input, kind) == #"{"req":{"name":"a","items":[{"id":1}],"limit":10}}"#)
    }

    @Test("bound values win over the body and are converted to the field type", arguments: protocols)
    func overrides(_ kind: ThriftProtocolKind) throws {
        let input = CallInput(
            body: ByteBuffer(string: #"{"name":"from body","verbose":false,"user":"u"}"#), bodyTarget: ["req"],
            bound: [
                bound("req.name", "from path", "path parameter 'name'"), bound("req.verbose", "1"),
                bound("page", "7"), bound("req.big", "-9007199254740993"), bound("req.color", "GREEN"),
                bound("req.item.id", "5"),
            ])
        #expect(
            try arguments(input, kind)
                == #"{"req":{"user":"u","name":"from path","verbose":true,"big":-9007199254740993,"color":2,"item":{"id":5},"limit":10},"page":7}"#
        )
    }

    @Test("bound values merge into structs the body also fills", arguments: protocols)
    func nestedMerge(_ kind: ThriftProtocolKind) throws {
        let input = CallInput(
            body: ByteBuffer(string: #"{"req":{"name":"n","item":{"id":1,"name":"body"}}}"#),
            bound: [bound("req.item.name", "bound")])
        #expect(try arguments(input, kind) == #"{"req":{"name":"n","item":{"id":1,"name":"bound"},"limit":10}}"#)
    }

    @Test("repeated bound values become list elements", arguments: protocols)
    func lists(_ kind: ThriftProtocolKind) throws {
        let input = CallInput(
            body: ByteBuffer(string: #"{"name":"n","ids":[100]}"#), bodyTarget: ["req"],
            bound: [bound("req.ids", "1"), bound("req.ids", "2"), bound("req.ids", "3")])
        #expect(try arguments(input, kind) == #"{"req":{"name":"n","ids":[1,2,3],"limit":10}}"#)
    }

    @Test("no body at all: bound values alone build the arguments", arguments: protocols)
    func noBody(_ kind: ThriftProtocolKind) throws {
        let input = CallInput(body: nil, bodyTarget: ["req"], bound: [bound("req.name", "x")])
        #expect(try arguments(input, kind) == #"{"req":{"name":"x","limit":10}}"#)
        #expect(try arguments(CallInput(body: ByteBuffer()), kind) == "{}")
    }

    @Test("a missing required field is reported even when the body is elsewhere", arguments: protocols)
    func requiredUnderBinding(_ kind: ThriftProtocolKind) throws {
        let input = CallInput(body: nil, bound: [bound("req.user", "u")])
        let failure = transcodeError { _ = try encodeArguments(input, kind) }
        #expect(failure?.kind == .missingRequired)
        #expect(failure?.path == "$.req.name")
    }

    @Test("errors in the body name paths from the arguments object", arguments: protocols)
    func bodyErrorPaths(_ kind: ThriftProtocolKind) throws {
        let input = CallInput(
            body: ByteBuffer(string: #"{"name":"n","items":[{"id":1},{"id":2},{"id":"3"}]}"#), bodyTarget: ["req"])
        let failure = transcodeError { _ = try encodeArguments(input, kind) }
        #expect(failure?.kind == .wrongType)
        #expect(failure?.path == "$.req.items[2].id")
        #expect(failure?.offset == 45)
    }

    @Test("bound text that does not fit the field is rejected with its source", arguments: protocols)
    func badText(_ kind: ThriftProtocolKind) throws {
        let cases: [(BoundValue, TranscodeError.Kind, String)] = [
            (bound("page", "x"), .invalidValue, "$.page"),
            (bound("page", "2147483648"), .outOfRange, "$.page"),
            (bound("req.verbose", "yes"), .invalidValue, "$.req.verbose"),
            (bound("req.color", "PURPLE"), .invalidValue, "$.req.color"),
            (bound("req.ids", "1.5"), .invalidValue, "$.req.ids[0]"),
            (bound("req.nope", "1"), .unknownField, "$.req.nope"),
            (bound("req.name.deeper", "1"), .unknownField, "$.req.name"),
            (bound("req", "1"), .invalidValue, "$.req"),
        ]
        for (value, kindOfError, path) in cases {
            let input = CallInput(body: nil, bound: [bound("req.name", "n"), value])
            let failure = try #require(transcodeError { _ = try encodeArguments(input, kind) }, "\(value)")
            #expect(failure.kind == kindOfError, "\(value)")
            #expect(failure.path == path, "\(value)")
        }
        let failure = transcodeError { _ = try encodeArguments(CallInput(body: nil, bound: [bound("page", "x")]), kind) }
        #expect(failure?.message.contains("query parameter 'q'") == true)
    }

    @Test("the body is still validated when bound values replace its target", arguments: protocols)
    func replacedBodyStillValidated(_ kind: ThriftProtocolKind) throws {
        let input = CallInput(body: ByteBuffer(string: "[1,"), bodyTarget: ["page"], bound: [bound("page", "1")])
        #expect(transcodeError { _ = try encodeArguments(input, kind) }?.kind == .syntax)
        let valid = CallInput(body: ByteBuffer(string: " 5 "), bodyTarget: ["page"], bound: [bound("page", "1")])
        #expect(try arguments(valid, kind) == #"{"page":1}"#)
    }
}
