#!/usr/bin/env bash
# The Python package: builds and installs it from source into $TG_VENV with the README's
# command (pip install ./python), then runs its pytest suite (python/tests), which also checks
# the CLI's JSON against schema/taylorgate-1.json and executes the example notebook.
set -euo pipefail
cd "$TG_ROOT"
cargo build --release --bin taylorgate
"$TG_VENV/bin/python" -m pip install -q --disable-pip-version-check ./python
status=0
"$TG_VENV/bin/python" -m pytest -q python/tests || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$status"
