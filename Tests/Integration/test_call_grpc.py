"""`sluice call` for gRPC: calls to a grpcio server (code generated at test time by grpcio-tools from
grpc/greeter.proto), described by the .proto itself, by protoc's descriptor set or by server reflection
(grpcio-reflection's v1alpha, and the same under v1's path); the response as protobuf's canonical JSON, a
non-OK status as grpc-gateway's JSON with its details; streams as NDJSON both ways; --list; and the
bad-input, unreachable and no-reflection exits."""

import json
import pathlib
import subprocess
import sys

import pytest

from support.processes import Child, free_port

HERE = pathlib.Path(__file__).parent / "grpc"
PROTO = HERE / "greeter.proto"


@pytest.fixture(scope="module")
def greeter_gen(workdir):
    """The directory of the generated Python code, and protoc's descriptor set beside it."""
    gen = workdir / "greeter-gen"
    gen.mkdir(exist_ok=True)
    descriptors = gen / "greeter.binpb"
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", HERE, "--python_out", gen, "--grpc_python_out", gen,
                    "--descriptor_set_out", descriptors, "--include_imports", PROTO], check=True)
    return gen, descriptors


@pytest.fixture(scope="module")
def greeter_servers(workdir, greeter_gen):
    """greeter_server.py by --reflection mode, started when first asked for: mode -> port."""
    gen, _ = greeter_gen
    children, ports = [], {}

    def port(reflection):
        if reflection not in ports:
            child = Child([sys.executable, HERE / "greeter_server.py", "--gen", gen, "--reflection", reflection],
                          workdir / ("greeter-%s.log" % reflection))
            children.append(child)
            ports[reflection] = int(child.wait_for_line(r"listening (\d+)", timeout=30).group(1))
        return ports[reflection]

    yield port
    for child in children:
        child.stop()


@pytest.fixture(scope="module")
def greeter(greeter_gen, greeter_servers):
    """(port, descriptor set) of a running greeter_server.py with grpcio's own (v1alpha) reflection."""
    return greeter_servers("v1alpha"), greeter_gen[1]


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
    missing = call(sluice, port, "--proto", HERE / "missing.proto", "call.v1.Greeter.Hello", "{}")
    assert missing.returncode == 1 and "missing.proto" in missing.stderr, missing.stderr
    both = call(sluice, port, "--proto", PROTO, "--idl", "examples/echo/echo.thrift", "x.y", "{}")
    assert both.returncode != 0 and "exactly one" in both.stderr, both.stderr
    reflect_too = call(sluice, port, "--proto", PROTO, "--reflect", "call.v1.Greeter.Hello", "{}")
    assert reflect_too.returncode != 0 and "exactly one" in reflect_too.stderr, reflect_too.stderr
    bad_message = call(sluice, port, "--proto", PROTO, "call.v1.Greeter.Collect", '[{"name": "a"}, {"big": "x"}]')
    assert bad_message.returncode == 1 and "message 2" in bad_message.stderr, bad_message.stderr
    no_service = call(sluice, port, "--reflect", "--list", "Nope")
    assert no_service.returncode == 1 and "call.v1.Greeter" in no_service.stderr, no_service.stderr


def test_an_unreachable_server_exits_2(sluice):
    result = call(sluice, free_port(), "--proto", PROTO, "call.v1.Greeter.Hello", "{}")
    assert result.returncode == 2 and "connect" in result.stderr, result.stderr


# Reflection and streaming.

@pytest.mark.parametrize("reflection", ["v1alpha", "v1"])
def test_reflection_describes_the_call_on_either_version(sluice, greeter_servers, reflection):
    port = greeter_servers(reflection)
    result = call(sluice, port, "--reflect", "--header", "X-User: bo", "call.v1.Greeter.Hello", json.dumps(REQUEST))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["big"] == "9007199254740994"
    assert json.loads(result.stdout)["user"] == "bo"
    listed = call(sluice, port, "--reflect", "--list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["call.v1.Greeter", "grpc.reflection.%s.ServerReflection" % reflection]


def test_list_without_reflection_lists_the_files_services(sluice, greeter):
    port, descriptors = greeter
    for source in (["--proto", PROTO], ["--descriptor-set", descriptors]):
        result = call(sluice, port, *source, "--list")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == ["call.v1.Greeter"]


def test_list_service_prints_its_methods_and_messages_as_grpcurl_describes_them(sluice, greeter):
    port, descriptors = greeter
    reflected = call(sluice, port, "--reflect", "--list", "Greeter")
    assert reflected.returncode == 0, reflected.stderr
    lines = reflected.stdout.splitlines()
    assert lines[:7] == [
        "call.v1.Greeter is a service:",
        "service Greeter {",
        "  rpc Hello ( .call.v1.HelloRequest ) returns ( .call.v1.HelloReply );",
        "  rpc Fail ( .call.v1.HelloRequest ) returns ( .call.v1.HelloReply );",
        "  rpc Watch ( .call.v1.HelloRequest ) returns ( stream .call.v1.HelloReply );",
        "  rpc Collect ( stream .call.v1.HelloRequest ) returns ( .call.v1.HelloReply );",
        "  rpc Chat ( stream .call.v1.HelloRequest ) returns ( stream .call.v1.HelloReply );"]
    for line in ["call.v1.HelloRequest is a message:", "message HelloRequest {", "  repeated string tags = 3;",
                 "  .google.protobuf.Timestamp at = 4;", "  map<string, int32> counts = 5;", "  .call.v1.Mood mood = 6;",
                 "call.v1.Mood is an enum:", "  MOOD_HAPPY = 1;"]:
        assert line in lines, reflected.stdout
    # The same descriptors, however they came.
    described = call(sluice, port, "--descriptor-set", descriptors, "--list", "call.v1.Greeter")
    assert described.returncode == 0 and described.stdout == reflected.stdout, described.stderr


def test_server_streaming_prints_one_json_line_per_message(sluice, greeter):
    port, _ = greeter
    result = call(sluice, port, "--reflect", "call.v1.Greeter.Watch", '{"name": "w"}')
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"greeting": "w 0"}, {"greeting": "w 1"}, {"greeting": "w 2"}]


def test_a_stream_ending_in_a_non_ok_status_prints_its_messages_then_the_status_and_exits_3(sluice, greeter):
    port, _ = greeter
    result = call(sluice, port, "--proto", PROTO, "call.v1.Greeter.Watch", '{"name": "fail"}')
    assert result.returncode == 3, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"greeting": "fail 0"}, {"greeting": "fail 1"}, {"code": 8, "message": "quota used up", "details": []}]


def test_client_streaming_reads_ndjson_from_stdin_or_a_json_array(sluice, greeter):
    port, _ = greeter
    stdin = '{"name": "a", "big": "1"}\n\n{"name": "b", "big": 2}\n'
    result = call(sluice, port, "--reflect", "Greeter.Collect", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"greeting": "hello a, b", "big": "3"}
    array = call(sluice, port, "--proto", PROTO, "Greeter.Collect", '[{"name": "c"}, {"name": "d", "big": 5}]')
    assert array.returncode == 0, array.stderr
    assert json.loads(array.stdout) == {"greeting": "hello c, d", "big": "5"}


def test_bidi_sends_each_message_and_prints_each_response(sluice, greeter):
    port, _ = greeter
    result = call(sluice, port, "--reflect", "call.v1.Greeter.Chat", "-", stdin='{"name": "x"}\n{"name": "y"}\n')
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"greeting": "hello x"}, {"greeting": "hello y"}]
    array = call(sluice, port, "--proto", PROTO, "call.v1.Greeter.Chat", '[{"name": "z"}]')
    assert array.returncode == 0 and json.loads(array.stdout) == {"greeting": "hello z"}, array.stderr


def test_reflection_against_a_server_without_it_exits_2(sluice, greeter_servers):
    port = greeter_servers("none")
    result = call(sluice, port, "--reflect", "call.v1.Greeter.Hello", "{}")
    assert result.returncode == 2, result.stderr
    assert "127.0.0.1:%d" % port in result.stderr and "no reflection service" in result.stderr, result.stderr
    unreachable = call(sluice, free_port(), "--reflect", "--list")
    assert unreachable.returncode == 2 and "connect" in unreachable.stderr, unreachable.stderr


def test_bidi_prints_each_response_while_stdin_is_still_open(sluice_bin, greeter):
    port, _ = greeter
    child = subprocess.Popen(
        [sluice_bin, "call", "--reflect", "--to", "127.0.0.1:%d" % port, "--timeout", "10s", "Greeter.Chat", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        child.stdin.write('{"name": "one"}\n')
        child.stdin.flush()
        # Answered before the request side ends: were it held until then, the line would come only with the
        # call's 10 s deadline, as a status.
        assert json.loads(child.stdout.readline()) == {"greeting": "hello one"}
        child.stdin.write('{"name": "two"}\n')
        child.stdin.close()
        assert json.loads(child.stdout.read()) == {"greeting": "hello two"}
        assert child.wait(timeout=15) == 0, child.stderr.read()
    finally:
        child.kill()
        child.wait()
