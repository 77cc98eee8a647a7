-- POSTs the JSON file named by $BODY_FILE on every request; wrk keeps the connections alive.
-- No response() callback on purpose: defining one makes wrk parse every body, which costs the load
-- generator CPU on a machine where it shares the cores with the proxy under test. wrk's own
-- "Non-2xx or 3xx responses" line is enough to reject a run built on errors.
local path = os.getenv("BODY_FILE")
assert(path, "BODY_FILE must name the JSON body to POST")
local file = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
-- $EXTRA_HEADERS: more fields for every request, "Name: value" separated by "|" (a token, an Origin).
for field in (os.getenv("EXTRA_HEADERS") or ""):gmatch("[^|]+") do
    local name, value = field:match("^%s*([^:]+):%s*(.*)$")
    assert(name, "EXTRA_HEADERS: '" .. field .. "' is not 'Name: value'")
    wrk.headers[name] = value
end
