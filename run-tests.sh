#!/usr/bin/env bash
# Sets everything up on a fresh machine (Python 3.11+ and pip), then runs the project's test suite.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/system-packages.sh
python3 -m venv .venv
.venv/bin/pip install -q -e ".[test]"
exec .venv/bin/python -m pytest "$@"
