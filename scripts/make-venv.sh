#!/usr/bin/env bash
# Usage: make-venv.sh DIR
# Creates a Python virtual environment in DIR with pip. pip is bootstrapped in its own step so
# that, if it fails, its own message and the free disk space are printed (`python3 -m venv`
# swallows ensurepip's output and says only "returned non-zero exit status 1").
set -euo pipefail
dir="$1"
python3 -m venv --without-pip "$dir"
log="$dir/ensurepip.log"
if ! "$dir/bin/python" -m ensurepip --upgrade --default-pip >"$log" 2>&1; then
  cat "$log" >&2
  df -h "$dir" /tmp >&2
  exit 1
fi
