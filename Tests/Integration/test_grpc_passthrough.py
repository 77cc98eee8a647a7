"""gRPC pass-through: grpcio clients call a grpcio server (grpc/passthrough_server.py, code generated at test time
by grpcio-tools from grpc/passthrough.proto) THROUGH `sluice run`, whose `protocol: grpc` service describes it
with that .proto. Unary and every streaming kind arrive unchanged, with metadata and trailers both ways; a
non-OK status keeps its code, details and trailers; grpc-timeout reaches the backend and a slow call ends
DEADLINE_EXCEEDED; an unknown method is UNIMPLEMENTED and a stopped backend UNAVAILABLE, both as gRPC
statuses. The same service's JSON route (auto_routes) still takes JSON at the same path. gRPC-Web: a
hand-rolled HTTP/1.1 client (length-prefixed frames in, the 0x80 trailer frame out) in binary and text
modes, unary, server streaming, a non-OK status and an unknown method."""

import base64
import http.client
import struct
import subprocess
import sys

import grpc
import pytest

from support.processes import Child, free_port

HERE = __import__("pathlib").Path(__file__).parent / "grpc"
PROTO = HERE / "passthrough.proto"


@pytest.fixture(scope="module")
def relay_gen(workdir):
    gen = workdir / "passthrough-gen"
    gen.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", HERE, "--python_out", gen,
                    "--grpc_python_out", gen, PROTO], check=True)
    sys.path.insert(0, str(gen))
    import passthrough_pb2
    import passthrough_pb2_grpc
    return gen, passthrough_pb2, passthrough_pb2_grpc


def start_relay(workdir, gen, name, *extra):
    child = Child([sys.executable, HERE / "passthrough_server.py", "--gen", gen, *extra], workdir / ("%s.log" % name))
    port = int(child.wait_for_line(r"listening (\d+)", timeout=30).group(1))
    return child, port


@pytest.fixture(scope="module")
def relay(workdir, relay_gen):
    child, port = start_relay(workdir, relay_gen[0], "passthrough-server")
    yield port
    child.stop()


def relay_service(port, name="relay"):
    return {"name": name, "protocol": "grpc", "idl": str(PROTO), "endpoints": ["127.0.0.1:%d" % port],
            "timeout": "10s", "auto_routes": True}


@pytest.fixture
def stub(start_gateway, relay, relay_gen):
    _, _, pb_grpc = relay_gen
    gw = start_gateway({"services": [relay_service(relay)], "routes": []}, name="grpc-passthrough")
    channel = grpc.insecure_channel("127.0.0.1:%d" % gw.port)
    yield pb_grpc.RelayStub(channel), gw, channel
    channel.close()


def test_a_unary_call_passes_through_with_metadata_and_trailers(stub, relay_gen):
    relay_stub, _, _ = stub
    pb = relay_gen[1]
    reply, call = relay_stub.Unary.with_call(pb.Note(text="hi", count=41), metadata=[("x-user", "ann")], timeout=10)
    assert reply.text == "hi from ann"
    assert reply.count == 42
    assert ("x-served-by", "relay") in call.initial_metadata()
    assert ("x-trace", "hi") in call.trailing_metadata()
    assert call.code() == grpc.StatusCode.OK


def test_server_streaming_passes_every_message(stub, relay_gen):
    relay_stub, _, _ = stub
    pb = relay_gen[1]
    replies = list(relay_stub.Split(pb.Note(text="part", count=50), timeout=10))
    assert [r.text for r in replies] == ["part %d" % i for i in range(50)]


def test_client_streaming_passes_every_message(stub, relay_gen):
    relay_stub, _, _ = stub
    pb = relay_gen[1]
    reply = relay_stub.Join(iter([pb.Note(text=str(i)) for i in range(20)]), timeout=10)
    assert reply.text == "+".join(str(i) for i in range(20))
    assert reply.count == 20


def test_bidi_streaming_answers_each_message_as_it_comes(stub, relay_gen):
    relay_stub, _, _ = stub
    pb = relay_gen[1]
    import queue
    outgoing = queue.Queue()

    def notes():
        while True:
            note = outgoing.get()
            if note is None:
                return
            yield note

    responses = relay_stub.Echo(notes(), timeout=10)
    # Each reply comes before the next request is sent: the stream is relayed both ways as it goes.
    for i in range(5):
        outgoing.put(pb.Note(text="m%d" % i, count=i))
        reply = next(responses)
        assert (reply.text, reply.count) == ("echo m%d" % i, i)
    outgoing.put(None)
    assert list(responses) == []


def test_a_large_message_passes_whole(stub, relay_gen):
    relay_stub, _, _ = stub
    pb = relay_gen[1]
    text = "x" * (3 * 1024 * 1024)
    reply = relay_stub.Unary(pb.Note(text=text), timeout=20)
    assert reply.text == text + " from "


def test_a_non_ok_status_arrives_unchanged(stub, relay_gen):
    relay_stub, _, _ = stub
    pb = relay_gen[1]
    with pytest.raises(grpc.RpcError) as failure:
        relay_stub.Fail(pb.Note(text="zz"), timeout=10)
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert failure.value.details() == "bad text: zz"
    assert ("x-reason", "bad-input") in failure.value.trailing_metadata()


def test_grpc_timeout_reaches_the_backend(stub, relay_gen):
    relay_stub, _, _ = stub
    pb = relay_gen[1]
    reply = relay_stub.Deadline(pb.Note(), timeout=5)
    assert 0 < reply.remaining <= 5


def test_a_slow_call_ends_deadline_exceeded(stub, relay_gen):
    relay_stub, _, _ = stub
    pb = relay_gen[1]
    with pytest.raises(grpc.RpcError) as failure:
        relay_stub.Slow(pb.Note(), timeout=0.5)
    assert failure.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_an_unknown_method_is_unimplemented(stub):
    _, _, channel = stub
    call = channel.unary_unary("/passthrough.v1.Relay/Nope", request_serializer=None, response_deserializer=None)
    with pytest.raises(grpc.RpcError) as failure:
        call(b"", timeout=10)
    assert failure.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "/passthrough.v1.Relay/Nope" in failure.value.details()


def test_the_json_route_at_the_same_path_still_takes_json(stub):
    _, gw, _ = stub
    response = gw.post("/passthrough.v1.Relay/Unary", {"text": "js", "count": 1})
    assert response.status == 200, response.body
    assert response.json == {"text": "js from ", "count": 2}


def test_a_stopped_backend_is_unavailable(start_gateway, workdir, relay_gen):
    pb, pb_grpc = relay_gen[1], relay_gen[2]
    child, port = start_relay(workdir, relay_gen[0], "passthrough-server-stopped")
    gw = start_gateway({"services": [relay_service(port)], "routes": []}, name="grpc-passthrough-down")
    with grpc.insecure_channel("127.0.0.1:%d" % gw.port) as channel:
        relay_stub = pb_grpc.RelayStub(channel)
        assert relay_stub.Unary(pb.Note(text="up"), timeout=10).text == "up from "
        child.stop()
        with pytest.raises(grpc.RpcError) as failure:
            relay_stub.Unary(pb.Note(text="down"), timeout=10)
        assert failure.value.code() == grpc.StatusCode.UNAVAILABLE


def test_a_backend_never_reached_is_unavailable(start_gateway, relay_gen):
    pb, pb_grpc = relay_gen[1], relay_gen[2]
    gw = start_gateway({"services": [relay_service(free_port())], "routes": []}, name="grpc-passthrough-none")
    with grpc.insecure_channel("127.0.0.1:%d" % gw.port) as channel:
        with pytest.raises(grpc.RpcError) as failure:
            pb_grpc.RelayStub(channel).Unary(pb.Note(text="x"), timeout=10)
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "relay" in failure.value.details()


# gRPC-Web, as a browser's grpc-web client speaks it (over HTTP/1.1 here).

def web_call(port, path, messages, text=False, headers=None):
    """POSTs the length-prefixed `messages` (bytes) as gRPC-Web; returns (status, headers, messages, trailers)."""
    body = b"".join(struct.pack(">BI", 0, len(m)) + m for m in messages)
    content_type = "application/grpc-web-text" if text else "application/grpc-web+proto"
    if text:
        body = base64.b64encode(body)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", path, body=body, headers={"content-type": content_type, "x-grpc-web": "1",
                                                       "accept": content_type, **(headers or {})})
        response = conn.getresponse()
        raw = response.read()
        response_headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    if text:
        raw = base64.b64decode(raw)
    replies, trailers = [], None
    while raw:
        flag, length = struct.unpack(">BI", raw[:5])
        frame, raw = raw[5:5 + length], raw[5 + length:]
        if flag & 0x80:
            assert trailers is None and not raw, "the trailer frame is the last one"
            lines = frame.decode().split("\r\n")
            assert lines[-1] == ""
            trailers = dict(line.split(": ", 1) for line in lines[:-1])
        else:
            replies.append(frame)
    return response.status, response_headers, replies, trailers


@pytest.mark.parametrize("text", [False, True], ids=["binary", "text"])
def test_grpc_web_unary_and_server_streaming(stub, relay_gen, text):
    _, gw, _ = stub
    pb = relay_gen[1]
    status, headers, replies, trailers = web_call(
        gw.port, "/passthrough.v1.Relay/Unary", [pb.Note(text="web", count=1).SerializeToString()], text=text,
        headers={"x-user": "bo"})
    assert status == 200
    assert headers["content-type"] == ("application/grpc-web-text+proto" if text else "application/grpc-web+proto")
    assert headers.get("x-served-by") == "relay"
    assert [pb.Note.FromString(r) for r in replies] == [pb.Note(text="web from bo", count=2)]
    assert trailers["grpc-status"] == "0"
    assert trailers["x-trace"] == "web"

    status, _, replies, trailers = web_call(
        gw.port, "/passthrough.v1.Relay/Split", [pb.Note(text="p", count=7).SerializeToString()], text=text)
    assert [pb.Note.FromString(r).text for r in replies] == ["p %d" % i for i in range(7)]
    assert trailers["grpc-status"] == "0"


@pytest.mark.parametrize("text", [False, True], ids=["binary", "text"])
def test_grpc_web_non_ok_status_is_in_the_trailer_frame(stub, relay_gen, text):
    _, gw, _ = stub
    pb = relay_gen[1]
    status, headers, replies, trailers = web_call(
        gw.port, "/passthrough.v1.Relay/Fail", [pb.Note(text="q").SerializeToString()], text=text)
    assert status == 200
    assert replies == []
    # grpcio answers a failure trailers-only: the status is in the headers and in the trailer frame.
    assert trailers["grpc-status"] == "3"
    assert trailers["grpc-message"] == "bad text: q"


def test_grpc_web_unknown_method_is_unimplemented(stub):
    _, gw, _ = stub
    status, headers, replies, _ = web_call(gw.port, "/passthrough.v1.Relay/Nope", [b""])
    assert status == 200
    assert headers["grpc-status"] == "12"
    assert replies == []


def test_grpc_web_text_body_in_odd_chunks_streams_to_a_client_streaming_method(stub, relay_gen):
    _, gw, _ = stub
    pb = relay_gen[1]
    # Each message base64-encoded on its own (padded), as a browser might send it, then cut into 5-byte chunks.
    notes = [pb.Note(text="n%d" % i).SerializeToString() for i in range(6)]
    text = b"".join(base64.b64encode(struct.pack(">BI", 0, len(n)) + n) for n in notes)
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        conn.request("POST", "/passthrough.v1.Relay/Join", body=iter([text[i:i + 5] for i in range(0, len(text), 5)]),
                     headers={"content-type": "application/grpc-web-text"}, encode_chunked=True)
        response = conn.getresponse()
        raw = base64.b64decode(response.read())
    finally:
        conn.close()
    assert response.status == 200
    flag, length = struct.unpack(">BI", raw[:5])
    assert flag == 0
    assert pb.Note.FromString(raw[5:5 + length]) == pb.Note(text="+".join("n%d" % i for i in range(6)), count=6)
    assert raw[5 + length] == 0x80
    assert b"grpc-status: 0\r\n" in raw[5 + length + 5:]


def test_grpc_web_over_h2c(stub, relay_gen):
    """gRPC-Web from an HTTP/2 client: the same translation as over HTTP/1.1, DATA frames both ways."""
    from support import h2conn
    _, gw, _ = stub
    pb = relay_gen[1]
    message = pb.Note(text="p", count=3).SerializeToString()
    conn = h2conn.H2Connection(gw.port)
    conn.start()
    try:
        stream = conn.request("POST", "/passthrough.v1.Relay/Split", body=struct.pack(">BI", 0, len(message)) + message,
                              headers=[("content-type", "application/grpc-web+proto"), ("x-grpc-web", "1")])
        assert conn.wait_for_responses([stream])
        response = conn.responses[stream]
    finally:
        conn.close()
    assert response["status"] == 200
    assert dict(response["headers"])["content-type"] == "application/grpc-web+proto"
    raw, texts, trailers = response["body"], [], None
    while raw:
        flag, length = struct.unpack(">BI", raw[:5])
        frame, raw = raw[5:5 + length], raw[5 + length:]
        if flag & 0x80:
            trailers = frame.decode()
        else:
            texts.append(pb.Note.FromString(frame).text)
    assert texts == ["p 0", "p 1", "p 2"]
    assert "grpc-status: 0\r\n" in trailers


def test_the_services_authority_goes_to_the_backend(start_gateway, workdir):
    """`authority:` replaces the client's :authority on passed-through calls, as on the gateway's own calls; without
    it the client's passes on. The backend is an h2 echo server, which answers with the headers it got."""
    from support import h2conn
    from test_https_upstream import start_upstream
    echo, port = start_upstream(workdir, "grpc-authority", "h2_echo_server.py")
    try:
        named = dict(relay_service(port, name="named"), authority="relay.internal")
        gw = start_gateway({"services": [named], "routes": []}, name="grpc-passthrough-authority")
        plain = start_gateway({"services": [relay_service(port)], "routes": []}, name="grpc-passthrough-plain")
        for gateway, expected in ((gw, "relay.internal"), (plain, "127.0.0.1")):
            conn = h2conn.H2Connection(gateway.port)
            conn.start()
            try:
                stream = conn.request("POST", "/passthrough.v1.Relay/Unary", body=struct.pack(">BI", 0, 0),
                                      headers=[("content-type", "application/grpc"), ("te", "trailers")])
                assert conn.wait_for_responses([stream])
                echoed = conn.body_json(stream)
            finally:
                conn.close()
            headers = echoed["headers"]
            pairs = headers if isinstance(headers, list) else list(headers.items())
            assert [v for k, v in pairs if k == ":authority"] == [expected], echoed
    finally:
        echo.stop()
