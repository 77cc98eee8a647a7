public import Logging
public import NIOCore
internal import SluiceProtobuf
internal import SwiftProtobuf

extension RouteConfigLoader {
    /// Reflection is several round trips; a service's own `timeout` may be tuned for one call.
    static let reflectionTimeout = TimeAmount.seconds(5)

    /// Asks every `idl: reflection` service of `directory`'s route files for its descriptors, over gRPC server
    /// reflection, trying its endpoints in order until one answers. What each gave, descriptors or the
    /// errors, is for ``SchemaLoader/withReflected(_:)``; files that do not parse are left to the load that
    /// follows, which reports them.
    public static func fetchReflected(
        directory: String, group: any EventLoopGroup, logger: Logger
    ) async -> [String: Result<ProtobufIDL, ConfigErrors>] {
        var ignored: [ConfigDiagnostic] = []
        let documents = readDocuments(directory: directory, diagnostics: &ignored)
        var services: [ServiceConfiguration] = []
        for document in documents {
            let file = RouteFile.parse(text: document.text, path: document.path, diagnostics: &ignored)
            services += file.services.map(\.configuration).filter { $0.kind == .grpc && $0.grpc.idlSource == .reflection }
        }
        var results: [String: Result<ProtobufIDL, ConfigErrors>] = [:]
        for service in services where results[service.name] == nil {
            results[service.name] = await fetch(service, group: group, logger: logger)
        }
        return results
    }

    private static func fetch(
        _ service: ServiceConfiguration, group: any EventLoopGroup, logger: Logger
    ) async -> Result<ProtobufIDL, ConfigErrors> {
        var failures: [String] = []
        for endpoint in service.endpoints {
            do throws(ServerReflectionError) {
                let reflected = try await ServerReflection.fetch(
                    endpoint: endpoint, tls: service.tls, authority: service.grpc.authority,
                    timeout: max(reflectionTimeout, service.requestTimeout), eventLoopGroup: group, logger: logger)
                do throws(ConfigErrors) {
                    return .success(try ProtobufIDL(
                        files: reflected.files, rootFiles: Set(reflected.files.map(\.name)), origin: service.idlPath))
                } catch {
                    return .failure(error)
                }
            } catch {
                failures.append(error.description)
            }
        }
        // Reported at the service's `idl: reflection` (a line-0 diagnostic for the IDL path itself).
        let message = failures.isEmpty ? "the service has no endpoints to ask" : failures.joined(separator: "; ")
        return .failure(ConfigErrors([ConfigDiagnostic(file: service.idlPath, line: 0, column: 0, message: message)]))
    }
}
