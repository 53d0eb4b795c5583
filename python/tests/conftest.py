"""Shared helpers: the command line next to the package, and the JSON schema every JSON output
of the tests is validated against."""

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schema" / "taylorgate-1.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
# The independent SymPy reference (a copy of shared/reference/activations.json).
REFERENCE = json.loads((ROOT / "tests" / "data" / "activations.json").read_text())


def validate(data):
    """Fails the test when `data` does not follow the schema taylorgate/1."""
    errors = sorted(VALIDATOR.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, f"{errors[0].message} at {list(errors[0].path)}"
    return data


def cli_binary():
    path = Path(os.environ.get("TG_CLI", ROOT / "target" / "release" / "taylorgate"))
    if not path.exists():
        subprocess.run(["cargo", "build", "--release", "--bin", "taylorgate"], cwd=ROOT, check=True)
    return str(path)


def cli(*args, code=None):
    """Runs the command line with `--format json`; returns (exit code, validated JSON)."""
    out = subprocess.run(
        [cli_binary(), *args, "--format", "json"], capture_output=True, text=True, timeout=600
    )
    data = validate(json.loads(out.stdout))
    if code is not None:
        assert out.returncode == code, out.stderr
    return out.returncode, data


def cli_text(*args):
    """Runs the command line as given; returns (exit code, standard output)."""
    out = subprocess.run([cli_binary(), *args], capture_output=True, text=True, timeout=600)
    return out.returncode, out.stdout


@pytest.fixture(scope="session")
def reference():
    return REFERENCE
