#!/usr/bin/env bash
# The system and Python packages the tests talk to. Safe to run again; skips what is already there.
set -euo pipefail

need_apt=()
command -v curl >/dev/null || need_apt+=(curl)
command -v thrift >/dev/null || need_apt+=(thrift-compiler)
if [ ${#need_apt[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

python3 -c 'import thrift' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check 'thrift>=0.17'
python3 -c 'import pytest' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check pytest
