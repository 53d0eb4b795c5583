"""Exceptions mirror the crate's errors, with line and column; the CLI prints the same error
as JSON (exit 2)."""

import pytest

import taylorgate as tg
from conftest import cli


def test_parse_error_line_column_and_caret():
    with pytest.raises(tg.ParseError) as info:
        tg.expand("sin(x) + tahn(x)")
    e = info.value
    assert (e.line, e.column) == (1, 10)
    assert e.kind == "parse" and "did you mean `tanh`" in str(e) and "^" in str(e)
    code, data = cli("expand", "sin(x) + tahn(x)", code=2)
    assert data["error"] == {"kind": "parse", "message": str(e), "line": 1, "column": 10}


def test_parse_error_on_a_later_line_of_a_file():
    with pytest.raises(tg.ParseError) as info:
        tg.prove("f(x) = x\nclaim f(x) = x + O(x^2\n")
    assert info.value.line == 2 and info.value.column is not None
    assert isinstance(info.value, tg.TaylorgateError)


def test_math_errors():
    with pytest.raises(tg.MathError) as info:
        tg.expand("1/x")
    assert info.value.kind == "math" and "pole" in str(info.value)
    _, data = cli("expand", "1/x", code=2)
    assert data["error"]["kind"] == "math" and data["error"]["message"] == str(info.value)
    with pytest.raises(tg.MathError):
        tg.diff("x", 1, at="ln(-1)")


def test_limit_error():
    with pytest.raises(tg.LimitError) as info:
        tg.expand("exp(x)", order=10**9)
    _, data = cli("expand", "exp(x)", "--order", str(10**9), code=2)
    assert data["error"]["kind"] == "limit" and data["error"]["message"] == str(info.value)


def test_usage_errors():
    with pytest.raises(tg.UsageError) as info:
        tg.gate("exp(y)")
    assert "unknown name `y`" in str(info.value) and "variable `x`" in str(info.value)
    _, data = cli("gate", "exp(y)", code=2)
    assert data["error"]["kind"] == "usage"
    with pytest.raises(TypeError):
        tg.expand("exp(x)", at=0.5)


def test_a_math_error_is_located_with_a_caret():
    with pytest.raises(tg.MathError) as info:
        tg.expand("x + ln(-1)")
    e = info.value
    assert (e.line, e.column) == (1, 5) and "^^^^^^" in str(e)
    _, data = cli("expand", "x + ln(-1)", code=2)
    assert data["error"] == {"kind": "math", "message": str(e), "line": 1, "column": 5}


def test_a_refused_command_line_is_a_json_usage_error():
    # An unknown option with --format json: the schema's error object (validated by `cli`).
    _, data = cli("gate", "softplus", "--bogus", code=2)
    assert data["command"] == "gate"
    assert data["error"]["kind"] == "usage" and "--bogus" in data["error"]["message"]
    assert data["error"]["line"] is None and data["error"]["column"] is None
