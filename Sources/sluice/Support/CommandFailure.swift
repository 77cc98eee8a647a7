import ArgumentParser
import Foundation

/// Exit codes of `sluice call` (and the other commands' failures), as the README documents them.
enum ExitStatus {
    /// Bad input: an IDL, a route file or JSON arguments that do not parse or do not fit.
    static let badInput = ExitCode(1)
    /// The backend could not be reached, failed, or answered with a TApplicationException.
    static let backendFailure = ExitCode(2)
    /// The method threw one of its declared exceptions; the error JSON is on stdout.
    static let declaredException = ExitCode(3)
}

/// Writes one line to standard error, unbuffered, so it interleaves correctly with logs.
func printError(_ message: String) {
    let line = message.hasSuffix("\n") ? message : message + "\n"
    FileHandle.standardError.write(Data(line.utf8))
}
