import SluiceJSON

extension JSONToThrift {
    // Scanner operations with their errors turned into transcoding errors. Plain methods rather than one
    // closure-taking helper: a closure capturing the container cursor would box it on every struct.

    mutating func peekKind() throws(TranscodeError) -> JSONValueKind {
        do { return try scanner.peekKind() } catch { throw TranscodeError(error) }
    }

    mutating func beginObject() throws(TranscodeError) -> JSONContainerCursor {
        do { return try scanner.beginObject() } catch { throw TranscodeError(error) }
    }

    mutating func beginArray() throws(TranscodeError) -> JSONContainerCursor {
        do { return try scanner.beginArray() } catch { throw TranscodeError(error) }
    }

    mutating func nextKey(_ cursor: inout JSONContainerCursor) throws(TranscodeError) -> JSONStringToken? {
        do { return try scanner.nextKey(&cursor) } catch { throw TranscodeError(error) }
    }

    mutating func nextElement(_ cursor: inout JSONContainerCursor) throws(TranscodeError) -> Bool {
        do { return try scanner.nextElement(&cursor) } catch { throw TranscodeError(error) }
    }

    mutating func readString() throws(TranscodeError) -> JSONStringToken {
        do { return try scanner.readString() } catch { throw TranscodeError(error) }
    }

    mutating func readNumber() throws(TranscodeError) -> JSONNumberToken {
        do { return try scanner.readNumber() } catch { throw TranscodeError(error) }
    }

    mutating func readBool() throws(TranscodeError) -> Bool {
        do { return try scanner.readBool() } catch { throw TranscodeError(error) }
    }

    mutating func readNullIfPresent() throws(TranscodeError) -> Bool {
        do { return try scanner.readNullIfPresent() } catch { throw TranscodeError(error) }
    }

    mutating func skipValue() throws(TranscodeError) {
        do { try scanner.skipValue() } catch { throw TranscodeError(error) }
    }

    mutating func finishDocument() throws(TranscodeError) {
        do { try scanner.finish() } catch { throw TranscodeError(error) }
    }
}
