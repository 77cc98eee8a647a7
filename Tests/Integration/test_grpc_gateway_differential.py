"""Differential test of the gateway's protobuf JSON against Python protobuf's json_format, through a real gRPC
call: 1200 random codec.test.Everything messages (codec_differential.py's generator: every scalar at its edges,
NaN and infinities, unknown open-enum numbers, maps of every key type, oneofs, Any, every well-known type,
proto2 groups and defaults). For each, json_format's JSON for it goes to an echo route whose JSON options
match; grpcio receives the message and answers it back. The message grpcio received must equal the original,
and the gateway's JSON must equal what json_format writes for it (compared as JSON values, floats as float32
where the field is a float)."""

import http.client
import json
import random
import sys

import pytest

from support import grpc_gateway_peer as peer
from support.grpc_gateway_routes import grpc_service, start

sys.path.insert(0, str(peer.CODEC_DIR))
import codec_differential as reference  # noqa: E402  (the codec fixture's generator and comparison)

COUNT = 1200
SEED = 20261203
# codec_differential's option letters: e = emit defaults, i = enums as ints, p = proto names.
OPTIONS = {"e": "emit_defaults", "i": "enums_as_ints", "p": "preserve_proto_field_names"}


def route(letters):
    options = {OPTIONS[letter]: True for letter in letters if letter in OPTIONS}
    return {"method": "POST", "path": "/diff/" + letters, "service": "types", "call": "sluice.gw.Types.Echo",
            "body": "*", "options": options}


@pytest.fixture(scope="module")
def setup(sluice_bin, workdir):
    gen = workdir / "grpc-gateway-diff-gen"
    peer.generate(gen)
    sys.path.insert(0, str(gen))
    backend = peer.start(gen, workdir / "grpc-gateway-diff-server.log")

    def document(directory):
        return {"services": [grpc_service("types", backend.address, directory)],
                "routes": [route(letters) for letters in reference.OPTION_SETS]}

    gateway = start(sluice_bin, workdir, "grpc-gateway-diff", document)
    yield gen, backend, gateway
    gateway.stop()
    backend.stop()


class KeptAliveClient:
    """One HTTP/1.1 connection for every request, reopened only if the gateway closes it."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def post(self, path, body):
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                self.connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader("connection", "").lower() == "close":
                    self.close()
                return response.status, data
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def test_random_messages_through_the_gateway_match_json_format(setup):
    import grpc
    from google.protobuf import empty_pb2

    gen, backend, gateway = setup
    module, message_type = reference.load(str(gen))
    import gateway_test_pb2_grpc

    channel = grpc.insecure_channel(backend.address)
    last_echo = gateway_test_pb2_grpc.TypesStub(channel).LastEcho
    client = KeptAliveClient(gateway.port)
    r = random.Random(SEED)
    failures = []
    try:
        for index in range(COUNT):
            letters = reference.OPTION_SETS[index % len(reference.OPTION_SETS)]
            original = message_type()
            reference.fill(r, module, original, 0)
            sent = reference.to_json(original, letters)
            status, answer = client.post("/diff/" + letters, sent.encode())
            where = "case %d (%s)" % (index, letters)
            if status != 200:
                failures.append("%s: HTTP %d %s\n  sent: %s" % (where, status, answer[:400], sent))
                continue
            received = last_echo(empty_pb2.Empty(), timeout=5)
            if received.SerializeToString(deterministic=True) != original.SerializeToString(deterministic=True):
                difference = reference.same_json(json.loads(reference.to_json(original, "")),
                                                 json.loads(reference.to_json(received, "")))
                failures.append("%s: grpcio received another message (%s)\n  sent: %s" % (where, difference, sent))
                continue
            expected = json.loads(reference.to_json(received, letters))
            difference = reference.same_json(expected, json.loads(answer))
            if difference:
                failures.append("%s: the answer differs at %s\n  json_format: %s\n  gateway:     %s" % (
                    where, difference, json.dumps(expected), answer.decode()))
    finally:
        client.close()
        channel.close()
    assert not failures, "%d of %d cases failed; the first:\n%s" % (len(failures), COUNT, "\n".join(failures[:6]))
