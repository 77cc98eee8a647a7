import SwiftProtobuf
import Testing

@testable import SluiceProtobuf

/// Loads in-memory `.proto` text: `main.proto` plus any other files by import name.
enum ProtoText {
    static func load(_ text: String, others: [String: String] = [:]) throws(ProtoIDLError) -> [Google_Protobuf_FileDescriptorProto] {
        var files = others
        files["main.proto"] = text
        return try ProtoLoader(importPaths: ["."], source: .inMemory(files)).load(file: "main.proto")
    }

    /// The linked `main.proto`.
    static func main(_ text: String, others: [String: String] = [:]) throws -> Google_Protobuf_FileDescriptorProto {
        let files = try load(text, others: others)
        return try #require(files.last)
    }

    /// The error loading `text` gives, printed `file:line:col: message`.
    static func error(_ text: String, others: [String: String] = [:]) -> String {
        do {
            _ = try load(text, others: others)
            return "no error"
        } catch {
            return error.description
        }
    }
}
