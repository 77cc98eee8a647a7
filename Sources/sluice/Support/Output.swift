import Foundation
import NIOCore

/// Writes `buffer`'s readable bytes and a newline to standard output.
func printJSON(_ buffer: ByteBuffer) {
    var data = Data(buffer.readableBytesView)
    data.append(UInt8(ascii: "\n"))
    FileHandle.standardOutput.write(data)
}

/// Reads all of standard input (for `sluice call ... -`).
func readStandardInput() -> [UInt8] {
    Array(FileHandle.standardInput.readDataToEndOfFile())
}

/// `print` is buffered when stdout is a pipe; a supervisor waiting for the "listening" line needs it now.
func flushStandardOutput() {
    // fflush(nil) flushes every output stream, without touching the `stdout` global.
    fflush(nil)
}
