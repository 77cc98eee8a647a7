import SluiceJSON

extension JSONToProtobuf {
    // Scanner operations with their errors turned into transcoding errors. Plain methods rather than one
    // closure-taking helper: a closure capturing the container cursor would box it on every message.

    mutating func peek() throws(ProtobufTranscodeError) -> JSONValueKind {
        do { return try scanner.peekKind() } catch { throw ProtobufTranscodeError(error) }
    }

    mutating func beginObject() throws(ProtobufTranscodeError) -> JSONContainerCursor {
        do { return try scanner.beginObject() } catch { throw ProtobufTranscodeError(error) }
    }

    mutating func beginArray() throws(ProtobufTranscodeError) -> JSONContainerCursor {
        do { return try scanner.beginArray() } catch { throw ProtobufTranscodeError(error) }
    }

    mutating func nextKey(_ cursor: inout JSONContainerCursor) throws(ProtobufTranscodeError) -> JSONStringToken? {
        do { return try scanner.nextKey(&cursor) } catch { throw ProtobufTranscodeError(error) }
    }

    mutating func nextElement(_ cursor: inout JSONContainerCursor) throws(ProtobufTranscodeError) -> Bool {
        do { return try scanner.nextElement(&cursor) } catch { throw ProtobufTranscodeError(error) }
    }

    mutating func readString() throws(ProtobufTranscodeError) -> JSONStringToken {
        do { return try scanner.readString() } catch { throw ProtobufTranscodeError(error) }
    }

    mutating func readNumber() throws(ProtobufTranscodeError) -> JSONNumberToken {
        do { return try scanner.readNumber() } catch { throw ProtobufTranscodeError(error) }
    }

    mutating func readBool() throws(ProtobufTranscodeError) -> Bool {
        do { return try scanner.readBool() } catch { throw ProtobufTranscodeError(error) }
    }

    mutating func readNull() throws(ProtobufTranscodeError) {
        do { try scanner.readNull() } catch { throw ProtobufTranscodeError(error) }
    }

    mutating func skipValue() throws(ProtobufTranscodeError) {
        do { try scanner.skipValue() } catch { throw ProtobufTranscodeError(error) }
    }

    /// Requires the next value to be of `kind`; `expected` names what was wanted, for the error.
    /// (An autoclosure: the text is built only for the error, never per value.)
    mutating func expect(_ kind: JSONValueKind, _ expected: @autoclosure () -> String) throws(ProtobufTranscodeError) {
        let found = try peek()
        guard found == kind else { throw wrongType(expected(), found: found) }
    }

    /// `null` where a value is required (a repeated element, a map value).
    mutating func rejectNull() throws(ProtobufTranscodeError) {
        if try peek() == .null {
            throw ProtobufTranscodeError(.invalidValue, offset: scanner.offset, "null is not allowed here")
        }
    }

    /// The error for a value of the wrong JSON type at the scanner's position (after ``peek()``).
    func wrongType(_ expected: String, found: JSONValueKind) -> ProtobufTranscodeError {
        if let syntax = scanner.invalidLiteral() { return ProtobufTranscodeError(syntax) }
        return ProtobufTranscodeError(.wrongType, offset: scanner.offset, "expected \(expected) but found \(found)")
    }
}
