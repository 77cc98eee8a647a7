"""`sluice call`: a generic Thrift call from the IDL, against every Python server and the demo backend."""

import json
import pathlib
import time

import pytest

from conftest import ECHO_IDL, STORE_IDL
from support.processes import free_port
from support.values import FULL_ITEM, normalise, with_defaults


def call(sluice, backend, method, args, *extra, stdin=None, timeout=30):
    return sluice("call", "--idl", STORE_IDL, "--to", backend.address, "--transport", backend.transport,
                  "--codec", backend.protocol, *extra, "StoreService." + method,
                  args if isinstance(args, str) else json.dumps(args), stdin=stdin, timeout=timeout)


def ok_json(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_inherited_method(sluice, python_backend):
    assert ok_json(call(sluice, python_backend, "ping", {})) == "pong"


def test_struct_result(sluice, python_backend):
    item = ok_json(call(sluice, python_backend, "getItem", {"req": {"id": 1}}))
    assert item["name"] == "Widget"
    assert item["price"] == {"units": 12, "nanos": 500000000, "currency": "EUR"}
    assert item["stock"] == {"berlin": 3, "paris": 0}
    assert item["weight"] == 0.25


def test_every_type_round_trips(sluice, python_backend):
    echoed = ok_json(call(sluice, python_backend, "echoItem", {"item": FULL_ITEM}))
    assert normalise(echoed) == with_defaults(FULL_ITEM)


def test_declared_exception_exits_3(sluice, python_backend):
    result = call(sluice, python_backend, "getItem", {"req": {"id": 99}})
    assert result.returncode == 3, result.stderr
    assert json.loads(result.stdout) == {"error": {"type": "NotFound",
                                                   "exception": {"id": "99", "message": "no item 99"}}}


def test_exception_with_sparse_throws_id(sluice, python_backend):
    # Invalid is `throws (3: ...)` on find.
    result = call(sluice, python_backend, "find", {"selector": {"tags": []}})
    assert result.returncode == 3, result.stderr
    assert json.loads(result.stdout)["error"] == {"type": "Invalid", "exception": {"field": "selector.tags",
                                                                                 "reason": "must not be empty"}}


def test_void_prints_nothing(sluice, python_backend):
    item_id = 5000 + free_port()
    create = call(sluice, python_backend, "createItem", {"req": {"item": {"id": item_id, "name": "temp"}}})
    assert create.returncode == 0, create.stderr
    result = call(sluice, python_backend, "deleteItem", {"req": {"id": item_id}})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    again = call(sluice, python_backend, "deleteItem", {"req": {"id": item_id}})
    assert again.returncode == 3


def test_oneway_returns_after_send(sluice, python_backend):
    event = "cli-oneway-%d" % free_port()
    started = time.monotonic()
    result = call(sluice, python_backend, "logEvent", {"event": event, "attrs": {"k": "v"}})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if event in ok_json(call(sluice, python_backend, "events", {})):
            return
        time.sleep(0.1)
    pytest.fail("the oneway call never reached the server")


def test_arguments_from_stdin(sluice, python_backend):
    result = call(sluice, python_backend, "getItem", "-", stdin='{"req": {"id": 2}}')
    assert ok_json(result)["name"] == "Gadget"


def test_application_exception_exits_2(sluice, python_backend):
    result = call(sluice, python_backend, "fail", {"type": 6, "message": "boom"})
    assert result.returncode == 2
    assert result.stdout == ""
    assert "boom" in result.stderr and "6" in result.stderr


def test_union_argument(sluice, python_backend):
    assert ok_json(call(sluice, python_backend, "find", {"selector": {"name": "Gizmo"}}))["id"] == 3


def test_syntax_error_names_offset(sluice, python_backends):
    result = call(sluice, python_backends["framed-binary"], "getItem", '{"req": {"id": 1,}}')
    assert result.returncode == 1
    assert result.stdout == ""
    assert "17" in result.stderr  # the byte offset of the stray `}`


def test_wrong_type_names_path(sluice, python_backends):
    result = call(sluice, python_backends["framed-binary"], "getItem", '{"req": {"id": "one"}}')
    assert result.returncode == 1
    assert "$.req.id" in result.stderr


def test_missing_required_names_path(sluice, python_backends):
    result = call(sluice, python_backends["framed-binary"], "echoItem", '{"item": {"id": 1}}')
    assert result.returncode == 1
    assert "$.item.name" in result.stderr


def test_unknown_method_is_bad_input(sluice, python_backends):
    result = call(sluice, python_backends["framed-binary"], "nope", "{}")
    assert result.returncode == 1
    assert "nope" in result.stderr


@pytest.mark.parametrize("spelling", ["1", "1.5s", "0s", "1 s", "1sec"])
def test_timeout_without_a_unit_says_which_units_are_accepted(sluice, spelling):
    result = sluice("call", "--idl", STORE_IDL, "--to", "127.0.0.1:1", "--timeout", spelling, "StoreService.ping", "{}")
    assert result.returncode != 0
    assert "'%s' is not a duration" % spelling in result.stderr, result.stderr
    assert "us, ms, s, m or h" in result.stderr, result.stderr


def test_help_names_the_default_transport_and_the_apache_ones(sluice):
    result = sluice("call", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "ttheader (Kitex's TTHeader, the default)" in text, text
    assert "Apache Thrift servers need theader, framed or buffered" in text, text


def test_bad_idl_names_file_line_column(sluice, tmp_path):
    idl = tmp_path / "bad.thrift"
    idl.write_text("struct A {\n  1: i32 x\n  2: strin y\n}\n")
    result = sluice("call", "--idl", idl, "--to", "127.0.0.1:1", "A.b", "{}")
    assert result.returncode == 1
    assert "%s:3:" % idl in result.stderr


def test_include_dir(sluice, tmp_path, python_backends):
    # A copy of store.thrift elsewhere finds common.thrift only through --include-dir.
    (tmp_path / "store.thrift").write_text(STORE_IDL.read_text())
    backend = python_backends["framed-binary"]
    args = ("--to", backend.address, "--transport", "framed", "--codec", "binary", "StoreService.ping", "{}")
    missing = sluice("call", "--idl", tmp_path / "store.thrift", *args)
    assert missing.returncode == 1
    found = sluice("call", "--idl", tmp_path / "store.thrift", "--include-dir", STORE_IDL.parent, *args)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout) == "pong"


def test_connection_refused_exits_2(sluice):
    result = sluice("call", "--idl", STORE_IDL, "--to", "127.0.0.1:%d" % free_port(), "--transport", "framed",
                    "StoreService.ping", "{}")
    assert result.returncode == 2
    assert result.stderr.strip() != ""


def test_timeout_exits_2(sluice, python_backends):
    started = time.monotonic()
    result = call(sluice, python_backends["framed-binary"], "slow", {"millis": 6000}, "--timeout", "300ms")
    assert result.returncode == 2
    assert time.monotonic() - started < 4.0  # well before the backend answers, with room for a loaded machine
    assert "tim" in result.stderr.lower()


def test_ttheader_to_demo_backend(sluice, demo_backend):
    result = sluice("call", "--idl", ECHO_IDL, "--to", demo_backend.address, "--transport", "ttheader",
                    "EchoService.Say", '{"req": {"name": "ttheader", "message": "hi ☃"}}')
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"name": "ttheader", "message": "hi ☃"}


@pytest.mark.parametrize("transport,codec", [("ttheader", "binary"), ("theader", "binary"), ("theader", "compact"),
                                             ("framed", "binary"), ("framed", "compact"), ("buffered", "binary"),
                                             ("buffered", "compact")])
def test_demo_backend_detects_every_transport(sluice, demo_backend, transport, codec):
    result = sluice("call", "--idl", STORE_IDL, "--to", demo_backend.address, "--transport", transport,
                    "--codec", codec, "StoreService.echoItem", json.dumps({"item": FULL_ITEM}))
    assert result.returncode == 0, result.stderr
    assert normalise(json.loads(result.stdout)) == with_defaults(FULL_ITEM)


def test_theader_compact(sluice, python_backends):
    backend = python_backends["theader"]
    result = sluice("call", "--idl", STORE_IDL, "--to", backend.address, "--transport", "theader", "--codec", "compact",
                    "StoreService.echoItem", json.dumps({"item": FULL_ITEM}))
    assert result.returncode == 0, result.stderr
    assert normalise(json.loads(result.stdout)) == with_defaults(FULL_ITEM)
