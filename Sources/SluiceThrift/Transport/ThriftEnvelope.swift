import NIOCore

/// A transport's framing around one message, with the header values of the header transports.
public enum ThriftEnvelope: Sendable, Hashable {
    case ttheader(TTHeader)
    case theader(THeader)
    case framed
    case buffered

    public var transport: ThriftTransportKind {
        switch self {
        case .ttheader: .ttheader
        case .theader: .theader
        case .framed: .framed
        case .buffered: .buffered
        }
    }

    /// Writes the framing before the payload; write the message next, then call
    /// ``ThriftFrameStart/finish(in:maxFrameLength:)``.
    public func writeFrameStart(into buffer: inout ByteBuffer) throws(ThriftTransportError) -> ThriftFrameStart {
        switch self {
        case .ttheader(let header): try header.writeFrameStart(into: &buffer)
        case .theader(let header): try header.writeFrameStart(into: &buffer)
        case .framed: FramedTransport.writeFrameStart(into: &buffer)
        case .buffered: BufferedTransport.writeFrameStart(into: &buffer)
        }
    }
}

/// One message as read off a connection: its envelope, the protocol it is written in, and the message bytes
/// (message header then body; transforms already undone).
public struct ThriftFrame: Sendable {
    public var envelope: ThriftEnvelope
    public var protocolKind: ThriftProtocolKind
    public var payload: ByteBuffer
    /// TTHeader only: the message inside carried its own u32 length (Kitex's TTHeaderFramed), which has been
    /// removed from `payload`. A reply should be framed the same way.
    public var payloadWasFramed: Bool

    public init(
        envelope: ThriftEnvelope, protocolKind: ThriftProtocolKind, payload: ByteBuffer, payloadWasFramed: Bool = false
    ) {
        self.envelope = envelope
        self.protocolKind = protocolKind
        self.payload = payload
        self.payloadWasFramed = payloadWasFramed
    }
}
