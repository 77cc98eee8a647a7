"""Exact numbers and honest JSON errors, end to end: what Apache Thrift Python servers received.

The store servers' echoItem returns the Item it decoded, so the reply shows the values that reached the
backend; getItem's NotFound carries the id it was asked for.
"""

import math

import pytest

from conftest import store_service

# Binary and Compact, framed and THeader.
PREFIXES = ["/py/theader", "/py/framed-compact", "/py/buffered-binary"]


@pytest.fixture(params=PREFIXES)
def prefix(request):
    return request.param


def item_json(members):
    """An Item body as JSON text (numbers written exactly as given, which json.dumps cannot do)."""
    return '{"id": 1, "name": "n", %s}' % members


def test_whole_numbers_with_fraction_or_exponent_arrive_exactly(gateway, prefix):
    body = ('{"id": 9007199254740993.0, "name": "n", "created_at": 9007199254740993e0, "rating": 1.27e2, '
            '"shelf": 12.50e1, "stock": {"a": 1e3}, "status": 2.0, "labels": {"1": "x"}}')
    response = gateway.post(prefix + "/echo", body)
    assert response.status == 200, response
    item = response.json
    assert item["id"] == 9007199254740993
    assert item["created_at"] == 9007199254740993
    assert (item["rating"], item["shelf"], item["stock"], item["status"]) == (127, 125, {"a": 1000}, 2)
    top = gateway.post(prefix + "/echo", item_json('"created_at": 9223372036854775807.0'))
    assert top.status == 200, top
    assert top.json["created_at"] == 9223372036854775807


def test_i64_as_string_and_as_path_parameter_is_exact(gateway, prefix):
    echoed = gateway.post(prefix + "/echo", item_json('"created_at": "9007199254740993"'))
    assert echoed.status == 200, echoed
    assert echoed.json["created_at"] == 9007199254740993
    # The server names the id it looked up in its NotFound.
    missing = gateway.get(prefix + "/items/9007199254740993")
    assert missing.status == 404, missing
    assert missing.json["error"]["exception"]["id"] == "9007199254740993"


@pytest.mark.parametrize("members,code,field,value", [
    ('"created_at": 1.5', "wrong_type", "$.item.created_at", "1.5"),
    ('"created_at": 9007199254740993.5', "wrong_type", "$.item.created_at", "9007199254740993.5"),
    ('"rating": 1e-1', "wrong_type", "$.item.rating", "1e-1"),
    ('"created_at": 1e19', "out_of_range", "$.item.created_at", "1e19"),
    ('"rating": 1.28e2', "out_of_range", "$.item.rating", "1.28e2"),
    ('"weight": 1e400', "out_of_range", "$.item.weight", "1e400"),
    ('"dims": {"width": -1e400, "height": 1}', "out_of_range", "$.item.dims.width", "-1e400"),
])
def test_numbers_that_would_be_rounded_are_400(gateway, members, code, field, value):
    body = item_json(members)
    response = gateway.post("/py/framed-binary/echo", body)
    assert response.status == 400, response
    error = response.json["error"]
    assert (error["code"], error["field"], error["offset"]) == (code, field, body.index(value)), error


def test_negative_zero_stays_negative_and_underflow_is_zero(gateway, prefix):
    response = gateway.post(prefix + "/echo", item_json('"weight": -0, "dims": {"width": -0.0, "height": 1e-400}'))
    assert response.status == 200, response
    item = response.json
    assert item["weight"] == 0 and math.copysign(1, item["weight"]) == -1
    assert item["dims"]["width"] == 0 and math.copysign(1, item["dims"]["width"]) == -1
    assert item["dims"]["height"] == 0 and math.copysign(1, item["dims"]["height"]) == 1


@pytest.mark.parametrize("body", ["text=formtext", "trueish", "nullable=1&x=2", "false"])
def test_a_body_that_is_not_json_is_a_syntax_error_at_offset_0(gateway, body):
    response = gateway.post("/py/theader/echo", body)
    assert response.status == 400, response
    error = response.json["error"]
    if body == "false":  # real JSON, of the wrong type
        assert error["code"] == "wrong_type", error
        return
    assert (error["code"], error["offset"]) == ("invalid_json", 0), error
    assert body.split("&")[0] in error["message"]


@pytest.mark.parametrize("members,field", [
    ('"colors": [1, "RED"]', "$.item.colors[1]"),
    ('"tags": ["a", "a"], "colors": [4, 2, 4.0]', "$.item.colors[2]"),
    ('"labels": {"1": "a", "01": "b"}', '$.item.labels["01"]'),
    ('"stock": {"a": 1, "\\u0061": 2}', '$.item.stock["a"]'),
    ('"flags": [[true, "a"], [false, "b"], [true, "c"]]', "$.item.flags[2][0]"),
])
def test_repeated_set_elements_and_map_keys_are_400(gateway, prefix, members, field):
    response = gateway.post(prefix + "/echo", item_json(members))
    assert response.status == 400, response
    error = response.json["error"]
    assert (error["code"], error["field"]) == ("invalid_value", field), error
    assert "duplicate" in error["message"]


def test_encoded_slash_stays_encoded_in_multi_segment_captures(start_gateway, python_backends):
    backend = python_backends["theader"]
    service = store_service("py", backend.address, "theader", "binary")
    routes = [
        {"method": "POST", "path": "/rest/{item.name=**}", "service": "py", "call": "StoreService.echoItem",
         "body": "item"},
        {"method": "POST", "path": "/one/{item.name}/x", "service": "py", "call": "StoreService.echoItem",
         "body": "item"},
    ]
    gw = start_gateway({"services": [service], "routes": routes})
    rest = gw.post("/rest/a/b%2Fc%2fd%20e", {"id": 1})
    assert rest.status == 200, rest
    assert rest.json["name"] == "a/b%2Fc%2fd e"
    one = gw.post("/one/b%2Fc%20d/x", {"id": 1})
    assert one.status == 200, one
    assert one.json["name"] == "b/c d"
