"""`GET /admin/rules` and `PUT /admin/rules/<kind>` (issue 15): the running rules in Sentinel's JSON, and a change
written back to the Sentinel JSON file the rules came from, so a restart keeps it; a change that does not load
leaves the file and the running rules as they were."""

import http.client
import json

from conftest import ECHO_IDL
from support.gateway import Gateway, write_routes
from support.processes import free_port

FLOW_OPEN = [{"resource": "say", "limitApp": "default", "grade": 1, "count": 1000, "strategy": 0, "controlBehavior": 0}]
FLOW_SHUT = [{"resource": "say", "limitApp": "default", "grade": 1, "count": 0, "strategy": 0, "controlBehavior": 0}]


def admin(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def start(sluice_bin, tmp_path, demo_backend, admin_port):
    routes = tmp_path / "routes"
    write_routes(routes, {
        "services": [{"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                      "endpoints": [demo_backend.address], "timeout": "2s"}],
        "routes": [{"name": "say", "method": "POST", "path": "/v1/echo/{req.name}", "service": "echo",
                    "call": "EchoService.Say", "body": "req"}],
        "sentinel": {"flow": "sentinel/flow.json"},
        "circuit_breakers": [{"resource": "say", "strategy": "error_count", "threshold": 100, "stat_interval": "1s",
                              "recovery_timeout": "5s"}],
    })
    (routes / "sentinel").mkdir(exist_ok=True)
    if not (routes / "sentinel" / "flow.json").exists():
        (routes / "sentinel" / "flow.json").write_text(json.dumps(FLOW_OPEN))
    gw = Gateway.start(sluice_bin, routes, tmp_path / "gw.log", extra=("--admin", "127.0.0.1:%d" % admin_port))
    return gw, routes / "sentinel" / "flow.json"


def test_rules_change_at_run_time_and_stay_after_a_restart(sluice_bin, tmp_path, demo_backend):
    admin_port = free_port()
    gw, flow_file = start(sluice_bin, tmp_path, demo_backend, admin_port)
    try:
        status, rules = admin(admin_port, "GET", "/admin/rules")
        assert status == 200
        assert [(r["resource"], r["count"]) for r in rules["flow"]] == [("say", 1000)]
        assert [(r["resource"], r["grade"], r["count"]) for r in rules["degrade"]] == [("say", 2, 100)]
        assert rules["sources"] == [{"kind": "flow", "path": str(flow_file), "dialect": "java"}]
        assert gw.post("/v1/echo/a", {}).status == 200

        # The change is written to the file and runs at once.
        body = json.dumps(FLOW_SHUT, indent=2)
        status, answer = admin(admin_port, "PUT", "/admin/rules/flow", body)
        assert status == 200, answer
        assert answer["written"] == str(flow_file) and answer["reload"]["reloaded"] is True
        assert flow_file.read_text() == body
        assert admin(admin_port, "GET", "/admin/rules")[1]["flow"][0]["count"] == 0
        blocked = gw.post("/v1/echo/b", {})
        assert blocked.status == 429 and blocked.json["error"]["rule"] == "flow", blocked

        # A file that does not load: 422 naming it, the file and the rules as they were.
        status, answer = admin(admin_port, "PUT", "/admin/rules/flow", '[{"resource": "say", "count": "many"}]')
        assert status == 422, answer
        assert answer["written"] is None and answer["file"] == str(flow_file)
        assert any(e.startswith(str(flow_file) + ":1:") for e in answer["reload"]["errors"]), answer
        assert flow_file.read_text() == body
        assert gw.post("/v1/echo/c", {}).status == 429

        # Not a JSON array; an unknown kind; a kind no file holds (its rules are in the route file).
        assert admin(admin_port, "PUT", "/admin/rules/flow", '{"resource": "say"}')[0] == 400
        status, answer = admin(admin_port, "PUT", "/admin/rules/flows", "[]")
        assert status == 404 and "flow, degrade" in answer["error"]["message"]
        status, answer = admin(admin_port, "PUT", "/admin/rules/degrade", "[]")
        assert status == 409 and answer["error"]["code"] == "no_rule_file", answer
        status, answer = admin(admin_port, "PUT", "/admin/rules/flow?file=/elsewhere/flow.json", "[]")
        assert status == 404, answer
        assert admin(admin_port, "GET", "/admin/rules/flow")[0] == 405
    finally:
        gw.stop()

    # A restart reads the file the change went to.
    gw, _ = start(sluice_bin, tmp_path, demo_backend, admin_port)
    try:
        assert gw.post("/v1/echo/d", {}).status == 429
        assert admin(admin_port, "PUT", "/admin/rules/flow", json.dumps(FLOW_OPEN))[0] == 200
        assert gw.post("/v1/echo/e", {}).status == 200
    finally:
        gw.stop()
