import SluiceProtobuf

/// `sluice call --list [SERVICE]`: the services, one per line, sorted; or SERVICE's methods and the messages
/// they use, as grpcurl's `describe` prints them.
extension Call {
    func printList(_ described: ReflectedServices) throws {
        guard let wanted = method else {
            for service in described.services { print(service) }
            return
        }
        let services = described.services
        let matches = services.contains(wanted) ? [wanted] : services.filter { $0.hasSuffix("." + wanted) }
        guard matches.count == 1, let service = matches.first else {
            let problem = matches.isEmpty ? "is unknown" : "is ambiguous"
            printError("service '\(wanted)' \(problem); the services are: \(services.joined(separator: ", "))")
            throw ExitStatus.badInput
        }
        guard let text = ProtoDescription.describe(service: service, in: described.files) else {
            // grpc.reflection.* is listed, but its files are not fetched.
            printError("service '\(service)' is listed, but no file describing it was fetched")
            throw ExitStatus.badInput
        }
        print(text, terminator: "")
    }
}
