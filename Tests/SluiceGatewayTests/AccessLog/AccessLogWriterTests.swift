import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
@testable import SluiceGateway

@Suite("Access log writer")
struct AccessLogWriterTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sluice-access-\(UUID().uuidString).log").path
    }

    @Test("entries from several loops all reach the file, whole lines, by the time it closes")
    func linesFromLoops() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 3)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try AccessLog(settings: AccessLogSettings(path: path), group: group, logger: Logger(label: "test"))
        // Enough per loop to pass the flush size once, and a tail the close must flush.
        let perLoop = 400
        for loop in group.makeIterator() {
            try await loop.submit {
                for index in 0..<perLoop { log.record(AccessLogFormatTests.entry(path: "/n/\(index)"), on: loop) }
            }.get()
        }
        await log.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 * perLoop)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil)
        }
        try await group.shutdownGracefully()
    }

    @Test("a loop's entries are written within the flush interval, without a close")
    func flushInterval() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try AccessLog(settings: AccessLogSettings(path: path, format: .combined), group: group, logger: Logger(label: "test"))
        let loop = group.next()
        try await loop.submit { log.record(AccessLogFormatTests.entry(), on: loop) }.get()
        var text = ""
        for _ in 0..<200 where text.isEmpty {
            try await Task.sleep(for: .milliseconds(25))
            text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        #expect(text.hasPrefix("127.0.0.1 - - ["))
        await log.close()
        try await group.shutdownGracefully()
    }

    @Test("reopen: after the file is moved away, entries go to a new file at the path")
    func reopen() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let path = temporaryPath()
        let rotated = path + ".1"
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: rotated)
        }
        let log = try AccessLog(settings: AccessLogSettings(path: path), group: group, logger: Logger(label: "test"))
        let loop = group.next()
        try await loop.submit { log.record(AccessLogFormatTests.entry(path: "/before"), on: loop) }.get()
        // The entry is written (the writer runs in order: reopen is queued after it).
        try await loop.submit { log.record(AccessLogFormatTests.entry(path: "/before-2"), on: loop) }.get()
        try await Task.sleep(for: .milliseconds(400))
        try FileManager.default.moveItem(atPath: path, toPath: rotated)
        log.reopen()
        try await loop.submit { log.record(AccessLogFormatTests.entry(path: "/after"), on: loop) }.get()
        await log.close()
        let old = try String(contentsOfFile: rotated, encoding: .utf8)
        let new = try String(contentsOfFile: path, encoding: .utf8)
        #expect(old.contains("/before") && !old.contains("/after"))
        #expect(new.contains("/after") && !new.contains("/before"))
        try await group.shutdownGracefully()
    }

    @Test("a file that cannot be opened is an error naming it")
    func unopenable() {
        #expect(throws: AccessLogError.self) {
            _ = try AccessLog(
                settings: AccessLogSettings(path: "/nonexistent-dir-\(UUID().uuidString)/a.log"), group: MultiThreadedEventLoopGroup.singleton,
                logger: Logger(label: "test"))
        }
    }
}
