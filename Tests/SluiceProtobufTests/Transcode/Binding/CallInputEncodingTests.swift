import NIOCore
import SluiceJSON
import Testing

@testable import SluiceProtobuf

/// The body of a gRPC route's request at its target, and values bound from the path and query after it.
@Suite struct CallInputEncodingTests {
    @Test("the body fills the whole request when the target is empty")
    func bodyAsRequest() throws {
        #expect(
            try BindingFixture.request(body: #"{"fInt32": 5, "order": {"quantity": 1}}"#)
                == #"{"fInt32":5,"order":{"quantity":1}}"#)
        #expect(try BindingFixture.encode(body: nil) == [])
        #expect(try BindingFixture.encode(body: "  \n") == [])
    }

    @Test(
        "the body fills a field of any type named by the target",
        arguments: [
            (["order"], #"{"customerId": "c1", "quantity": 2}"#, #"{"order":{"customerId":"c1","quantity":2}}"#),
            (["orders"], #"[{"quantity": 1}, {}]"#, #"{"orders":[{"quantity":1},{}]}"#),
            (["labels"], #"{"a": "b"}"#, #"{"labels":{"a":"b"}}"#),
            (["ids"], "[1, 2]", #"{"ids":[1,2]}"#),
            (["f_string"], #""hi""#, #"{"fString":"hi"}"#),
            (["fInt64"], #""12""#, #"{"fInt64":"12"}"#),
            (["color"], #""GREEN""#, #"{"color":"GREEN"}"#),
            (["ts"], #""2024-05-01T10:00:00Z""#, #"{"ts":"2024-05-01T10:00:00Z"}"#),
            (["meta"], #"{"k": [1, null]}"#, #"{"meta":{"k":[1.0,null]}}"#),
            (["order", "address"], #"{"city": "Oslo"}"#, #"{"order":{"address":{"city":"Oslo"}}}"#),
        ])
    func bodyAtTarget(target: [String], body: String, expected: String) throws {
        let written = try BindingFixture.request(body: body, target: target)
        #expect(written == expected)
    }

    @Test("a null body at a target is no value: not even the messages on the way are sent")
    func nullBodyAtTarget() throws {
        #expect(try BindingFixture.encode(body: "null", target: ["order", "address"]) == [])
        #expect(try BindingFixture.encode(body: "null", target: ["ids"]) == [])
    }

    @Test("errors in a targeted body name the JSON path inside the body")
    func bodyErrorsAtTarget() throws {
        let error = try #require(BindingFixture.error(body: #"{"quantity": "x"}"#, target: ["order"], bound: []))
        #expect(error.kind == .invalidValue)
        #expect(error.path == "$.quantity")
        #expect(BindingFixture.error(body: #"{"quantity": 1} x"#, target: ["order"], bound: [])?.kind == .syntax)
        #expect(BindingFixture.error(body: "[1]", target: ["f_int32"], bound: [])?.kind == .wrongType)
    }

    @Test("an empty target message is sent when asked, and only then")
    func emptyTarget() throws {
        #expect(try BindingFixture.encode(body: nil, target: ["order"], sendsEmptyTarget: true) == [0x0A, 0x00])
        #expect(
            try BindingFixture.request(body: nil, target: ["order", "address"], sendsEmptyTarget: true)
                == #"{"order":{"address":{}}}"#)
        #expect(try BindingFixture.encode(body: nil, target: ["order"]) == [])
        #expect(try BindingFixture.encode(body: nil, target: ["ids"], sendsEmptyTarget: true) == [])
    }

    @Test("a bound value wins over the body's value for the same field")
    func boundWinsOverBody() throws {
        #expect(
            try BindingFixture.request(
                body: #"{"customerId": "from-body", "quantity": 3}"#, target: ["order"],
                bound: [bound("order.customer_id", "from-path")])
                == #"{"order":{"customerId":"from-path","quantity":3}}"#)
        // A zero is written too: left out, the body's 5 would stand.
        let bytes = try BindingFixture.encode(body: #"{"fInt32": 5}"#, bound: [bound("f_int32", "0")])
        #expect(bytes == [0x10, 0x05, 0x10, 0x00])
        #expect(try BindingFixture.json(bytes) == "{}")
        // A bound Timestamp replaces the body's whole (nanos included).
        #expect(
            try BindingFixture.request(
                body: #"{"ts": "2024-01-01T00:00:00.500Z"}"#, bound: [bound("ts", "2024-01-02T00:00:00Z")])
                == #"{"ts":"2024-01-02T00:00:00Z"}"#)
        // A oneof member bound replaces the body's other member.
        #expect(
            try BindingFixture.request(
                body: #"{"card": "4111"}"#, target: ["order"], bound: [bound("order.voucher", "V1")])
                == #"{"order":{"voucher":"V1"}}"#)
    }

    @Test("values bound below one message share one occurrence of it, named by proto or JSON names")
    func nestedValuesShareTheirMessage() throws {
        let bytes = try BindingFixture.encode(
            body: nil,
            bound: [
                bound("order.customerId", "c7"), bound("order.address.city", "Rome"), bound("order.quantity", "4"),
            ])
        // order (1) once: customer_id (1), address (4) { city (1) }, quantity (2).
        #expect(
            bytes == [0x0A, 0x0E, 0x0A, 0x02, 0x63, 0x37, 0x22, 0x06, 0x0A, 0x04, 0x52, 0x6F, 0x6D, 0x65, 0x10, 0x04])
        #expect(
            try BindingFixture.json(bytes) == #"{"order":{"customerId":"c7","address":{"city":"Rome"},"quantity":4}}"#)
    }

    @Test("a repeated field gets one element per value; any other field the first")
    func repeatedValues() throws {
        #expect(
            try BindingFixture.request(body: nil, bound: [bound("ids", "1"), bound("ids", "2"), bound("ids", "3")])
                == #"{"ids":[1,2,3]}"#)
        #expect(
            try BindingFixture.request(
                body: nil, bound: [bound("colors", "RED", query: true), bound("colors", "2", query: true)])
                == #"{"colors":["RED","GREEN"]}"#)
        #expect(
            try BindingFixture.request(
                body: nil, bound: [bound("times", "1970-01-01T00:00:01Z"), bound("times", "1970-01-01T00:00:02Z")])
                == #"{"times":["1970-01-01T00:00:01Z","1970-01-01T00:00:02Z"]}"#)
        #expect(
            try BindingFixture.request(body: nil, bound: [bound("f_int32", "1"), bound("f_int32", "2")])
                == #"{"fInt32":1}"#)
        #expect(
            try BindingFixture.request(
                body: nil, target: ["order"], bound: [bound("order.tags", "a"), bound("order.tags", "b")])
                == #"{"order":{"tags":["a","b"]}}"#)
    }

    @Test("nothing is written when the input fails")
    func nothingWrittenOnFailure() throws {
        let input = CallInput(
            body: ByteBuffer(string: #"{"fInt32": 1}"#), bound: [bound("f_string", "ok"), bound("f_bool", "maybe")])
        var out = ByteBuffer(string: "kept")
        #expect(throws: ProtobufTranscodeError.self) {
            try ProtobufJSONCodec.encode(
                try BindingFixture.message("bind.test.Request"), schema: try BindingFixture.schema(), input: input,
                into: &out)
        }
        #expect(String(buffer: out) == "kept")
    }
}
