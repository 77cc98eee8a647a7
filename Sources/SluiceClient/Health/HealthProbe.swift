public import SluiceThrift

/// What a ``HealthChecker`` sends each endpoint: ``HealthCheckPolicy/Probe`` resolved against the service's own
/// protocol, transport and TLS by whoever builds the checker (the cluster), so a probe reaches the backend the
/// way its calls do.
public struct HealthProbe: Sendable {
    enum Kind: Sendable {
        case tcp
        case thrift(ThriftMethodProbe)
        case grpcHealth(service: String)
        case httpPath(HTTPPathProbe)
    }

    let kind: Kind
    /// TLS as the service's calls use it; nil is plain TCP.
    let tls: ThriftClientTLS?

    /// Passes when a TCP connect (and with `tls` its handshake) completes within the timeout.
    public static func tcp(tls: ThriftClientTLS? = nil) -> HealthProbe {
        HealthProbe(kind: .tcp, tls: tls)
    }

    /// One call of `method` with empty arguments on a one-off connection; any reply but a TApplicationException
    /// passes (a declared exception is an answer from a live server).
    ///
    /// - Parameter serviceName: TTHeader's ToService and `isn`, as the service's calls send them.
    public static func thriftMethod(
        _ method: String, transport: ThriftTransportKind, protocol protocolKind: ThriftProtocolKind,
        serviceName: String, maxFrameLength: Int = FramedTransport.defaultMaxFrameLength, tls: ThriftClientTLS? = nil
    ) -> HealthProbe {
        HealthProbe(
            kind: .thrift(
                ThriftMethodProbe(
                    method: method, transport: transport, protocolKind: protocolKind, serviceName: serviceName,
                    maxFrameLength: maxFrameLength)),
            tls: tls)
    }

    /// What `policy` asks of a Thrift service reached as `client` reaches it: its `thrift_method` called over the
    /// service's transport, protocol and TLS, or without one a TCP connect.
    public static func thrift(_ policy: HealthCheckPolicy, client: ThriftClientConfiguration) -> HealthProbe {
        guard let method = policy.thriftMethod else { return .tcp(tls: client.tls) }
        return .thriftMethod(
            method.method, transport: client.transport, protocol: client.protocolKind,
            serviceName: client.serviceName, maxFrameLength: client.maxFrameLength, tls: client.tls)
    }

    /// `grpc.health.v1.Health/Check` for `service` ("" asks about the server as a whole) over h2c, or h2 with
    /// `tls`; passes on SERVING.
    public static func grpcHealth(service: String, tls: ThriftClientTLS? = nil) -> HealthProbe {
        HealthProbe(kind: .grpcHealth(service: service), tls: tls)
    }

    /// `GET path` over HTTP/1.1 (with `tls`, HTTPS) carrying `host` (the endpoint's address when nil); a 2xx
    /// passes.
    public static func httpPath(_ path: String, host: String? = nil, tls: ThriftClientTLS? = nil) -> HealthProbe {
        HealthProbe(kind: .httpPath(HTTPPathProbe(path: path, host: host)), tls: tls)
    }
}

/// The Thrift probe's call and the connection settings it needs besides the endpoint.
struct ThriftMethodProbe: Sendable {
    var method: String
    var transport: ThriftTransportKind
    var protocolKind: ThriftProtocolKind
    var serviceName: String
    var maxFrameLength: Int
}
