import Foundation
import Testing
@testable import SluiceGateway
import SluiceJSON

@Suite("jwt_auth tokens")
struct JWTTokenTests {
    static func part(_ json: String) -> String {
        Base64.encode(Array(json.utf8)).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func token(header: String = #"{"alg":"HS256","kid":"k1"}"#, payload: String, signature: String = "c2ln") -> String {
        part(header) + "." + part(payload) + "." + signature
    }

    @Test("header and registered claims are read; the signing input is the first two parts as sent")
    func reads() throws {
        let text = Self.token(payload: #"{"sub":"alice","exp":1700000000.5,"nbf":10,"iss":"i","aud":["a","b"],"admin":true,"n":7,"obj":{}}"#)
        let token = try JWTToken(text[...])
        #expect(token.algorithm == "HS256" && token.kid == "k1")
        #expect(String(token.signingInput) == text.split(separator: ".").prefix(2).joined(separator: "."))
        #expect(token.signature == Array("sig".utf8))
        #expect(token.claims.expires == 1_700_000_000.5 && token.claims.notBefore == 10)
        #expect(token.claims.issuer == "i" && token.claims.audiences == ["a", "b"])
        #expect(token.claims.values["sub"] == .text("alice") && token.claims.values["admin"] == .text("true"))
        #expect(token.claims.values["n"] == .text("7") && token.claims.values["obj"] == nil)
    }

    @Test("what is not a token", arguments: [
        "a.b", "a.b.c.d", ".x.y", "x..y",
        token(header: #"{"alg":"HS256","crit":["b64"]}"#, payload: "{}"),
        token(header: #"{"kid":"x"}"#, payload: "{}"),
        token(payload: #"{"exp":"tomorrow"}"#),
        token(payload: #"{"iss":["a"]}"#),
        token(payload: "[1]"),
        part(#"{"alg":"HS256"}"#) + "=." + part("{}") + ".c2ln",
        token(payload: "{}", signature: "c2l+"),
    ])
    func malformed(_ text: String) {
        #expect(throws: JWTToken.Malformed.self) { try JWTToken(text[...]) }
    }

    @Test("where a token is read from: Bearer (any case) in Authorization only, raw or Bearer in another header")
    func source() {
        var settings = JWTAuthSettings()
        func items(_ headers: [(String, String)], query: Substring = "") -> FlowRequestItems {
            FlowRequestItems(headers: GatewayHeaders(headers.map { (name: $0.0, value: $0.1) }), query: query, remoteAddress: nil)
        }
        #expect(settings.token(in: items([("authorization", "bearer  abc ")])) == "abc")
        #expect(settings.token(in: items([("authorization", "Basic abc")])) == nil)
        settings.source = .header("x-token")
        #expect(settings.token(in: items([("x-token", "abc")])) == "abc")
        #expect(settings.token(in: items([("x-token", "Bearer abc")])) == "abc")
        settings.source = .query("t")
        #expect(settings.token(in: items([], query: "a=1&t=x%2Ey")) == "x.y")
        settings.source = .cookie("jwt")
        #expect(settings.token(in: items([("cookie", "a=1; jwt=tok")])) == "tok")
    }

    @Test("a refusal's challenge (RFC 6750), quotes and control bytes kept out of the quoted string")
    func challenge() {
        let settings = JWTAuthSettings()
        #expect(settings.challenge(nil) == #"Bearer realm="sluice""#)
        #expect(settings.challenge("bad \"x\"\n") == #"Bearer realm="sluice", error="invalid_token", error_description="bad x""#)
    }
}
