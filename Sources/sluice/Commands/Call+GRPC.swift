import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceJSON
import SluiceProtobuf
import SwiftProtobuf

/// `sluice call --proto` / `--descriptor-set`: one unary gRPC call, the request message read from JSON and
/// the response written as JSON by the descriptors alone, as grpcurl does.
extension Call {
    func callGRPC() async throws {
        let schema = try loadProtobufSchema()
        guard let (name, descriptor) = Self.method(method, in: schema) else {
            let known = schema.methods.keys.sorted().joined(separator: ", ")
            printError("no method '\(method)'; the descriptors have: \(known.isEmpty ? "none" : known)")
            throw ExitStatus.badInput
        }
        guard !descriptor.clientStreaming && !descriptor.serverStreaming else {
            printError("\(name) is a streaming method; sluice call makes unary gRPC calls")
            throw ExitStatus.badInput
        }
        let json = arguments == "-" ? readStandardInput() : Array(arguments.utf8)
        let allocator = ByteBufferAllocator()
        var request = allocator.buffer(capacity: json.count)
        do {
            try ProtobufJSONCodec.encode(descriptor.input, schema: schema, json: allocator.buffer(bytes: json), into: &request)
        } catch {
            printError("JSON: \(error.description)")
            throw ExitStatus.badInput
        }
        let tlsSetting = try clientTLS()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let logger = Self.quietLogger()
        let configuration = GRPCClientConfiguration(
            endpoints: [Endpoint(host: to.host, port: to.port)], tls: tlsSetting, connectTimeout: timeout.amount)
        let client = GRPCClient(configuration: configuration, eventLoopGroup: group, logger: logger)
        let outcome: Result<GRPCReply, any Error>
        do {
            let reply = try await client.call(
                path: Self.path(of: name), message: request, metadata: headers.compactMap(GRPCCallMetadata.parse),
                timeout: timeout.amount, on: group.next()
            ).get()
            outcome = .success(reply)
        } catch {
            outcome = .failure(error)
        }
        await client.shutdown()
        try? await group.shutdownGracefully()

        switch outcome {
        case .failure(let error):
            printError("sluice call: \(CallDiagnostics.describe(failure: error))")
            throw ExitStatus.backendFailure
        case .success(let reply) where reply.isOK:
            var message = reply.message ?? allocator.buffer(capacity: 0)
            var out = allocator.buffer(capacity: message.readableBytes * 2 + 16)
            do {
                try ProtobufJSONCodec.decode(descriptor.output, schema: schema, from: &message, into: &out)
            } catch {
                printError("\(to): unreadable response: \(error.description)")
                throw ExitStatus.backendFailure
            }
            printJSON(out)
        case .success(let reply):
            printJSON(GRPCCallStatus.json(reply, schema: schema, allocator: allocator))
            throw ExitStatus.declaredException
        }
    }

    /// The user's descriptors, with `google/rpc/status.proto` (embedded) beside them for a status's details.
    private func loadProtobufSchema() throws -> ProtobufSchema {
        do {
            let loader = ProtoLoader(importPaths: importPaths)
            var files: [Google_Protobuf_FileDescriptorProto]
            if let proto {
                files = try loader.load(file: proto)
            } else {
                files = try loader.loadDescriptorSet(file: descriptorSet ?? "")
            }
            for file in try ProtoLoader(importPaths: []).load(file: "google/rpc/status.proto")
            where !files.contains(where: { $0.name == file.name }) {
                files.append(file)
            }
            return try ProtobufSchema(files: files)
        } catch let error as ProtoIDLError {
            printError(error.description)
        } catch {
            printError("\(proto ?? descriptorSet ?? ""): \(error)")
        }
        throw ExitStatus.badInput
    }

    /// `pkg.Service.Method`, or a `Service.Method` (or shorter) that ends exactly one method's full name.
    static func method(_ name: String, in schema: ProtobufSchema) -> (String, ProtobufMethod)? {
        if let method = schema.method(named: name) { return (method.fullName, method) }
        let matches = schema.methods.filter { $0.key.hasSuffix("." + name) }
        guard matches.count == 1, let match = matches.first else { return nil }
        return (match.key, match.value)
    }

    /// `/pkg.Service/Method` for `pkg.Service.Method`.
    static func path(of fullName: String) -> String {
        guard let dot = fullName.lastIndex(of: ".") else { return "/" + fullName }
        return "/" + fullName[..<dot] + "/" + fullName[fullName.index(after: dot)...]
    }
}

/// `--header name:value`.
enum GRPCCallMetadata {
    static func parse(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        return (name.lowercased(), value)
    }
}

/// A non-OK status as `sluice call` prints it, in grpc-gateway's shape: `{"code": 5, "message": "...",
/// "details": [...]}`, the details (a `google.rpc.Status` in `grpc-status-details-bin`) as protobuf JSON when
/// their types are known, else left out with a note on stderr.
enum GRPCCallStatus {
    static func json(_ reply: GRPCReply, schema: ProtobufSchema, allocator: ByteBufferAllocator) -> ByteBuffer {
        if var details = reply.statusDetails, let status = schema.message(named: "google.rpc.Status") {
            var out = allocator.buffer(capacity: details.readableBytes * 2 + 64)
            do {
                try ProtobufJSONCodec.decode(status, schema: schema, from: &details, into: &out)
                return out
            } catch {
                printError("the status details are unreadable (\(error.description)); printing the code and message only")
            }
        }
        var json = JSONWriter(buffer: allocator.buffer(capacity: 64 + reply.statusMessage.utf8.count))
        json.beginObject()
        json.key("code")
        json.int(reply.statusCode)
        json.key("message")
        json.string(reply.statusMessage)
        json.endObject()
        return json.buffer
    }
}
