import SluiceJSON

/// A fault in the rule being read: the JSON path, the byte offset, and why.
struct RuleFault: Sendable, Hashable {
    var path: String
    var offset: Int
    var reason: String
}

/// SluiceJSON's scanner driven by a rule's schema, one rule at a time. Syntax errors throw (they reject the
/// file); a value of the wrong type or out of range is recorded as the rule's fault and skipped, so the rest
/// of the rule, and the file, is still read and validated.
struct RuleFileReader {
    var scanner: JSONScanner
    private var path: [Component] = []
    /// Offsets of the values read in the current rule, by JSON path, to place a fault found later.
    private var offsets: [String: Int] = [:]
    private var ruleOffset = 0
    /// The path of the rule itself: `$[3]`, or `$[3].rule` in the dashboard's wrapped shape.
    private var rulePath: [Component] = []
    /// The first fault of the current rule: it is dropped.
    private(set) var fault: RuleFault?
    /// Parts of the current rule that are ignored, reported if the rule loads.
    private(set) var warnings: [RuleFault] = []

    enum Component {
        case index(Int)
        case key(String)
    }

    init(scanner: JSONScanner) {
        self.scanner = scanner
    }

    /// Starts rule `index`, whose value begins at the scanner's offset.
    mutating func beginRule(_ index: Int) throws(JSONError) {
        _ = try scanner.peekKind()
        path = [.index(index)]
        rulePath = path
        offsets = [:]
        ruleOffset = scanner.offset
        fault = nil
        warnings = []
    }

    var currentPath: String { Self.render(path) }

    static func render(_ path: [Component]) -> String {
        var text = "$"
        for component in path {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key):
                let plain = !key.isEmpty && key.utf8.allSatisfy { byte in
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
                }
                text += plain ? ".\(key)" : "[\"\(key.replacingAll("\"", with: "\\\""))\"]"
            }
        }
        return text
    }

    /// Records a fault for `field` (a path below the rule, such as `count` or `paramItem.fieldName`), placed at
    /// that field's value if the rule had one, else at the rule.
    mutating func fail(field: String, _ reason: String) {
        guard fault == nil else { return }
        let base = Self.render(rulePath)
        let fieldPath = field.isEmpty ? base : base + "." + field
        fault = RuleFault(path: fieldPath, offset: offsets[fieldPath] ?? ruleOffset, reason: reason)
    }

    /// Makes the object at the current path (inside the one being read) the rule that faults are placed in.
    mutating func enterWrappedRule() {
        rulePath = path
    }

    /// Records a fault for the value about to be read (then skipped by the caller).
    private mutating func failHere(_ reason: String) {
        guard fault == nil else { return }
        fault = RuleFault(path: currentPath, offset: scanner.offset, reason: reason)
    }

    /// An ignored part: the value at `offset`, at the current path or the rule's `field`.
    mutating func warn(field: String? = nil, at offset: Int, _ reason: String) {
        let path = field.map { Self.render(rulePath) + "." + $0 } ?? currentPath
        warnings.append(RuleFault(path: path, offset: offset, reason: reason))
    }

    /// Peeks the next value's kind and notes where it is.
    private mutating func begin() throws(JSONError) -> JSONValueKind {
        let kind = try scanner.peekKind()
        offsets[currentPath] = scanner.offset
        return kind
    }

    private mutating func wrongType(_ kind: JSONValueKind, expected: String) throws(JSONError) {
        if let error = scanner.invalidLiteral() { throw error }
        failHere("must be \(expected), not \(kind)")
        try scanner.skipValue()
    }

    mutating func skip() throws(JSONError) { try scanner.skipValue() }

    /// Calls `body` with each member's key, the path extended by it. false (value skipped) for `null` or a
    /// value that is not an object (a fault).
    @discardableResult
    mutating func readObject(
        _ body: (inout RuleFileReader, String) throws(JSONError) -> Void
    ) throws(JSONError) -> Bool {
        let kind = try begin()
        if kind == .null { try scanner.skipValue(); return false }
        guard kind == .object else { try wrongType(kind, expected: "an object"); return false }
        var cursor = try scanner.beginObject()
        while let token = try scanner.nextKey(&cursor) {
            let key = scanner.decodedString(token)
            path.append(.key(key))
            defer { path.removeLast() }
            try body(&self, key)
        }
        return true
    }

    /// Calls `body` with each element's index, the path extended by it. false for `null` or a non-array.
    @discardableResult
    mutating func readArray(_ body: (inout RuleFileReader, Int) throws(JSONError) -> Void) throws(JSONError) -> Bool {
        let kind = try begin()
        if kind == .null { try scanner.skipValue(); return false }
        guard kind == .array else { try wrongType(kind, expected: "an array"); return false }
        var cursor = try scanner.beginArray()
        var index = 0
        while try scanner.nextElement(&cursor) {
            path.append(.index(index))
            defer { path.removeLast() }
            try body(&self, index)
            index += 1
        }
        return true
    }

    /// A string; nil for `null` or a wrong type (a fault).
    mutating func string() throws(JSONError) -> String? {
        let kind = try begin()
        switch kind {
        case .null: try scanner.skipValue(); return nil
        case .string: return scanner.decodedString(try scanner.readString())
        default: try wrongType(kind, expected: "a string"); return nil
        }
    }

    /// A string, or a number's or boolean's text (Java coerces those into String fields).
    mutating func text() throws(JSONError) -> String? {
        let kind = try begin()
        switch kind {
        case .number:
            let token = try scanner.readNumber()
            return String(decoding: scanner.rawBytes(of: token), as: UTF8.self)
        case .bool: return try scanner.readBool() ? "true" : "false"
        default: return try string()
        }
    }

    mutating func bool() throws(JSONError) -> Bool? {
        let kind = try begin()
        switch kind {
        case .null: try scanner.skipValue(); return nil
        case .bool: return try scanner.readBool()
        default: try wrongType(kind, expected: "true or false"); return nil
        }
    }

    /// A finite number; nil for `null`, a wrong type or a number beyond ±1.8e308 (faults).
    mutating func double() throws(JSONError) -> Double? {
        let kind = try begin()
        switch kind {
        case .null: try scanner.skipValue(); return nil
        case .number:
            let at = scanner.offset
            let value = scanner.double(try scanner.readNumber())
            guard value.isFinite else {
                if fault == nil { fault = RuleFault(path: currentPath, offset: at, reason: "is out of range") }
                return nil
            }
            return value
        default: try wrongType(kind, expected: "a number"); return nil
        }
    }

    /// A whole number within `range` (`1.0` and `1e3` are whole); nil for `null` or a fault.
    mutating func integer(in range: ClosedRange<Int64>) throws(JSONError) -> Int? {
        let kind = try begin()
        switch kind {
        case .null: try scanner.skipValue(); return nil
        case .number:
            let at = scanner.offset
            let reason: String
            switch scanner.integer(try scanner.readNumber()) {
            case .value(let value) where range.contains(value): return Int(value)
            case .value, .overflow: reason = "is out of range \(range.lowerBound)...\(range.upperBound)"
            case .invalid: reason = "must be a whole number"
            }
            if fault == nil { fault = RuleFault(path: currentPath, offset: at, reason: reason) }
            return nil
        default: try wrongType(kind, expected: "an integer"); return nil
        }
    }

    /// Java's `int`/`Integer`.
    mutating func int32() throws(JSONError) -> Int? { try integer(in: Int64(Int32.min)...Int64(Int32.max)) }
    /// Java's `long`, Go's `int64`.
    mutating func int64() throws(JSONError) -> Int? { try integer(in: Int64.min...Int64.max) }
    /// Go's `uint32`.
    mutating func uint32() throws(JSONError) -> Int? { try integer(in: 0...Int64(UInt32.max)) }
    /// Go's `uint64`, as far as `Int` goes.
    mutating func uint64() throws(JSONError) -> Int? { try integer(in: 0...Int64.max) }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
