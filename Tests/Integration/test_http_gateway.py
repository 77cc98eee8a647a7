"""The HTTP path: `sluice run` with routes to every Python server and to the demo backend (TTHeader)."""

import base64
import json
import time

import pytest

from support.processes import free_port
from support.values import FULL_ITEM, normalise, with_defaults

# Route prefixes of the session gateway (see conftest.gateway): the Python servers and the demo backend.
PREFIXES = ["/py/theader", "/py/theader-compact", "/py/framed-binary", "/py/framed-compact", "/py/buffered-binary", "/demo/ttheader"]


@pytest.fixture(params=PREFIXES)
def prefix(request):
    return request.param


def error_of(response):
    assert "json" in (response.header("Content-Type") or "")
    return response.json["error"]


def test_get_struct(gateway, prefix):
    response = gateway.get(prefix + "/items/1")
    assert response.status == 200, response
    assert "application/json" in response.header("Content-Type")
    item = response.json
    assert item["name"] == "Widget"
    assert item["price"] == {"units": 12, "nanos": 500000000, "currency": "EUR"}
    assert sorted(item["tags"]) == ["small", "tools"]


def test_inherited_method_and_string_result(gateway, prefix):
    response = gateway.get(prefix + "/ping")
    assert response.status == 200, response
    assert response.json == "pong"


def test_every_type_round_trips(gateway, prefix):
    response = gateway.post(prefix + "/echo", FULL_ITEM)
    assert response.status == 200, response
    assert normalise(response.json) == with_defaults(FULL_ITEM)


def test_body_star_fills_the_arguments_object(gateway, prefix):
    response = gateway.post(prefix + "/echo-args", {"item": {"id": 7, "name": "seven"}})
    assert response.status == 200, response
    assert response.json == with_defaults({"id": 7, "name": "seven"})


def test_accepted_input_forms(gateway, prefix):
    item = {
        "id": "9007199254740993",  # i64 as a string
        "name": "forms",
        "status": "DRAFT",  # enum by name
        "colors": ["RED", 4],  # enum names and numbers mixed
        "thumbnail": "-_8",  # URL-safe, unpadded base64 of fb ff
        "weight": "NaN",
        "dims": {"width": "Infinity", "height": "-Infinity"},
        "description": "\ud83d\ude00 \u00e9",  # a surrogate pair and a BMP escape, as JSON escapes
        "price": None,  # null = absent
    }
    raw = json.dumps(item, ensure_ascii=True)
    response = gateway.post(prefix + "/echo", raw)
    assert response.status == 200, response
    out = response.json
    assert out["id"] == 9007199254740993
    assert out["status"] == 3
    assert sorted(out["colors"]) == [1, 4]
    assert base64.b64decode(out["thumbnail"]) == b"\xfb\xff"
    assert out["thumbnail"] == "+/8="
    assert out["weight"] == "NaN"
    assert out["dims"]["width"] == "Infinity" and out["dims"]["height"] == "-Infinity"
    assert out["description"] == "😀 é"
    assert "price" not in out


def test_enums_as_names_option(gateway, prefix):
    response = gateway.post(prefix + "/echo-names", {"id": 1, "name": "n", "status": 2, "colors": [4]})
    assert response.status == 200, response
    assert response.json["status"] == "DISCONTINUED"
    assert response.json["colors"] == ["BLUE"]


def test_path_query_and_header_binding(gateway, prefix):
    item_id = 10_000 + free_port()
    created = gateway.post(prefix + "/items?dry_run=true", {"id": item_id, "name": "dry"})
    assert created.status == 200, created
    assert gateway.get(prefix + "/items/%d" % item_id).status == 404  # dry_run: not stored

    created = gateway.post(prefix + "/items", {"id": item_id, "name": "kept", "colors": [2]},
                           headers={"X-User": "alice"})
    assert created.status == 200, created
    fetched = gateway.get(prefix + "/items/%d" % item_id)
    assert fetched.status == 200 and fetched.json["name"] == "kept"

    deleted = gateway.request("DELETE", prefix + "/items/%d" % item_id)
    assert deleted.status == 204, deleted
    assert deleted.body == b""
    assert gateway.request("DELETE", prefix + "/items/%d" % item_id).status == 404


def test_query_parameters_convert_to_field_types(gateway, prefix):
    response = gateway.get(prefix + "/search?q=g&limit=1")
    assert response.status == 200, response
    assert response.json["total"] >= 2  # Widget, Gadget, Gizmo all contain a g
    assert len(response.json["items"]) == 1
    by_name = gateway.get(prefix + "/search?q=gadget&color=BLUE")
    by_number = gateway.get(prefix + "/search?q=gadget&color=4")
    assert by_name.status == 200 and by_number.status == 200
    assert [i["name"] for i in by_name.json["items"]] == ["Gadget"]
    assert by_name.json == by_number.json
    bad = gateway.get(prefix + "/search?limit=lots")
    assert bad.status == 400, bad
    assert "limit" in json.dumps(bad.json)


def test_declared_exception_uses_route_status(gateway, prefix):
    response = gateway.get(prefix + "/items/424242")
    assert response.status == 404, response
    assert response.json == {"error": {"type": "NotFound", "exception": {"id": "424242", "message": "no item 424242"}}}
    invalid = gateway.post(prefix + "/items", {"id": 5, "name": ""})
    assert invalid.status == 422, invalid
    assert invalid.json["error"] == {"type": "Invalid", "exception": {"field": "item.name", "reason": "must not be empty"}}


def test_exception_status_by_throws_field_name_and_void_as_object(gateway, prefix):
    missing = gateway.post(prefix + "/void-as-object/999999")
    assert missing.status == 410, missing
    assert missing.json["error"]["type"] == "NotFound"
    item_id = 20_000 + free_port()
    assert gateway.post(prefix + "/items", {"id": item_id, "name": "gone"}).status == 200
    deleted = gateway.post(prefix + "/void-as-object/%d" % item_id)
    assert deleted.status == 200, deleted
    assert deleted.json == {}


def test_union(gateway, prefix):
    found = gateway.post(prefix + "/find", {"name": "Gadget"})
    assert found.status == 200 and found.json["id"] == 2
    assert gateway.post(prefix + "/find", {"id": 31337}).status == 404
    for body in ({}, {"id": 1, "name": "Widget"}):
        response = gateway.post(prefix + "/find", body)
        assert response.status == 400, response
        assert response.json["error"]["code"]
        assert response.json["error"]["field"].startswith("$.selector")


def test_oneway_answers_202_without_waiting(gateway, prefix):
    event = "http-oneway-%d" % free_port()
    response = gateway.post(prefix + "/events", {"event": event, "attrs": {}})
    assert response.status == 202, response
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        events = gateway.get(prefix + "/events")
        assert events.status == 200
        if event in events.json:
            return
        time.sleep(0.1)
    pytest.fail("the oneway call never reached the backend")


def test_application_exception_is_502(gateway, prefix):
    response = gateway.post(prefix + "/fail", {"type": 6, "message": "boom"})
    assert response.status == 502, response
    assert response.json == {"error": {"code": "application_exception", "type": 6, "message": "boom"}}


def test_syntax_error_has_offset(gateway, prefix):
    response = gateway.post(prefix + "/echo", '{"id": 1, "name": "x",, }')
    assert response.status == 400, response
    error = error_of(response)
    assert error["offset"] == 22
    assert error["message"]


@pytest.mark.parametrize("body,path_part", [
    ({"id": 1, "name": 5}, "$.item.name"),  # wrong type
    ({"id": 1, "name": "x", "rating": 300}, "$.item.rating"),  # i8 out of range
    ({"id": 1, "name": "x", "stock": {"a": 2147483648}}, "$.item.stock"),  # i32 out of range
    ({"id": 1, "name": "x", "tags": ["ok", 3]}, "$.item.tags[1]"),  # wrong type in a list
    ({"id": 1, "name": "x", "status": "NOPE"}, "$.item.status"),  # unknown enum name
    ({"id": 1, "name": "x", "sku": "not-a-uuid"}, "$.item.sku"),
    ({"id": 1, "name": "x", "thumbnail": "%%%"}, "$.item.thumbnail"),
])
def test_bad_values_are_400_with_field_path(gateway, body, path_part):
    response = gateway.post("/py/framed-binary/echo", body)
    assert response.status == 400, response
    error = error_of(response)
    assert error["field"].startswith(path_part), error
    assert isinstance(error.get("offset"), int), error


def test_invalid_utf8_is_400(gateway):
    response = gateway.post("/py/framed-binary/echo", b'{"id": 1, "name": "bad \xff byte"}')
    assert response.status == 400, response
    assert error_of(response)["offset"] in range(18, 24)


def test_pairs_map_needs_pairs(gateway):
    response = gateway.post("/py/framed-binary/echo", {"id": 1, "name": "x", "flags": {"true": "yes"}})
    assert response.status == 400, response
    assert error_of(response)["field"].startswith("$.item.flags")


def test_missing_required_field_is_400(gateway):
    response = gateway.post("/py/framed-binary/echo", {"id": 1})
    assert response.status == 400, response
    assert error_of(response)["field"] == "$.item.name"


def test_unknown_fields_ignored_unless_strict(gateway):
    body = {"id": 1, "name": "x", "surprise": {"deep": [1, 2]}}
    assert gateway.post("/py/framed-binary/echo", body).status == 200
    strict = gateway.post("/py/framed-binary/echo-strict", body)
    assert strict.status == 400, strict
    assert strict.json["error"]["field"] == "$.item.surprise"


def test_int64_as_string_option(start_gateway, python_backends):
    from conftest import store_service

    backend = python_backends["framed-compact"]
    gw = start_gateway({
        "services": [store_service("s", backend.address, "framed", "compact")],
        "routes": [{"method": "POST", "path": "/echo", "service": "s", "call": "StoreService.echoItem",
                    "body": "item", "options": {"int64_as_string": True}}],
    })
    response = gw.post("/echo", {"id": 9007199254740993, "name": "big", "created_at": 12})
    assert response.status == 200, response
    assert response.json["id"] == "9007199254740993"
    assert response.json["created_at"] == 12


def test_unknown_path_is_404_json(gateway):
    response = gateway.get("/nowhere/at/all")
    assert response.status == 404
    assert response.json["error"]["code"]


def test_wrong_method_is_405(gateway):
    response = gateway.request("PUT", "/py/theader/items/1")
    assert response.status == 405, response
    assert response.json["error"]["code"]


def test_body_too_large_is_413(gateway):
    request = (b"POST /py/theader/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: 1073741824\r\n\r\n{")
    answer = gateway.raw(request)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_chunked_request_body(gateway):
    body = json.dumps({"id": 77, "name": "chunked"}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:5], body[5:]))
    request = (b"POST /py/framed-binary/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               b"Connection: close\r\n\r\n" + chunks + b"0\r\n\r\n")
    answer = gateway.raw(request)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    assert b'"chunked"' in answer


def test_keep_alive_and_pipelining(gateway):
    one = b"GET /py/theader/items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
    two = b"GET /py/theader/items/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = gateway.raw(one + two)
    assert answer.count(b"HTTP/1.1 200") == 2, answer[:500]
    assert answer.index(b"Widget") < answer.index(b"Gadget")


def test_echo_over_ttheader_with_bindings(gateway):
    response = gateway.post("/echo/world?verbose=true", {"message": "hi"}, headers={"X-User": "bob"})
    assert response.status == 200, response
    assert response.json == {"name": "world", "message": "hi", "verbose": True, "user": "bob"}


class TestRoutesFromIDL:
    """service `py-api` sets routes_from_idl: its routes come from the api.* annotations in store.thrift."""

    def test_get_with_colon_path_parameter(self, gateway):
        response = gateway.get("/api/items/2")
        assert response.status == 200, response
        assert response.json["name"] == "Gadget"

    def test_declared_exception_defaults_to_500(self, gateway):
        response = gateway.get("/api/items/987654")
        assert response.status == 500, response
        assert response.json["error"]["type"] == "NotFound"

    def test_post_with_body_header_and_query(self, gateway):
        item_id = 30_000 + free_port()
        response = gateway.post("/api/items?dry_run=false", {"item": {"id": item_id, "name": "from-idl"}},
                                headers={"X-User": "carol"})
        assert response.status == 200, response
        assert response.json["name"] == "from-idl"
        deleted = gateway.request("DELETE", "/api/items/%d" % item_id)  # `{id}` path style
        assert deleted.status == 204, deleted

    def test_query_parameters(self, gateway):
        response = gateway.get("/api/search?q=giz&limit=5")
        assert response.status == 200, response
        assert [i["name"] for i in response.json["items"]] == ["Gizmo"]

    def test_unannotated_method_has_no_route(self, gateway):
        assert gateway.post("/api/echoItem", {}).status == 404
