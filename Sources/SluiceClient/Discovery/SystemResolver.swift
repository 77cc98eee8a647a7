internal import NIOCore

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// `getaddrinfo` for A and AAAA records of one host, so /etc/hosts, nsswitch and resolv.conf apply as they do
/// for every other program on the machine. Blocking: run it on a thread pool, never on an event loop.
enum SystemResolver {
    /// The host's addresses with `port`, in the resolver's order (duplicates possible).
    static func resolve(host: String, port: Int) throws(ResolutionError) -> [Endpoint] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            throw ResolutionError(host: host, message: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var endpoints: [Endpoint] = []
        var next = list
        while let info = next?.pointee {
            next = info.ai_next
            guard let address = info.ai_addr else { continue }
            let socketAddress: SocketAddress
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                socketAddress = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee) }
            case AF_INET6:
                socketAddress = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee) }
            default:
                continue
            }
            if let ip = socketAddress.ipAddress { endpoints.append(Endpoint(host: ip, port: port)) }
        }
        return endpoints
    }
}

/// A name that did not resolve (NXDOMAIN, no resolver reachable, ...), with `gai_strerror`'s text.
public struct ResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var message: String

    public var description: String { "cannot resolve \(host): \(message)" }
}
