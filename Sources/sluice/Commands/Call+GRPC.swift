import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import SluiceClient
import SluiceGateway
import SluiceJSON
import SluiceProtobuf
import SwiftProtobuf

/// `sluice call --proto` / `--descriptor-set` / `--reflect`: one gRPC call, its request messages read from JSON
/// and its responses written as JSON by the descriptors alone, as grpcurl does; or with `--list`, what the
/// descriptors offer.
extension Call {
    func callGRPC() async throws {
        let tlsSetting = try clientTLS()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let result: Result<Void, any Error>
        do {
            try await callGRPC(tls: tlsSetting, group: group)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        try? await group.shutdownGracefully()
        try result.get()
    }

    private func callGRPC(tls: ThriftClientTLS?, group: MultiThreadedEventLoopGroup) async throws {
        let described = try await loadDescriptors(tls: tls, group: group)
        if list { return try printList(described) }
        let schema = try protobufSchema(described.files)
        let method = self.method ?? ""
        guard let (name, descriptor) = Self.method(method, in: schema) else {
            let known = schema.methods.keys.sorted().joined(separator: ", ")
            printError("no method '\(method)'; the descriptors have: \(known.isEmpty ? "none" : known)")
            throw ExitStatus.badInput
        }
        let configuration = GRPCClientConfiguration(
            endpoints: [Endpoint(host: to.host, port: to.port)], tls: tls, connectTimeout: timeout.amount)
        let client = GRPCClient(configuration: configuration, eventLoopGroup: group, logger: Self.quietLogger())
        let call = GRPCCallContext(
            name: name, descriptor: descriptor, schema: schema, client: client, eventLoop: group.next(),
            metadata: headers.compactMap(GRPCCallMetadata.parse), timeout: timeout.amount, backend: "\(to)")
        let result: Result<Void, any Error>
        do {
            if descriptor.clientStreaming || descriptor.serverStreaming {
                try await call.stream(arguments: arguments ?? "")
            } else {
                try await call.unary(arguments: arguments ?? "")
            }
            result = .success(())
        } catch {
            result = .failure(error)
        }
        await client.shutdown()
        try result.get()
    }

    /// The files: the user's, or the backend's by reflection (whose failure is the backend's: exit 2).
    private func loadDescriptors(tls: ThriftClientTLS?, group: MultiThreadedEventLoopGroup) async throws -> ReflectedServices {
        if reflect {
            do {
                return try await ServerReflection.fetch(
                    endpoint: Endpoint(host: to.host, port: to.port), tls: tls, authority: nil,
                    metadata: headers.compactMap(GRPCCallMetadata.parse), timeout: timeout.amount, eventLoopGroup: group,
                    logger: Self.quietLogger())
            } catch {
                // A client failure reads as for a call: what kind, then where.
                let what = error.clientError.map { "server reflection at \(to): \(CallDiagnostics.describe(failure: $0))" }
                printError("sluice call: \(what ?? error.description)")
                throw ExitStatus.backendFailure
            }
        }
        do {
            let loader = ProtoLoader(importPaths: importPaths)
            let files =
                if let proto { try loader.load(file: proto) } else { try loader.loadDescriptorSet(file: descriptorSet ?? "") }
            return ReflectedServices(files: files, services: ProtoDescription.services(in: files))
        } catch {
            printError("\(error)")
            throw ExitStatus.badInput
        }
    }

    /// The descriptors, with the embedded `google/rpc` files beside them for a status's details.
    private func protobufSchema(_ files: [Google_Protobuf_FileDescriptorProto]) throws -> ProtobufSchema {
        do {
            return try ProtobufSchema(files: ProtobufSchema.addingRPCStatusFiles(to: files))
        } catch let error as ProtoIDLError {
            printError(error.description)
        } catch {
            printError("\(proto ?? descriptorSet ?? "\(to)"): \(error)")
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

/// A non-OK status as `sluice call` prints it, in grpc-gateway's shape, as the gateway answers it:
/// `{"code": 5, "message": "...", "details": [...]}` (``ProtobufStatusJSON``).
enum GRPCCallStatus {
    static func json(_ reply: GRPCReply, schema: ProtobufSchema, allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: (reply.statusDetails?.readableBytes ?? 0) * 2 + 64 + reply.statusMessage.utf8.count)
        let outcome = ProtobufStatusJSON.write(
            code: reply.statusCode, message: reply.statusMessage, details: reply.statusDetails, schema: schema, into: &out)
        if let error = outcome.unreadableDetails {
            printError("the status details are unreadable (\(error.description)); printing the code and message only")
        }
        return out
    }
}
