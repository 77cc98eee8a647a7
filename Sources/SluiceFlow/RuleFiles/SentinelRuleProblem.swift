/// Why (part of) a Sentinel rule file did not load, and where: the JSON path and the line and column, so
/// `sluice check` can point at the field. Sentinel logs and drops an invalid rule; this is that log line as a value.
public struct SentinelRuleProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the problem cost.
    public enum Effect: Sendable, Hashable {
        /// Not JSON, not an array, or malformed somewhere: no rule of the file loads (as Sentinel's parsers fail).
        case fileRejected
        /// This rule alone is dropped; the others load.
        case ruleDropped
        /// The rule loads without this part (a per-value exception that does not parse, a CPU ratio above 1).
        case partIgnored
    }

    public var effect: Effect
    /// `$[3].count`; `$` for the whole file.
    public var path: String
    public var reason: String
    /// Zero-based byte offset of the value at fault (of the rule when the field is absent).
    public var offset: Int
    /// One-based.
    public var line: Int
    /// One-based, in Unicode scalars.
    public var column: Int

    public var description: String {
        let effect = switch effect {
        case .fileRejected: "file rejected"
        case .ruleDropped: "rule dropped"
        case .partIgnored: "ignored"
        }
        return "\(line):\(column): \(path): \(reason) (\(effect))"
    }
}

/// Line and column of byte offsets, for problems.
struct TextPositions {
    private let lineStarts: [Int]
    private let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) {
        var starts = [0]
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "\n") { starts.append(index + 1) }
        self.lineStarts = starts
        self.bytes = bytes
    }

    func lineColumn(of offset: Int) -> (line: Int, column: Int) {
        let offset = min(max(offset, 0), bytes.count)
        // The last line start at or before `offset`.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var index = lineStarts[low]
        while index < offset {
            // UTF-8 continuation bytes do not start a scalar.
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return (low + 1, column)
    }
}
