"""A `protocol: grpc` service described three ways — `.proto` text, protoc's descriptor set, and server
reflection (grpcio-reflection) — answers the same JSON through the gateway; reflection that fails keeps
`sluice run` from starting and `sluice check` names why, at the route file's `idl:`."""

import json
import subprocess

import pytest

from support.gateway import write_routes
from test_call_grpc import PROTO, REQUEST, greeter_gen, greeter_servers  # noqa: F401 (fixtures)


def service(port, idl, **extra):
    return dict({"name": "greeter", "protocol": "grpc", "idl": str(idl), "endpoints": ["127.0.0.1:%d" % port],
                 "timeout": "5s", "auto_routes": True, "forward_headers": ["x-user"]}, **extra)


ROUTES = [
    {"method": "GET", "path": "/v1/hello/{name}", "service": "greeter", "call": "Greeter.Hello"},
    {"method": "POST", "path": "/v1/fail", "service": "greeter", "call": "call.v1.Greeter.Fail", "body": "*"},
]
EXPECTED = {"greeting": "hello ann", "big": "9007199254740994", "tags": ["a", "b"], "at": "2026-12-03T10:00:00.500Z",
            "counts": {"x": 1}, "mood": "MOOD_HAPPY", "user": "bo"}


@pytest.mark.parametrize("source", ["proto", "descriptor-set", "reflection-v1alpha", "reflection-v1"])
def test_every_idl_source_serves_the_same_json(start_gateway, greeter_gen, greeter_servers, source):  # noqa: F811
    _, descriptors = greeter_gen
    if source.startswith("reflection"):
        port, idl = greeter_servers(source.split("-")[1]), "reflection"
    else:
        port, idl = greeter_servers("v1alpha"), PROTO if source == "proto" else descriptors
    gw = start_gateway({"services": [service(port, idl)], "routes": ROUTES})
    auto = gw.post("/call.v1.Greeter/Hello", REQUEST, headers={"X-User": "bo"})
    assert auto.status == 200, auto
    assert auto.json == EXPECTED
    # A path variable and the query fill the request; the rest keeps its defaults.
    bound = gw.get("/v1/hello/zed?big=41&tags=p&tags=q&mood=1")
    assert bound.status == 200, bound
    assert bound.json == {"greeting": "hello zed", "big": "42", "tags": ["p", "q"], "at": "1970-01-01T00:00:00Z",
                          "mood": "MOOD_HAPPY"}
    failed = gw.post("/v1/fail", {"name": "ghost"})
    assert failed.status == 404, failed
    assert failed.json == {"code": 5, "message": "no such user: ghost",
                           "details": [{"@type": "type.googleapis.com/call.v1.HelloRequest", "name": "ghost"}]}


def test_reflection_that_fails_is_a_configuration_error(sluice, sluice_bin, workdir, greeter_servers):  # noqa: F811
    port = greeter_servers("none")
    routes = write_routes(workdir / "grpc-no-reflection", {"services": [service(port, "reflection")], "routes": []})
    checked = sluice("check", routes)
    assert checked.returncode == 1
    assert "routes.yaml" in checked.stdout
    assert "cannot load IDL 'reflection': server reflection at 127.0.0.1:%d: the server offers no reflection service" % port \
        in checked.stdout, checked.stdout
    run = subprocess.run([sluice_bin, "run", "--routes", routes, "--listen", "127.0.0.1:0"], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode != 0
    assert "the server offers no reflection service" in run.stdout + run.stderr


def test_check_accepts_a_reflected_service_and_its_routes(sluice, workdir, greeter_servers):  # noqa: F811
    port = greeter_servers("v1alpha")
    routes = write_routes(workdir / "grpc-reflection-check", {"services": [service(port, "reflection")], "routes": ROUTES})
    checked = sluice("check", routes)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.dumps(checked.stdout.strip().splitlines()[-1]).startswith('"ok: ')
