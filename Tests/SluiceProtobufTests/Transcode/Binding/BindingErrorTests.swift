import SluiceJSON
import Testing

@testable import SluiceProtobuf

/// Bound values that cannot land: unknown names, paths through fields that are not messages, fields that
/// take no text, and query parameters colliding with the body or a declared binding.
@Suite struct BindingErrorTests {
    @Test("a declared binding to a name the message does not have is an error")
    func unknownField() throws {
        let error = try #require(BindingFixture.error(bound: [bound("order.nope", "1")]))
        #expect(error.kind == .unknownField)
        #expect(error.path == "$.order.nope")
        #expect(error.message == "path parameter 'order.nope' names 'nope', which bind.test.Order does not declare")
    }

    @Test(
        "a path step through a scalar or a repeated field is an error",
        arguments: [
            ("f_int32.x", "$.fInt32"), ("orders.quantity", "$.orders"), ("labels.a", "$.labels"),
        ])
    func stepThroughNonMessage(path: String, errorPath: String) throws {
        let error = try #require(BindingFixture.error(bound: [bound(path, "1")]))
        #expect(error.kind == .wrongType)
        #expect(error.path == errorPath)
        #expect(error.message.hasPrefix("path parameter '\(path)' names"))
    }

    @Test(
        "maps and messages other than the text-form well-known types cannot be bound",
        arguments: [
            ("labels", "$.labels"), ("order", "$.order"), ("meta", "$.meta"), ("order.address", "$.order.address"),
        ])
    func fieldsWithoutTextForm(path: String, errorPath: String) throws {
        let error = try #require(BindingFixture.error(bound: [bound(path, "x")]))
        #expect(error.kind == .wrongType)
        #expect(error.path == errorPath)
        #expect(error.message.contains("cannot be bound from text"))
    }

    @Test("a bound value naming no field is an error")
    func emptyPath() throws {
        let value = BoundValue(path: [], text: "x", source: "header 'x-id'")
        #expect(BindingFixture.error(bound: [value])?.kind == .invalidValue)
    }

    @Test("a body target that is not a field, or goes through a scalar, is an error")
    func badBodyTarget() throws {
        #expect(BindingFixture.error(body: "{}", target: ["nope"], bound: [])?.kind == .unknownField)
        #expect(BindingFixture.error(body: "{}", target: ["f_int32", "x"], bound: [])?.kind == .wrongType)
    }

    @Test("a query parameter the message does not have is ignored, unless strict")
    func unknownQueryParameters() throws {
        let values = [
            bound("utm_source", "mail", query: true), bound("order.nope", "1", query: true),
            bound("f_int32", "3", query: true),
        ]
        #expect(try BindingFixture.request(body: nil, bound: values) == #"{"fInt32":3}"#)
        let error = try #require(BindingFixture.error(bound: values, strict: true))
        #expect(error.kind == .unknownField)
        #expect(error.message.hasPrefix("query parameter 'utm_source'"))
    }

    @Test("a query parameter's other errors are errors, strict or not")
    func queryParameterErrors() throws {
        #expect(BindingFixture.error(bound: [bound("f_int32.x", "1", query: true)])?.kind == .wrongType)
        #expect(BindingFixture.error(bound: [bound("labels", "1", query: true)])?.kind == .wrongType)
        #expect(BindingFixture.error(bound: [bound("f_int32", "x", query: true)])?.kind == .invalidValue)
    }

    @Test("a query parameter inside the body's target collides with the body")
    func queryInsideBodyTarget() throws {
        for name in ["order.quantity", "order.customerId", "order.address.city"] {
            let error = try #require(
                BindingFixture.error(body: "{}", target: ["order"], bound: [bound(name, "1", query: true)]))
            #expect(error.kind == .conflict)
            #expect(error.message == "query parameter '\(name)' sets a field of the request body (body: order)")
        }
        // Without a body too: the route says the body fills `order`.
        #expect(
            BindingFixture.error(target: ["order"], bound: [bound("order.quantity", "1", query: true)])?.kind
                == .conflict)
        // Outside the target, query parameters are fields like any other.
        #expect(
            try BindingFixture.request(
                body: #"{"quantity": 2}"#, target: ["order"], bound: [bound("f_int32", "3", query: true)])
                == #"{"order":{"quantity":2},"fInt32":3}"#)
    }

    @Test("a query parameter collides with a body that is the whole request, when there is one")
    func queryWithWholeBody() throws {
        let error = try #require(BindingFixture.error(body: "{}", bound: [bound("f_int32", "1", query: true)]))
        #expect(error.kind == .conflict)
        #expect(error.message == "query parameter 'f_int32' sets a field, but the request body is the whole request")
        #expect(try BindingFixture.request(body: nil, bound: [bound("f_int32", "1", query: true)]) == #"{"fInt32":1}"#)
        #expect(try BindingFixture.request(body: " ", bound: [bound("f_int32", "1", query: true)]) == #"{"fInt32":1}"#)
    }

    @Test("a query parameter collides with a declared binding of the same field, or one inside the other")
    func queryAgainstDeclaredBinding() throws {
        let same = try #require(
            BindingFixture.error(
                bound: [bound("order.customerId", "q", query: true), bound("order.customer_id", "p")]))
        #expect(same.kind == .conflict)
        #expect(
            same.message
                == "query parameter 'order.customerId' and path parameter 'order.customer_id' both set 'order.customerId'"
        )
        #expect(
            BindingFixture.error(bound: [bound("ts", "2024-01-01T00:00:00Z"), bound("ts.seconds", "1", query: true)])?
                .kind
                == .conflict)
        #expect(
            try BindingFixture.request(
                body: nil, bound: [bound("order.quantity", "1"), bound("order.customerId", "c", query: true)])
                == #"{"order":{"quantity":1,"customerId":"c"}}"#)
    }
}

/// A route's field names checked when it is loaded.
@Suite struct RouteFieldCheckTests {
    private func check(_ dotted: String, _ use: ProtobufJSONCodec.FieldUse) throws -> ProtobufTranscodeError? {
        do {
            try ProtobufJSONCodec.checkField(
                dotted.split(separator: ".").map(String.init), of: try BindingFixture.message("bind.test.Request"),
                schema: try BindingFixture.schema(), for: use)
            return nil
        } catch let error as ProtobufTranscodeError {
            return error
        }
    }

    @Test("a body or response_body may be any field reached through singular messages")
    func wholeValues() throws {
        for path in ["order", "orders", "labels", "f_int32", "order.address", "meta"] {
            #expect(try check(path, .wholeValue) == nil, "\(path)")
        }
        #expect(try check("nope", .wholeValue)?.kind == .unknownField)
        #expect(try check("orders.quantity", .wholeValue)?.kind == .wrongType)
    }

    @Test("a path variable must name a field that takes text")
    func textFields() throws {
        for path in ["order.customer_id", "ids", "ts", "wrapped", "mask", "legacy.level"] {
            #expect(try check(path, .text) == nil, "\(path)")
        }
        #expect(try check("order", .text)?.kind == .wrongType)
        #expect(try check("labels", .text)?.kind == .wrongType)
        #expect(try check("order.nope", .text)?.kind == .unknownField)
    }
}
