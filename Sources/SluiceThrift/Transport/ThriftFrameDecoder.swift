import NIOCore

/// Splits a byte stream into ``ThriftFrame``s for one transport, or for whichever transport the first bytes show.
///
/// With `transport: nil` the decoder detects the transport the way Apache's servers do (strict Binary or Compact
/// first bytes mean unframed; otherwise a length followed by Binary, Compact, THeader's `0x0FFF` or TTHeader's
/// `0x1000`) and keeps it for the rest of the connection.
public struct ThriftFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ThriftFrame

    private var transport: ThriftTransportKind?
    /// Unframed only: the protocol, fixed by the first message.
    private var bufferedProtocol: ThriftProtocolKind?
    public let maxFrameLength: Int
    private let lengthFinder: any ThriftMessageLengthFinder
    private let keepingInfo: Bool

    /// - Parameters:
    ///   - transport: the transport to expect, or nil to detect it from the first bytes.
    ///   - lengthFinder: finds where unframed (Buffered) messages end; nil parses them with ``ThriftSkipper``.
    ///   - keepingInfo: false to check TTHeader/THeader info blocks without storing them, for readers that need
    ///     only the payload.
    public init(
        transport: ThriftTransportKind?,
        maxFrameLength: Int = FramedTransport.defaultMaxFrameLength,
        lengthFinder: (any ThriftMessageLengthFinder)? = nil,
        keepingInfo: Bool = true
    ) {
        self.transport = transport
        self.keepingInfo = keepingInfo
        self.maxFrameLength = maxFrameLength
        self.lengthFinder = lengthFinder ?? ThriftParsingLengthFinder(maxLength: maxFrameLength)
    }

    /// The transport in use: the configured one, or the detected one once the first bytes have arrived.
    public var detectedTransport: ThriftTransportKind? { transport }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ThriftFrame? {
        try decodeFrame(buffer: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ThriftFrame? {
        try decodeFrame(buffer: &buffer)
    }

    mutating func decodeFrame(buffer: inout ByteBuffer) throws(ThriftTransportError) -> ThriftFrame? {
        if self.transport == nil { self.transport = try Self.detect(buffer) }
        guard let transport else { return nil }
        switch transport {
        case .ttheader:
            guard let frame = try TTHeader.readFrame(
                from: &buffer, maxFrameLength: maxFrameLength, keepingInfo: keepingInfo)
            else { return nil }
            let header = frame.header
            var payload = frame.payload
            // Kitex writes protocol id 0 whatever the payload is and sniffs it, so we do too. Its TTHeaderFramed
            // variant puts a u32 length before the message.
            var innerFramed = false
            if ThriftMessageHeader.detectProtocol(in: payload) == nil,
                payload.getInteger(at: payload.readerIndex, as: UInt32.self) == UInt32(payload.readableBytes - 4),
                ThriftMessageHeader.detectProtocol(in: payload, at: payload.readerIndex + 4) != nil
            {
                payload.moveReaderIndex(forwardBy: 4)
                innerFramed = true
            }
            let kind = try Self.payloadProtocol(payload)
            return ThriftFrame(
                envelope: .ttheader(header), protocolKind: kind, payload: payload, payloadWasFramed: innerFramed)
        case .theader:
            // Apache C++'s THeaderTransport flushes an empty frame (header, no message) whenever it is flushed with
            // nothing written, notably as it closes the connection. Apache's own C++ and Python readers find no
            // bytes in it and read on into the next frame; so does this decoder.
            while true {
                guard let (header, payload) = try THeader.readFrame(
                    from: &buffer, maxFrameLength: maxFrameLength, keepingInfo: keepingInfo)
                else { return nil }
                if payload.readableBytes == 0 { continue }
                return ThriftFrame(envelope: .theader(header), protocolKind: header.protocolKind, payload: payload)
            }
        case .framed:
            guard let payload = try FramedTransport.readFrame(from: &buffer, maxFrameLength: maxFrameLength) else {
                return nil
            }
            return ThriftFrame(envelope: .framed, protocolKind: try Self.payloadProtocol(payload), payload: payload)
        case .buffered:
            guard buffer.readableBytes >= 2 else { return nil }
            if bufferedProtocol == nil { bufferedProtocol = try Self.payloadProtocol(buffer) }
            guard let kind = bufferedProtocol else { return nil }
            guard
                let payload = try BufferedTransport.readMessage(
                    from: &buffer, protocol: kind, finder: lengthFinder, maxMessageLength: maxFrameLength)
            else { return nil }
            return ThriftFrame(envelope: .buffered, protocolKind: kind, payload: payload)
        }
    }

    /// The transport the bytes at the reader index start; nil until enough bytes are there to tell.
    public static func detect(_ buffer: ByteBuffer) throws(ThriftTransportError) -> ThriftTransportKind? {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= 2 else { return nil }
        if ThriftMessageHeader.detectProtocol(in: buffer, at: start) != nil { return .buffered }
        guard buffer.readableBytes >= 8 else { return nil }
        if TTHeader.matches(buffer, at: start) { return .ttheader }
        if THeader.matches(buffer, at: start) { return .theader }
        if ThriftMessageHeader.detectProtocol(in: buffer, at: start + 4) != nil { return .framed }
        throw ThriftTransportError(
            .unrecognizedTransport, offset: 0,
            "bytes match no Thrift transport (TTHeader, THeader, framed or unframed Binary/Compact)")
    }

    static func payloadProtocol(_ payload: ByteBuffer) throws(ThriftTransportError) -> ThriftProtocolKind {
        guard let kind = ThriftMessageHeader.detectProtocol(in: payload) else {
            throw ThriftTransportError(
                .unsupportedProtocol, offset: nil, "payload is neither strict Binary nor Compact")
        }
        return kind
    }
}
