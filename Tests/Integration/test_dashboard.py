"""The admin listener's dashboard (`/` and `/dashboard.js`) in Debian's headless Chromium, driven over the Chrome
DevTools Protocol with `websockets`: a real `sluice run` with an admin token, a QPS rule low enough that part of
the traffic a background thread sends is blocked, and the page opened with `#token=`. The page must load without
console errors or exceptions, show pass and block counts that move, the backend endpoint healthy, the route and
its rule; without a token it asks for one. Screenshots go under tmp_path, and into $SLUICE_ARTIFACTS when set."""

import base64
import collections
import contextlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request

import pytest
from websockets.sync.client import connect

from conftest import ECHO_IDL
from support.gateway import Gateway, start_with_config, write_routes
from support.processes import free_port

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed "
                                "(apt-get install chromium; scripts/install-test-deps.sh does it)")

TOKEN = "dash-s3cret"
TOKEN_KEY = "sluice.adminToken"  # where dashboard.js keeps the token (sessionStorage)


def dashboard_base(admin_port):
    """Where the page is served: the admin listener itself."""
    return "http://127.0.0.1:%d" % admin_port


class Browser:
    """Headless Chromium with one page, over CDP; collects exceptions, console errors and error log entries."""

    def __init__(self, directory):
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=directory)
        self.log = open(pathlib.Path(directory) / "chromium.log", "w")
        # Port 0: Chromium picks a free port and writes it to DevToolsActivePort, so no other process can take it first.
        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--window-size=1280,1000",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile, "about:blank"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.errors = []
        self.loads = 0  # Page.loadEventFired events seen
        self.next_id = 0
        # A context manager (websockets 17.1 deprecates a bare connect()), left when the browser closes.
        self.stack = contextlib.ExitStack()
        try:
            self.ws = self.stack.enter_context(connect(self._page_socket(), max_size=None, open_timeout=10))
            for domain in ("Runtime", "Log", "Page"):
                self.call(domain + ".enable")
        except BaseException:
            self.close()
            raise

    def _page_socket(self):
        active = pathlib.Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while True:
            assert self.proc.poll() is None, "chromium exited with %s: see %s" % (self.proc.returncode, self.log.name)
            assert time.monotonic() < deadline, "chromium's DevTools never answered: see %s" % self.log.name
            try:
                port = int(active.read_text().split()[0])
                with urllib.request.urlopen("http://127.0.0.1:%d/json" % port, timeout=2) as answer:
                    pages = [t for t in json.load(answer) if t["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except (OSError, ValueError, IndexError):
                pass
            time.sleep(0.1)

    def call(self, method, timeout=20, **params):
        self.next_id += 1
        call_id = self.next_id
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == call_id:
                assert "error" not in message, (method, message["error"])
                return message["result"]
            self._event(message)

    def _event(self, message):
        method, params = message.get("method"), message.get("params", {})
        if method == "Page.loadEventFired":
            self.loads += 1
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(("exception", details.get("exception", {}).get("description") or details.get("text")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(("console." + params["type"],
                                " ".join(str(a.get("value", a.get("description"))) for a in params.get("args", []))))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            self.errors.append(("log:" + entry.get("source", ""), "%s %s" % (entry.get("text"), entry.get("url", ""))))

    def load(self, method, timeout=20, **params):
        """Page.navigate or Page.reload, then waits for the new document's load event."""
        loads = self.loads
        self.call(method, **params)
        deadline = time.monotonic() + timeout
        while self.loads == loads:
            assert time.monotonic() < deadline, "%s %r: no load event" % (method, params)
            self._event(json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))))

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, (expression, result["exceptionDetails"])
        return result["result"].get("value")

    def wait_for(self, expression, accept, what, timeout=20):
        """Evaluates `expression` until `accept(value)`; returns that value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if accept(value):
                return value
            assert time.monotonic() < deadline, "%s: never happened; last value %r; errors %r" % (what, value, self.errors)
            time.sleep(0.2)

    def screenshot(self, path):
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        pathlib.Path(path).write_bytes(data)
        return data

    def close(self):
        try:
            self.stack.close()
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    pass
            try:  # the renderer, GPU and utility processes of its group too
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)


class Traffic(threading.Thread):
    """Posts to the rate-limited route until stopped (about 40 a second: most of them over the limit of 5)."""

    def __init__(self, gateway):
        super().__init__(daemon=True)
        self.gateway = gateway
        self.statuses = collections.Counter()
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                self.statuses[self.gateway.post("/v1/echo/dash", {}, timeout=5).status] += 1
            except OSError as error:
                self.statuses[type(error).__name__] += 1
            self.done.wait(0.025)

    def stop(self):
        self.done.set()
        if self.is_alive():
            self.join(timeout=10)


# What the test reads from the page: the numbers and states it shows, by the ids and data attributes it renders.
READ_PAGE = """(() => {
  const card = document.querySelector('.card[data-resource="say"]');
  const endpoint = document.querySelector('.panel[data-service="echo"] tr[data-endpoint="%(endpoint)s"]');
  const route = document.querySelector('#routes tr[data-route="say"]');
  const rule = document.querySelector('[data-rule-kind="flow"] tr[data-resource="say"]');
  return {
    refreshes: Number(document.body.dataset.refreshes || 0),
    ready: document.getElementById('ready').textContent,
    status: document.getElementById('status').className,
    authHidden: document.getElementById('auth').hidden,
    hash: location.hash, href: location.href, token: sessionStorage.getItem('%(key)s'),
    inbound: !!document.querySelector('.card[data-inbound]'),
    passTotal: card ? Number(card.dataset.passTotal) : null,
    blockTotal: card ? Number(card.dataset.blockTotal) : null,
    passShown: card ? card.querySelector('.v-pass-total').textContent : null,
    blockShown: card ? card.querySelector('.v-block-total').textContent : null,
    breakers: card ? [...card.querySelectorAll('[data-breaker]')].map((b) => b.textContent) : [],
    chartPixels: card ? card.querySelector('canvas').width : 0,
    health: endpoint ? endpoint.dataset.health : null,
    healthBadge: endpoint ? endpoint.querySelector('.badge').textContent : null,
    route: route ? route.textContent : null,
    rule: rule ? rule.textContent : null,
    rulesStatus: document.getElementById('rules-status').textContent,
  };
})()"""


def save_screenshot(browser, tmp_path, name):
    path = tmp_path / name
    data = browser.screenshot(path)
    assert data.startswith(b"\x89PNG") and len(data) > 1000, len(data)
    artifacts = os.environ.get("SLUICE_ARTIFACTS")
    if artifacts:
        pathlib.Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, pathlib.Path(artifacts) / name)
    return path


def test_dashboard_shows_live_traffic_services_routes_and_rules(sluice_bin, tmp_path, demo_backend):
    health = {"interval": "200ms", "timeout": "200ms", "healthy": 1, "unhealthy": 1}
    routes = write_routes(tmp_path / "routes", {
        "services": [{"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                      "endpoints": [demo_backend.address], "timeout": "2s", "health_check": health}],
        "routes": [{"name": "say", "method": "POST", "path": "/v1/echo/{req.name}", "service": "echo",
                    "call": "EchoService.Say", "body": "req"}],
        "flow": [{"resource": "say", "grade": "qps", "count": 5}],
        "circuit_breakers": [{"resource": "say", "strategy": "error_ratio", "threshold": 0.5, "min_requests": 5,
                              "stat_interval": "1s", "recovery_timeout": "5s"}],
    })
    admin_port = free_port()
    config = tmp_path / "sluice.yaml"
    config.write_text('listeners: [{address: "127.0.0.1:0"}]\nroutes: %s\nadmin: {address: "127.0.0.1:%d", token: %s}\n'
                      % (routes, admin_port, TOKEN))
    child, listeners = start_with_config(sluice_bin, config, tmp_path / "gateway.log")
    gateway = Gateway(child, listeners[0][1])
    traffic = Traffic(gateway)
    browser = None
    try:
        # The page and its script hold no data: served without the token.
        base = dashboard_base(admin_port)
        for path, kind in (("/", "text/html"), ("/dashboard.js", "javascript")):
            with urllib.request.urlopen(base + path, timeout=10) as answer:
                assert answer.status == 200 and kind in answer.headers["Content-Type"], (path, answer.headers)

        browser = Browser(tmp_path)
        traffic.start()
        browser.load("Page.navigate", url=base + "/#token=" + TOKEN)
        read = READ_PAGE % {"endpoint": demo_backend.address, "key": TOKEN_KEY}

        # Traffic passes and is blocked, and the numbers shown grow while it goes on.
        first = browser.wait_for(read, lambda p: p["passTotal"] and p["blockTotal"], "pass and block counts on the page")
        later = browser.wait_for(read, lambda p: p["passTotal"] > first["passTotal"] and p["refreshes"] > first["refreshes"],
                                 "the pass total growing")
        assert later["passShown"] == str(later["passTotal"]) and int(later["blockShown"]) > 0, later
        assert later["breakers"] == ["error ratio: CLOSED"] and later["inbound"] and later["chartPixels"] > 0, later
        # The token left the visible URL for sessionStorage.
        assert later["hash"] == "" and TOKEN not in later["href"] and later["token"] == TOKEN, later

        page = browser.wait_for(read, lambda p: p["health"] == "healthy" and p["ready"] == "ready",
                                "the endpoint healthy and the gateway ready")
        assert page["healthBadge"] == "healthy" and "/v1/echo/{req.name}" in page["route"], page
        assert "EchoService.Say" in page["route"], page
        assert page["rule"] is not None and "say" in page["rule"], page  # the flow rule, in Sentinel's JSON
        assert page["authHidden"] and "bad" not in page["status"], page
        traffic.stop()
        assert traffic.statuses[200] > 0 and traffic.statuses[429] > 0, traffic.statuses

        save_screenshot(browser, tmp_path, "dashboard.png")
        for tab in ("services", "routes", "rules"):
            browser.evaluate("document.querySelector('button[data-tab=\"%s\"]').click()" % tab)
            save_screenshot(browser, tmp_path, "dashboard-%s.png" % tab)
        browser.evaluate("document.querySelector('button[data-tab=\"resources\"]').click()")
        browser.evaluate("1")  # reads the events sent so far
        assert browser.errors == [], browser.errors

        # Without a token the admin API answers 401: the page asks for one, and goes on with it.
        browser.evaluate("sessionStorage.removeItem('%s')" % TOKEN_KEY)
        browser.load("Page.reload")
        browser.wait_for("!document.getElementById('auth').hidden", bool, "the token form")
        browser.evaluate("document.getElementById('auth-token').value = '%s';"
                         "document.getElementById('auth-form').requestSubmit()" % TOKEN)
        page = browser.wait_for(read, lambda p: p["authHidden"] and p["refreshes"] > 0 and p["passTotal"] is not None,
                                "the page live again with the token typed in")
        assert page["token"] == TOKEN, page
        browser.evaluate("1")
        # The refused requests' 401s are logged by Chromium itself; nothing else may be.
        unexpected = [e for e in browser.errors if not (e[0] == "log:network" and "401" in e[1])]
        assert unexpected == [], unexpected
    finally:
        traffic.stop()
        if browser is not None:
            browser.close()
        child.stop()
