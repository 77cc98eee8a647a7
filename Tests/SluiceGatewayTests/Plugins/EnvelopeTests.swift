import NIOCore
import Testing
@testable import SluiceGateway

@Suite("envelope")
struct EnvelopeTests {
    let allocator = ByteBufferAllocator()

    func wrapped(_ response: GatewayResponse, _ settings: EnvelopeSettings = EnvelopeSettings()) -> (Int, String) {
        let result = settings.wrap(response, allocator: allocator)
        return (result.status, result.body.map { String(buffer: $0) } ?? "")
    }

    @Test("success wraps the reply; a void 204 becomes 200 with data null; names and success code configurable")
    func success() {
        #expect(wrapped(GatewayResponse(status: 200, body: ByteBuffer(string: #"{"a":1}"#))) == (200, #"{"code":0,"msg":"success","data":{"a":1}}"#))
        #expect(wrapped(GatewayResponse(status: 204, body: nil)) == (200, #"{"code":0,"msg":"success","data":null}"#))
        var settings = EnvelopeSettings()
        (settings.codeField, settings.messageField, settings.dataField) = ("status", "message", "result")
        (settings.successCode, settings.successMessage) = (200, "ok")
        #expect(wrapped(GatewayResponse(status: 200, body: ByteBuffer(string: "7")), settings) == (200, #"{"status":200,"message":"ok","result":7}"#))
    }

    @Test("a gateway error: the exact code, then its kind, then default; data is the error object")
    func gatewayErrors() {
        var settings = EnvelopeSettings()
        settings.errors = ["bad_request": .init(code: 10000, status: nil), "default": .init(code: 50000, status: 500)]
        let invalid = GatewayError(.invalidJSON, "no", offset: 3).response(allocator: allocator)
        #expect(wrapped(invalid, settings) == (400, #"{"code":10000,"msg":"no","data":{"code":"invalid_json","message":"no","offset":3}}"#))
        settings.errors["invalid_json"] = .init(code: 10002, status: 422)
        #expect(wrapped(invalid, settings).0 == 422)
        let timeout = GatewayError(.gatewayTimeout, "slow").response(allocator: allocator)
        #expect(wrapped(timeout, settings) == (500, #"{"code":50000,"msg":"slow","data":{"code":"gateway_timeout","message":"slow"}}"#))
        #expect(wrapped(timeout).1.hasPrefix(#"{"code":504,"#))
    }

    @Test("the keys each failure is looked up by, most specific first")
    func keys() {
        #expect(EnvelopeSettings.keys(for: .exception(type: "store.NotFound")) == ["exception:store.NotFound", "exception:NotFound"])
        #expect(EnvelopeSettings.keys(for: .grpc(code: 5, message: "")) == ["grpc:NOT_FOUND", "upstream_error"])
        #expect(EnvelopeSettings.keys(for: .grpc(code: 4, message: "")) == ["grpc:DEADLINE_EXCEEDED", "upstream_timeout"])
        #expect(EnvelopeSettings.keys(for: .grpc(code: 14, message: "")) == ["grpc:UNAVAILABLE", "upstream_unavailable"])
        #expect(EnvelopeSettings.keys(for: .gateway(code: "bad_gateway", message: "")) == ["bad_gateway", "upstream_unavailable"])
        #expect(EnvelopeSettings.keys(for: .gateway(code: "route_not_found", message: "")) == ["route_not_found", "not_found"])
        #expect(EnvelopeSettings.keys(for: .gateway(code: "flow_blocked", message: "")) == ["flow_blocked"])
    }

    @Test("a declared exception keeps its JSON as data; a raw body or a stream passes as it is")
    func exceptions() {
        var settings = EnvelopeSettings()
        settings.errors = ["exception:NotFound": .init(code: 20001, status: 404)]
        var response = GatewayResponse(status: 500, body: ByteBuffer(string: #"{"error":{"type":"store.NotFound","exception":{"id":"9"}}}"#))
        response.failure = .exception(type: "store.NotFound")
        #expect(wrapped(response, settings) == (404, #"{"code":20001,"msg":"NotFound","data":{"type":"store.NotFound","exception":{"id":"9"}}}"#))
        let raw = GatewayResponse(status: 200, body: ByteBuffer(string: "bytes"), contentType: "application/octet-stream")
        #expect(wrapped(raw, settings) == (200, "bytes"))
    }
}
