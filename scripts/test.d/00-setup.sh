#!/usr/bin/env bash
# Installs what the suites need beyond cargo, from the lists in tests/:
#   tests/apt-packages.txt  Debian packages (one a line)
#   tests/requirements.txt  PyPI packages, into the virtual environment $TG_VENV
#   tests/js/package.json   npm packages, into tests/js/node_modules
# Idempotent: what is already installed is not fetched again.
set -euo pipefail
cd "$TG_ROOT"

if [ -s tests/apt-packages.txt ]; then
  mapfile -t pkgs < <(grep -v '^\s*#' tests/apt-packages.txt | grep -v '^\s*$')
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ -s tests/requirements.txt ]; then
  if [ ! -x "$TG_VENV/bin/python" ]; then
    bash scripts/make-venv.sh "$TG_VENV"
  fi
  "$TG_VENV/bin/python" -m pip install -q --disable-pip-version-check -r tests/requirements.txt
fi

if [ -f tests/js/package.json ]; then
  (cd tests/js && npm install --no-audit --no-fund --silent)
fi
