"""The gateway's HTTP routes to `protocol: grpc` services, against grpcio (servers/grpc_gateway_server.py over
grpc/gateway_test.proto, code generated at test time): auto routes, google.api.http bindings (path variables,
`body: "*"` and a field, `response_body`, `additional_bindings`, query parameters of every kind, `**`), the
same binding written in the route file, every status code with its details, forward_headers and
response_metadata, JSON options, 400s naming the field, 502/504, HTTP/2, descriptor sets and reflection as
`idl:`, and `sluice check`'s errors for bad gRPC route files."""

import base64
import concurrent.futures
import http.client
import json
import re
import socket
import subprocess
import sys
import time

import pytest

from support import grpc_gateway_peer as peer
from support.grpc_gateway_routes import grpc_service, start
from support.processes import free_port

sys.path.insert(0, str(peer.CODEC_DIR))
from codec_differential import same_json, to_json  # noqa: E402  (the codec fixture's reference helpers)

SERVED_BY = ("x-served-by", "grpc-gateway-server")


@pytest.fixture(scope="module")
def generated(workdir):
    """(module namespace, descriptor set) for the test protos; the modules importable from here on."""
    out = workdir / "grpc-gateway-gen"
    descriptors = peer.generate(out)
    sys.path.insert(0, str(out))
    import codec_types_pb2
    import gateway_test_pb2

    return {"codec": codec_types_pb2, "gw": gateway_test_pb2}, descriptors


@pytest.fixture(scope="module")
def backend(workdir, generated):
    server = peer.start(workdir / "grpc-gateway-gen", workdir / "grpc-gateway-server.log")
    yield server
    server.stop()


def option_route(path, call, options=None, **extra):
    route = {"method": "POST", "path": path, "service": "types", "call": call, "body": "*"}
    if options:
        route["options"] = options
    route.update(extra)
    return route


def main_document(address, directory):
    return {
        "services": [
            grpc_service("types", address, directory, routes_from_idl=True, auto_routes=True,
                         forward_headers=["x-request-id", "x-tenant"],
                         response_metadata=["x-served-by", "x-trailer-note"]),
            grpc_service("slow", address, directory, timeout="300ms"),
            grpc_service("down", "127.0.0.1:%d" % free_port(), directory),
        ],
        "routes": [
            # The google.api.http binding of Orders.CreateOrder, written in the route file instead, with an
            # explicit query name; no response_body, so the whole response shows what was bound.
            {"method": "POST", "path": "/hand/customers/{order.customer_id}/orders", "service": "types",
             "call": "Orders.CreateOrder", "body": "order", "query": {"rid": "request_id"}},
            {"method": "GET", "path": "/hand/orders/{order_id}", "service": "types",
             "call": "sluice.gw.Orders.GetOrder", "response_body": "id"},
            option_route("/opts/defaults", "Orders.Search", {"emit_defaults": True}),
            option_route("/opts/ints", "Orders.Search", {"enums_as_ints": True}),
            option_route("/opts/proto-names", "Orders.Search", {"preserve_proto_field_names": True}),
            option_route("/opts/all", "Orders.Search",
                         {"emit_defaults": True, "enums_as_ints": True, "preserve_proto_field_names": True}),
            option_route("/strict/everything", "Types.Echo", strict=True),
            {"method": "GET", "path": "/strict/search", "service": "types", "call": "Orders.Search", "strict": True},
            {"method": "POST", "path": "/slow", "service": "slow", "call": "Status.Slow", "body": "*"},
            {"method": "POST", "path": "/down", "service": "down", "call": "Types.Echo", "body": "*"},
            # In codec_types.proto, which the server does not serve.
            {"method": "POST", "path": "/unserved", "service": "types", "call": "codec.test.CodecService.Echo",
             "body": "*"},
        ],
    }


@pytest.fixture(scope="module")
def gw(sluice_bin, workdir, backend):
    gateway = start(sluice_bin, workdir, "grpc-gateway", lambda directory: main_document(backend.address, directory))
    yield gateway
    gateway.stop()


def expected_json(message, options="-"):
    return json.loads(to_json(message, options))


def assert_same(expected, actual):
    difference = same_json(expected, actual)
    assert difference is None, "%s\n  expected: %s\n  actual:   %s" % (difference, expected, actual)


# ---- auto routes and body "*" ----------------------------------------------------------------------------

RICH = {
    "scalars": {"fInt64": "9007199254740993", "fUint64": "18446744073709551615", "fBytes": "AQID/w==", "fColor": "BLUE",
                "fFloat": 0.1, "fDouble": "NaN", "fSint32": -5, "fString": "caf\u00e9 \ud83d\ude00", "fBool": True},
    "repeateds": {"rInt64": ["1", "-2"], "rColor": ["RED", "GREEN"], "rUnpacked": [1, 2, 3], "rNested": [{"a": 1}, {}],
                  "rBytes": ["", "AA=="], "rFloat": ["Infinity", -0.0]},
    "maps": {"mBool": {"true": "t", "false": "f"}, "mInt64": {"-5": 3}, "mUint64": {"18446744073709551615": True},
             "mFixed64": {"7": "BLUE"}, "mString": {"k": {"a": 2, "child": {"b": "x"}}},
             "mValue": {"v": [1, "two", None, {"n": False}]}, "mTimestamp": {"t": "2026-12-03T10:00:00Z"}},
    "optionals": {"oInt32": 0, "oString": ""},
    "oneofs": {"cNested": {"a": 1}, "oBytes": "Zm9v", "plain": 3},
    "wkt": {"ts": "2026-12-03T10:00:00.500Z", "dur": "-1.500s", "fm": "a.bC,d",
            "any": {"@type": "type.googleapis.com/codec.test.Nested", "a": 2, "children": [{"b": "y"}]},
            "st": {"k": [1, "x", None]}, "val": 2.5, "lv": [True], "empty": {}, "wInt64": "5", "wUint32": 7,
            "wBytes": "AQ==", "wString": "", "wBool": False, "nullValue": None,
            "anyList": [{"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1s"}],
            "tsList": ["1970-01-01T00:00:00Z"], "values": [None, "s"], "wList": [0, -1]},
    "nested": {"a": 1, "child": {"child": {"b": "deep"}}},
    "names": {"renamed": 3, "snakeCaseField": 4, "fieldWith1number": 5},
    "legacy": {"id": 1, "item": {"x": 5, "y": "why"}, "levels": ["LOW", "HIGH"], "child": {"label": "l"}},
}


def everything(generated, body):
    from google.protobuf import json_format

    return json_format.Parse(json.dumps(body), generated[0]["codec"].Everything())


@pytest.mark.parametrize("path", ["/sluice.gw.Types/Echo", "/v1/everything"])
def test_everything_round_trips_as_json_format_writes_it(gw, generated, path):
    response = gw.post(path, RICH)
    assert response.status == 200, response
    assert response.header("content-type").startswith("application/json"), response.headers
    assert_same(expected_json(everything(generated, RICH)), response.json)


def test_auto_routes_cover_every_method(gw):
    assert gw.post("/sluice.gw.Status/Fail", {"code": 0}).status == 200
    assert gw.post("/sluice.gw.Status/Describe", {"fieldViolations": [{"field": "a"}, {"field": "b"}]}).json == {
        "reason": "a,b", "domain": "describe"}
    # Streaming methods too (test_grpc_streaming.py has the details).
    watch = gw.post("/sluice.gw.Streams/Watch", {"a": 2})
    assert watch.status == 200 and watch.body == b'{}\n{"a":1}\n', watch


# ---- google.api.http bindings ----------------------------------------------------------------------------

ORDER = {"id": "o1", "items": ["tea", "cake"], "color": "GREEN", "quantity": "9007199254740993",
         "shipTo": {"city": "Oslo", "zipCode": "0150"}}


def test_path_variable_body_field_and_response_body(gw):
    response = gw.post("/v1/customers/c%2F1/orders?requestId=r1", ORDER)
    assert response.status == 200, response
    # response_body: order answers the order alone; the path variable is decoded into order.customer_id.
    assert response.json == dict(ORDER, customerId="c/1")


def test_route_file_binding_with_explicit_and_implicit_query_names(gw):
    response = gw.post("/hand/customers/c2/orders?rid=r9&dryRun=true", ORDER)
    assert response.status == 200, response
    assert response.json == {"order": dict(ORDER, customerId="c2"), "requestId": "r9", "dryRun": True}
    # The proto name is accepted in the query too.
    assert gw.post("/hand/customers/c2/orders?request_id=r8&dry_run=1", ORDER).json["requestId"] == "r8"


def test_route_file_response_body_of_a_scalar(gw):
    response = gw.get("/hand/orders/o77")
    assert response.status == 200, response
    assert response.json == "o77"


def test_additional_bindings_reach_the_same_method(gw):
    first = gw.get("/v1/customers/c1/orders/o1?readMask=items,shipTo.city")
    assert first.status == 200, first
    assert first.json == {"customerId": "c1", "id": "o1", "items": ["items", "ship_to.city"]}
    second = gw.get("/v1/orders/o2")
    assert second.json == {"id": "o2"}, second
    third = gw.post("/v1/order-lookups", {"customerId": "c3", "orderId": "o3"})
    assert third.json == {"customerId": "c3", "id": "o3"}, third


def test_patch_with_body_field_and_put_with_body_star(gw):
    patched = gw.request("PATCH", "/v1/orders/o5?updateMask=items&allowMissing=true", body={"items": ["x"]})
    assert patched.status == 200, patched
    assert patched.json == {"order": {"id": "o5", "items": ["x"]}, "updateMask": "items", "allowMissing": True}
    put = gw.request("PUT", "/v1/orders/o6", body={"order": {"quantity": 2}, "updateMask": "quantity,shipTo"})
    assert put.status == 200, put
    assert put.json == {"order": {"id": "o6", "quantity": "2"}, "updateMask": "quantity,shipTo"}


def test_a_post_without_a_body_is_the_empty_message(gw):
    response = gw.request("POST", "/v1/order-lookups")
    assert response.status == 200, response
    assert response.json == {}


def test_delete_answers_empty(gw):
    response = gw.request("DELETE", "/v1/orders/o1")
    assert response.status == 200, response
    assert response.json == {}


def test_double_star_binds_the_rest_of_the_path(gw):
    response = gw.get("/v1/files/a/b/c.txt?version=2")
    assert response.status == 200, response
    assert response.json == {"path": "a/b/c.txt", "version": "2"}


def test_percent_encoded_slashes_decode_in_one_segment_and_stay_in_several(gw):
    # As grpc-gateway: a one-segment variable decodes %2F; one over several segments keeps it, so the
    # segments stay apart.
    assert gw.get("/v1/customers/c%2F1/orders/o%2F2").json == {"customerId": "c/1", "id": "o/2"}
    assert gw.get("/v1/files/a%2Fb/c%20d").json == {"path": "a%2Fb/c d"}


def test_query_parameters_of_every_kind(gw, generated):
    token = base64.urlsafe_b64encode(b"\xfb\xff\x00").decode()
    query = ("text=hi+there&filter.text=f%26g&filter.minQuantity=3&filter.range.lo=-1&filter.range.hi=2147483647"
             "&tags=a&tags=b&color=GREEN&colors=RED&colors=BLUE&colors=2"
             "&after=2026-12-03T10:00:00.250Z&within=1.5s&limit=7&exact=true&label=&fields=a,bC.d"
             "&big=-9007199254740993&ubig=18446744073709551615&ratio=0.25&ratio32=1.5&flag=true&token=" + token +
             "&pages=1&pages=-2&maybe=0")
    response = gw.get("/v1/search?" + query)
    assert response.status == 200, response
    assert response.json == {
        "text": "hi there", "filter": {"text": "f&g", "minQuantity": 3, "range": {"lo": -1, "hi": 2147483647}},
        "tags": ["a", "b"], "color": "GREEN", "colors": ["RED", "BLUE", "GREEN"], "after": "2026-12-03T10:00:00.250Z",
        "within": "1.500s", "limit": 7, "exact": True, "label": "", "fields": "a,bC.d", "big": "-9007199254740993",
        "ubig": "18446744073709551615", "ratio": 0.25, "ratio32": 1.5, "flag": True,
        "token": base64.b64encode(b"\xfb\xff\x00").decode(), "pages": [1, -2], "maybe": 0}


def test_query_parameters_by_proto_name_and_enum_number(gw):
    response = gw.get("/v1/search?filter.min_quantity=4&color=1&ratio32=NaN&ratio=-Infinity")
    assert response.status == 200, response
    assert response.json == {"filter": {"minQuantity": 4}, "color": "RED", "ratio32": "NaN", "ratio": "-Infinity"}


def test_unknown_query_parameters_are_skipped_unless_strict(gw):
    assert gw.get("/v1/search?nope=1&text=t").json == {"text": "t"}
    assert error_of(gw.get("/strict/search?nope=1"))["field"] == "$.nope"


def error_of(response):
    assert response.status == 400, response
    assert response.header("content-type").startswith("application/json"), response.headers
    return response.json["error"]


@pytest.mark.parametrize("query, field", [
    ("filter.minQuantity=abc", "$.filter.minQuantity"),
    ("filter.min_quantity=2147483648", "$.filter.minQuantity"),
    ("color=PURPLE", "$.color"),
    ("colors=RED,GREEN", "$.colors"),
    ("after=yesterday", "$.after"),
    ("within=5", "$.within"),
    ("flag=maybe", "$.flag"),
    ("big=1.5", "$.big"),
    ("limit=x", "$.limit"),
    ("filter=x", "$.filter"),
])
def test_bad_query_values_are_400s_naming_the_parameter_and_field(gw, query, field):
    error = error_of(gw.get("/v1/search?" + query))
    assert error["field"] == field, error
    assert "query parameter '%s'" % query.split("=")[0] in error["message"], error


def test_a_query_value_that_is_not_percent_encoded_utf8_is_a_400(gw):
    error = error_of(gw.get("/v1/search?token=%%%"))
    assert "query parameter 'token'" in error["message"], error


def test_a_query_parameter_binding_a_path_bound_field_is_a_400(gw):
    error = error_of(gw.get("/v1/customers/c1/orders/o1?orderId=o2"))
    assert error["field"] == "$.orderId", error


def test_a_query_parameter_inside_the_body_field_is_a_400(gw):
    error = error_of(gw.post("/v1/customers/c1/orders?order.id=o9", ORDER))
    assert error["field"] == "$.order.id", error


def test_a_path_variable_wins_over_the_same_field_in_the_body(gw):
    # As grpc-gateway: the body is read first, then the path's values are set.
    response = gw.post("/v1/customers/c1/orders", dict(ORDER, customerId="c2"))
    assert response.status == 200, response
    assert response.json["customerId"] == "c1"


# ---- statuses --------------------------------------------------------------------------------------------

HTTP_OF_CODE = {1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501,
                13: 500, 14: 503, 15: 500, 16: 401}


@pytest.mark.parametrize("code", sorted(HTTP_OF_CODE))
def test_every_status_code_maps_with_its_details(gw, code):
    message = "failed with %d: caf\u00e9 \"quoted\" 100%%" % code
    response = gw.post("/v1/fail", {"code": code, "message": message, "withDetails": True})
    assert response.status == HTTP_OF_CODE[code], response
    assert response.header("content-type").startswith("application/json"), response.headers
    assert response.json == {"code": code, "message": message, "details": [
        {"@type": "type.googleapis.com/google.rpc.BadRequest",
         "fieldViolations": [{"field": "code", "description": "asked for %d" % code}]},
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ASKED", "domain": "sluice.test",
         "metadata": {"code": str(code)}},
    ]}


def test_a_detail_of_a_type_no_descriptor_declares_keeps_its_bytes(gw):
    response = gw.post("/v1/fail", {"code": 5, "message": "m", "withUnknownDetail": True})
    assert response.status == 404, response
    assert response.json["details"] == [{"@type": "type.googleapis.com/not.Loaded", "value": "CAE="}], response


def test_a_status_without_details_has_an_empty_list(gw):
    response = gw.post("/v1/fail", {"code": 5, "message": "gone"})
    assert response.status == 404, response
    assert response.json == {"code": 5, "message": "gone", "details": []}


def test_a_method_the_server_does_not_serve_is_501(gw):
    response = gw.post("/unserved", {})
    assert response.status == 501, response
    assert response.json["code"] == 12 and response.json["details"] == [], response


def test_a_status_from_the_server_itself(gw):
    response = gw.get("/v1/orders/missing")
    assert response.status == 404, response
    assert response.json == {"code": 5, "message": "no order missing", "details": []}


# ---- metadata --------------------------------------------------------------------------------------------

def test_forward_headers_and_response_metadata(gw):
    response = gw.post("/v1/headers", {"note": "n1"},
                       headers={"X-Request-Id": "r-1", "X-Tenant": "acme", "X-Other": "not forwarded"})
    assert response.status == 200, response
    body = response.json
    deadline = int(body.pop("deadlineMillis"))
    assert body == {"metadata": {"x-request-id": "r-1", "x-tenant": "acme"}, "note": "n1"}
    # The service's 2 s timeout goes out as grpc-timeout.
    assert 1000 < deadline <= 2000, deadline
    assert response.header("x-served-by") == SERVED_BY[1]
    assert response.header("x-trailer-note") == "n1"


def test_binary_response_metadata_is_passed_on_as_its_base64(sluice_bin, workdir, backend):
    def document(directory):
        service = grpc_service("types", backend.address, directory, routes_from_idl=True,
                               response_metadata=["x-blob-bin"])
        return {"services": [service], "routes": []}

    gateway = start(sluice_bin, workdir, "grpc-bin-metadata", document)
    try:
        blob = b"\x00\xffhi"
        response = gateway.post("/v1/fail", {"code": 5, "trailers": {"x-blob-bin": base64.b64encode(blob).decode()}})
        assert response.status == 404, response
        # As on the wire: base64, gRPC's unpadded form.
        value = response.header("x-blob-bin")
        assert value is not None and base64.b64decode(value + "=" * (-len(value) % 4)) == blob, response.headers
    finally:
        gateway.stop()


def test_a_header_given_twice_is_forwarded_with_both_values(gw):
    connection = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        connection.putrequest("POST", "/v1/headers")
        for name, value in [("Content-Type", "application/json"), ("Content-Length", "2"), ("X-Tenant", "a"),
                            ("X-Tenant", "b")]:
            connection.putheader(name, value)
        connection.endheaders(b"{}")
        response = connection.getresponse()
        assert response.status == 200
        # The server joins the values it received, in order.
        assert json.loads(response.read())["metadata"] == {"x-tenant": "a,b"}
    finally:
        connection.close()


def test_response_metadata_accompanies_an_error_status(gw):
    response = gw.post("/v1/fail", {"code": 10, "message": "m"})
    assert response.status == 409, response
    assert response.header("x-trailer-note") == "failed 10", response.headers


# ---- options ---------------------------------------------------------------------------------------------

SEARCH = {"filter": {"minQuantity": 3}, "color": "BLUE", "tags": ["t"], "maybe": 0}


@pytest.mark.parametrize("path, options", [
    ("/opts/defaults", "e"), ("/opts/ints", "i"), ("/opts/proto-names", "p"), ("/opts/all", "eip")])
def test_json_options_shape_the_answer_as_json_format_does(gw, generated, path, options):
    from google.protobuf import json_format

    message = json_format.Parse(json.dumps(SEARCH), generated[0]["gw"].SearchRequest())
    response = gw.post(path, SEARCH)
    assert response.status == 200, response
    assert response.json == expected_json(message, options)


def test_options_change_the_output_only(gw):
    # Input takes either name and enum names or numbers whatever the route's options.
    response = gw.post("/opts/ints", {"filter": {"min_quantity": 2}, "color": "RED", "colors": [-3, "GREEN"]})
    assert response.status == 200, response
    assert response.json == {"filter": {"minQuantity": 2}, "color": 1, "colors": [-3, 2]}


# ---- bad requests ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, field, token", [
    ({"scalars": {"fInt32": "x"}}, "$.scalars.fInt32", '"x"'),
    ({"scalars": {"fInt32": 2147483648}}, "$.scalars.fInt32", "2147483648"),
    ({"scalars": {"fUint64": -1}}, "$.scalars.fUint64", "-1"),
    ({"scalars": {"fBytes": "***"}}, "$.scalars.fBytes", '"***"'),
    ({"repeateds": {"rNested": [{}, {"a": "1.5"}]}}, "$.repeateds.rNested[1].a", '"1.5"'),
    ({"maps": {"mInt32": {"x": "v"}}}, '$.maps.mInt32["x"]', '"x"'),
    ({"wkt": {"ts": "2026-13-01T00:00:00Z"}}, "$.wkt.ts", '"2026'),
    ({"wkt": {"dur": "1.5"}}, "$.wkt.dur", '"1.5"'),
    ({"wkt": {"any": {"@type": "type.googleapis.com/no.such.Type"}}}, "$.wkt.any.@type", '"type.'),
    ({"oneofs": {"cInt": 1, "cString": "both"}}, "$.oneofs.cString", '"cString"'),
    ({"scalars": []}, "$.scalars", "["),
])
def test_bad_json_is_a_400_naming_the_field_path_and_offset(gw, body, field, token):
    text = json.dumps(body)
    error = error_of(gw.post("/v1/everything", text))
    assert (error["field"], error["offset"]) == (field, text.index(token)), error


def test_malformed_json_is_a_400_with_its_offset(gw):
    text = '{"scalars": {"fInt32": 1,}}'
    error = error_of(gw.post("/v1/everything", text))
    assert error["code"] == "invalid_json" and error["offset"] == text.index("}"), error


@pytest.mark.parametrize("body, needle", [
    ({"scalars": {"fInt32": 1, "nope": {"deep": [1]}}}, "$.scalars.nope"),
    # An unknown enum name is skipped as an unknown field is (json_format's ignore_unknown_fields does so too).
    ({"scalars": {"fInt32": 1, "fColor": "PURPLE"}}, "$.scalars.fColor"),
])
def test_unknown_fields_and_enum_names_are_skipped_unless_the_route_is_strict(gw, body, needle):
    lenient = gw.post("/v1/everything", body)
    assert lenient.status == 200, lenient
    assert lenient.json == {"scalars": {"fInt32": 1}}
    assert error_of(gw.post("/strict/everything", body))["field"] == needle


# ---- backend failures ------------------------------------------------------------------------------------

def test_a_backend_that_is_down_is_a_502_naming_the_service(gw):
    started = time.monotonic()
    response = gw.post("/down", {})
    assert response.status == 502, response
    assert "service 'down'" in response.json["error"]["message"], response
    assert time.monotonic() - started < 3


def test_a_slow_backend_is_a_504_at_the_service_timeout(gw):
    response = gw.post("/slow", {"millis": 5000})
    assert response.status == 504, response
    # The gateway's own timer, or grpcio ending the call at the grpc-timeout the gateway sent: whichever is first.
    assert ("service 'slow'" in response.json["error"]["message"] if "error" in response.json
            else response.json["code"] == 4), response
    assert gw.post("/slow", {"millis": 1}).json == {"finished": True}


def test_an_h2c_server_that_is_not_grpc_is_a_502_saying_so(sluice_bin, workdir):
    # An h2c echo server (servers/h2_echo_server.py): it answers gRPC's POST with an HTTP 200 of JSON, no
    # application/grpc and no grpc-status.
    from test_https_upstream import start_upstream

    echo, port = start_upstream(workdir, "grpc-not-grpc", "h2_echo_server.py")

    def document(directory):
        return {"services": [grpc_service("not-grpc", "127.0.0.1:%d" % port, directory, routes_from_idl=True)],
                "routes": []}

    gateway = start(sluice_bin, workdir, "grpc-not-grpc", document)
    try:
        response = gateway.post("/v1/everything", {})
        assert response.status == 502, response
        assert "service 'not-grpc'" in response.json["error"]["message"], response
        message = response.json["error"]["message"]
        assert "answered content-type 'application/json', not application/grpc" in message, response
    finally:
        gateway.stop()
        echo.stop()


def test_an_http1_only_backend_is_a_502_saying_it_does_not_speak_http2(sluice_bin, workdir):
    # Python's http.server: the TCP connect succeeds, and it answers the HTTP/2 preface with an HTTP/1 error.
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = "127.0.0.1:%d" % server.server_address[1]

    def document(directory):
        return {"services": [grpc_service("http1", address, directory, routes_from_idl=True)], "routes": []}

    gateway = start(sluice_bin, workdir, "grpc-http1", document)
    try:
        response = gateway.post("/v1/everything", {})
        assert response.status == 502, response
        message = response.json["error"]["message"]
        assert message.startswith("service 'http1' does not speak HTTP/2, which gRPC needs"), response
        assert address not in message and "127.0.0.1" not in message, response
    finally:
        gateway.stop()
        server.shutdown()
        server.server_close()


def test_a_backend_that_never_answers_is_a_504(sluice_bin, workdir):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)

        def document(directory):
            address = "127.0.0.1:%d" % silent.getsockname()[1]
            return {"services": [grpc_service("silent", address, directory, routes_from_idl=True, timeout="300ms")],
                    "routes": []}

        gateway = start(sluice_bin, workdir, "grpc-silent", document)
        try:
            response = gateway.post("/v1/everything", {})
            assert response.status == 504, response
            assert "service 'silent'" in response.json["error"]["message"], response
        finally:
            gateway.stop()


def test_a_backend_over_tls(sluice_bin, workdir, generated, dev_certs):
    server = peer.start(workdir / "grpc-gateway-gen", workdir / "grpc-gateway-tls.log",
                        tls=(dev_certs / "server.crt", dev_certs / "server.key"))

    def document(directory):
        verified = grpc_service("verified", server.address, directory, routes_from_idl=True,
                                tls={"ca": str(dev_certs / "ca.crt")})
        plain = grpc_service("plain", server.address, directory)
        return {"services": [verified, plain],
                "routes": [{"method": "POST", "path": "/plain", "service": "plain", "call": "Types.Echo", "body": "*"}]}

    gateway = start(sluice_bin, workdir, "grpc-tls", document)
    try:
        response = gateway.post("/v1/fail", {"code": 6, "message": "over tls", "withDetails": True})
        assert response.status == 409 and response.json["details"][1]["reason"] == "ASKED", response
        assert gateway.post("/sluice.gw.Types/Echo", {}).status == 404  # no auto routes there
        refused = gateway.post("/plain", {})
        assert refused.status == 502 and "service 'plain'" in refused.json["error"]["message"], refused
    finally:
        gateway.stop()
        server.stop()


def test_a_restarted_backend_is_reached_again(sluice_bin, workdir, generated):
    gen = workdir / "grpc-gateway-gen"
    server = peer.start(gen, workdir / "grpc-gateway-restart-1.log")
    port = server.port

    def document(directory):
        return {"services": [grpc_service("restarting", server.address, directory, auto_routes=True)], "routes": []}

    gateway = start(sluice_bin, workdir, "grpc-restart", document)
    try:
        assert gateway.post("/sluice.gw.Types/Echo", {"nested": {"a": 1}}).json == {"nested": {"a": 1}}
        server.child.kill()
        down = gateway.post("/sluice.gw.Types/Echo", {"nested": {"a": 2}})
        assert down.status == 502 and "service 'restarting'" in down.json["error"]["message"], down
        server = peer.start(gen, workdir / "grpc-gateway-restart-2.log", port=port)
        assert gateway.post("/sluice.gw.Types/Echo", {"nested": {"a": 3}}).json == {"nested": {"a": 3}}
    finally:
        gateway.stop()
        server.stop()


def test_concurrent_requests_each_get_their_own_answer(gw):
    def one(index):
        body = {"nested": {"a": index + 1, "b": "x" * (index % 40 + 1)}}
        response = gw.post("/sluice.gw.Types/Echo", body)
        return response.status == 200 and response.json == body

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(one, range(300)))
    assert answers.count(True) == 300


# ---- HTTP/2 ----------------------------------------------------------------------------------------------

def curl_h2c(gw, path, body):
    result = subprocess.run(["curl", "-sS", "--http2-prior-knowledge", "-H", "content-type: application/json",
                             "--data-binary", json.dumps(body), "-o", "-", "-w", "\n%{http_code} %{http_version}",
                             "-D", "/dev/stderr", gw.url + path], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    text, _, status = result.stdout.rpartition("\n")
    return status, json.loads(text), result.stderr


def test_the_same_answers_over_h2c(gw, generated):
    status, body, _ = curl_h2c(gw, "/v1/everything", RICH)
    assert status == "200 2", status
    assert_same(expected_json(everything(generated, RICH)), body)
    status, body, headers = curl_h2c(gw, "/v1/fail", {"code": 7, "message": "no", "withDetails": False})
    assert status == "403 2" and body == {"code": 7, "message": "no", "details": []}, (status, body)
    status, body, headers = curl_h2c(gw, "/v1/headers", {"note": "h2"})
    assert status == "200 2" and "x-trailer-note: h2" in headers.lower(), headers


# ---- other IDL sources -----------------------------------------------------------------------------------

def calls_succeed(gateway, generated):
    response = gateway.post("/v1/everything", RICH)
    assert response.status == 200, response
    assert_same(expected_json(everything(generated, RICH)), response.json)
    auto = gateway.post("/sluice.gw.Orders/GetOrder", {"customerId": "c", "orderId": "o"})
    assert auto.json == {"customerId": "c", "id": "o"}, auto
    failing = gateway.post("/v1/fail", {"code": 9, "message": "m", "withDetails": True})
    assert failing.status == 400 and failing.json["details"][1]["reason"] == "ASKED", failing


def test_a_descriptor_set_as_idl(sluice_bin, workdir, backend, generated):
    descriptors = generated[1]

    def document(directory):
        service = {"name": "types", "protocol": "grpc", "idl": str(descriptors), "endpoints": [backend.address],
                   "timeout": "2s", "routes_from_idl": True, "auto_routes": True}
        return {"services": [service], "routes": []}

    gateway = start(sluice_bin, workdir, "grpc-descriptor-set", document)
    try:
        calls_succeed(gateway, generated)
    finally:
        gateway.stop()


def test_reflection_as_idl(sluice_bin, workdir, backend, generated):
    if "reflection on" not in backend.child.text():
        pytest.skip("grpcio-reflection is not installed")

    def document(directory):
        service = {"name": "types", "protocol": "grpc", "idl": "reflection", "endpoints": [backend.address],
                   "timeout": "2s", "routes_from_idl": True, "auto_routes": True}
        return {"services": [service], "routes": []}

    gateway = start(sluice_bin, workdir, "grpc-reflection", document)
    try:
        calls_succeed(gateway, generated)
    finally:
        gateway.stop()


# ---- path templates beyond one segment per variable (gateway_templates.proto) ----------------------------

@pytest.fixture(scope="module")
def library(sluice_bin, workdir, backend):
    def document(directory):
        return {"services": [grpc_service("library", backend.address, directory, proto="gateway_templates.proto",
                                          routes_from_idl=True)], "routes": []}

    gateway = start(sluice_bin, workdir, "grpc-templates", document)
    yield gateway
    gateway.stop()


def test_a_multi_segment_variable(library):
    response = library.get("/v1/shelves/s1/books/b2")
    assert response.status == 200, response
    assert response.json == {"name": "shelves/s1/books/b2", "title": "title of shelves/s1/books/b2"}
    assert library.get("/v1/shelves/s1/books/b2/c3").status == 404


def test_a_multi_segment_variable_followed_by_a_literal(library):
    response = library.get("/v1/shelves/s9/books?pageSize=3")
    assert response.status == 200, response
    assert response.json == {"parent": "shelves/s9", "pageSize": 3}


def test_a_custom_verb(library):
    response = library.post("/v1/orders/o1:cancel", {"reason": "late"})
    assert response.status == 200, response
    assert response.json == {"orderId": "o1", "reason": "late", "cancelled": True}
    assert library.post("/v1/orders/o1:uncancel", {}).status == 404


# ---- sluice check ----------------------------------------------------------------------------------------

def check_file(tmp_path, text):
    """Writes `text` (with PROTO and CODEC standing for the paths) as routes.yaml; returns its path."""
    routes = tmp_path / "routes.yaml"
    proto = peer.PROTO_DIR / "gateway_test.proto"
    routes.write_text(text.replace("PROTO", str(proto)).replace("CODEC", str(peer.CODEC_DIR)))
    return routes


SERVICE = """services:
  - name: gw
    protocol: grpc
    idl: PROTO
    import_paths: [CODEC]
    endpoints: ["127.0.0.1:9"]
"""


def position(text, needle):
    """1-based line and column of the first `needle` in `text`."""
    before = text[:text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def assert_reported(result, routes, needle, message):
    out = result.stdout + result.stderr
    line, _ = position(routes.read_text(), needle)
    assert result.returncode != 0, out
    assert re.search(r"^%s:%d:\d+: .*%s" % (re.escape(str(routes)), line, message), out, re.MULTILINE), out


def test_check_accepts_a_good_grpc_route_file(sluice, tmp_path):
    check_file(tmp_path, SERVICE + """    routes_from_idl: true
    auto_routes: true
routes:
  - method: POST
    path: /hand/{order.customer_id}
    service: gw
    call: Orders.CreateOrder
    body: order
    response_body: order
""")
    result = sluice("check", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: "), result.stdout


def route(call, path="/x", **keys):
    extra = "".join("    %s: %s\n" % item for item in keys.items())
    return "  - method: POST\n    path: %s\n    service: gw\n    call: %s\n%s" % (path, call, extra)


@pytest.mark.parametrize("routes_text, needle, message", [
    (route("Orders.Nope"), "Orders.Nope", "unknown call 'Orders.Nope'"),
    (route("no.such.Service.Method"), "no.such", "unknown call"),
    (route("Orders.CreateOrder", path="/x/{order}", body="'*'"), "/x/{order}", "'order' is a message"),
    (route("Orders.CreateOrder", path="/x/{order.nope}"), "/x/{order.nope}", "no field 'nope'"),
    (route("Orders.Search", path="/x/{tags}"), "/x/{tags}", "repeated"),
    (route("Orders.CreateOrder", body="nope"), "body: nope", "no field 'nope'"),
    (route("Orders.CreateOrder", body="order", response_body="nope"), "response_body: nope", "response_body 'nope'"),
    (route("Orders.CreateOrder", body="order", response_body="order.id"), "response_body: order.id", "top-level"),
    (route("Orders.CreateOrder", body="order", exceptions="{Oops: 404}"), "exceptions", "exceptions"),
    (route("Orders.Search", query="{q: filter}"), "q: filter", "message"),
    (route("Streams.Upload"), "Streams.Upload", "client-streaming"),
    (route("Streams.Chat"), "Streams.Chat", "bidi-streaming"),
])
def test_check_reports_bad_grpc_routes_at_their_position(sluice, tmp_path, routes_text, needle, message):
    routes = check_file(tmp_path, SERVICE + "routes:\n" + routes_text)
    assert_reported(sluice("check", tmp_path), routes, needle, re.escape(message))


@pytest.mark.parametrize("key", ["transport: framed", "codec: binary"])
def test_check_refuses_thrift_keys_on_a_grpc_service(sluice, tmp_path, key):
    routes = check_file(tmp_path, SERVICE + "    %s\n" % key)
    assert_reported(sluice("check", tmp_path), routes, key, re.escape("'%s' does not apply" % key.split(":")[0]))


def test_check_refuses_grpc_keys_on_a_thrift_service(sluice, tmp_path):
    routes = tmp_path / "routes.yaml"
    routes.write_text("""services:
  - name: store
    idl: %s
    transport: framed
    endpoints: ["127.0.0.1:9"]
    forward_headers: [x-a]
""" % (peer.INTEGRATION.parents[1] / "examples" / "store" / "store.thrift"))
    assert_reported(sluice("check", tmp_path), routes, "forward_headers", "forward_headers")


def test_check_reports_an_unresolvable_import_in_the_proto(sluice, tmp_path):
    routes = check_file(tmp_path, SERVICE.replace("import_paths: [CODEC]", "import_paths: []"))
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert re.search(r"gateway_test\.proto:\d+:\d+: .*codec_types\.proto", out), out


ANNOTATED = """syntax = "proto3";
package s;
import "google/api/annotations.proto";
message M { int32 a = 1; repeated string tags = 2; M child = 3; }
service S {
  rpc Dup1(M) returns (M) { option (google.api.http) = { get: "/dup/{a}" }; }
  rpc Dup2(M) returns (M) { option (google.api.http) = { get: "/dup/{a=*}" }; }
  rpc BadResponse(M) returns (M) { option (google.api.http) = { post: "/r" body: "*" response_body: "nope" }; }
  rpc BadBody(M) returns (M) { option (google.api.http) = { post: "/b" body: "nope" }; }
  rpc RepeatedVar(M) returns (M) { option (google.api.http) = { get: "/rep/{tags}" }; }
  rpc MessageVar(M) returns (M) { option (google.api.http) = { get: "/msg/{child}" }; }
  rpc UnknownVar(M) returns (M) { option (google.api.http) = { get: "/unknown/{nope}" }; }
  rpc Fine(M) returns (M) { option (google.api.http) = { get: "/fine/{child.a}" }; }
  rpc GetWithBody(M) returns (M) { option (google.api.http) = { get: "/gb" body: "*" }; }
  rpc Nested(M) returns (M) {
    option (google.api.http) = { get: "/n1" additional_bindings { get: "/n2" additional_bindings { get: "/n3" } } };
  }
}
"""


def test_check_reports_bad_google_api_http_options(sluice, tmp_path):
    (tmp_path / "s.proto").write_text(ANNOTATED)
    (tmp_path / "routes.yaml").write_text("""services:
  - name: s
    protocol: grpc
    idl: s.proto
    endpoints: ["127.0.0.1:9"]
    routes_from_idl: true
""")
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    for expected in ["duplicate route GET /dup/", "s.S.BadResponse's google.api.http post '/r': response_body 'nope'",
                     "s.S.BadBody's google.api.http post '/b': body 'nope'",
                     "s.S.RepeatedVar's google.api.http get '/rep/{tags}': path variable 'tags': 'tags' is repeated",
                     "s.S.MessageVar's google.api.http get '/msg/{child}': path variable 'child': 'child' is a message",
                     "s.S.UnknownVar's google.api.http get '/unknown/{nope}': path variable 'nope'",
                     "s.S.GetWithBody's google.api.http get '/gb': a GET takes no body",
                     "s.S.Nested's google.api.http: an additional binding has additional bindings of its own"]:
        assert expected in out, out
    assert "Fine" not in out, out
