"""`sluice call` for gRPC: unary calls to a grpcio server (code generated at test time by grpcio-tools from
grpc/greeter.proto), described by the .proto itself or by protoc's descriptor set; the response as
protobuf's canonical JSON, a non-OK status as grpc-gateway's JSON with its details, and the bad-input and
unreachable exits."""

import json
import pathlib
import subprocess
import sys

import pytest

from support.processes import Child, free_port

HERE = pathlib.Path(__file__).parent / "grpc"
PROTO = HERE / "greeter.proto"


@pytest.fixture(scope="module")
def greeter(workdir):
    """(port, descriptor set) of a running greeter_server.py."""
    gen = workdir / "greeter-gen"
    gen.mkdir(exist_ok=True)
    descriptors = gen / "greeter.binpb"
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", HERE, "--python_out", gen, "--grpc_python_out", gen,
                    "--descriptor_set_out", descriptors, "--include_imports", PROTO], check=True)
    child = Child([sys.executable, HERE / "greeter_server.py", "--gen", gen], workdir / "greeter.log")
    port = int(child.wait_for_line(r"listening (\d+)", timeout=30).group(1))
    yield port, descriptors
    child.stop()


REQUEST = {"name": "ann", "big": "9007199254740993", "tags": ["a", "b"], "at": "2026-12-03T10:00:00.5Z",
           "counts": {"x": 1}, "mood": "MOOD_HAPPY"}


def call(sluice, port, *args, stdin=None):
    return sluice("call", "--to", "127.0.0.1:%d" % port, "--timeout", "5s", *args, stdin=stdin)


@pytest.mark.parametrize("describe", ["proto", "descriptor-set"])
def test_a_unary_call_answers_protobuf_json(sluice, greeter, describe):
    port, descriptors = greeter
    source = ["--proto", PROTO] if describe == "proto" else ["--descriptor-set", descriptors]
    result = call(sluice, port, *source, "--header", "X-User: bo", "call.v1.Greeter.Hello", json.dumps(REQUEST))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "greeting": "hello ann", "big": "9007199254740994", "tags": ["a", "b"], "at": "2026-12-03T10:00:00.500Z",
        "counts": {"x": 1}, "mood": "MOOD_HAPPY", "user": "bo"}


def test_the_request_may_come_from_stdin_and_the_method_unqualified(sluice, greeter):
    port, _ = greeter
    result = call(sluice, port, "--proto", PROTO, "Greeter.Hello", "-", stdin='{"name": "cy"}')
    assert result.returncode == 0, result.stderr
    # The server sets `at` from the request, so it is present (a message field has presence), at zero.
    assert json.loads(result.stdout) == {"greeting": "hello cy", "big": "1", "at": "1970-01-01T00:00:00Z"}


def test_a_non_ok_status_prints_its_json_with_details_and_exits_3(sluice, greeter):
    port, _ = greeter
    result = call(sluice, port, "--proto", PROTO, "call.v1.Greeter.Fail", '{"name": "ghost"}')
    assert result.returncode == 3, result.stderr
    assert json.loads(result.stdout) == {
        "code": 5, "message": "no such user: ghost",
        "details": [{"@type": "type.googleapis.com/call.v1.HelloRequest", "name": "ghost"}]}


def test_bad_input_exits_1_naming_the_problem(sluice, greeter):
    port, _ = greeter
    bad_json = call(sluice, port, "--proto", PROTO, "call.v1.Greeter.Hello", '{"big": "1.5"}')
    assert bad_json.returncode == 1 and "$.big" in bad_json.stderr, bad_json.stderr
    unknown = call(sluice, port, "--proto", PROTO, "call.v1.Greeter.Nope", "{}")
    assert unknown.returncode == 1 and "call.v1.Greeter.Hello" in unknown.stderr, unknown.stderr
    streaming = call(sluice, port, "--proto", PROTO, "call.v1.Greeter.Watch", "{}")
    assert streaming.returncode == 1 and "streaming" in streaming.stderr, streaming.stderr
    missing = call(sluice, port, "--proto", HERE / "missing.proto", "call.v1.Greeter.Hello", "{}")
    assert missing.returncode == 1 and "missing.proto" in missing.stderr, missing.stderr
    both = call(sluice, port, "--proto", PROTO, "--idl", "examples/echo/echo.thrift", "x.y", "{}")
    assert both.returncode != 0 and "exactly one" in both.stderr, both.stderr


def test_an_unreachable_server_exits_2(sluice):
    result = call(sluice, free_port(), "--proto", PROTO, "call.v1.Greeter.Hello", "{}")
    assert result.returncode == 2 and "connect" in result.stderr, result.stderr
