import Foundation
import NIOCore
import Testing
@testable import SluiceGateway

@Suite("Access log lines")
struct AccessLogFormatTests {
    /// 2026-12-04T20:10:05.123Z
    static let time = WallTime(seconds: 1_796_415_005, nanoseconds: 123_456_789)

    static func entry(
        path: Substring = "/v1/echo/hi", query: Substring = "", traceparent: String? = nil, ingress: IngressProtocol = .http1,
        bytesOut: Int? = 13, blockedBy: String? = nil
    ) -> AccessLogEntry {
        var request = AccessLogRequest(
            time: time, client: "127.0.0.1", method: "POST", path: path, query: query, ingress: ingress, bytesIn: 2,
            traceparent: traceparent, userAgent: "curl/8.5.0", referer: nil)
        request.route = "POST /v1/echo/{req.name}"
        request.service = "echo"
        return AccessLogEntry(
            request: request, status: 200, latency: 3_212_345, bytesOut: bytesOut, endpoint: "127.0.0.1:9090", attempts: 2,
            blockedBy: blockedBy)
    }

    func line(_ entry: AccessLogEntry, _ format: AccessLogSettings.Format) -> String {
        var buffer = ByteBuffer()
        var clock = AccessLogClock()
        format.write(entry, into: &buffer, clock: &clock)
        return String(buffer: buffer)
    }

    @Test("JSON: one object per line with every key, absent values null")
    func json() throws {
        let text = line(Self.entry(query: "a=1&b=%22"), .json)
        #expect(text.hasSuffix("\n") && text.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2026-12-04T20:10:05.123Z")
        #expect(object["client"] as? String == "127.0.0.1")
        #expect(object["method"] as? String == "POST")
        #expect(object["path"] as? String == "/v1/echo/hi?a=1&b=%22")
        #expect(object["route"] as? String == "POST /v1/echo/{req.name}")
        #expect(object["protocol"] as? String == "http1")
        #expect(object["status"] as? Int == 200)
        #expect(object["service"] as? String == "echo")
        #expect(object["endpoint"] as? String == "127.0.0.1:9090")
        #expect(object["attempts"] as? Int == 2)
        #expect(object["latency_ms"] as? Double == 3.212)
        #expect(object["bytes_in"] as? Int == 2)
        #expect(object["bytes_out"] as? Int == 13)
        #expect(object["trace_id"] is NSNull)
        #expect(object["blocked_by"] is NSNull)
        #expect(object["consumer"] is NSNull)
        #expect(object["user_agent"] as? String == "curl/8.5.0")
        #expect(object.count == 17)
    }

    @Test("JSON: quotes and control bytes in a path are escaped, so the line stays one JSON value")
    func jsonEscaping() throws {
        let text = line(Self.entry(path: "/a\"b\\c\u{1}"), .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["path"] as? String == "/a\"b\\c\u{1}")
    }

    @Test("combined: Apache's layout, a streamed body as '-', quotes escaped nginx's way")
    func combined() {
        #expect(
            line(Self.entry(query: "x=1"), .combined)
                == #"127.0.0.1 - - [04/Dec/2026:20:10:05 +0000] "POST /v1/echo/hi?x=1 HTTP/1.1" 200 13 "-" "curl/8.5.0""# + "\n")
        #expect(
            line(Self.entry(path: "/q\"", ingress: .http2, bytesOut: nil), .combined)
                == #"127.0.0.1 - - [04/Dec/2026:20:10:05 +0000] "POST /q\x22 HTTP/2.0" 200 - "-" "curl/8.5.0""# + "\n")
        #expect(line(Self.entry(ingress: .websocket), .combined).contains(#""POST /v1/echo/hi WebSocket" 200"#))
    }

    @Test("the consumer an authentication plugin found: JSON's consumer, combined's remote user (spaces made _)")
    func consumer() throws {
        var entry = Self.entry()
        entry.request.consumer = "partner a"
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line(entry, .json).utf8)) as? [String: Any])
        #expect(object["consumer"] as? String == "partner a")
        #expect(line(entry, .combined).hasPrefix(#"127.0.0.1 - partner_a [04/Dec/2026"#))
    }
}
