import NIOCore
import SluiceClient
import SluiceThrift
import Testing
@testable import SluiceGateway

@Suite("Error responses")
struct GatewayErrorTests {
    func body(_ error: GatewayError) -> String {
        error.response(allocator: ByteBufferAllocator()).body.map { String(buffer: $0) } ?? ""
    }

    @Test("messages are escaped; field and offset appear only when known")
    func shape() {
        #expect(body(GatewayError(.routeNotFound, "no route for GET /a\"b\n")) == #"{"error":{"code":"route_not_found","message":"no route for GET /a\"b\n"}}"#)
        let transcode = GatewayError(request: TranscodeError(.syntax, path: "$.req", offset: 7, "expected ','"))
        #expect(body(transcode) == #"{"error":{"code":"invalid_json","message":"expected ','","field":"$.req","offset":7}}"#)
        #expect(transcode.code.status == 400)
    }

    @Test("405 carries Allow; application exceptions carry their type")
    func extras() {
        let notAllowed = GatewayError(.methodNotAllowed, "no", allow: ["GET", "POST"]).response(allocator: ByteBufferAllocator())
        #expect(notAllowed.status == 405)
        #expect(notAllowed.headers.map { "\($0.name): \($0.value)" } == ["allow: GET, POST"])
        #expect(body(GatewayError(.applicationException, "m", applicationExceptionType: 6)) == #"{"error":{"code":"application_exception","type":6,"message":"m"}}"#)
    }

    @Test(
        "transcode error kinds map to 400 codes",
        arguments: [
            (TranscodeError.Kind.wrongType, "wrong_type"), (.missingRequired, "missing_required_field"),
            (.outOfRange, "out_of_range"), (.unionFieldCount, "invalid_union"), (.unknownField, "unknown_field"),
            (.tooDeep, "too_deep"), (.invalidValue, "invalid_value"),
        ]
    )
    func transcodeKinds(kind: TranscodeError.Kind, code: String) {
        let error = GatewayError(request: TranscodeError(kind, path: "$.x", "m"))
        #expect(error.code.name == code)
        #expect(error.code.status == 400)
    }

    @Test("client timeouts are 504, other client failures 502")
    func clientErrors() {
        #expect(GatewayError(client: ClientError(.connectTimeout, "slow"), service: "s").code.status == 504)
        #expect(GatewayError(client: ClientError(.requestTimeout, "slow"), service: "s").code.status == 504)
        #expect(GatewayError(client: ClientError(.connectionClosed, "gone"), service: "s").code.status == 502)
        #expect(GatewayError(client: ClientError(.connectFailed, "refused"), service: "s").code.name == "bad_gateway")
    }

    @Test("client failures name the service and keep the transport's text (addresses, NIO errors) to the log")
    func clientErrorMessages() {
        let detail = "cannot connect to 127.0.0.1:9: SingleConnectionFailure(target: [IPv4]127.0.0.1/127.0.0.1:9)"
        let error = GatewayError(client: ClientError(.connectFailed, detail), service: "store")
        #expect(error.message == "service 'store' is unreachable: no connection to its backend could be opened")
        let other = GatewayError(client: CancellationError(), service: "store")
        #expect(other.message == "the call to service 'store' failed")
        #expect(other.code.status == 502)
    }
}
