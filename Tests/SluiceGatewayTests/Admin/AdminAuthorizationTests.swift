import Testing
@testable import SluiceGateway

@Suite("Admin authorization")
struct AdminAuthorizationTests {
    @Test("without a token everything is allowed")
    func noToken() {
        let check = AdminAuthorization(token: nil)
        #expect(check.check(path: "/admin/config", authorization: nil) == .allowed)
        #expect(check.check(path: "/admin/reload", authorization: "Bearer anything") == .allowed)
    }

    @Test("with a token, every endpoint but /healthz asks for it as a bearer token")
    func token() {
        let check = AdminAuthorization(token: "s3cret")
        #expect(check.check(path: "/healthz", authorization: nil) == .allowed)
        // The dashboard's page and script hold no data; the page sends the token on its own requests.
        #expect(check.check(path: "/", authorization: nil) == .allowed)
        #expect(check.check(path: "/dashboard.js", authorization: nil) == .allowed)
        #expect(check.check(path: "/admin/rules", authorization: nil) == .refused("this endpoint needs 'Authorization: Bearer <token>'"))
        #expect(check.check(path: "/readyz", authorization: nil) == .refused("this endpoint needs 'Authorization: Bearer <token>'"))
        #expect(check.check(path: "/admin/routes", authorization: "Bearer s3cret") == .allowed)
        #expect(check.check(path: "/admin/routes", authorization: "bearer  s3cret") == .allowed)
        #expect(check.check(path: "/admin/routes", authorization: "Bearer s3cre") == .refused("the admin token does not match"))
        #expect(check.check(path: "/admin/routes", authorization: "Bearer s3cret2") == .refused("the admin token does not match"))
        #expect(check.check(path: "/admin/routes", authorization: "Basic czNjcmV0") == .refused("the Authorization header must be 'Bearer <token>'"))
        #expect(check.check(path: "/admin/routes", authorization: "s3cret") == .refused("the Authorization header must be 'Bearer <token>'"))
    }

    @Test("loopback addresses need no token; others do")
    func loopback() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "LOCALHOST"] {
            #expect(AdminSettings(address: ListenAddress(host: host, port: 1)).problem == nil, "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "127.0.0.1.example.com", "example.com"] {
            #expect(AdminSettings(address: ListenAddress(host: host, port: 1)).problem != nil, "\(host)")
            #expect(AdminSettings(address: ListenAddress(host: host, port: 1), token: "t").problem == nil, "\(host)")
        }
    }
}
