#!/usr/bin/env bash
# Installs what the tests need, builds Sluice, and runs every test: the Swift unit tests, then the
# integration tests that start real Thrift servers (Apache Thrift's Python library) on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

swift build --build-tests
swift test --skip-build --parallel

if [ -d Tests/Integration ] && ls Tests/Integration/test_*.py >/dev/null 2>&1; then
    swift build --product sluice
    SLUICE_BIN="$(swift build --show-bin-path)/sluice" python3 -m pytest -q Tests/Integration
fi
