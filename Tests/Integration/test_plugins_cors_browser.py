"""The `cors` edge plugin as a real browser enforces it: Debian's headless Chromium, driven over the DevTools
protocol (test_dashboard.py's `Browser`), loads a small page from another origin (a stdlib HTTP server on its
own loopback port: another port is another origin) and runs `fetch()` against `sluice run` from it.

The gateway's routes go to the demo backend's EchoService.Say (it answers the request it was sent) with
`cors` + `key_auth` + `headers`; the page's origin is allowed by name, `http://localhost:<port>` by pattern, and
a second page server's origin not at all. What the page can read (or the TypeError `fetch` rejects with) is
what Chromium allowed; CDP's Network events show the raw answers Chromium received (preflights, and answers it
then withheld); the gateway's JSON access log (one event loop, so in order) and /metrics show what it was
actually sent: a preflight answered 204 or refused 403, and no actual request after a refusal."""

import http.server
import json
import shutil
import threading
import time

import pytest

from conftest import ECHO_IDL
from support.gateway import Gateway, start_with_config, write_routes
from support.processes import free_port
from test_dashboard import Browser
from test_metrics import scrape

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed "
                                "(apt-get install chromium; scripts/install-test-deps.sh does it)")

KEY = "k-123"
COOKIE = "sid=browser-session"

# The page: `probe(url, init)` runs one fetch and says what the page could see of it, or how it failed.
PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>cors page</title></head>
<body>
<p>a page of another origin</p>
<script>
async function probe(url, init) {
  try {
    const r = await fetch(url, init);
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch (e) {}
    return {rejected: false, status: r.status, type: r.type, json: json, text: text,
            headers: Object.fromEntries(r.headers)};
  } catch (e) {
    return {rejected: true, name: e.name, message: String(e.message)};
  }
}
</script>
</body></html>
"""


class PageHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGE if self.path.split("?")[0] in ("/", "/index.html") else b"not here\n"
        self.send_response(200 if body is PAGE else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8" if body is PAGE else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class PageServer:
    """The page, from a stdlib HTTP server on a free loopback port, in a thread of this process."""

    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def origin(self, host="127.0.0.1"):
        return "http://%s:%d" % (host, self.port)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def cors_settings(allowed_origin):
    return {"origins": [allowed_origin], "origins_regex": ["http://localhost:[0-9]+"],
            "methods": ["GET", "POST", "PUT"], "headers": ["content-type", "x-api-key"],
            "expose_headers": ["x-from"], "credentials": True, "max_age": "600s"}


def routes_document(demo_backend, allowed_origin):
    plugins = {"cors": cors_settings(allowed_origin),
               "key_auth": {"keys": [{"key": KEY, "consumer": "partner-a"}]},
               "headers": {"response": {"set": {"x-from": "gateway"}}}}

    def say(method, path, name, plugins=None, body="req"):
        # The Cookie field the browser sent (with credentials) comes back in `user`.
        route = {"name": name, "method": method, "path": path, "service": "echo", "call": "EchoService.Say",
                 "headers": {"cookie": "req.user"}}
        if body is not None:
            route["body"] = body
        if plugins is not None:
            route["plugins"] = plugins
        return route

    return {
        "services": [{"name": "echo", "idl": str(ECHO_IDL), "transport": "ttheader", "codec": "binary",
                      "endpoints": [demo_backend.address], "timeout": "2s"}],
        "routes": [
            say("POST", "/b/cors/{req.name}", "cors-post", plugins),
            say("PUT", "/b/cors/{req.name}", "cors-put", plugins),
            # DELETE is served here, but cors does not allow it from other origins.
            say("DELETE", "/b/cors/{req.name}", "cors-delete", plugins),
            say("POST", "/b/plain/{req.name}", "plain"),
            say("GET", "/b/plain/{req.name}", "plain-get", body=None),
        ],
    }


class NetworkBrowser(Browser):
    """test_dashboard's Browser, also keeping what Chromium's network stack received for each request (preflights
    too, and answers CORS then withheld from the page): CDP's Network.responseReceivedExtraInfo, the raw status
    and header block."""

    def __init__(self, directory):
        self.sent = {}  # requestId -> (method, url), from Network.requestWillBeSent
        self.raw = []  # (requestId, status, {lower-case name: value}), in the order received
        super().__init__(directory)
        try:
            self.call("Network.enable")
        except BaseException:
            self.close()
            raise

    def _event(self, message):
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.sent[params["requestId"]] = (params["request"]["method"], params["request"]["url"])
        elif method == "Network.responseReceivedExtraInfo":
            self.raw.append((params["requestId"], params["statusCode"],
                             {k.lower(): v for k, v in params["headers"].items()}))
        super()._event(message)

    def received(self, url):
        """[(method, status, headers)] of the answers received for `url`, in order."""
        self.evaluate("1")  # reads the events sent so far
        answers = []
        for request_id, status, headers in self.raw:
            method, sent_url = self.sent.get(request_id, (None, None))
            if sent_url == url:
                answers.append((method, status, headers))
        return answers


class Site:
    def __init__(self, gateway, admin, access_log, page, other, browser):
        self.gateway = gateway
        self.admin = admin
        self.access_log = access_log
        self.page = page  # its origin is allowed by name (127.0.0.1) and by pattern (localhost)
        self.other = other  # its origin is not allowed
        self.browser = browser
        self.sentinels = 0

    def url(self, path):
        return self.gateway.url + path

    def open(self, origin):
        """The page at `origin` in the browser (navigating only when it shows another)."""
        if self.browser.evaluate("location.origin") != origin:
            self.browser.load("Page.navigate", url=origin + "/")
            assert self.browser.evaluate("location.origin") == origin
            assert self.browser.evaluate("typeof probe") == "function"

    def fetch(self, origin, path, **init):
        """`fetch(gateway + path, init)` run by the page at `origin`: what the page saw."""
        self.open(origin)
        expression = "probe(%s, %s)" % (json.dumps(self.url(path)), json.dumps(init))
        return self.browser.evaluate(expression)

    def log(self, paths, timeout=15):
        """The access log's entries for `paths`, in order, once a request sent now (a sentinel, after everything
        the browser sent) is in the log: with one event loop, whatever came before it is there too."""
        self.sentinels += 1
        sentinel = "/b/plain/sentinel-%d" % self.sentinels
        assert self.gateway.post(sentinel, {}).status == 200
        deadline = time.monotonic() + timeout
        while True:
            text = self.access_log.read_text() if self.access_log.exists() else ""
            entries = [json.loads(line) for line in text.split("\n")[:-1]]  # whole lines only
            if any(e["path"] == sentinel for e in entries):
                return [e for e in entries if e["path"] in paths]
            assert time.monotonic() < deadline, "no access log entry for %s in %ds" % (sentinel, timeout)
            time.sleep(0.05)

    def blocked_because(self, path):
        """Why Chromium's console says it blocked the fetch of `path` (the text after 'CORS policy: '), each time."""
        self.browser.evaluate("1")  # reads the events sent so far
        prefix = "Access to fetch at '%s' from origin " % self.url(path)
        # Browser keeps a log entry as "<text> <page url>".
        return [text.rsplit(" ", 1)[0].split("blocked by CORS policy: ", 1)[1] for kind, text in self.browser.errors
                if text.startswith(prefix) and "blocked by CORS policy: " in text]


@pytest.fixture(scope="module")
def site(sluice_bin, tmp_path_factory, demo_backend):
    directory = tmp_path_factory.mktemp("cors-browser")
    page = other = child = browser = None
    try:
        page, other = PageServer(), PageServer()
        routes = write_routes(directory / "routes", routes_document(demo_backend, page.origin()))
        admin = free_port()
        config = directory / "sluice.yaml"
        config.write_text(json.dumps({
            "listeners": [{"address": "127.0.0.1:0"}],
            "routes": str(routes),
            "admin": {"address": "127.0.0.1:%d" % admin},
            "watch": "off",
            "access_log": {"path": str(directory / "access.log")},
        }))
        # One event loop: the access log's entries are in the order the requests were answered.
        child, listeners = start_with_config(sluice_bin, config, directory / "run.log", extra=("--event-loops", "1"))
        browser = NetworkBrowser(directory)
        yield Site(Gateway(child, listeners[0][1]), admin, directory / "access.log", page, other, browser)
    finally:
        if browser is not None:
            browser.close()
        if child is not None:
            child.stop()
        for server in (page, other):
            if server is not None:
                server.stop()


def seen(entries):
    return [(e["method"], e["path"], e["status"], e["blocked_by"]) for e in entries]


def cors_blocks(admin):
    """sluice_plugin_blocked_total{plugin="cors", code="forbidden"} by route."""
    return {dict(labels)["route"]: count for (name, labels), count in scrape(admin).items()
            if name == "sluice_plugin_blocked_total" and dict(labels)["plugin"] == "cors"
            and dict(labels)["code"] == "forbidden"}


def cors_blocks_since(admin, before, expected_total, timeout=10):
    """The cors refusals counted since `before`, by route, once they add up to `expected_total` (or the time is up)."""
    deadline = time.monotonic() + timeout
    while True:
        after = cors_blocks(admin)
        delta = {route: count - before.get(route, 0) for route, count in after.items() if count != before.get(route, 0)}
        if sum(delta.values()) >= expected_total or time.monotonic() > deadline:
            return delta
        time.sleep(0.05)


NO_ALLOW_ORIGIN = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
PREFLIGHT_FAILED = "Response to preflight request doesn't pass access control check: "
NOT_OK = PREFLIGHT_FAILED + "It does not have HTTP ok status."
CORS_FIELDS = ("access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers",
               "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age")


def cors_fields(headers):
    return {name: v for name, v in headers.items() if name in CORS_FIELDS}


def varies_on_origin(headers):
    return "origin" in {token.strip().lower() for token in headers.get("vary", "").split(",")}


def assert_rejected(result):
    """What a page gets when the browser withholds an answer: a network error, nothing of the response."""
    assert result["rejected"] and result["name"] == "TypeError", result
    assert result["message"] == "Failed to fetch", result


JSON_WITH_KEY = {"content-type": "application/json", "x-api-key": KEY}


# --- an allowed origin --------------------------------------------------------------------------------------------

def test_a_preflighted_post_with_the_key_is_read_with_credentials(site):
    """content-type: application/json and x-api-key make Chromium ask first; the gateway allows both, with
    credentials, so the page reads the JSON, the exposed x-from, and the cookie it sent came through."""
    origin = site.page.origin()
    site.open(origin)
    # A first-party cookie of 127.0.0.1 (any port): sent to the gateway only with credentials: 'include'.
    site.browser.evaluate("document.cookie = %s" % json.dumps(COOKIE + "; path=/"))
    path = "/b/cors/browser-ok"
    result = site.fetch(origin, path, method="POST", credentials="include", headers=JSON_WITH_KEY,
                        body=json.dumps({"message": "hi"}))
    assert not result["rejected"], result
    assert (result["status"], result["type"]) == (200, "cors"), result
    assert result["json"] == {"name": "browser-ok", "message": "hi", "user": COOKIE}, result
    assert result["headers"]["x-from"] == "gateway", result
    # Only the CORS-safelisted fields and the exposed one are readable.
    assert set(result["headers"]) <= {"x-from", "content-type", "content-length", "cache-control"}, result
    # Without credentials the cookie stays home, and the answer is read all the same.
    result = site.fetch(origin, "/b/cors/browser-omit", method="POST", credentials="omit", headers=JSON_WITH_KEY,
                        body="{}")
    assert (result.get("status"), result.get("json")) == (200, {"name": "browser-omit"}), result

    entries = site.log({path, "/b/cors/browser-omit"})
    # The preflight (answered at the edge, before key_auth: it carries no key), then the request itself.
    assert seen(entries) == [("OPTIONS", path, 204, None), ("POST", path, 200, None),
                             ("OPTIONS", "/b/cors/browser-omit", 204, None),
                             ("POST", "/b/cors/browser-omit", 200, None)], entries
    assert entries[1]["consumer"] == "partner-a", entries
    # What Chromium received: the preflight's answer allowed exactly what it asked, with credentials, for 600 s.
    (preflight, actual) = site.browser.received(site.url(path))
    assert preflight[:2] == ("OPTIONS", 204) and cors_fields(preflight[2]) == {
        "access-control-allow-origin": origin, "access-control-allow-methods": "GET, POST, PUT",
        "access-control-allow-headers": "content-type, x-api-key", "access-control-allow-credentials": "true",
        "access-control-max-age": "600"}, preflight
    assert actual[:2] == ("POST", 200) and cors_fields(actual[2]) == {
        "access-control-allow-origin": origin, "access-control-allow-credentials": "true",
        "access-control-expose-headers": "x-from"}, actual
    assert varies_on_origin(preflight[2]) and varies_on_origin(actual[2]), (preflight, actual)


def test_put_is_allowed_too(site):
    origin = site.page.origin()
    path = "/b/cors/browser-put"
    result = site.fetch(origin, path, method="PUT", credentials="include", headers=JSON_WITH_KEY,
                        body=json.dumps({"message": "put"}))
    assert (result.get("status"), (result.get("json") or {}).get("message")) == (200, "put"), result
    assert result["headers"]["x-from"] == "gateway", result
    assert seen(site.log({path})) == [("OPTIONS", path, 204, None), ("PUT", path, 200, None)]


def test_the_preflight_answer_is_reused(site):
    """The same request again at once: Chromium answers it from its preflight cache and does not ask again.
    (Its default without a max-age is 5 s, so this shows the answer is cached, not for how long: the
    access-control-max-age of 600 Chromium received is read in the first test.)"""
    origin = site.page.origin()
    path = "/b/cors/browser-twice"
    for message in ("one", "two"):
        result = site.fetch(origin, path, method="POST", credentials="include", headers=JSON_WITH_KEY,
                            body=json.dumps({"message": message}))
        assert (result.get("status"), (result.get("json") or {}).get("message")) == (200, message), result
    assert seen(site.log({path})) == [("OPTIONS", path, 204, None), ("POST", path, 200, None),
                                      ("POST", path, 200, None)]


def test_an_origin_matching_the_pattern_is_allowed(site):
    origin = site.page.origin("localhost")  # another origin than 127.0.0.1's, allowed by origins_regex
    path = "/b/cors/browser-regex"
    result = site.fetch(origin, path, method="POST", credentials="include", headers=JSON_WITH_KEY,
                        body=json.dumps({"message": "by pattern"}))
    assert (result.get("status"), (result.get("json") or {}).get("message")) == (200, "by pattern"), result
    assert result["headers"]["x-from"] == "gateway", result
    assert seen(site.log({path})) == [("OPTIONS", path, 204, None), ("POST", path, 200, None)]


def test_without_the_key_the_page_reads_the_401(site):
    """key_auth refuses after the preflight passed: the refusal carries the CORS fields, so the page reads it."""
    origin = site.page.origin()
    path = "/b/cors/browser-nokey"
    result = site.fetch(origin, path, method="POST", credentials="include",
                        headers={"content-type": "application/json"}, body="{}")
    assert not result["rejected"], result
    assert result["status"] == 401, result
    assert result["json"]["error"]["code"] == "unauthorized", result
    assert result["json"]["error"]["plugin"] == "key_auth", result
    # www-authenticate is not exposed: the page cannot read it.
    assert "www-authenticate" not in result["headers"], result
    # The headers plugin's response edit is on the refusal too, and exposed.
    assert result["headers"].get("x-from") == "gateway", result
    # A wrong key, the same.
    wrong = site.fetch(origin, "/b/cors/browser-badkey", method="POST", credentials="include",
                       headers={"content-type": "application/json", "x-api-key": "nope"}, body="{}")
    assert (wrong.get("status"), (wrong.get("json") or {}).get("error", {}).get("plugin")) == (401, "key_auth"), wrong
    # A simple request (text/plain, no custom header): no preflight at all, and the 401 is readable.
    simple = "/b/cors/browser-simple"
    result = site.fetch(origin, simple, method="POST", credentials="include", body="{}")
    refusal = (result.get("json") or {}).get("error", {})
    assert (result.get("status"), refusal.get("code")) == (401, "unauthorized"), result
    entries = site.log({path, "/b/cors/browser-badkey", simple})
    assert seen(entries) == [("OPTIONS", path, 204, None), ("POST", path, 401, "key_auth"),
                             ("OPTIONS", "/b/cors/browser-badkey", 204, None),
                             ("POST", "/b/cors/browser-badkey", 401, "key_auth"),
                             ("POST", simple, 401, "key_auth")], entries
    # Chromium received the refusal with the CORS fields (and vary: Origin), and the challenge it kept from the page.
    (preflight, refusal) = site.browser.received(site.url(path))
    assert preflight[:2] == ("OPTIONS", 204) and refusal[:2] == ("POST", 401), (preflight, refusal)
    assert cors_fields(refusal[2]) == {"access-control-allow-origin": origin,
                                       "access-control-allow-credentials": "true",
                                       "access-control-expose-headers": "x-from"}, refusal
    assert varies_on_origin(refusal[2]) and refusal[2]["www-authenticate"].startswith("ApiKey"), refusal


# --- what the browser blocks ----------------------------------------------------------------------------------------

def test_another_origin_is_refused_at_the_preflight(site):
    origin = site.other.origin()
    path = "/b/cors/browser-evil"
    before = cors_blocks(site.admin)
    result = site.fetch(origin, path, method="POST", credentials="include", headers=JSON_WITH_KEY,
                        body=json.dumps({"message": "hi"}))
    assert_rejected(result)
    # The gateway refused the preflight (naming no origin), and so never saw the request itself.
    assert seen(site.log({path})) == [("OPTIONS", path, 403, "cors")]
    assert cors_blocks_since(site.admin, before, 1) == {"cors-post": 1}
    assert site.blocked_because(path) == [PREFLIGHT_FAILED + NO_ALLOW_ORIGIN], site.browser.errors
    ((method, status, headers),) = site.browser.received(site.url(path))
    assert (method, status, cors_fields(headers)) == ("OPTIONS", 403, {}) and varies_on_origin(headers), headers


def test_another_origins_simple_request_is_answered_but_not_shown(site):
    """No preflight for a simple request: the gateway answers it (without CORS fields), the browser hides it."""
    origin = site.other.origin()
    path = "/b/cors/browser-evil-simple"
    result = site.fetch(origin, path, method="POST", credentials="include", body="{}")
    assert_rejected(result)
    assert seen(site.log({path})) == [("POST", path, 401, "key_auth")]
    assert site.blocked_because(path) == [NO_ALLOW_ORIGIN], site.browser.errors
    # What Chromium received and withheld: key_auth's 401, naming no origin, varying on it.
    ((method, status, headers),) = site.browser.received(site.url(path))
    assert (method, status, cors_fields(headers)) == ("POST", 401, {}) and varies_on_origin(headers), headers


@pytest.mark.parametrize("method, route", [("DELETE", "cors-delete"), ("PATCH", None)])
def test_a_method_not_allowed_is_blocked(site, method, route):
    """DELETE has a route but is not in `methods`; PATCH has neither: both preflights are refused, and the
    request is never sent."""
    origin = site.page.origin()
    path = "/b/cors/browser-%s" % method.lower()
    before = cors_blocks(site.admin)
    result = site.fetch(origin, path, method=method, credentials="include", headers={"x-api-key": KEY})
    assert_rejected(result)
    assert seen(site.log({path})) == [("OPTIONS", path, 403, "cors")]
    blocks = cors_blocks_since(site.admin, before, 1)
    assert sum(blocks.values()) == 1 and (route is None or blocks == {route: 1}), blocks
    # The refusal names the (allowed) origin: Chromium stops at its status.
    assert site.blocked_because(path) == [NOT_OK], site.browser.errors
    ((sent, status, headers),) = site.browser.received(site.url(path))
    assert (sent, status, headers["access-control-allow-origin"]) == ("OPTIONS", 403, origin), headers


def test_a_header_not_allowed_is_blocked(site):
    origin = site.page.origin()
    path = "/b/cors/browser-secret"
    before = cors_blocks(site.admin)
    result = site.fetch(origin, path, method="POST", credentials="include",
                        headers=dict(JSON_WITH_KEY, **{"x-secret": "s"}), body="{}")
    assert_rejected(result)
    assert seen(site.log({path})) == [("OPTIONS", path, 403, "cors")]
    assert cors_blocks_since(site.admin, before, 1) == {"cors-post": 1}
    assert site.blocked_because(path) == [NOT_OK], site.browser.errors
    ((sent, status, headers),) = site.browser.received(site.url(path))
    assert (sent, status, headers["access-control-allow-origin"]) == ("OPTIONS", 403, origin), headers


def test_a_route_without_cors_cannot_be_read_cross_origin(site):
    origin = site.page.origin()
    # A simple request is answered by the backend (200), but the page gets nothing of it.
    path = "/b/plain/browser-simple"
    assert_rejected(site.fetch(origin, path))
    # A request that needs a preflight is never sent: nothing at the gateway answers the preflight for it.
    asked = "/b/plain/browser-json"
    assert_rejected(site.fetch(origin, asked, method="POST", headers={"content-type": "application/json"},
                               body="{}"))
    entries = site.log({path, asked})
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [("GET", path, 200), ("OPTIONS", asked, 405)]
    assert site.blocked_because(path) == [NO_ALLOW_ORIGIN], site.browser.errors
    assert [(m, st, cors_fields(h)) for m, st, h in site.browser.received(site.url(path))] == [("GET", 200, {})]
    assert site.blocked_because(asked) == [PREFLIGHT_FAILED + NO_ALLOW_ORIGIN], site.browser.errors
