"""Differential test of the gateway's protobuf JSON against Python protobuf's json_format, through a real gRPC
call: 1200 random codec.test.Everything messages (codec_differential.py's generator: every scalar at its edges,
NaN and infinities, unknown open-enum numbers, maps of every key type, oneofs, Any, every well-known type,
proto2 groups and defaults). For each, json_format's JSON for it goes to an echo route whose JSON options
match; grpcio receives the message and answers it back. The message grpcio received must equal the original,
and the gateway's JSON must equal what json_format writes for it (compared as JSON values, floats as float32
where the field is a float). Then 600 more, their JSON respelled as the mapping allows (proto field names,
32-bit integers and floats as strings, 64-bit integers as numbers, enums as numbers, URL-safe base64): grpcio
must receive what json_format reads from the same text."""

import http.client
import json
import random
import sys

import pytest
from google.protobuf.descriptor import FieldDescriptor as FD

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


# ---- JSON the gateway accepts: the other spellings json_format reads ------------------------------------

INTEGER_IN_NUMBER = {FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32, FD.TYPE_UINT32, FD.TYPE_FIXED32}
INTEGER_IN_STRING = {FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64, FD.TYPE_UINT64, FD.TYPE_FIXED64}


def respell_scalar(r, field, value):
    """Another spelling json_format reads for `value` of `field`, or `value`."""
    if r.random() < 0.5:
        return value
    if field.type in INTEGER_IN_NUMBER and isinstance(value, int):
        return str(value)
    if field.type in INTEGER_IN_STRING and isinstance(value, str) and abs(int(value)) < 2 ** 53:
        return int(value)
    if field.type in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE) and isinstance(value, float):
        return repr(value)
    if field.type == FD.TYPE_ENUM and isinstance(value, str) and value in field.enum_type.values_by_name:
        return field.enum_type.values_by_name[value].number
    if field.type == FD.TYPE_BYTES and isinstance(value, str):
        return value.replace("+", "-").replace("/", "_")
    return value


def respell(r, descriptor, value):
    """`value` (json_format's JSON for a message of `descriptor`) with field names, numbers, enums and bytes
    written in the other ways the JSON mapping allows."""
    if descriptor.full_name.startswith("google.protobuf.") or not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        field = next((f for f in descriptor.fields if key in (f.json_name, f.name)), None)
        if field is None:
            out[key] = item
            continue
        name = field.name if r.random() < 0.5 else field.json_name
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            out[name] = {k: respell_one(r, value_field, v) for k, v in item.items()}
        elif isinstance(item, list):
            out[name] = [respell_one(r, field, element) for element in item]
        else:
            out[name] = respell_one(r, field, item)
    return out


def respell_one(r, field, value):
    if field.message_type is not None:
        return respell(r, field.message_type, value)
    return respell_scalar(r, field, value)


def test_other_spellings_of_random_messages_arrive_as_json_format_reads_them(setup):
    import grpc
    from google.protobuf import empty_pb2, json_format

    gen, backend, gateway = setup
    module, message_type = reference.load(str(gen))
    import gateway_test_pb2_grpc

    channel = grpc.insecure_channel(backend.address)
    last_echo = gateway_test_pb2_grpc.TypesStub(channel).LastEcho
    client = KeptAliveClient(gateway.port)
    r = random.Random(SEED + 1)
    failures, checked = [], 0
    try:
        for index in range(COUNT // 2):
            original = message_type()
            reference.fill(r, module, original, 0)
            text = json.dumps(respell(r, message_type.DESCRIPTOR, json.loads(reference.to_json(original, "-"))))
            try:
                expected = json_format.Parse(text, message_type())
            except json_format.ParseError:
                continue  # json_format's own limits (a float32 written as its largest value, say)
            checked += 1
            status, answer = client.post("/diff/-", text.encode())
            if status != 200:
                failures.append("case %d: HTTP %d %s\n  sent: %s" % (index, status, answer[:400], text))
                continue
            received = last_echo(empty_pb2.Empty(), timeout=5)
            if received.SerializeToString(deterministic=True) != expected.SerializeToString(deterministic=True):
                difference = reference.same_json(json.loads(reference.to_json(expected, "")),
                                                 json.loads(reference.to_json(received, "")))
                failures.append("case %d: grpcio received another message than json_format reads (%s)\n  sent: %s"
                                % (index, difference, text))
    finally:
        client.close()
        channel.close()
    assert checked > COUNT // 4
    assert not failures, "%d of %d cases failed; the first:\n%s" % (len(failures), checked, "\n".join(failures[:6]))
