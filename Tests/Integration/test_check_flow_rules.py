"""`sluice check` on route files with flow-control rules: a bad rule, or an exception the IDL does not declare,
is an error at its file:line:col (exit non-zero); a Sentinel JSON file with one invalid rule is a note at the
JSON position (exit 0)."""

import re

from conftest import STORE_IDL

ROUTES = """services:
  - name: store
    idl: %s
    transport: framed
    codec: binary
    endpoints: ["127.0.0.1:9"]
routes:
  - {name: get-item, method: GET, path: "/v1/items/{req.id}", service: store, call: StoreService.getItem}
""" % STORE_IDL


def test_bad_rule_is_an_error_at_its_position(sluice, tmp_path):
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES + """flow:
  - {resource: get-itme, count: 10}
circuit_breakers:
  - {resource: get-item, strategy: error_ratio, threshold: 2, recovery_timeout: 5s}
""")
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    path = re.escape(str(routes))
    assert re.search(r"^%s:10:16: no route or method is the resource 'get-itme' \(did you mean 'get-item'\?\)$" % path,
                     out, re.MULTILINE), out
    assert re.search(r"^%s:12:60: 'threshold' must be a number in 0\.\.\.1$" % path, out, re.MULTILINE), out



def test_misspelt_exception_is_an_error_at_its_position(sluice, tmp_path):
    """An `exception:` outcome is checked against the IDL: getItem throws `common.NotFound notFound`."""
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES + """circuit_breakers:
  - {resource: get-item, strategy: error_count, threshold: 3, recovery_timeout: 5s, errors: ["exception:common.NotFound", "exception:NotFuond"]}
""")
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert re.search(r"^%s:10:123: resource 'get-item' calls StoreService\.getItem, which does not declare the exception "
                     r"'NotFuond' \(declared: NotFound; did you mean 'NotFound'\?\)$" % re.escape(str(routes)), out, re.MULTILINE), out

    routes.write_text(routes.read_text().replace("exception:NotFuond", "exception:notFound"))
    result = sluice("check", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr

def test_sentinel_file_with_an_invalid_rule_is_a_note(sluice, tmp_path):
    (tmp_path / "routes.yaml").write_text(ROUTES + """sentinel:
  flow: sentinel/flow.json
flow:
  - {resource: "store:StoreService.getItem", grade: concurrency, count: 20}
""")
    (tmp_path / "sentinel").mkdir()
    rules = tmp_path / "sentinel" / "flow.json"
    rules.write_text('[\n  {"resource": "get-item", "count": 100},\n  {"resource": "get-item", "count": -5}\n]\n')
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert re.search(r"^%s:3:37: warning: \$\[1\]\.count: must be >= 0 \(this rule is dropped, as Sentinel drops it\)$"
                     % re.escape(str(rules)), result.stdout, re.MULTILINE), out
    assert re.search(r"^ok: \d+ routes, 1 services$", result.stdout, re.MULTILINE), out
