"""Every option of the command line has its argument in Python, with the same data as the CLI
(each JSON output validated against the schema by `cli`): gate --lambda, --float, --no-bound,
--standalone, --lang; prove --no-bound, --search-timeout, sup-norm claims, its Markdown and
LaTeX reports; expand's reports; the limits --timeout and --memory."""

from fractions import Fraction

import pytest

import taylorgate as tg
from conftest import ROOT, cli, cli_text, validate


def test_gate_lambda_is_the_cli_lambda_check():
    g = tg.gate("softplus", epsilon="1e-3", lam="1/16")
    _, data = cli("gate", "softplus", "--epsilon", "1e-3", "--lambda", "1/16")
    assert validate(g.data) == data
    c = g.lambda_check
    assert c.lam == Fraction(1, 16) and c.verdict in ("certified", "refuted", "undecided")
    if c.verdict == "certified":
        assert c.upper <= Fraction(1, 1000)
    # Without epsilon: the supremum enclosed, with the point where the lower bound is reached.
    e = tg.gate("softplus", lam="1/16")
    _, data = cli("gate", "softplus", "--lambda", "1/16")
    assert validate(e.data) == data
    c = e.lambda_check
    assert c.verdict == "enclosed" and 0 < c.lower <= c.upper
    assert len(c.witness) == 2 and all(abs(w) <= 1 for w in c.witness)
    # |f(witness) - product| lies in the printed value interval, which reaches the lower bound.
    assert c.value[0] <= c.value[1]
    assert c.value[0] <= 0 <= c.value[1] or min(abs(c.value[0]), abs(c.value[1])) >= c.lower


def test_gate_float_is_the_cli_float_certificate():
    g = tg.gate("softplus", epsilon="1e-3", float="f32")
    code, data = cli("gate", "softplus", "--epsilon", "1e-3", "--float", "f32")
    assert validate(g.data) == data
    f = g.float_certificate
    assert f["format"] == "f32" and isinstance(f["reached"], bool)
    assert code == (0 if f["reached"] else 1)
    with pytest.raises(tg.UsageError):
        tg.gate("softplus", float="f16", epsilon="1e-3")


def test_gate_without_bound_standalone_and_portuguese():
    g = tg.gate("tanh(x) + x^2", bound=False)
    assert g.remainder is not None and g.remainder.bound is None and g.data["remainder"]["bound"] is None
    _, data = cli("gate", "tanh(x) + x^2", "--no-bound")
    assert g.data == data
    doc = g.derivation(format="latex", lang="pt", standalone=True)
    _, text = cli_text("gate", "tanh(x) + x^2", "--no-bound", "--format", "latex", "--lang", "pt", "--standalone")
    assert doc == text and doc.lstrip().startswith("\\documentclass")


def test_prove_options_and_reports():
    path = ROOT / "examples" / "supnorm.tg"
    claims = tg.prove(path, bound=False, search_timeout=30)
    _, data = cli("prove", str(path), "--no-bound", "--search-timeout", "30")
    assert validate(claims.data) == data
    assert [c.data for c in claims] == data["claims"]
    assert any(c.sup is not None for c in claims)
    assert all(c.remainder.bound is None for c in claims)
    _, markdown = cli_text("prove", str(path), "--no-bound", "--search-timeout", "30", "--format", "markdown")
    assert claims.report("markdown") == markdown


def test_expand_reports_are_the_cli_reports():
    s = tg.expand("softplus", order=4, lang="pt")
    _, md = cli_text("expand", "softplus", "--order", "4", "--format", "markdown", "--lang", "pt")
    assert s.report("markdown") == md
    _, tex = cli_text("expand", "softplus", "--order", "4", "--format", "latex", "--lang", "pt")
    assert s.report("latex") == tex
    with pytest.raises(tg.UsageError):
        s.report("html")


def test_the_memory_limit_is_a_budget_error():
    tg.configure(timeout=120, memory=1)
    try:
        with pytest.raises(tg.BudgetError) as info:
            tg.expand("exp(x)*sin(x)*tanh(x)", at="1/3", order=200)
        assert info.value.kind == "interrupted" and "memory" in str(info.value)
    finally:
        tg.configure()
    code, data = cli("expand", "exp(x)*sin(x)*tanh(x)", "--at=1/3", "--order", "200", "--memory", "1", code=2)
    assert data["error"]["kind"] == "interrupted"
