"""Where `sluice check` should point: the line and column of a marker in a file's text, and the assertion that the
output names that `file:line:col` with a message."""


def position(text, line_marker, token=None):
    """(line, column) of `token` (default: the marker) on the first line containing `line_marker`, 1-based."""
    for number, line in enumerate(text.splitlines(), 1):
        if line_marker in line:
            return number, line.index(token or line_marker) + 1
    raise AssertionError("no line has %r" % line_marker)


def assert_error(out, path, text, marker, message, token=None):
    line, column = position(text, marker, token)
    expected = "%s:%d:%d: %s" % (path, line, column, message)
    assert expected in out, "expected %r in:\n%s" % (expected, out)
