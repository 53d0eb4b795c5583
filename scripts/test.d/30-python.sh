#!/usr/bin/env bash
# The Python package, from a clean state: a brand-new virtual environment gets the README's
# command (pip install ./python) and the README's one-liner must work in it; then the package
# goes into $TG_VENV (the same build: cargo's target directory is shared; the package builds the
# crate without its default feature `cli`, so without clap) and its pytest suite
# (python/tests) runs there: every API function, the exceptions, Ctrl-C, equality with the
# CLI's JSON on every reference case, the JSON Schema of every JSON output, the notebook.
set -euo pipefail
cd "$TG_ROOT"
# One target directory for the binary, the tests and the extension module.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$TG_ROOT/target}"
cargo build --release --bin taylorgate
export TG_CLI="$CARGO_TARGET_DIR/release/taylorgate"

# The fresh environment lives under the target directory, not /tmp: /tmp may be a small
# filesystem of its own.
mkdir -p "$CARGO_TARGET_DIR"
fresh="$(mktemp -d "$CARGO_TARGET_DIR/fresh-venv.XXXXXX")"
trap 'rm -rf "$fresh"' EXIT
bash scripts/make-venv.sh "$fresh/venv"
"$fresh/venv/bin/python" -m pip install -q --disable-pip-version-check ./python
# Outside the source tree, so that the installed package is the one imported.
(cd "$fresh" && "$fresh/venv/bin/python" -c "import taylorgate as tg; print(tg.gate('softplus').remainder)") \
  | tee "$fresh/out.txt"
grep -q "^order 4: -1/12\*u^3\*v - 1/12\*u\*v^3$" "$fresh/out.txt"

"$TG_VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./python
status=0
(cd python/tests && "$TG_VENV/bin/python" -m pytest -q -p no:cacheprovider .) || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$status"
