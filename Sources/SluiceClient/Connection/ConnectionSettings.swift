internal import SluiceThrift

/// What a connection needs to know about its peer and framing.
struct ConnectionSettings: Sendable {
    var endpoint: Endpoint
    var transport: ThriftTransportKind
    var protocolKind: ThriftProtocolKind
    /// TTHeader's ToService and `isn`.
    var serviceName: String
    var maxFrameLength: Int
    /// Buffered replies' ends; nil parses them with ``ThriftParsingLengthFinder``.
    var lengthFinder: (any ThriftMessageLengthFinder)?
    /// Multiplexed only: request bytes after which a connection retires (see ``RequestByteBudget``); nil never.
    var requestByteBudget: Int? = nil
    /// Nil: plain TCP, and a pipeline with no TLS handler.
    var tls: ConnectionTLS? = nil
    /// Counts the connections made with these settings while they are open.
    var connections: ConnectionGauge? = nil

    /// These settings, with their connections counted by `gauge`.
    func counted(by gauge: ConnectionGauge) -> ConnectionSettings {
        var counted = self
        counted.connections = gauge
        return counted
    }
}
