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
struct DurationArgument: Sendable, Hashable, CustomStringConvertible {
    static let units = "an integer and a unit: us, ms, s, m or h (250ms, 2s)"

    var amount: TimeAmount
    var description: String

    init(_ amount: TimeAmount, spelled description: String) {
        self.amount = amount
        self.description = description
    }

    /// Parses `text`, or throws an error that says which spellings are accepted (ArgumentParser's own message for
    /// a failed conversion names only the option).
    static func parse(_ text: String) throws -> DurationArgument {
        guard let amount = ConfigDuration.parse(text), amount.nanoseconds > 0 else {
            throw ValidationError("'\(text)' is not a duration: write \(units)")
        }
        return DurationArgument(amount, spelled: text)
    }
}
