"""The `jwt_auth` edge plugin through `sluice run`: tokens made by PyJWT (keys made by `cryptography` at test
time, never committed) for every algorithm, from an HMAC secret, PEM public keys or certificates and a JWKS file;
the refusals (401 with RFC 6750's challenge, 403 for another audience); claims bound into the Thrift call ahead
of what the client sent, claims as headers and hidden credentials on compiled and proxy routes; the token from a
query parameter, a cookie or another header; HTTP/1.1, h2c and WebSocket messages; refusals in /metrics and the
access log, and never at the backend; `sluice check` errors at file:line:col.

One gateway (module scope) carries every route; each test uses its own paths, so the counts a test reads
(metrics, access log, the upstream's served count) are its own. Compiled routes go to the demo backend's
EchoService, which answers the request it was sent, so a bound claim shows in the reply; proxy routes go to the
stdlib HTTP echo upstream of test_http_proxy.py, which answers the headers it received."""

import base64
import datetime
import functools
import hashlib
import hmac
import http.server
import json
import re
import secrets
import threading
import time
import urllib.request

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from websockets.sync.client import connect as websocket_connect

from conftest import ECHO_IDL
from support.gateway import Gateway, start_with_config, write_routes
from support.h2conn import H2Connection
from support.positions import position
from support.processes import free_port
from test_http_proxy import upstream  # noqa: F401 (the stdlib HTTP echo server, as a fixture)
from test_metrics import scrape, value

ISSUER = "https://auth.example.test"
AUDIENCE = "store"
CHALLENGE = 'Bearer realm="sluice"'
INVALID = re.compile(r'^Bearer realm="sluice", error="invalid_token", error_description="[^"\\]+"$')

PEM_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
HMAC_ALGORITHMS = ["HS256", "HS384", "HS512"]


# --- keys and tokens -----------------------------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def self_signed_certificate(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jwt signer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


def jwk(key, kid):
    """The public JWK of `key` (PyJWT's own conversion), named `kid`."""
    public = key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        value = jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
    elif isinstance(public, ec.EllipticCurvePublicKey):
        value = jwt.algorithms.ECAlgorithm.to_jwk(public, as_dict=True)
    else:
        value = jwt.algorithms.OKPAlgorithm.to_jwk(public, as_dict=True)
    value.pop("alg", None)
    value["kid"] = kid
    return value


class Keys:
    """Every key the tests sign with, made now; the gateway's files (PEMs, JWKS) are written beside the routes."""

    def __init__(self):
        self.secret = secrets.token_hex(32)       # 64 bytes: HS256, HS384 and HS512
        self.short_secret = secrets.token_hex(16)  # 32 bytes: HS256 only
        self.other_secret = secrets.token_hex(32)
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rsa_other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec256 = ec.generate_private_key(ec.SECP256R1())
        self.ec384 = ec.generate_private_key(ec.SECP384R1())
        self.ed25519 = ed25519.Ed25519PrivateKey.generate()

    def for_algorithm(self, algorithm):
        if algorithm.startswith("HS"):
            return self.secret
        if algorithm[:2] in ("RS", "PS"):
            return self.rsa
        return {"ES256": self.ec256, "ES384": self.ec384, "EdDSA": self.ed25519}[algorithm]

    def write(self, directory):
        (directory / "rsa.pub.pem").write_bytes(public_pem(self.rsa))
        (directory / "ec256.pub.pem").write_bytes(public_pem(self.ec256))
        (directory / "ec384.pub.pem").write_bytes(public_pem(self.ec384))
        (directory / "ed25519.pub.pem").write_bytes(public_pem(self.ed25519))
        (directory / "rsa.cert.pem").write_bytes(self_signed_certificate(self.rsa))
        (directory / "jwks.json").write_text(json.dumps({"keys": [
            jwk(self.rsa, "rsa-1"), jwk(self.rsa_other, "rsa-2"), jwk(self.ec256, "ec256"), jwk(self.ec384, "ec384"),
            jwk(self.ed25519, "ed")]}))


def claims(**changes):
    """A valid payload (sub alice, iss, aud, expiring in 10 minutes) with `changes`; None removes a claim."""
    now = int(time.time())
    payload = {"sub": "alice", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600}
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


def sign(key, algorithm="HS256", kid=None, **changes):
    return jwt.encode(claims(**changes), key, algorithm=algorithm, headers={"kid": kid} if kid else None)


def hmac_by_hand(secret, payload, algorithm="HS256"):
    """An HS token signed with any bytes as the key (PyJWT refuses a PEM as an HMAC secret, an attacker does not)."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[algorithm]
    signing_input = "%s.%s" % (b64url(json.dumps({"alg": algorithm, "typ": "JWT"}).encode()),
                               b64url(json.dumps(payload).encode()))
    return signing_input + "." + b64url(hmac.new(secret, signing_input.encode(), digest).digest())


def bearer(token):
    return {"Authorization": "Bearer " + token}


# --- the gateway -------------------------------------------------------------------------------------------------

def echo_service(name, backend, **extra):
    return dict({"name": name, "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                 "endpoints": [backend.address], "timeout": "2s"}, **extra)


def say(path, jwt_auth=None, method="POST", service="echo", **extra):
    route = {"method": method, "path": path, "service": service, "call": "EchoService.Say", "body": "req"}
    if jwt_auth is not None:
        route["plugins"] = {"jwt_auth": jwt_auth}
    route.update(extra)
    return route


def proxied(path, jwt_auth=None, service="web", **extra):
    route = {"method": "*", "path": path + "/{rest=**}", "service": service, "rewrite": "/{rest}"}
    if jwt_auth is not None:
        route["plugins"] = {"jwt_auth": jwt_auth}
    route.update(extra)
    return route


ALL_PEMS = ["rsa.pub.pem", "ec256.pub.pem", "ec384.pub.pem", "ed25519.pub.pem"]


def jwt_document(keys, demo_backend, upstream_port):
    secret = {"secret": keys.secret}
    strict = {"secret": keys.secret, "public_keys": ["rsa.pub.pem"], "issuer": ISSUER, "audience": AUDIENCE}
    return {
        "services": [
            echo_service("echo", demo_backend),
            # Through a cluster (a retry setting), so /metrics counts the calls that reach the backend.
            echo_service("echo-counted", demo_backend, retry={"max_attempts": 2, "on": ["connect_failure"]}),
            # Every route of this service inherits its jwt_auth (claim_headers works at any level).
            echo_service("echo-guarded", demo_backend,
                         plugins={"jwt_auth": {"secret": keys.secret, "claim_headers": {"sub": "x-user"}}}),
            {"name": "web", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % upstream_port], "timeout": "5s"},
            # Its own pool, for the claims no header can carry.
            {"name": "web-odd", "protocol": "http", "endpoints": ["http://127.0.0.1:%d" % upstream_port],
             "timeout": "2s"},
        ],
        "routes": [
            say("/open/{req.name}"),
            # 1. every algorithm
            say("/hs/{req.name}", secret),
            say("/hs32/{req.name}", {"secret": keys.short_secret}),
            say("/pem/{req.name}", {"public_keys": ALL_PEMS}),
            say("/cert/{req.name}", {"public_keys": ["rsa.cert.pem"]}),
            say("/jwks/{req.name}", {"jwks_file": "jwks.json"}),
            say("/pem-and-jwks/{req.name}", {"public_keys": ["rsa.pub.pem"], "jwks_file": "jwks.json"}),
            # 2. refusals
            say("/strict/{req.name}", strict),
            say("/audiences/{req.name}", dict(strict, issuer=["https://other.test", ISSUER],
                                             audience=["billing", AUDIENCE])),
            say("/leeway/{req.name}", dict(secret, leeway="60s")),
            say("/rs256-only/{req.name}", {"secret": keys.secret, "public_keys": ["rsa.pub.pem"],
                                           "algorithms": ["RS256"]}),
            # 3. claims into the call, ahead of the body, a header and a query parameter
            say("/v1/jwt/{req.name}", {"secret": keys.secret, "claims": {"sub": "req.user"}}, method="PUT"),
            say("/claims/header/{req.name}", {"secret": keys.secret, "claims": {"sub": "req.user"}},
                headers={"x-user": "req.user"}),
            say("/claims/query/{req.name}", {"secret": keys.secret, "claims": {"sub": "req.user"}},
                query={"user": "req.user"}),
            say("/claims/two/{req.name}", {"secret": keys.secret, "claims": {"sub": "req.user", "note": "req.message"}}),
            say("/claim-headers/{req.name}", {"secret": keys.secret, "claim_headers": {"sub": "x-user"}},
                headers={"x-user": "req.user"}),
            say("/hidden/{req.name}", {"secret": keys.secret, "from": {"header": "x-token"}, "hide_credentials": True},
                headers={"x-token": "req.message"}),
            say("/shown/{req.name}", {"secret": keys.secret, "from": {"header": "x-token"}},
                headers={"x-token": "req.message"}),
            # 4. where the token is
            say("/from/query/{req.name}", dict(secret, **{"from": {"query": "token"}})),
            say("/from/cookie/{req.name}", dict(secret, **{"from": {"cookie": "jwt"}})),
            say("/from/header/{req.name}", dict(secret, **{"from": {"header": "X-Token"}})),
            # inheritance: the service's jwt_auth, and switched off
            say("/svc/{req.name}", service="echo-guarded", headers={"x-user": "req.user"}),
            say("/svc-off/{req.name}", service="echo-guarded", plugins={"jwt_auth": "off"}),
            # 6. counted
            say("/counted/{req.name}", dict(strict), service="echo-counted", name="jwt-counted"),
            # proxy routes
            proxied("/p/claims", {"secret": keys.secret, "claim_headers": {"sub": "x-user-id", "tenant": "x-tenant"},
                                  "hide_credentials": True}),
            proxied("/p/shown", {"secret": keys.secret}),
            proxied("/p/counted", {"secret": keys.secret, "audience": AUDIENCE}, name="jwt-proxy-counted"),
            proxied("/p/odd-claims", {"secret": keys.secret, "claim_headers": {"sub": "x-user-id"}}, service="web-odd"),
        ],
    }


@pytest.fixture(scope="module")
def keys():
    return Keys()


@pytest.fixture(scope="module")
def routes_dir(tmp_path_factory, keys, demo_backend, upstream):
    directory = tmp_path_factory.mktemp("jwt-routes")
    keys.write(directory)
    write_routes(directory, jwt_document(keys, demo_backend, upstream))
    return directory


@pytest.fixture(scope="module")
def gw(sluice_bin, routes_dir, tmp_path_factory):
    logs = tmp_path_factory.mktemp("jwt-logs")
    admin_port = free_port()
    gateway = Gateway.start(sluice_bin, routes_dir, logs / "gateway.log", extra=(
        "--admin", "127.0.0.1:%d" % admin_port, "--access-log", str(logs / "access.log"), "--websocket-path", "/ws",
        "--watch", "off"))
    gateway.admin_port = admin_port
    gateway.access_log = logs / "access.log"
    yield gateway
    gateway.stop()


def assert_ok(answer, name, **fields):
    assert answer.status == 200, answer
    assert answer.json == dict({"name": name}, **fields), answer


def assert_unauthorized(answer, no_token=False):
    assert answer.status == 401, answer
    error = answer.json["error"]
    assert (error["code"], error["plugin"]) == ("unauthorized", "jwt_auth"), answer
    challenge = answer.header("www-authenticate")
    if no_token:
        assert challenge == CHALLENGE, challenge
        assert error["message"] == "no bearer token", answer
    else:
        assert challenge and INVALID.match(challenge), challenge
    return error["message"]


def assert_forbidden(answer):
    assert answer.status == 403, answer
    error = answer.json["error"]
    assert (error["code"], error["plugin"]) == ("forbidden", "jwt_auth"), answer


def upstream_headers(answer, name):
    return [v for k, v in answer.json["headers"] if k.lower() == name.lower()]


# --- 1. every algorithm with its key ----------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", HMAC_ALGORITHMS)
def test_hmac_algorithms_with_the_secret(gw, keys, algorithm):
    assert_ok(gw.post("/hs/bob", {"message": "m"}, headers=bearer(sign(keys.secret, algorithm))), "bob", message="m")


@pytest.mark.filterwarnings("ignore:The HMAC key is")  # PyJWT warns of what the gateway must refuse
def test_a_32_byte_secret_verifies_hs256_only(gw, keys):
    assert_ok(gw.post("/hs32/bob", {}, headers=bearer(sign(keys.short_secret, "HS256"))), "bob")
    for algorithm in ("HS384", "HS512"):
        assert_unauthorized(gw.post("/hs32/bob", {}, headers=bearer(sign(keys.short_secret, algorithm))))


@pytest.mark.parametrize("algorithm", PEM_ALGORITHMS)
def test_public_key_algorithms_with_pem_files(gw, keys, algorithm):
    token = sign(keys.for_algorithm(algorithm), algorithm)
    assert_ok(gw.post("/pem/bob", {"message": algorithm}, headers=bearer(token)), "bob", message=algorithm)


@pytest.mark.parametrize("algorithm", ["RS256", "PS256"])
def test_rsa_algorithms_with_a_certificate(gw, keys, algorithm):
    assert_ok(gw.post("/cert/bob", {}, headers=bearer(sign(keys.rsa, algorithm))), "bob")
    assert_unauthorized(gw.post("/cert/bob", {}, headers=bearer(sign(keys.rsa_other, algorithm))))


@pytest.mark.parametrize("algorithm,kid", [(a, "rsa-1") for a in PEM_ALGORITHMS[:6]]
                         + [("ES256", "ec256"), ("ES384", "ec384"), ("EdDSA", "ed")])
def test_public_key_algorithms_with_a_jwks_file(gw, keys, algorithm, kid):
    token = sign(keys.for_algorithm(algorithm), algorithm, kid=kid)
    assert_ok(gw.post("/jwks/bob", {"message": algorithm}, headers=bearer(token)), "bob", message=algorithm)


def test_the_kid_selects_the_jwks_key(gw, keys):
    assert_ok(gw.post("/jwks/bob", {}, headers=bearer(sign(keys.rsa_other, "RS256", kid="rsa-2"))), "bob")
    assert_ok(gw.post("/jwks/bob", {}, headers=bearer(sign(keys.rsa, "RS256", kid="rsa-1"))), "bob")
    # Each key only under its own kid.
    assert_unauthorized(gw.post("/jwks/bob", {}, headers=bearer(sign(keys.rsa, "RS256", kid="rsa-2"))))
    assert_unauthorized(gw.post("/jwks/bob", {}, headers=bearer(sign(keys.rsa_other, "RS256", kid="rsa-1"))))
    # A kid naming a key of another kind.
    assert_unauthorized(gw.post("/jwks/bob", {}, headers=bearer(sign(keys.rsa, "RS256", kid="ec256"))))


def test_an_unknown_kid_is_refused(gw, keys):
    assert_unauthorized(gw.post("/jwks/bob", {}, headers=bearer(sign(keys.rsa, "RS256", kid="nope"))))
    # JWKS keys all have kids: a token without one finds no key.
    assert_unauthorized(gw.post("/jwks/bob", {}, headers=bearer(sign(keys.rsa, "RS256"))))


def test_without_a_known_kid_the_keys_without_kid_are_tried(gw, keys):
    """On a route with a PEM (no kid) and a JWKS: an unknown kid, or none, falls back to the PEM key."""
    assert_ok(gw.post("/pem-and-jwks/bob", {}, headers=bearer(sign(keys.rsa, "RS256", kid="nope"))), "bob")
    assert_ok(gw.post("/pem-and-jwks/bob", {}, headers=bearer(sign(keys.rsa, "RS256"))), "bob")
    assert_ok(gw.post("/pem-and-jwks/bob", {}, headers=bearer(sign(keys.rsa_other, "RS256", kid="rsa-2"))), "bob")
    # The PEM key is not another key's kid: rsa_other without its kid has no key.
    assert_unauthorized(gw.post("/pem-and-jwks/bob", {}, headers=bearer(sign(keys.rsa_other, "RS256"))))


# --- 2. refusals ------------------------------------------------------------------------------------------------

def test_no_token(gw):
    assert_unauthorized(gw.post("/strict/bob", {}), no_token=True)
    assert_unauthorized(gw.post("/strict/bob", {}, headers={"Authorization": "Basic YWxpY2U6cHc="}), no_token=True)
    assert_unauthorized(gw.post("/strict/bob", {}, headers={"Authorization": "Bearer "}), no_token=True)


def test_a_good_token_passes_the_strict_route(gw, keys):
    assert_ok(gw.post("/strict/bob", {}, headers=bearer(sign(keys.secret))), "bob")
    assert_ok(gw.post("/strict/bob", {}, headers={"authorization": "bearer " + sign(keys.rsa, "RS256")}), "bob")


@pytest.mark.parametrize("case", ["expired", "not-yet-valid", "wrong-issuer", "no-issuer"])
def test_time_and_issuer_refusals(gw, keys, case):
    now = int(time.time())
    changes = {"expired": {"exp": now - 120}, "not-yet-valid": {"nbf": now + 300},
               "wrong-issuer": {"iss": "https://evil.test"}, "no-issuer": {"iss": None}}[case]
    assert_unauthorized(gw.post("/strict/bob", {}, headers=bearer(sign(keys.secret, **changes))))


def test_leeway(gw, keys):
    now = int(time.time())
    # Well inside and well outside the 60 s allowed, so the test's own clock does not matter.
    assert_ok(gw.post("/leeway/bob", {}, headers=bearer(sign(keys.secret, exp=now - 20))), "bob")
    assert_ok(gw.post("/leeway/bob", {}, headers=bearer(sign(keys.secret, nbf=now + 20))), "bob")
    assert_unauthorized(gw.post("/leeway/bob", {}, headers=bearer(sign(keys.secret, exp=now - 200))))
    assert_unauthorized(gw.post("/leeway/bob", {}, headers=bearer(sign(keys.secret, nbf=now + 200))))
    # Without leeway, 20 s either way is refused.
    assert_unauthorized(gw.post("/strict/bob", {}, headers=bearer(sign(keys.secret, exp=now - 20))))
    assert_unauthorized(gw.post("/strict/bob", {}, headers=bearer(sign(keys.secret, nbf=now + 20))))


def test_audience(gw, keys):
    assert_forbidden(gw.post("/strict/bob", {}, headers=bearer(sign(keys.secret, aud="billing"))))
    assert_forbidden(gw.post("/strict/bob", {}, headers=bearer(sign(keys.secret, aud=None))))
    assert_forbidden(gw.post("/strict/bob", {}, headers=bearer(sign(keys.secret, aud=["billing", "crm"]))))
    assert_ok(gw.post("/strict/bob", {}, headers=bearer(sign(keys.secret, aud=["billing", AUDIENCE]))), "bob")
    # Lists on the route: any issuer of them, any audience of them.
    assert_ok(gw.post("/audiences/bob", {}, headers=bearer(sign(keys.secret, aud="billing"))), "bob")
    assert_ok(gw.post("/audiences/bob", {}, headers=bearer(sign(keys.secret, iss="https://other.test"))), "bob")
    assert_forbidden(gw.post("/audiences/bob", {}, headers=bearer(sign(keys.secret, aud="crm"))))
    assert_unauthorized(gw.post("/audiences/bob", {}, headers=bearer(sign(keys.secret, iss="https://evil.test"))))


def test_bad_signatures(gw, keys):
    assert_unauthorized(gw.post("/strict/bob", {}, headers=bearer(sign(keys.other_secret))))
    # An RS token signed with another RSA key.
    assert_unauthorized(gw.post("/strict/bob", {}, headers=bearer(sign(keys.rsa_other, "RS256"))))
    assert_unauthorized(gw.post("/pem/bob", {}, headers=bearer(sign(keys.rsa_other, "RS256"))))
    # Another payload under a good signature.
    good = sign(keys.secret)
    header, _, signature = good.split(".")
    forged = "%s.%s.%s" % (header, b64url(json.dumps(claims(sub="mallory")).encode()), signature)
    assert_unauthorized(gw.post("/strict/bob", {}, headers=bearer(forged)))


@pytest.mark.parametrize("token", ["garbage", "a.b", "a.b.c.d", "..", "eyJhbGciOiJIUzI1NiJ9..", "%%%.%%%.%%%",
                                   "truncated", "no-signature", "payload-not-json"])
def test_malformed_tokens(gw, keys, token):
    good = sign(keys.secret)
    token = {"truncated": good[:-10], "no-signature": good.rsplit(".", 1)[0] + ".",
             "payload-not-json": good.split(".")[0] + "." + b64url(b"[1,2") + "." + good.split(".")[2]}.get(token, token)
    assert_unauthorized(gw.post("/strict/bob", {}, headers=bearer(token)))


def test_alg_none_is_refused(gw, keys):
    unsigned = jwt.encode(claims(), None, algorithm="none")
    assert unsigned.endswith(".")
    for path in ("/strict/bob", "/hs/bob", "/pem/bob", "/jwks/bob"):
        assert_unauthorized(gw.post(path, {}, headers=bearer(unsigned)))
    # Nor spelled otherwise, nor with a signature attached.
    header = b64url(json.dumps({"alg": "None", "typ": "JWT"}).encode())
    assert_unauthorized(gw.post("/strict/bob", {}, headers=bearer(
        header + "." + unsigned.split(".")[1] + "." + b64url(b"sig"))))


def test_key_confusion_hs256_signed_with_the_rsa_public_key(gw, keys, routes_dir):
    pem = public_pem(keys.rsa)
    confused = hmac_by_hand(pem, claims())
    for path in ("/pem/bob", "/strict/bob", "/cert/bob", "/rs256-only/bob"):
        assert_unauthorized(gw.post(path, {}, headers=bearer(confused)))
    # The same with the PEM without its final newline, and the certificate's bytes.
    assert_unauthorized(gw.post("/pem/bob", {}, headers=bearer(hmac_by_hand(pem.strip(), claims()))))
    certificate = (routes_dir / "rsa.cert.pem").read_bytes()
    assert_unauthorized(gw.post("/cert/bob", {}, headers=bearer(hmac_by_hand(certificate, claims()))))


def test_algorithms_restricts_what_is_accepted(gw, keys):
    assert_ok(gw.post("/rs256-only/bob", {}, headers=bearer(sign(keys.rsa, "RS256"))), "bob")
    for algorithm in ("HS256", "HS512"):
        assert_unauthorized(gw.post("/rs256-only/bob", {}, headers=bearer(sign(keys.secret, algorithm))))
    for algorithm in ("RS384", "PS256"):
        assert_unauthorized(gw.post("/rs256-only/bob", {}, headers=bearer(sign(keys.rsa, algorithm))))
    # A token for a key the route does not have.
    assert_unauthorized(gw.post("/hs/bob", {}, headers=bearer(sign(keys.rsa, "RS256"))))
    assert_unauthorized(gw.post("/pem/bob", {}, headers=bearer(sign(keys.secret, "HS256"))))


# --- 3. claims into the call and into headers, hidden credentials -------------------------------------------------

def test_the_claim_fills_the_field_ahead_of_the_body(gw, keys):
    answer = gw.request("PUT", "/v1/jwt/bob", {"message": "m", "user": "spoof"}, headers=bearer(sign(keys.secret)))
    assert answer.status == 200, answer
    assert answer.json == {"message": "m", "user": "alice", "name": "bob"}
    # Without a body value the claim is there too.
    assert_ok(gw.request("PUT", "/v1/jwt/bob", {}, headers=bearer(sign(keys.secret, sub="carol"))), "bob", user="carol")
    assert_unauthorized(gw.request("PUT", "/v1/jwt/bob", {"user": "alice"}), no_token=True)


def test_a_token_without_the_bound_claim_is_refused(gw, keys):
    # The field is the token's to fill: without the claim the body's value must not take its place.
    answer = gw.request("PUT", "/v1/jwt/bob", {"message": "m", "user": "spoof"}, headers=bearer(sign(keys.secret, sub=None)))
    assert answer.status == 401, answer
    assert answer.json["error"] == {
        "code": "unauthorized", "plugin": "jwt_auth", "message": "the token has no 'sub' claim, which this route needs"}
    assert answer.header("www-authenticate") == (
        'Bearer realm="sluice", error="invalid_token", error_description="the token has no \'sub\' claim, which this route needs"')


def test_the_claim_wins_over_a_header_and_a_query_binding(gw, keys):
    token = sign(keys.secret)
    assert_ok(gw.post("/claims/header/bob", {"user": "spoof"}, headers=dict(bearer(token), **{"X-User": "spoof2"})),
              "bob", user="alice")
    assert_ok(gw.post("/claims/query/bob?user=spoof3", {"user": "spoof"}, headers=bearer(token)), "bob", user="alice")
    # Without the plugin's claim the client's values are what the call gets (the bindings work).
    assert_ok(gw.post("/open/bob", {"user": "u"}), "bob", user="u")


def test_two_claims_fill_two_fields(gw, keys):
    token = sign(keys.secret, sub="dave", note="from the token")
    assert_ok(gw.post("/claims/two/bob", {"message": "mine", "user": "me"}, headers=bearer(token)), "bob",
              message="from the token", user="dave")


def test_claim_headers_on_a_compiled_route(gw, keys):
    assert_ok(gw.post("/claim-headers/bob", {}, headers=dict(bearer(sign(keys.secret)), **{"X-User": "spoof"})),
              "bob", user="alice")


def test_claim_headers_on_a_proxy_route_replace_the_clients_copies(gw, keys):
    token = sign(keys.secret, tenant="acme")
    answer = gw.get("/p/claims/echo", headers=dict(bearer(token), **{"X-User-Id": "spoof", "X-Tenant": "other"}))
    assert answer.status == 200, answer
    assert upstream_headers(answer, "x-user-id") == ["alice"]
    assert upstream_headers(answer, "x-tenant") == ["acme"]
    # A claim the token lacks: the client's copy is still removed, and none is added.
    answer = gw.get("/p/claims/echo", headers=dict(bearer(sign(keys.secret)), **{"X-Tenant": "other"}))
    assert answer.status == 200, answer
    assert upstream_headers(answer, "x-tenant") == []
    assert upstream_headers(answer, "x-user-id") == ["alice"]


def test_hide_credentials(gw, keys):
    token = sign(keys.secret)
    # Proxy routes: hidden on /p/claims, passed on /p/shown.
    hidden = gw.get("/p/claims/echo", headers=bearer(token))
    assert hidden.status == 200 and upstream_headers(hidden, "authorization") == [], hidden
    shown = gw.get("/p/shown/echo", headers=bearer(token))
    assert shown.status == 200 and upstream_headers(shown, "authorization") == ["Bearer " + token], shown
    # Compiled routes: the token's header is bound to `message` -- absent when hidden.
    assert_ok(gw.post("/hidden/bob", {}, headers={"X-Token": token}), "bob")
    assert_ok(gw.post("/shown/bob", {}, headers={"X-Token": token}), "bob", message=token)


def test_a_service_jwt_auth_is_inherited_and_switched_off(gw, keys):
    assert_unauthorized(gw.post("/svc/bob", {}), no_token=True)
    assert_ok(gw.post("/svc/bob", {}, headers=dict(bearer(sign(keys.secret)), **{"X-User": "spoof"})), "bob",
              user="alice")
    assert_ok(gw.post("/svc-off/bob", {}), "bob")


# --- 4. where the token is -------------------------------------------------------------------------------------

def test_token_from_a_query_parameter(gw, keys):
    token = sign(keys.secret)
    assert_ok(gw.post("/from/query/bob?x=1&token=" + token, {}), "bob")
    assert_unauthorized(gw.post("/from/query/bob", {}, headers=bearer(token)), no_token=True)
    assert_unauthorized(gw.post("/from/query/bob?token=" + sign(keys.other_secret), {}))


def test_token_from_a_cookie(gw, keys):
    token = sign(keys.secret)
    assert_ok(gw.post("/from/cookie/bob", {}, headers={"Cookie": "theme=dark; jwt=%s; lang=en" % token}), "bob")
    assert_ok(gw.post("/from/cookie/bob", {}, headers={"Cookie": "jwt=" + token}), "bob")
    assert_unauthorized(gw.post("/from/cookie/bob", {}, headers=bearer(token)), no_token=True)
    assert_unauthorized(gw.post("/from/cookie/bob", {}, headers={"Cookie": "xjwt=" + token}), no_token=True)
    assert_unauthorized(gw.post("/from/cookie/bob", {}, headers={"Cookie": "jwt=" + sign(keys.other_secret)}))


def test_token_from_another_header(gw, keys):
    token = sign(keys.secret)
    assert_ok(gw.post("/from/header/bob", {}, headers={"X-Token": token}), "bob")
    assert_ok(gw.post("/from/header/bob", {}, headers={"x-token": "Bearer " + token}), "bob")
    assert_unauthorized(gw.post("/from/header/bob", {}, headers=bearer(token)), no_token=True)
    assert_unauthorized(gw.post("/from/header/bob", {}, headers={"X-Token": sign(keys.other_secret)}))


# --- 5. HTTP/2 and WebSocket messages ----------------------------------------------------------------------------

def h2_exchange(gw, requests):
    """(method, path, body, headers) over one h2c connection: [(status, headers dict, body)]."""
    h2 = H2Connection(gw.port).start()
    try:
        streams = [h2.request(method, path, body, headers=list(headers.items())) for method, path, body, headers in requests]
        assert h2.wait_for_responses(streams)
        return [(h2.responses[s]["status"], dict(h2.responses[s]["headers"]), h2.responses[s]["body"]) for s in streams]
    finally:
        h2.close()


def test_over_http2(gw, keys):
    token = sign(keys.secret)
    answers = h2_exchange(gw, [
        ("PUT", "/v1/jwt/bob", {"message": "m", "user": "spoof"}, {"authorization": "Bearer " + token}),
        ("POST", "/strict/bob", {}, {}),
        ("POST", "/strict/bob", {}, {"authorization": "Bearer " + sign(keys.secret, exp=int(time.time()) - 100)}),
        ("POST", "/strict/bob", {}, {"authorization": "Bearer " + sign(keys.secret, aud="billing")}),
        ("GET", "/p/claims/echo", None, {"authorization": "Bearer " + token, "x-user-id": "spoof"}),
        ("GET", "/p/claims/echo", None, {}),
        ("POST", "/from/cookie/bob", {}, {"cookie": "jwt=" + token}),
    ])
    (ok, _, body), (none, none_headers, none_body), (expired, expired_headers, _), (other, _, other_body), \
        (proxied_ok, _, proxied_body), (proxied_none, proxied_headers, _), (cookie, _, _) = answers
    assert ok == 200 and json.loads(body) == {"message": "m", "user": "alice", "name": "bob"}, body
    assert none == 401 and none_headers["www-authenticate"] == CHALLENGE
    assert json.loads(none_body)["error"] == {"code": "unauthorized", "plugin": "jwt_auth", "message": "no bearer token"}
    assert expired == 401 and INVALID.match(expired_headers["www-authenticate"]), expired_headers
    assert other == 403 and json.loads(other_body)["error"]["code"] == "forbidden"
    assert proxied_ok == 200, proxied_body
    sent = json.loads(proxied_body)["headers"]
    assert [v for k, v in sent if k.lower() == "x-user-id"] == ["alice"]
    assert not [v for k, v in sent if k.lower() == "authorization"]
    assert proxied_none == 401 and proxied_headers["www-authenticate"] == CHALLENGE
    assert cookie == 200


def ws_exchange(gw, messages, headers=None):
    with websocket_connect("ws://127.0.0.1:%d/ws" % gw.port, additional_headers=headers, open_timeout=10) as ws:
        replies = []
        for i, message in enumerate(messages):
            ws.send(json.dumps(dict(message, id=i)))
            replies.append(json.loads(ws.recv(timeout=20)))
        return replies


def test_over_websocket_messages(gw, keys):
    token = sign(keys.secret)
    replies = ws_exchange(gw, [
        {"method": "PUT", "path": "/v1/jwt/bob", "headers": {"Authorization": "Bearer " + token},
         "body": {"message": "m", "user": "spoof"}},
        {"method": "POST", "path": "/strict/bob", "body": {}},
        {"method": "POST", "path": "/strict/bob", "headers": {"authorization": "Bearer " + sign(keys.other_secret)},
         "body": {}},
        {"method": "POST", "path": "/strict/bob", "headers": {"authorization": "Bearer " + sign(keys.secret, aud="x")},
         "body": {}},
        {"method": "GET", "path": "/p/claims/echo", "headers": {"authorization": "Bearer " + token, "x-user-id": "spoof"}},
        {"method": "GET", "path": "/p/claims/echo"},
        {"method": "POST", "path": "/from/header/bob", "headers": {"x-token": token}, "body": {}},
    ])
    assert [r["status"] for r in replies] == [200, 401, 401, 403, 200, 401, 200], replies
    assert replies[0]["body"] == {"message": "m", "user": "alice", "name": "bob"}
    assert replies[1]["headers"]["www-authenticate"] == CHALLENGE, replies[1]
    assert replies[1]["body"]["error"] == {"code": "unauthorized", "plugin": "jwt_auth", "message": "no bearer token"}
    assert INVALID.match(replies[2]["headers"]["www-authenticate"]), replies[2]
    assert replies[3]["body"]["error"]["code"] == "forbidden"
    sent = replies[4]["body"]["headers"]
    assert [v for k, v in sent if k.lower() == "x-user-id"] == ["alice"], sent
    assert not [v for k, v in sent if k.lower() == "authorization"], sent


def test_a_websocket_message_needs_its_own_token(gw, keys):
    """The upgrade request's Authorization is not a message's: each message carries its token."""
    replies = ws_exchange(gw, [{"method": "POST", "path": "/strict/bob", "body": {}}],
                          headers={"Authorization": "Bearer " + sign(keys.secret)})
    assert replies[0]["status"] == 401, replies


# --- 6. metrics, access log, and nothing reaches the backend -----------------------------------------------------

def test_refusals_are_counted_logged_and_never_reach_the_backend(gw, keys, demo_backend, upstream):
    before = scrape(gw.admin_port)
    now = int(time.time())
    refusals_401 = [None, sign(keys.other_secret), sign(keys.secret, exp=now - 100), "garbage",
                    jwt.encode(claims(), None, algorithm="none")]
    for token in refusals_401:
        assert_unauthorized(gw.post("/counted/c", {}, headers=bearer(token) if token else None), no_token=token is None)
    for _ in range(2):
        assert_forbidden(gw.post("/counted/c", {}, headers=bearer(sign(keys.secret, aud="billing"))))
    for _ in range(3):
        assert_ok(gw.post("/counted/c", {}, headers=bearer(sign(keys.secret))), "c")
    # One refusal over h2c, one in a WebSocket message.
    assert [status for status, _, _ in h2_exchange(gw, [("POST", "/counted/c", {}, {})])] == [401]
    assert [r["status"] for r in ws_exchange(gw, [{"method": "POST", "path": "/counted/c", "body": {}, "headers": {
        "authorization": "Bearer " + sign(keys.secret, aud="billing")}}])] == [403]

    def served():
        with urllib.request.urlopen("http://127.0.0.1:%d/control/count" % upstream, timeout=10) as response:
            return json.loads(response.read())["served"]

    served_before = served()
    assert gw.get("/p/counted/echo").status == 401
    assert gw.get("/p/counted/echo", headers=bearer(sign(keys.other_secret))).status == 401
    assert gw.get("/p/counted/echo", headers=bearer(sign(keys.secret, aud="billing"))).status == 403
    assert [status for status, _, _ in h2_exchange(gw, [("GET", "/p/counted/echo", None, {})])] == [401]
    assert [r["status"] for r in ws_exchange(gw, [{"method": "GET", "path": "/p/counted/echo"}])] == [401]
    assert gw.get("/p/counted/echo", headers=bearer(sign(keys.secret))).status == 200
    # Only the good request reached the upstream.
    assert served() - served_before == 1

    after = scrape(gw.admin_port)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    route = "jwt-counted"
    assert delta("sluice_plugin_blocked_total", route=route, plugin="jwt_auth", code="unauthorized") == 6
    assert delta("sluice_plugin_blocked_total", route=route, plugin="jwt_auth", code="forbidden") == 3
    assert delta("sluice_requests_total", route=route, status="401", protocol="http1") == 5
    assert delta("sluice_requests_total", route=route, status="401", protocol="h2") == 1
    assert delta("sluice_requests_total", route=route, status="403", protocol="http1") == 2
    assert delta("sluice_requests_total", route=route, status="403", protocol="websocket") == 1
    assert delta("sluice_requests_total", route=route, status="200", protocol="http1") == 3
    # Only the three good calls reached the backend.
    assert delta("sluice_upstream_attempts_total", service="echo-counted", endpoint=demo_backend.address) == 3
    proxy_route = "jwt-proxy-counted"
    assert delta("sluice_plugin_blocked_total", route=proxy_route, plugin="jwt_auth", code="unauthorized") == 4
    assert delta("sluice_plugin_blocked_total", route=proxy_route, plugin="jwt_auth", code="forbidden") == 1
    assert delta("sluice_requests_total", route=proxy_route, status="200", protocol="http1") == 1

    expected = {
        route: sorted([(401, "jwt_auth", None)] * 6 + [(403, "jwt_auth", None)] * 3
                      + [(200, None, demo_backend.address)] * 3),
        proxy_route: sorted([(401, "jwt_auth", None)] * 4 + [(403, "jwt_auth", None)]
                            + [(200, None, "127.0.0.1:%d" % upstream)]),
    }
    deadline = time.monotonic() + 15
    while True:  # entries reach the file within the flush interval
        entries = [json.loads(line) for line in gw.access_log.read_text().splitlines()]
        logged = {name: sorted((e["status"], e["blocked_by"], e["endpoint"]) for e in entries if e["route"] == name)
                  for name in expected}
        if logged == expected or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert logged == expected


def test_a_claim_no_header_can_carry_is_decided_at_the_edge(gw, keys):
    """A token may carry any JSON string (an IdP copies a user's display name into a claim). As a header value
    it is invalid: the gateway must refuse the token or leave the header out -- never send it, nor let the
    upstream exchange fail on it."""
    for odd in ("alice\r\nX-Injected: yes", "a\x00b", "bob\nX-LF: 1"):
        answer = gw.get("/p/odd-claims/echo", headers=bearer(sign(keys.secret, sub=odd)))
        assert answer.status == 401, answer
        assert answer.json["error"]["plugin"] == "jwt_auth"
        assert "cannot be sent as a header" in answer.json["error"]["message"]
    # The route still serves a good token.
    ok = gw.get("/p/odd-claims/echo", headers=bearer(sign(keys.secret)))
    assert ok.status == 200 and upstream_headers(ok, "x-user-id") == ["alice"], ok


# --- gateway-level jwt_auth ------------------------------------------------------------------------------------

def test_a_gateway_level_jwt_auth_covers_every_route(sluice_bin, tmp_path, keys, demo_backend):
    routes = tmp_path / "routes"
    write_routes(routes, {"services": [echo_service("echo", demo_backend)],
                          "routes": [say("/a/{req.name}", headers={"x-user": "req.user"}),
                                     say("/b/{req.name}", plugins={"jwt_auth": "off"})]})
    (tmp_path / "rsa.pub.pem").write_bytes(public_pem(keys.rsa))
    config = tmp_path / "sluice.yaml"
    config.write_text(json.dumps({
        "listeners": [{"address": "127.0.0.1:0"}], "routes": str(routes), "admin": "off",
        "plugins": {"jwt_auth": {"public_keys": ["rsa.pub.pem"], "claim_headers": {"sub": "x-user"}}}}))
    child, listeners = start_with_config(sluice_bin, str(config), tmp_path / "gw.log")
    try:
        gateway = Gateway(child, listeners[0][1])
        assert_unauthorized(gateway.post("/a/bob", {}), no_token=True)
        answer = gateway.post("/a/bob", {}, headers=dict(bearer(sign(keys.rsa, "RS256")), **{"X-User": "spoof"}))
        assert_ok(answer, "bob", user="alice")
        assert_ok(gateway.post("/b/bob", {}), "bob")
    finally:
        child.stop()


def jwks_server(directory):
    """A stdlib HTTP server on a free loopback port serving `directory` (an identity provider's JWKS)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def eventually(check, seconds=15):
    """Polls `check` until it holds (each `jwks_refresh` is 1 s here), failing with its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value is True or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_a_jwks_url_is_fetched_and_refreshed(sluice_bin, tmp_path, keys, demo_backend):
    """The keys an identity provider publishes are fetched at start and every jwks_refresh: a key rotated in is
    accepted and one dropped is refused, without a reload; a document that breaks keeps the keys there are."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "jwks.json").write_text(json.dumps({"keys": [jwk(keys.rsa, "one")]}))
    server = jwks_server(www)
    url = "http://127.0.0.1:%d/jwks.json" % server.server_address[1]
    routes = write_routes(tmp_path / "routes", {
        "services": [echo_service("echo", demo_backend)],
        "routes": [say("/remote/{req.name}", {"jwks_url": url, "jwks_refresh": "1s", "claims": {"sub": "req.user"}})]})
    gateway = Gateway.start(sluice_bin, routes, tmp_path / "gw.log", extra=("--admin", "off", "--watch", "off"))
    try:
        def status(key, kid):
            return gateway.post("/remote/bob", {}, headers=bearer(sign(key, "RS256", kid=kid))).status

        assert_ok(gateway.post("/remote/bob", {}, headers=bearer(sign(keys.rsa, "RS256", kid="one"))), "bob", user="alice")
        assert_unauthorized(gateway.post("/remote/bob", {}, headers=bearer(sign(keys.rsa_other, "RS256", kid="two"))))
        # The provider rotates: both keys for a while, then only the new one.
        (www / "jwks.json").write_text(json.dumps({"keys": [jwk(keys.rsa, "one"), jwk(keys.rsa_other, "two")]}))
        assert eventually(lambda: status(keys.rsa_other, "two") == 200) is True
        assert status(keys.rsa, "one") == 200
        (www / "jwks.json").write_text(json.dumps({"keys": [jwk(keys.rsa_other, "two")]}))
        assert eventually(lambda: status(keys.rsa, "one") == 401) is True
        # A broken document (or none) is refused: the keys stay as they were.
        (www / "jwks.json").write_text("{not json")
        time.sleep(2.5)
        assert status(keys.rsa_other, "two") == 200
        (www / "jwks.json").unlink()
        time.sleep(2.5)
        assert status(keys.rsa_other, "two") == 200
        assert status(keys.rsa, "one") == 401
    finally:
        gateway.stop()
        server.shutdown()


def test_a_jwks_url_that_cannot_be_reached_yet_refuses_until_it_can(sluice_bin, tmp_path, keys, demo_backend):
    port = free_port()
    routes = write_routes(tmp_path / "routes", {
        "services": [echo_service("echo", demo_backend)],
        "routes": [say("/remote/{req.name}", {"jwks_url": "http://127.0.0.1:%d/jwks.json" % port, "jwks_refresh": "1s"})]})
    gateway = Gateway.start(sluice_bin, routes, tmp_path / "gw.log", extra=("--admin", "off", "--watch", "off"))
    www = tmp_path / "www"
    www.mkdir()
    (www / "jwks.json").write_text(json.dumps({"keys": [jwk(keys.rsa, "one")]}))
    server = None
    try:
        token = bearer(sign(keys.rsa, "RS256", kid="one"))
        refused = gateway.post("/remote/bob", {}, headers=token)
        assert refused.status == 401 and refused.json["error"]["plugin"] == "jwt_auth", refused
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
        handler.log_message = lambda *args: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        assert eventually(lambda: gateway.post("/remote/bob", {}, headers=token).status == 200) is True
    finally:
        gateway.stop()
        if server:
            server.shutdown()


# --- 7. `sluice check` -------------------------------------------------------------------------------------------

LONG_SECRET = "0123456789012345678901234567890123456789"  # 40 bytes: HS256 only

CHECK_SERVICES = """services:
  - name: echo
    idl: %s
    transport: ttheader
    endpoints: ["127.0.0.1:9"]
""" % ECHO_IDL

CHECK_ROUTE = CHECK_SERVICES + """routes:
  - method: POST
    path: /a/{req.name}
    service: echo
    call: EchoService.Say
    body: req
    plugins:
      jwt_auth:
"""


@pytest.fixture(scope="module")
def check_keys(tmp_path_factory, keys):
    """Key files for the check cases, good and bad, copied into each case's folder."""
    directory = tmp_path_factory.mktemp("jwt-check-keys")
    keys.write(directory)
    (directory / "garbage.pem").write_text("-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n")
    (directory / "rsa.key.pem").write_bytes(keys.rsa.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    def jwks(name, *entries):
        (directory / name).write_text(entries[0] if isinstance(entries[0], str) else json.dumps({"keys": list(entries)}))

    def private(key, kid):
        algorithm = {rsa.RSAPrivateKey: jwt.algorithms.RSAAlgorithm, ec.EllipticCurvePrivateKey: jwt.algorithms.ECAlgorithm,
                     ed25519.Ed25519PrivateKey: jwt.algorithms.OKPAlgorithm}
        kind = next(v for k, v in algorithm.items() if isinstance(key, k))
        return dict(kind.to_jwk(key, as_dict=True), kid=kid)

    jwks("not-json.jwks.json", "{keys: [")
    jwks("no-key-list.jwks.json", '{"kid": "x", "kty": "RSA"}')
    jwks("empty.jwks.json", '{"keys": []}')
    jwks("private-rsa.jwks.json", jwk(keys.rsa, "ok"), private(keys.rsa_other, "secret"))
    jwks("private-ec.jwks.json", private(keys.ec256, "secret"))
    jwks("private-okp.jwks.json", private(keys.ed25519, "secret"))
    jwks("bad-modulus.jwks.json", {"kty": "RSA", "kid": "x", "n": "!!not base64url!!", "e": "AQAB"})
    jwks("ec-no-y.jwks.json", {k: v for k, v in jwk(keys.ec256, "x").items() if k != "y"})
    return directory


def run_check(sluice, tmp_path, check_keys, text, name="routes.yaml"):
    for key_file in check_keys.iterdir():
        (tmp_path / key_file.name).write_bytes(key_file.read_bytes())
    path = tmp_path / name
    path.write_text(text)
    result = sluice("check", tmp_path)
    return path, result.returncode, result.stdout + result.stderr


def assert_check_error(path, returncode, out, line, columns, message):
    assert returncode != 0, out
    columns = "|".join(str(c) for c in columns)
    pattern = r"^%s:%d:(%s): .*%s" % (re.escape(str(path)), line, columns, message)
    assert re.search(pattern, out, re.MULTILINE), (pattern, out)


CHECK_CASES = {
    # id: (jwt_auth lines, the text the error points at (or a list: any of them), what it says)
    "secret-too-short": (['secret: "only 31 bytes long, one too few"'], '"only 31',
                         r"'secret' must be at least 32 bytes for HS256"),
    "unknown-algorithm": (["secret: %s" % LONG_SECRET, "algorithms: [HS256, XS256]"], ["[HS256", "XS256"],
                          r"unknown algorithm 'XS256'"),
    "algorithm-none": (["secret: %s" % LONG_SECRET, "algorithms: [none]"], ["[none", "none]"],
                       r"unknown algorithm 'none'"),
    "no-key-for-es256": (["secret: %s" % LONG_SECRET, "algorithms: [ES256]"], ["[ES256", "ES256]"],
                         r"no key given can verify ES256"),
    "secret-too-short-for-hs512": (["secret: %s" % LONG_SECRET, "algorithms: [HS256, HS512]"], ["[HS256", "HS512]"],
                                   r"no key given can verify HS512"),
    "rsa-key-for-es384": (["public_keys: [rsa.pub.pem, ec256.pub.pem]", "algorithms: [ES384]"], ["[ES384", "ES384]"],
                          r"no key given can verify ES384"),
    "missing-pem": (["public_keys: [rsa.pub.pem, missing.pem]"], "missing.pem", r"cannot read PEM file"),
    "garbage-pem": (["public_keys: [garbage.pem]"], "garbage.pem",
                    r"holds no RSA, P-256, P-384 or Ed25519 public key or certificate in PEM"),
    "private-key-pem": (["public_keys: [ec256.pub.pem, rsa.key.pem]"], "rsa.key.pem",
                        r"holds no RSA, P-256, P-384 or Ed25519 public key"),
    "missing-jwks": (["jwks_file: missing.jwks.json"], "missing.jwks.json", r"cannot read JWKS file"),
    "jwks-not-json": (["jwks_file: not-json.jwks.json"], "not-json.jwks.json", r"is not a JWKS document"),
    "jwks-without-keys": (["jwks_file: no-key-list.jwks.json"], "no-key-list.jwks.json", r"is not a JWKS document"),
    "jwks-empty": (["jwks_file: empty.jwks.json"], "empty.jwks.json", r"has no keys"),
    "jwks-private-rsa": (["jwks_file: private-rsa.jwks.json"], "private-rsa.jwks.json", r"key 1 .* is a private key"),
    "jwks-private-ec": (["jwks_file: private-ec.jwks.json"], "private-ec.jwks.json", r"is a private key"),
    "jwks-private-okp": (["jwks_file: private-okp.jwks.json"], "private-okp.jwks.json", r"is a private key"),
    "claim-not-an-argument": (["secret: %s" % LONG_SECRET, "claims: {sub: req.nope}"], "req.nope",
                              r"claim 'sub' binds 'req\.nope', which is not in the arguments of Say"),
    "claim-not-a-path": (["secret: %s" % LONG_SECRET, 'claims: {sub: "not a path"}'], '"not a path"',
                         r"claim 'sub' must bind a field path"),
}

CHECK_CASES_JWKS_KEYS = {
    "jwks-rsa-bad-modulus": (["jwks_file: bad-modulus.jwks.json"], "bad-modulus.jwks.json",
                             r"is not a usable RSA, P-256, P-384 or Ed25519 public key"),
    "jwks-ec-without-y": (["jwks_file: ec-no-y.jwks.json"], "ec-no-y.jwks.json", r"it has no 'x' and 'y'"),
}


@pytest.mark.parametrize("case", list(CHECK_CASES) + list(CHECK_CASES_JWKS_KEYS))
def test_check_reports_a_bad_jwt_auth_at_its_position(sluice, tmp_path, check_keys, case):
    lines, needles, message = dict(CHECK_CASES, **CHECK_CASES_JWKS_KEYS)[case]
    text = CHECK_ROUTE + "".join("        %s\n" % line for line in lines)
    path, returncode, out = run_check(sluice, tmp_path, check_keys, text)
    spots = [position(text, needle) for needle in (needles if isinstance(needles, list) else [needles])]
    assert len({line for line, _ in spots}) == 1
    assert_check_error(path, returncode, out, spots[0][0], [column for _, column in spots], message)


def test_the_broken_jwks_is_refused_by_run(sluice, tmp_path, check_keys):
    """What check refuses, run refuses at the same place."""
    text = CHECK_ROUTE + "        jwks_file: bad-modulus.jwks.json\n"
    path, _, _ = run_check(sluice, tmp_path, check_keys, text)
    result = sluice("run", "--routes", tmp_path, "--listen", "127.0.0.1:0", "--admin", "off", timeout=30)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    line, column = position(text, "bad-modulus.jwks.json")
    assert "%s:%d:%d: key 0 of" % (path, line, column) in out and "is not a usable RSA" in out, out


def test_check_refuses_claims_on_a_service_jwt_auth(sluice, tmp_path, check_keys):
    text = CHECK_SERVICES + """    plugins:
      jwt_auth:
        secret: %s
        claims: {sub: req.user}
routes:
  - {method: POST, path: "/a/{req.name}", service: echo, call: EchoService.Say, body: req}
""" % LONG_SECRET
    path, returncode, out = run_check(sluice, tmp_path, check_keys, text)
    line, column = position(text, "req.user")
    assert_check_error(path, returncode, out, line, [column], r"'claims' fills fields of one route's call")


def test_check_refuses_claims_on_a_route_to_an_http_service(sluice, tmp_path, check_keys):
    text = """services:
  - name: web
    protocol: http
    endpoints: ["http://127.0.0.1:9"]
routes:
  - method: GET
    path: /w/{rest=**}
    service: web
    plugins:
      jwt_auth:
        secret: %s
        claims: {sub: req.user}
        claim_headers: {sub: x-user}
""" % LONG_SECRET
    path, returncode, out = run_check(sluice, tmp_path, check_keys, text)
    line, column = position(text, "req.user")
    assert_check_error(path, returncode, out, line, [column], r"jwt_auth 'claims' fills fields of a call.*http service 'web'")
    # claim_headers alone is what a proxy route takes.
    path, returncode, out = run_check(sluice, tmp_path, check_keys, text.replace("        claims: {sub: req.user}\n", ""))
    assert returncode == 0 and "ok: 1 routes, 1 services" in out, out


def test_check_refuses_claims_in_the_gateway_config(sluice, tmp_path, check_keys):
    routes = tmp_path / "routes"
    routes.mkdir()
    (routes / "echo.yaml").write_text(CHECK_SERVICES + """routes:
  - {method: POST, path: "/a/{req.name}", service: echo, call: EchoService.Say, body: req}
""")
    config = tmp_path / "sluice.yaml"
    text = """listeners: [{address: "127.0.0.1:0"}]
routes: routes/
plugins:
  jwt_auth:
    secret: %s
    claims: {sub: req.user}
""" % LONG_SECRET
    config.write_text(text)
    result = sluice("check", "--config", config)
    line, column = position(text, "req.user")
    assert_check_error(config, result.returncode, result.stdout + result.stderr, line, [column],
                       r"'claims' fills fields of one route's call")
    config.write_text(text.replace("    claims: {sub: req.user}\n", "    claim_headers: {sub: x-user}\n"))
    result = sluice("check", "--config", config)
    assert result.returncode == 0 and "ok: 1 routes, 1 services" in result.stdout, result.stdout + result.stderr


def test_check_accepts_the_gateway_routes(sluice, routes_dir):
    result = sluice("check", routes_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^ok: \d+ routes, 5 services$", result.stdout, re.MULTILINE), result.stdout
