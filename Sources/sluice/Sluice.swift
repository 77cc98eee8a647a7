import ArgumentParser
import SluiceGateway

@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "An edge API gateway: HTTP JSON in, Thrift or gRPC calls out, from IDL loaded at run time.",
        version: GatewayVersion.string,
        subcommands: [Run.self, Call.self, Check.self, Demo.self, Discover.self]
    )
}
