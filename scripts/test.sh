#!/usr/bin/env bash
# The README's test command: installs what the tests need beyond cargo (Debian packages, PyPI
# packages in a virtual environment, npm packages), then runs every test suite.
#
# Each suite is one file in scripts/test.d/, run in name order; the first failure stops the run.
# Environment: TG_VENV (default .venv-test) is the virtual environment the suites share.
set -euo pipefail
cd "$(dirname "$0")/.."
export TG_ROOT="$PWD"
export TG_VENV="${TG_VENV:-$PWD/.venv-test}"
# Free disk space, for the record: a full disk fails a suite in ways that do not say so.
df -h . | tail -n 1 | awk '{print "disk: " $4 " free of " $2}'
for suite in scripts/test.d/*.sh; do
  echo "== ${suite#scripts/test.d/}"
  start=$(date +%s)
  bash "$suite"
  echo "== ${suite#scripts/test.d/}: ok in $(( $(date +%s) - start )) s"
done
