#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
internal import NIOCore
internal import NIOHTTP1
internal import SluiceTracing

/// One answered request as the access log writes it. The request half is taken when the request reaches the
/// gateway (``AccessLogRequest``), the rest when its response head goes out.
struct AccessLogEntry: Sendable {
    var request: AccessLogRequest
    var status: Int
    /// Nanoseconds from the request's arrival to its response head.
    var latency: UInt64
    /// The response body's length when it is sent whole or its length is declared; nil for a body that streams.
    var bytesOut: Int?
    /// Where the call went: the endpoint that answered, and how many attempts the call made (retries and
    /// hedges included). nil when the request never reached a backend.
    var endpoint: String?
    var attempts: Int?
    /// The kind of flow-control rule that refused the call (`flow`, `param_flow`, `system`, `gateway`,
    /// `circuit_breaker`), or the edge plugin that refused the request (`key_auth`, `ip_restriction`, ...).
    var blockedBy: String?
}

/// What the log needs of a request, read when it arrives: the headers are not kept.
struct AccessLogRequest: Sendable {
    var time: WallTime
    var client: String?
    var method: String
    var path: Substring
    var query: Substring
    var ingress: IngressProtocol
    /// The route's label, as metrics name it (its name, or `METHOD template`); nil when no route took it.
    var route: String?
    var service: String?
    var bytesIn: Int?
    /// The trace id of a valid W3C `traceparent` header.
    var traceID: Substring?
    var userAgent: String?
    var referer: String?
    /// Who an authentication plugin found the client to be (key_auth's consumer).
    var consumer: String?

    init(
        time: WallTime = .now(), client: String?, method: String, path: Substring, query: Substring, ingress: IngressProtocol,
        bytesIn: Int?, traceparent: String?, userAgent: String?, referer: String?
    ) {
        self.time = time
        self.client = client
        self.method = method
        self.path = path
        self.query = query
        self.ingress = ingress
        self.bytesIn = bytesIn
        self.traceID = traceparent.flatMap(TraceHeaders.traceID(ofTraceparent:))
        self.userAgent = userAgent
        self.referer = referer
    }

    init(_ request: GatewayRequest) {
        // One pass over the fields for the three the log reads, rather than a search for each.
        var traceparent: String?
        var userAgent: String?
        var referer: String?
        for field in request.headers {
            switch field.name.utf8.count {
            case 11 where traceparent == nil && GatewayHeaders.sameName(field.name, "traceparent"): traceparent = field.value
            case 10 where userAgent == nil && GatewayHeaders.sameName(field.name, "user-agent"): userAgent = field.value
            case 7 where referer == nil && GatewayHeaders.sameName(field.name, "referer"): referer = field.value
            default: break
            }
        }
        self.init(
            client: request.clientAddress, method: request.method, path: request.path, query: request.query, ingress: request.ingress,
            bytesIn: request.body?.readableBytes ?? 0, traceparent: traceparent, userAgent: userAgent, referer: referer)
    }

    /// A proxied request's head (its body streams: `bytes_in` is its declared length, nil when chunked).
    init(_ head: HTTPRequestHead, client: String?, ingress: IngressProtocol) {
        let target = GatewayRequest(method: head.method.rawValue, target: head.uri, headers: GatewayHeaders(), body: nil)
        let headers = head.headers
        self.init(
            client: client, method: target.method, path: target.path, query: target.query, ingress: ingress,
            bytesIn: headers.first(name: "content-length").flatMap { Int($0) } ?? (headers.contains(name: "transfer-encoding") ? nil : 0),
            traceparent: headers.first(name: "traceparent"), userAgent: headers.first(name: "user-agent"),
            referer: headers.first(name: "referer"))
    }
}

/// The wall clock, read once per logged request.
struct WallTime: Sendable, Hashable {
    var seconds: Int
    var nanoseconds: Int

    static func now() -> WallTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallTime(seconds: Int(spec.tv_sec), nanoseconds: Int(spec.tv_nsec))
    }

    var secondsSince1970: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    /// The UTC calendar fields.
    var utc: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var time = time_t(seconds)
        var fields = tm()
        gmtime_r(&time, &fields)
        return (Int(fields.tm_year) + 1900, Int(fields.tm_mon) + 1, Int(fields.tm_mday), Int(fields.tm_hour), Int(fields.tm_min), Int(fields.tm_sec))
    }
}
