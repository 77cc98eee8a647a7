import ArgumentParser
import Logging
import NIOCore
import SluiceGateway
import SluiceThrift

// Command-line spellings of library enums: their raw values (`ttheader`, `compact`, `debug`, ...).
extension ThriftTransportKind: ExpressibleByArgument {}
extension ThriftProtocolKind: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A duration as route files write it (`250ms`, `1s`, `2m`).
struct DurationArgument: Sendable, Hashable, ExpressibleByArgument, CustomStringConvertible {
    var amount: TimeAmount
    var description: String

    init(_ amount: TimeAmount, spelled description: String) {
        self.amount = amount
        self.description = description
    }

    init?(argument: String) {
        guard let amount = ConfigDuration.parse(argument), amount.nanoseconds > 0 else { return nil }
        self.amount = amount
        self.description = argument
    }
}
