#!/usr/bin/env bash
# Installs what the tests need, builds Sluice, and runs every test: the Swift unit tests, then the
# integration tests that start real Thrift servers (Apache Thrift's Python library) on loopback and drive
# them through the `sluice` binary (`sluice call`, `sluice run`, `sluice check`, `sluice demo`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

swift build --build-tests
swift test --skip-build --parallel

if [ -d Tests/Integration ] && ls Tests/Integration/test_*.py >/dev/null 2>&1; then
    swift build --product sluice   # already built with the tests; this makes sure
    SLUICE_BIN="$(swift build --show-bin-path)/sluice"
    export SLUICE_BIN
    # A hung backend must not eat the CI budget: every test bounds its own waits, and this bounds the run.
    timeout --signal=INT --kill-after=30 1200 \
        python3 -m pytest -q -p no:cacheprovider Tests/Integration "$@"
fi
