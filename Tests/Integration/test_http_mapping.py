"""CloudWeGo's Thrift-HTTP mapping (routes_from_idl: true) against a real Apache Thrift Python server, with
an IDL written as Hertz/Kitex users write them (idl/student/student.thrift)."""

import pathlib
import sys

import pytest

from support import codegen
from support.gateway import Gateway, write_routes
from support.processes import Child, wait_for_port

HERE = pathlib.Path(__file__).resolve().parent
IDL_DIR = HERE / "idl" / "student"


@pytest.fixture(scope="module")
def student_gateway(sluice_bin, workdir):
    gen = codegen.generate_python(IDL_DIR, "student.thrift", workdir / "gen-py-student")
    server = Child([sys.executable, HERE / "servers" / "student_server.py", "--gen-dir", gen],
                   workdir / "python-student.log")
    gw = None
    try:
        port = int(server.wait_for_line(r"listening (\d+)", timeout=20).group(1))
        wait_for_port(port)
        service = {"name": "student", "idl": str(IDL_DIR / "student.thrift"), "transport": "framed",
                   "codec": "binary", "endpoints": ["127.0.0.1:%d" % port], "timeout": "2s", "routes_from_idl": True}
        routes_dir = write_routes(workdir / "routes-student", {"services": [service]})
        gw = Gateway.start(sluice_bin, routes_dir, workdir / "gateway-student.log")
        yield gw
    finally:
        if gw is not None:
            gw.stop()
        server.stop()


def headers_named(response, name):
    return [value for key, value in response.headers if key.lower() == name.lower()]


def test_get_binds_query_headers_cookies_and_maps_the_response(student_gateway):
    response = student_gateway.get("/student/query?id=7&name=ann&tags=a,b&tags=c&ignored=x",
                                   headers={"X-Token": "t", "X-Grades": "1,2", "Cookie": "session=abc"})
    assert response.status == 200, response
    assert response.json == {"data": {"id": "7", "name": "ann", "tags": ["a", "b", "c"], "token": "t",
                                      "grades": [1, 2], "session": "abc"}, "message": "ok"}
    assert response.header("X-Request-Id") == "r-7"
    assert headers_named(response, "Set-Cookie") == ["session_out=s-abc"]


def test_http_code_sets_the_status_and_head_has_no_body(student_gateway):
    response = student_gateway.get("/student/query?id=1&name=accepted")
    assert response.status == 203, response
    head = student_gateway.request("HEAD", "/student/query?id=1")
    assert head.status == 200 and head.body == b""


def test_get_sends_the_request_struct_even_when_nothing_is_bound(student_gateway):
    response = student_gateway.get("/student/query")
    assert response.status == 200, response
    assert response.json["data"] == {}


def test_post_body_key_js_conv_and_curl_default_content_type(student_gateway):
    body = '{"student_name": "bob", "id": "9007199254740993"}'
    response = student_gateway.post("/school/mit/student", body,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 201, response
    assert response.json == {"data": {"id": "9007199254740993", "name": "bob"}, "message": "mit"}


def test_unsupported_content_type_is_415(student_gateway):
    response = student_gateway.post("/school/mit/student", "name=bob", headers={"Content-Type": "text/plain"})
    assert response.status == 415, response
    error = response.json["error"]
    assert error["code"] == "unsupported_media_type"
    assert "text/plain" in error["message"] and "application/json" in error["message"]


def test_multipart_form(student_gateway):
    boundary = "b0undary"
    parts = [(b'name="title"', b"report"), (b'name="file"; filename="a.bin"', b"\x00\xff\r\n-"),
             (b'name="tag"', b"x"), (b'name="tag"', b"y")]
    body = b"".join(b"--%s\r\nContent-Disposition: form-data; %s\r\n\r\n%s\r\n" % (boundary.encode(), d, v)
                    for d, v in parts) + b"--%s--\r\n" % boundary.encode()
    response = student_gateway.post("/upload", body,
                                    headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    assert response.status == 200, response
    assert response.json == {"message": "report|00ff0d0a2d|x,y"}


def test_urlencoded_form(student_gateway):
    response = student_gateway.post("/upload", "title=two+words&tag=a&tag=b",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 200, response
    assert response.json == {"message": "two words|None|a,b"}


def test_raw_body(student_gateway):
    response = student_gateway.request("PUT", "/raw?kind=txt", "hello raw", headers={"Content-Type": "text/plain"})
    assert response.status == 200, response
    assert response.json == {"message": "txt|hello raw"}


def test_raw_body_response_and_raw_uri(student_gateway):
    response = student_gateway.get("/files/a%20b?format=png&x=1")
    assert response.status == 200, response
    assert response.body == b"a b|/files/a%20b?format=png&x=1|\x00\xff"
    assert headers_named(response, "Content-Type") == ["image/png"]
    assert response.header("ETag") == "e-a b"
    plain = student_gateway.get("/files/c")
    assert plain.body == b"c|/files/c|\x00\xff"
    assert headers_named(plain, "Content-Type") == ["application/octet-stream"]


def test_any_routes_every_method_with_a_text_raw_body(student_gateway):
    for method in ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]:
        response = student_gateway.request(method, "/notes/n1?q=%s" % method)
        assert response.status == 200, (method, response)
        assert response.body == b'note n1 "/notes/n1?q=%s"\n' % method.encode()
        assert response.header("Content-Type") == "text/plain; charset=utf-8"
    head = student_gateway.request("HEAD", "/notes/n1")
    assert head.status == 200 and head.body == b""
    assert head.header("Content-Length") == str(len(b'note n1 "/notes/n1"\n'))


def test_options_and_head_routes(student_gateway):
    options = student_gateway.request("OPTIONS", "/files/x")
    assert options.status == 204, options
    assert options.header("X-Request-Id") == "GET, OPTIONS"
    probe = student_gateway.request("HEAD", "/probe/p?z=1")
    assert probe.status == 200 and probe.body == b""
    assert probe.header("X-Request-Id") == "/probe/p?z=1"
    # api.head routes HEAD only; api.get still answers HEAD through its GET route.
    assert student_gateway.get("/probe/p").status == 405
    assert student_gateway.request("HEAD", "/files/f").header("ETag") == "e-f"


def test_check_notes_api_vd_as_ignored(sluice, workdir, student_gateway):
    result = sluice("check", workdir / "routes-student")
    assert result.returncode == 0, result
    assert "student.thrift:7:5: note: api.vd on QueryStudentRequest.id is ignored" in result.stdout
    assert "ok: 14 routes, 1 services" in result.stdout


def test_check_reports_an_api_any_clash(sluice, workdir):
    idl = workdir / "clash" / "clash.thrift"
    idl.parent.mkdir(parents=True, exist_ok=True)
    idl.write_text('struct R { 1: string id (api.path = "id") }\n'
                   'service S {\n'
                   '    R Get(1: R req) (api.get = "/r/:id")\n'
                   '    R All(1: R req) (api.any = "/r/:id")\n'
                   '}\n')
    service = {"name": "clash", "idl": str(idl), "endpoints": ["127.0.0.1:9"], "routes_from_idl": True}
    routes_dir = write_routes(workdir / "routes-clash", {"services": [service]})
    result = sluice("check", routes_dir)
    assert result.returncode != 0, result
    assert ("%s:4:7: duplicate route /r/:id: api.any of S.All routes it for GET, POST, PUT, DELETE, "
            "PATCH, HEAD, OPTIONS, but it is already routed for GET at %s:3:7" % (idl, idl)) in result.stdout


def test_run_logs_the_api_vd_note(student_gateway):
    log = pathlib.Path(student_gateway.child.log_path).read_text()
    assert "note: api.vd on QueryStudentRequest.id is ignored" in log
