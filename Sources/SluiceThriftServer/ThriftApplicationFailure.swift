/// An undeclared failure, sent to the caller as a TApplicationException (`{1: string message, 2: i32 type}`).
public struct ThriftApplicationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// TApplicationException's type numbers, as Apache Thrift defines them (Kitex adds 20 and 21).
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let unknown = Kind(rawValue: 0)
        public static let unknownMethod = Kind(rawValue: 1)
        public static let invalidMessageType = Kind(rawValue: 2)
        public static let wrongMethodName = Kind(rawValue: 3)
        public static let badSequenceID = Kind(rawValue: 4)
        public static let missingResult = Kind(rawValue: 5)
        public static let internalError = Kind(rawValue: 6)
        public static let protocolError = Kind(rawValue: 7)
        public static let invalidTransform = Kind(rawValue: 8)
        public static let invalidProtocol = Kind(rawValue: 9)
        public static let unsupportedClientType = Kind(rawValue: 10)
        /// Kitex: the `isn` names no service this server has.
        public static let unknownService = Kind(rawValue: 20)
        /// Kitex: a strict server got no `isn`.
        public static let noServiceName = Kind(rawValue: 21)

        public var description: String { String(rawValue) }
    }

    public var type: Kind
    public var message: String

    public init(type: Kind, message: String) {
        self.type = type
        self.message = message
    }

    public var description: String { "TApplicationException(\(type.rawValue)): \(message)" }
}
