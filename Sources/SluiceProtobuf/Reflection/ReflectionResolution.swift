public import NIOCore
import SwiftProtobuf

/// A server reflection conversation as a pure value: which question to send next, given the answers so far.
/// The owner sends each ``Action/send(_:)`` on one `ServerReflectionInfo` stream and feeds the answer back; one
/// question is open at a time (servers answer in order, and the next question depends on the answer).
///
/// The walk: list the services; for each (but `grpc.reflection.*`, listed yet not described) the file defining
/// it, unless a file already received does; for each file received (servers often add dependencies unasked),
/// every dependency not yet held, by name. A dependency the server does not have (NOT_FOUND) is taken from the
/// embedded well-known files when it is one of them; any other error answer ends the walk, naming the service
/// or file. Done, the files are linked (the checks `.proto` text and descriptor sets get) into
/// ``ReflectedServices``. Limits on services, files and bytes keep a hostile server from growing it without bound.
public struct ReflectionResolution: Sendable {
    public struct Limits: Sendable, Hashable {
        /// Services a listing may name; default 10 000.
        public var maxServices: Int
        /// Distinct files held; default 10 000.
        public var maxFiles: Int
        /// Bytes of all response messages together; default 64 MiB.
        public var maxBytes: Int

        public init(maxServices: Int = 10_000, maxFiles: Int = 10_000, maxBytes: Int = 64 * 1024 * 1024) {
            self.maxServices = maxServices
            self.maxFiles = maxFiles
            self.maxBytes = maxBytes
        }
    }

    public enum Action: Sendable, Hashable {
        /// Send this question, then feed its answer to ``receive(_:)-(ByteBuffer)``.
        case send(ReflectionRequest)
        /// Every file is in hand and linked; close the stream.
        case finished(ReflectedServices)
        /// The walk cannot go on; reset the stream.
        case failed(ReflectionError)
    }

    private enum State: Sendable {
        case idle
        case listing
        case describing(Describing)
        /// Finished or failed; also the placeholder while `describing` is worked on, so it is not copied.
        case ended
    }

    private struct Describing: Sendable {
        /// Everything listed, sorted.
        var services: [String]
        var outstanding: ReflectionRequest = .listServices
        var pending: CircularBuffer<ReflectionRequest>
        var files: [String: Google_Protobuf_FileDescriptorProto] = [:]
        /// File names in the order they came.
        var order: [String] = []
        /// Services the files held define.
        var defined: Set<String> = []
        /// Each dependency asked for (or to be), with a file that imports it.
        var importedBy: [String: String] = [:]

        mutating func add(_ file: Google_Protobuf_FileDescriptorProto) {
            files[file.name] = file
            order.append(file.name)
            let prefix = file.package.isEmpty ? "" : file.package + "."
            for service in file.service { defined.insert(prefix + service.name) }
            for dependency in file.dependency where files[dependency] == nil && importedBy[dependency] == nil {
                importedBy[dependency] = file.name
                pending.append(.fileByFilename(dependency))
            }
        }
    }

    /// gRPC's NOT_FOUND.
    private static let notFound: Int32 = 5

    /// Names the files in link errors: `127.0.0.1:50051 (pkg/a.proto)`.
    public let source: String
    public let limits: Limits
    private var state: State = .idle
    private var receivedBytes = 0

    public init(source: String, limits: Limits = Limits()) {
        self.source = source
        self.limits = limits
    }

    /// The first question: the list of services.
    public mutating func start() -> Action {
        guard case .idle = state else {
            return fail(.unexpectedResponse, "the reflection walk was started twice")
        }
        state = .listing
        return .send(.listServices)
    }

    /// The answer to the open question, as the stream delivered it (counted against ``Limits/maxBytes``).
    public mutating func receive(_ message: ByteBuffer) -> Action {
        receivedBytes += message.readableBytes
        guard receivedBytes <= limits.maxBytes else {
            return fail(.limitExceeded, "the reflection responses exceed \(limits.maxBytes) bytes")
        }
        do {
            return receive(try ReflectionResponse(decoding: message))
        } catch {
            state = .ended
            return .failed(error)
        }
    }

    /// The answer to the open question.
    public mutating func receive(_ response: ReflectionResponse) -> Action {
        switch state {
        case .idle, .ended:
            return fail(.unexpectedResponse, "a reflection response came with no question open")
        case .listing:
            return listed(response)
        case .describing(var describing):
            state = .ended
            let action = answer(response, &describing)
            if case .send = action { state = .describing(describing) }
            return action
        }
    }

    private mutating func listed(_ response: ReflectionResponse) -> Action {
        switch response {
        case .services(let names):
            guard names.count <= limits.maxServices else {
                return fail(
                    .limitExceeded, "the server lists \(names.count) services, over the limit of \(limits.maxServices)")
            }
            let services = Array(Set(names)).sorted()
            var describing = Describing(
                services: services,
                pending: CircularBuffer(
                    services.filter { !Self.isReflection($0) }.map(ReflectionRequest.fileContainingSymbol)))
            state = .ended
            let action = advance(&describing)
            if case .send = action { state = .describing(describing) }
            return action
        case .error(let code, let message):
            return fail(.errorResponse, "the server did not list its services: status \(code): \(message)")
        case .files, .other:
            return fail(
                .unexpectedResponse, "the server answered list_services with something else than a service list")
        }
    }

    private func answer(_ response: ReflectionResponse, _ describing: inout Describing) -> Action {
        let asked = describing.outstanding
        switch response {
        case .files(let encoded):
            var received: [String] = []
            for bytes in encoded {
                let file: Google_Protobuf_FileDescriptorProto
                do {
                    file = try Google_Protobuf_FileDescriptorProto(serializedBytes: bytes)
                } catch {
                    return .failed(
                        ReflectionError(
                            .invalidDescriptors,
                            "a file sent for \(Self.subject(asked, describing)) is not a FileDescriptorProto: \(error)")
                    )
                }
                guard !file.name.isEmpty else {
                    return .failed(
                        ReflectionError(
                            .invalidDescriptors, "a file sent for \(Self.subject(asked, describing)) has no name"))
                }
                received.append("\"\(file.name)\"")
                guard describing.files[file.name] == nil else { continue }
                guard describing.files.count < limits.maxFiles else {
                    return .failed(
                        ReflectionError(.limitExceeded, "the server sends more than \(limits.maxFiles) files"))
                }
                describing.add(file)
            }
            switch asked {
            case .fileByFilename(let name) where describing.files[name] == nil,
                .fileContainingSymbol(let name) where !describing.defined.contains(name):
                let sent = received.isEmpty ? "none" : received.joined(separator: ", ")
                return .failed(
                    ReflectionError(
                        .unexpectedResponse,
                        "asked for \(Self.subject(asked, describing)), the server sent other files: \(sent)"))
            default:
                return advance(&describing)
            }
        case .error(let code, let message):
            if case .fileByFilename(let name) = asked, code == Self.notFound, WellKnownProtos.byName[name] != nil {
                // The linker finds it among the embedded files.
                return advance(&describing)
            }
            return .failed(
                ReflectionError(
                    .errorResponse, "the server has no \(Self.subject(asked, describing)): status \(code): \(message)"))
        case .services, .other:
            return .failed(
                ReflectionError(
                    .unexpectedResponse,
                    "asked for \(Self.subject(asked, describing)), the server answered something else"))
        }
    }

    /// The next question, or the end once nothing is missing.
    private func advance(_ describing: inout Describing) -> Action {
        while let next = describing.pending.popFirst() {
            switch next {
            case .fileByFilename(let name) where describing.files[name] != nil: continue
            case .fileContainingSymbol(let service) where describing.defined.contains(service): continue
            default:
                describing.outstanding = next
                return .send(next)
            }
        }
        return link(describing)
    }

    private func link(_ describing: Describing) -> Action {
        var session = ProtoLoadSession(importPaths: [], source: ProtoFileSource { _ in nil })
        for name in describing.order {
            guard var file = describing.files[name] else { continue }
            file.clearSourceCodeInfo()
            session.provided[name] = ProtoParsedFile(descriptor: file, path: "\(source) (\(name))")
        }
        do {
            for name in describing.order { try session.load(name: name, path: source, bytes: nil, importedAt: nil) }
            return .finished(ReflectedServices(files: try session.link(), services: describing.services))
        } catch {
            return .failed(
                ReflectionError(.invalidDescriptors, "the reflected files do not link: \(error.description)"))
        }
    }

    private mutating func fail(_ kind: ReflectionError.Kind, _ message: String) -> Action {
        state = .ended
        return .failed(ReflectionError(kind, message))
    }

    /// `grpc.reflection.v1.ServerReflection` and the like: listed, not described.
    static func isReflection(_ service: String) -> Bool { service.hasPrefix("grpc.reflection.") }

    /// What a question asked for, for messages.
    private static func subject(_ request: ReflectionRequest, _ describing: Describing) -> String {
        switch request {
        case .listServices: "the service list"
        case .fileContainingSymbol(let service): "file defining service \"\(service)\""
        case .fileByFilename(let name):
            "file \"\(name)\"" + (describing.importedBy[name].map { " (imported by \"\($0)\")" } ?? "")
        }
    }
}
