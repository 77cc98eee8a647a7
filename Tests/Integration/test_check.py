"""`sluice check`: validates route files and the IDLs they name; every error as file:line:col: message."""

import pathlib
import re
import subprocess

import pytest

from conftest import REPO, STORE_IDL

GOOD_SERVICE = """services:
  - name: store
    idl: %s
    transport: framed
    codec: binary
    endpoints: ["127.0.0.1:9"]
""" % STORE_IDL


def test_repository_routes_are_ok(sluice):
    result = sluice("check", REPO / "routes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^ok: \d+ routes, 3 services$", result.stdout, re.MULTILINE), result.stdout


def test_default_directory_is_routes(sluice):
    result = sluice("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")


def test_yaml_syntax_error_has_position(sluice, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("services:\n  - name: x\n    idl: [unclosed\n")
    result = sluice("check", tmp_path)
    assert result.returncode != 0
    assert re.search(r"^%s:\d+:\d+: " % re.escape(str(bad)), result.stdout + result.stderr, re.MULTILINE), \
        result.stdout + result.stderr


def test_every_error_is_reported_with_its_line(sluice, tmp_path):
    routes = tmp_path / "routes.yaml"
    routes.write_text(GOOD_SERVICE + """routes:
  - method: GET
    path: /a/{req.id}
    service: store
    call: StoreService.nope
  - method: GET
    path: /b
    service: missing
    call: StoreService.ping
""")
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(r"^%s:11:\d+: .*nope" % re.escape(str(routes)), out, re.MULTILINE), out
    assert re.search(r"^%s:14:\d+: .*missing" % re.escape(str(routes)), out, re.MULTILINE), out


def test_bad_idl_is_reported_at_its_position(sluice, tmp_path):
    idl = tmp_path / "broken.thrift"
    idl.write_text("service S {\n  void ping(\n}\n")
    (tmp_path / "routes.yaml").write_text("""services:
  - name: s
    idl: broken.thrift
    transport: framed
    endpoints: ["127.0.0.1:9"]
""")
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(r"%s:3:\d+: " % re.escape(str(idl)), out), out


def test_run_refuses_a_bad_route_file(sluice, tmp_path):
    (tmp_path / "routes.yaml").write_text("services: 3\n")
    result = sluice("run", "--routes", tmp_path, "--listen", "127.0.0.1:0", timeout=30)
    assert result.returncode != 0
    assert "routes.yaml:1:" in result.stdout + result.stderr


def test_routes_and_examples_are_found_from_the_package_root(sluice_bin, tmp_path):
    """Started outside the repository, the binary finds routes/ (and examples/) next to its .build folder."""
    import subprocess

    result = subprocess.run([sluice_bin, "check"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")


# Our own IDLs reproducing the constructs of Apache Thrift's test IDLs (ThriftTest, EnumTest, AnnotationTest,
# ConstantsDemo, includes): whatever Apache's compiler accepts, `sluice check` must load, and the other way
# round for the ones it rejects.
IDL_COMPAT = pathlib.Path(__file__).parent / "idl_compat"


def check_idl(sluice, tmp_path, idl):
    (tmp_path / "routes.yaml").write_text("""services:
  - name: s
    idl: %s
    transport: framed
    endpoints: ["127.0.0.1:9"]
""" % idl)
    return sluice("check", tmp_path)


def apache_accepts(idl, out_dir):
    result = subprocess.run(["thrift", "--gen", "py", "-o", str(out_dir), str(idl)], capture_output=True, text=True,
                            timeout=30)
    return result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("idl", sorted((IDL_COMPAT / "accept").glob("*.thrift")), ids=lambda p: p.stem)
def test_loads_what_apache_thrift_accepts(sluice, tmp_path, idl):
    accepted, output = apache_accepts(idl, tmp_path)
    assert accepted, "the fixture must be one Apache Thrift's compiler accepts: " + output
    result = check_idl(sluice, tmp_path, idl)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^ok: 0 routes, 1 services$", result.stdout, re.MULTILINE), result.stdout


@pytest.mark.parametrize("idl", sorted((IDL_COMPAT / "reject").glob("*.thrift")), ids=lambda p: p.stem)
def test_rejects_what_apache_thrift_rejects(sluice, tmp_path, idl):
    accepted, _ = apache_accepts(idl, tmp_path)
    assert not accepted, "the fixture must be one Apache Thrift's compiler rejects"
    result = check_idl(sluice, tmp_path, idl)
    assert result.returncode != 0
    assert re.search(r"^%s:\d+:\d+: " % re.escape(str(idl)), result.stdout, re.MULTILINE), result.stdout


def test_warnings_are_printed_and_do_not_fail(sluice, tmp_path):
    """An enum default written with another enum's prefix loads, as in Apache Thrift, with a warning."""
    idl = IDL_COMPAT / "accept" / "enum_values.thrift"
    line = next(number for number, text in enumerate(idl.read_text().splitlines(), 1) if "First.S_2" in text)
    result = check_idl(sluice, tmp_path, idl)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^%s:%d:\d+: warning: 'First\.S_2' is read as 'Second\.S_2'" % (re.escape(str(idl)), line),
                     result.stdout, re.MULTILINE), result.stdout
    assert result.stdout.rstrip().endswith("ok: 0 routes, 1 services")


def test_warnings_are_printed_beside_errors(sluice, tmp_path):
    """A route file with an error still shows the IDL's warnings, so fixing the error shows nothing new."""
    idl = IDL_COMPAT / "accept" / "enum_values.thrift"
    (tmp_path / "routes.yaml").write_text("""services:
  - name: s
    idl: %s
    transport: framed
    endpoints: ["127.0.0.1:9"]
routes:
  - {method: GET, path: /x, service: s, call: NoSuchService.m}
""" % idl)
    result = sluice("check", tmp_path)
    assert result.returncode != 0
    assert re.search(r"routes\.yaml:\d+:\d+: unknown call 'NoSuchService\.m'", result.stdout), result.stdout
    assert re.search(r"%s:\d+:\d+: warning: 'First\.S_2' is read as 'Second\.S_2'" % re.escape(str(idl)),
                     result.stdout), result.stdout
    assert "1 error in" in result.stderr, result.stderr


def test_sluice_run_logs_the_same_warnings(start_gateway):
    """`sluice run` starts on an IDL with warnings and logs each one, as `check` prints it."""
    idl = IDL_COMPAT / "accept" / "enum_values.thrift"
    gw = start_gateway({
        "services": [{"name": "compat", "idl": str(idl), "protocol": "thrift", "transport": "framed",
                      "codec": "binary", "endpoints": ["127.0.0.1:1"]}],
        "routes": [],
    })
    # Logged while loading, before the gateway said it is listening (which start_gateway waited for).
    assert re.search(r"%s:\d+:\d+: warning: 'First\.S_2' is read as 'Second\.S_2'" % re.escape(str(idl)),
                     gw.child.text()), gw.child.text()


RESILIENT_SERVICE = """services:
  - name: store
    idl: %s
    transport: framed
    discovery: {etcd: {endpoints: ["127.0.0.1:2379"], service: store}}
    balancer: consistent_hash
    hash_key: {header: x-user}
    retry: {max_attempts: 3, per_try_timeout: 300ms, backoff: {base: 25ms, max: 250ms}, on: [connect_failure, reset]}
    hedge: {delay: p95}
    outlier: {consecutive_failures: 5, interval: 10s, base_ejection: 30s, max_ejection_percent: 50}
    health_check: {interval: 5s, timeout: 1s, healthy: 2, unhealthy: 3, thrift_method: StoreService.ping}
    slow_start: 30s
""" % STORE_IDL


def test_resilience_keys_check_and_their_errors_name_the_field(sluice, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(RESILIENT_SERVICE + """routes:
  - {method: GET, path: /p, service: store, call: StoreService.ping, timeout: 200ms, retry: {idempotent: true}}
""")
    result = sluice("check", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 services" in result.stdout or "1 service" in result.stdout, result.stdout
    good.write_text(RESILIENT_SERVICE.replace("max: 250ms", "max: 5ms").replace("p95", "fast"))
    result = sluice("check", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "%s:8:81: retry.backoff.max: must be at least backoff.base" % good in out, out
    assert "%s:9:20: hedge.delay: expected a duration or a percentile" % good in out, out
