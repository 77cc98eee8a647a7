"""Hot reload (issue 15): the gateway watches its route files, IDLs and Sentinel rule files and reloads on
change, under wrk load, with open HTTP/2 and WebSocket connections kept; a broken change is refused and the
running configuration stays."""

import asyncio
import json
import os
import re
import shutil
import subprocess
import threading
import time

from websockets.asyncio.client import connect

from conftest import ECHO_IDL
from support.gateway import Gateway
from support.h2conn import H2Connection
from support.processes import free_port
from test_resilience import SUPPORT_LUA


def routes_yaml(idl, paths, rules=True):
    routes = "\n".join(
        '  - {method: POST, path: "%s", service: echo, call: EchoService.Say, body: req}' % path for path in paths)
    text = ("services:\n  - {name: echo, idl: %s, transport: ttheader, codec: binary, endpoints: [\"%s\"], timeout: 2s}\n"
            "routes:\n%s\n" % (idl, "{backend}", routes))
    if rules:
        text += "sentinel: {flow: flow.json}\n"
    return text


def wait_until(what, condition, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_changes_under_load_keep_every_request_and_open_connections(sluice_bin, tmp_path, demo_backend):
    idl_dir = tmp_path / "idl"
    idl_dir.mkdir()
    idl = idl_dir / "echo.thrift"
    shutil.copy(ECHO_IDL, idl)
    routes = tmp_path / "routes"
    routes.mkdir()
    route_file = routes / "echo.yaml"

    def write_routes(paths, text=None):
        route_file.write_text(text if text is not None else routes_yaml(idl, paths).replace("{backend}", demo_backend.address))

    (routes / "flow.json").write_text("[]")
    write_routes(["/v1/echo/{req.name}"])
    admin_port = free_port()
    gw = Gateway.start(sluice_bin, routes, tmp_path / "gw.log",
                       extra=("--admin", "127.0.0.1:%d" % admin_port, "--websocket-path", "/ws"))

    def reloads():
        with __import__("urllib.request").request.urlopen("http://127.0.0.1:%d/admin/config" % admin_port) as r:
            return json.loads(r.read())["reloads"]

    try:
        # Connections opened before any reload, used again after each.
        h2 = H2Connection(gw.port).start()
        stream = h2.request("POST", "/v1/echo/h2", {"message": "before"})
        assert h2.wait_for_responses([stream]) and h2.responses[stream]["status"] == 200

        loop = asyncio.new_event_loop()
        ws = loop.run_until_complete(connect("ws://127.0.0.1:%d/ws" % gw.port))

        def ws_call(path, message):
            async def go():
                await ws.send(json.dumps({"id": 1, "method": "POST", "path": path, "body": {"message": message}}))
                return json.loads(await ws.recv())
            return loop.run_until_complete(asyncio.wait_for(go(), 10))

        assert ws_call("/v1/echo/ws", "before")["status"] == 200

        outcome = {}

        def load():
            outcome["wrk"] = subprocess.run(
                ["wrk", "-t2", "-c8", "-d12s", "-s", str(SUPPORT_LUA), gw.url + "/v1/echo/wrk"], capture_output=True,
                text=True, timeout=60, env={**os.environ, "WRK_POST_JSON": '{"message":"wrk"}'})

        loader = threading.Thread(target=load)
        loader.start()
        time.sleep(1)

        # 1. The route file gains a route.
        write_routes(["/v1/echo/{req.name}", "/v2/echo/{req.name}"])
        wait_until("the new route", lambda: gw.post("/v2/echo/a", {}).status == 200)

        # 2. The IDL gains a field, which then round-trips.
        text = idl.read_text()
        for struct in ("struct Request {", "struct Response {"):
            text = text.replace(struct, struct + "\n    5: optional string tag,")
        idl.write_text(text)
        wait_until("the new IDL field", lambda: gw.post("/v2/echo/a", {"tag": "t5"}).json.get("tag") == "t5")

        # 3. The Sentinel rule file blocks /v2 (never the loaded route).
        (routes / "flow.json").write_text(json.dumps([{"resource": "POST /v2/echo/{req.name}", "grade": 1, "count": 0}]))
        wait_until("the new rule", lambda: gw.post("/v2/echo/a", {}).status == 429)

        # 4. A broken route file: refused, and everything stays as it was.
        failed = reloads()["failed"]
        write_routes(None, text="services:\n  - {name: echo, idl: %s\nroutes: [\n" % idl)
        last = wait_until("the refused change", lambda: reloads()["failed"] == failed + 1 and reloads()["last"])
        assert last["reloaded"] is False and re.search(r"echo\.yaml:\d+:\d+: ", last["errors"][0]), last
        assert gw.post("/v2/echo/a", {}).status == 429
        assert gw.post("/v1/echo/a", {}).status == 200

        # 5. Fixed, with a third route.
        write_routes(["/v1/echo/{req.name}", "/v2/echo/{req.name}", "/v3/echo/{req.name}"])
        wait_until("the fixed file", lambda: gw.post("/v3/echo/a", {"tag": "t3"}).json.get("tag") == "t3")

        loader.join()
        result = outcome["wrk"]
        assert result.returncode == 0, result.stderr
        assert "Socket errors" not in result.stdout, result.stdout
        assert "Non-2xx" not in result.stdout, result.stdout
        counts = re.search(r"statuses: 2xx=(\d+) 429=(\d+) other=(\d+)", result.stdout)
        assert counts and int(counts.group(1)) > 0 and counts.group(2, 3) == ("0", "0"), result.stdout

        # The connections opened before the reloads see the new routes.
        stream = h2.request("POST", "/v3/echo/h2", {"message": "after"})
        assert h2.wait_for_responses([stream]) and h2.responses[stream]["status"] == 200, h2.responses[stream]
        assert h2.body_json(stream)["message"] == "after"
        reply = ws_call("/v3/echo/ws", "after")
        assert reply["status"] == 200 and reply["body"]["message"] == "after", reply
        loop.run_until_complete(ws.close())
        loop.close()
        h2.close()
        wait_until("the reloads recorded", lambda: reloads()["succeeded"] >= 4)
    finally:
        gw.stop()


def test_inotify_sees_changes_between_polls(sluice_bin, tmp_path, demo_backend):
    """Polling only every ten hours: a change made in place, a file replaced by rename (as editors save) and an
    IDL in a directory made after the start are each read at once, woken by inotify."""
    routes = tmp_path / "routes"
    routes.mkdir()
    route_file = routes / "echo.yaml"

    def text(paths):
        return routes_yaml(ECHO_IDL, paths, rules=False).replace("{backend}", demo_backend.address)

    route_file.write_text(text(["/v1/echo/{req.name}"]))
    gw = Gateway.start(sluice_bin, routes, tmp_path / "gw.log", extra=("--watch", "1h", "--admin", "off"))
    try:
        assert gw.post("/v1/echo/a", {}).status == 200
        route_file.write_text(text(["/v1/echo/{req.name}", "/v2/echo/{req.name}"]))
        wait_until("the change written in place", lambda: gw.post("/v2/echo/a", {}).status == 200)

        replacement = routes / ".echo.yaml.swp"
        replacement.write_text(text(["/v3/echo/{req.name}"]))
        os.rename(replacement, route_file)
        wait_until("the file replaced by rename", lambda: gw.post("/v3/echo/a", {}).status == 200)
        assert gw.post("/v1/echo/a", {}).status == 404

        # A directory that appears later: the route file moves its service to an IDL there, and the IDL, edited
        # in place, is seen too (its directory is watched from the reload that named it).
        moved = routes / "idl2"
        moved.mkdir()
        shutil.copy(ECHO_IDL, moved / "echo.thrift")
        replacement.write_text(routes_yaml(moved / "echo.thrift", ["/v5/echo/{req.name}"], rules=False)
                               .replace("{backend}", demo_backend.address))
        os.rename(replacement, route_file)
        wait_until("the moved IDL", lambda: gw.post("/v5/echo/a", {}).status == 200)
        idl_text = (moved / "echo.thrift").read_text()
        for struct in ("struct Request {", "struct Response {"):
            idl_text = idl_text.replace(struct, struct + "\n    5: optional string tag,")
        (moved / "echo.thrift").write_text(idl_text)
        wait_until("the new IDL field", lambda: gw.post("/v5/echo/a", {"tag": "t5"}).json.get("tag") == "t5")
    finally:
        gw.stop()
