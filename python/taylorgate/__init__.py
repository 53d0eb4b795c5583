"""taylorgate: exact Taylor series, and proofs of what small neural networks compute.

Every number is exact: a :class:`fractions.Fraction` when rational, otherwise a
:class:`Constant` (``ln(2)``, ``sqrt(pi)/2``, ``e``) with its text in the language, its LaTeX,
guaranteed decimals and exact comparisons.

>>> import taylorgate as tg
>>> tg.expand("ln(1+exp(x))", order=4).coefficients[4]
Fraction(-1, 192)
>>> g = tg.gate("softplus")
>>> g.admits, g.bias, g.derivative_at_bias
(True, Fraction(0, 1), Fraction(1, 4))

The functions go through the same library façade as the command line, and each result keeps
the command's JSON data (schema ``taylorgate/1``) as ``.data``. Long computations release the
GIL and stop on Ctrl-C (``KeyboardInterrupt``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _taylorgate as _native
from ._taylorgate import (
    SCHEMA,
    BudgetError,
    InternalError,
    LimitError,
    MathError,
    ParseError,
    TaylorgateError,
    UndecidedError,
    UsageError,
)

__all__ = [
    "SCHEMA",
    "Activation",
    "Bound",
    "BudgetError",
    "Certificate",
    "Claim",
    "ClaimRemainder",
    "Claims",
    "ComparedTerm",
    "Constant",
    "Derivatives",
    "Exact",
    "Gate",
    "Plot",
    "InternalError",
    "LambdaCheck",
    "LimitError",
    "MathError",
    "ParseError",
    "Remainder",
    "ScanRow",
    "Series",
    "TaylorgateError",
    "UndecidedError",
    "UsageError",
    "configure",
    "diff",
    "exact",
    "expand",
    "gate",
    "library",
    "prove",
    "scan",
]

_RATIONAL = re.compile(r"-?[0-9]+(/[0-9]+)?\Z")

_LIMITS: Dict[str, Any] = {"timeout": None, "memory": _native.DEFAULT_MEMORY_MIB}


def configure(timeout: Optional[float] = None, memory: Optional[int] = _native.DEFAULT_MEMORY_MIB) -> None:
    """The limits of every later call, as the command line's ``--timeout SECONDS`` and
    ``--memory MIB``: a call that runs out raises :class:`BudgetError` (``None``: no limit;
    by default no time-out and the command line's memory limit). Ctrl-C always stops a call
    (``KeyboardInterrupt``)."""
    _LIMITS["timeout"] = None if timeout is None else float(timeout)
    _LIMITS["memory"] = None if memory is None else int(memory)


def _limits() -> Tuple[Optional[float], Optional[int]]:
    return _LIMITS["timeout"], _LIMITS["memory"]


class Constant(_native.ExactConstant):
    """An exact real constant that is not (known to be) rational, such as ``ln(2)``.

    ``str(c)`` is its text in the language (it parses back to the same value), ``c.latex()``
    its LaTeX, ``c.digits(n)`` a decimal with ``n`` guaranteed significant digits.

    Comparisons (``==``, ``<``, ...) with ints, Fractions and Constants are exact, through the
    three-valued zero test of the engine: when that test cannot decide, they raise
    :class:`UndecidedError` rather than guess. Comparison with any other type returns
    ``NotImplemented``. Constants are not hashable (equal values may be written differently).
    """

    def __repr__(self) -> str:
        return f"Constant({str(self)!r})"

    def _cmp(self, other: object) -> Any:
        text = _other_text(other)
        if text is None:
            return NotImplemented
        return self._compare(text)

    def __eq__(self, other: object) -> Any:
        c = self._cmp(other)
        return c if c is NotImplemented else c == 0

    def __ne__(self, other: object) -> Any:
        c = self._cmp(other)
        return c if c is NotImplemented else c != 0

    def __lt__(self, other: object) -> Any:
        c = self._cmp(other)
        return c if c is NotImplemented else c < 0

    def __le__(self, other: object) -> Any:
        c = self._cmp(other)
        return c if c is NotImplemented else c <= 0

    def __gt__(self, other: object) -> Any:
        c = self._cmp(other)
        return c if c is NotImplemented else c > 0

    def __ge__(self, other: object) -> Any:
        c = self._cmp(other)
        return c if c is NotImplemented else c >= 0

    __hash__ = None  # type: ignore[assignment]

    def __float__(self) -> float:
        text = self.digits(17)
        if text is None:
            raise UndecidedError(f"{self} is not separated from 0")
        return float(text)

    def _repr_latex_(self) -> str:
        return f"${self.latex()}$"

    def to_sympy(self) -> Any:
        """The constant as a SymPy expression (needs SymPy): ``e`` is ``E``, ``ln`` is ``log``."""
        return _sympify(str(self))


Exact = Union[Fraction, Constant]
"""An exact value: a Fraction when rational, else a Constant."""


def exact(text: str) -> Exact:
    """The exact value written ``text`` in the language: a Fraction when it is a rational
    literal such as ``-1/12``, else a :class:`Constant`."""
    text = text.strip()
    if _RATIONAL.match(text):
        return Fraction(text)
    return Constant(text)


def _opt(text: Optional[str]) -> Optional[Exact]:
    return None if text is None else exact(text)


def _other_text(value: object) -> Optional[str]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Constant):
        return f"({value})"
    return None


def _text(value: Union[str, int, Fraction, Constant], what: str) -> str:
    """A value given by the caller, as text in the language."""
    if isinstance(value, str):
        return value
    text = _other_text(value)
    if text is None:
        raise TypeError(
            f"{what} must be exact: a str in the language, an int, a Fraction or a Constant "
            f"(not {type(value).__name__})"
        )
    return text


Definitions = Union[None, str, "os.PathLike[str]", Mapping[str, str]]
"""Definitions in scope: ``.tg`` source text, the path of a ``.tg`` file, or a mapping
``{"f(x)": "x*tanh(exp(x))"}`` of left sides to bodies."""


def _definitions(defs: Definitions) -> Optional[str]:
    if defs is None:
        return None
    if isinstance(defs, os.PathLike):
        with open(defs, encoding="utf-8") as f:
            return f.read()
    if isinstance(defs, str):
        return defs
    return "\n".join(f"{k} = {v}" for k, v in defs.items())


def _latex(value: Exact) -> str:
    if isinstance(value, Fraction):
        n, d = value.numerator, value.denominator
        if d == 1:
            return str(n)
        sign = "-" if n < 0 else ""
        return f"{sign}\\frac{{{abs(n)}}}{{{d}}}"
    return value.latex()


def _is_zero(value: Exact) -> bool:
    return isinstance(value, Fraction) and value == 0


def _monomial_latex(powers: Sequence[int], names: Sequence[str]) -> str:
    parts = []
    for p, name in zip(powers, names):
        if p == 1:
            parts.append(name)
        elif p > 1:
            parts.append(f"{name}^{{{p}}}")
    return " ".join(parts) or "1"


def _polynomial_latex(terms: Mapping[Tuple[int, ...], Exact], names: Sequence[str]) -> str:
    out = ""
    for powers, c in terms.items():
        if _is_zero(c):
            continue
        mono = _monomial_latex(powers, names)
        coefficient = _latex(c)
        negative = coefficient.startswith("-")
        magnitude = coefficient[1:] if negative else coefficient
        if "+" in magnitude or "-" in magnitude:
            magnitude = f"\\left({magnitude}\\right)"
        term = mono if magnitude == "1" else (magnitude if mono == "1" else f"{magnitude}\\, {mono}")
        if not out:
            out = f"-{term}" if negative else term
        else:
            out += f" - {term}" if negative else f" + {term}"
    return out or "0"


def _sympify(text: str) -> Any:
    try:
        import sympy
        from sympy.parsing.sympy_parser import (
            convert_xor,
            parse_expr,
            standard_transformations,
        )
    except ImportError as e:  # pragma: no cover - exercised only without SymPy
        raise ImportError("to_sympy() needs SymPy: pip install sympy") from e
    names = {
        "e": sympy.E,
        "pi": sympy.pi,
        "ln": sympy.log,
        "log": sympy.log,
        "exp": sympy.exp,
        "sqrt": sympy.sqrt,
        "abs": sympy.Abs,
        "min": sympy.Min,
        "max": sympy.Max,
        "erf": sympy.erf,
    }
    for f in ("sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan",
              "asinh", "acosh", "atanh"):
        names[f] = getattr(sympy, f)
    return parse_expr(
        text,
        local_dict=names,
        transformations=standard_transformations + (convert_xor,),
        evaluate=True,
    )


# ------------------------------------------------------------------------------------------
# expand


@dataclass(frozen=True)
class Series:
    """An exact truncated Taylor series ``c_0 + c_1 (x-p) + ... + c_N (x-p)^N + O((x-p)^(N+1))``.

    ``series[k]`` is ``c_k``; ``str(series)`` the text the command line prints; Jupyter shows
    it in LaTeX. ``data`` is the JSON of ``taylorgate expand --format json``.
    """

    expression: str
    variable: str
    point: Exact
    order: int
    coefficients: List[Exact]
    notes: List[str]
    approx: Optional[List[Optional[str]]]
    data: Dict[str, Any] = field(repr=False)
    text: str = field(repr=False)
    latex_text: str = field(repr=False)
    documents: Dict[str, str] = field(repr=False)

    def __getitem__(self, k: int) -> Exact:
        return self.coefficients[k]

    def report(self, format: str = "markdown") -> str:
        """The expansion as ``taylorgate expand --format markdown|latex`` prints it (in the
        language ``lang`` of :func:`expand`)."""
        if format not in self.documents:
            raise UsageError(f"unknown format {format!r} (markdown or latex)")
        return self.documents[format]

    def __len__(self) -> int:
        return len(self.coefficients)

    def __str__(self) -> str:
        return self.text

    def latex(self) -> str:
        """The series in LaTeX."""
        return self.latex_text

    def _repr_latex_(self) -> str:
        return f"${self.latex_text}$"

    def _repr_markdown_(self) -> str:
        return f"$${self.latex_text}$$"

    def to_sympy(self) -> Any:
        """The polynomial part as a SymPy expression in the series variable (needs SymPy)."""
        import sympy

        x = sympy.Symbol(self.variable)
        p = _sympy_value(self.point)
        return sum(
            (_sympy_value(c) * (x - p) ** k for k, c in enumerate(self.coefficients)),
            sympy.Integer(0),
        )


def _sympy_value(value: Exact) -> Any:
    import sympy

    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return value.to_sympy()


def expand(
    expr: str,
    at: Union[str, int, Fraction, Constant] = 0,
    order: int = 10,
    definitions: Definitions = None,
    *,
    var: str = "x",
    digits: Optional[int] = None,
    lang: str = "en",
) -> Series:
    """The exact Taylor expansion of ``expr`` (an expression, or the name of a one-argument
    definition such as ``"softplus"``) in ``var`` at the exact point ``at``, through
    ``(x - at)^order``. ``digits`` adds guaranteed decimals (``approx``); ``lang`` (``"en"``
    or ``"pt"``) is the language of :meth:`Series.report`.

    Raises :class:`ParseError`, :class:`MathError` (pole, branch point, kink...),
    :class:`LimitError` or :class:`UsageError`.
    """
    raw, text, latex, markdown_doc, latex_doc = _native.expand(
        expr, _text(at, "at"), int(order), var, _definitions(definitions), digits, lang, *_limits()
    )
    data = json.loads(raw)
    approx = data.get("approx")
    return Series(
        expression=data["expression"],
        variable=data["variable"],
        point=exact(data["point"]),
        order=data["order"],
        coefficients=[exact(c) for c in data["coefficients"]],
        notes=list(data["notes"]),
        approx=None if approx is None else approx["coefficients"],
        data=data,
        text=text,
        latex_text=latex,
        documents={"markdown": markdown_doc, "latex": latex_doc},
    )


# ------------------------------------------------------------------------------------------
# diff


@dataclass(frozen=True)
class Derivatives:
    """The derivatives ``f', f'', ...`` of an expression (simplified, in the language), and
    their exact values at a point when one was given. ``data`` is the JSON of
    ``taylorgate diff --format json``."""

    expression: str
    variable: str
    derivatives: List[str]
    point: Optional[Exact]
    values: Optional[List[Exact]]
    approx: Optional[List[Optional[str]]]
    data: Dict[str, Any] = field(repr=False)

    def __getitem__(self, k: int) -> str:
        """The k-th derivative (k >= 1)."""
        if k < 1:
            raise IndexError("derivatives are numbered from 1")
        return self.derivatives[k - 1]

    def __str__(self) -> str:
        lines = [f"f{_primes(k + 1)}({self.variable}) = {d}" for k, d in enumerate(self.derivatives)]
        if self.values is not None:
            lines += [f"f{_primes(k + 1)}({self.point}) = {v}" for k, v in enumerate(self.values)]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        rows = [f"| $f{_primes(k + 1)}$ | `{d}` |" for k, d in enumerate(self.derivatives)]
        if self.values is not None and self.point is not None:
            rows += [
                f"| $f{_primes(k + 1)}({_latex(self.point)})$ | ${_latex(v)}$ |"
                for k, v in enumerate(self.values)
            ]
        return "| | |\n|---|---|\n" + "\n".join(rows)


def _primes(k: int) -> str:
    return "'" * k if k <= 3 else f"^({k})"


def diff(
    expr: str,
    n: int = 2,
    at: Union[None, str, int, Fraction, Constant] = None,
    definitions: Definitions = None,
    *,
    var: str = "x",
    digits: Optional[int] = None,
) -> Derivatives:
    """The first ``n`` derivatives of ``expr`` in ``var``, and their exact values at ``at``."""
    raw = _native.diff(
        expr,
        int(n),
        None if at is None else _text(at, "at"),
        var,
        _definitions(definitions),
        digits,
        *_limits(),
    )
    data = json.loads(raw)
    approx = data.get("approx")
    values = data.get("values")
    return Derivatives(
        expression=data["expression"],
        variable=data["variable"],
        derivatives=list(data["derivatives"]),
        point=_opt(data.get("point")),
        values=None if values is None else [exact(v) for v in values],
        approx=None if approx is None else approx["values"],
        data=data,
    )


# ------------------------------------------------------------------------------------------
# gate


def _terms(terms: Sequence[Mapping[str, Any]]) -> Dict[Tuple[int, ...], Exact]:
    return {tuple(t["powers"]): exact(t["coefficient"]) for t in terms}


def _fraction(text: Optional[str]) -> Optional[Fraction]:
    return None if text is None else Fraction(text)


@dataclass(frozen=True)
class Bound:
    """A rigorous bound ``|R(x)| <= K |x|_inf^order`` for ``|x|_inf <= radius``, with the value
    ``attained`` that a point provably reaches (``K / attained`` is how tight it is) and how it
    was found (``method``, ``boxes`` of the branch and bound)."""

    K: Fraction
    order: int
    radius: Fraction
    attained: Optional[Fraction] = None
    method: Optional[str] = None
    boxes: Optional[int] = None
    converged: Optional[bool] = None
    variable: Optional[str] = None
    others: Optional[List[str]] = None

    def __str__(self) -> str:
        if self.variable is None:
            return f"|R(x)| <= {self.K} |x|_inf^{self.order} for |x|_inf <= {self.radius}"
        return f"|R| <= {self.K} |{self.variable}|^{self.order} for |{self.variable}| <= {self.radius}"


def _bound(data: Optional[Mapping[str, Any]]) -> Tuple[Optional[Bound], Optional[str]]:
    if data is None:
        return None, None
    if "error" in data:
        return None, data["error"]
    return (
        Bound(
            K=Fraction(data["K"]),
            order=data["order"],
            radius=Fraction(data["radius"]),
            attained=_fraction(data.get("attained")),
            method=data.get("method"),
            boxes=data.get("boxes"),
            converged=data.get("converged"),
            variable=data.get("variable"),
            others=data.get("others"),
        ),
        None,
    )


@dataclass(frozen=True)
class LambdaCheck:
    """The decision of a given scale: is ``sup |f_lambda(x) - x_1...x_n| <= epsilon`` on the
    box? ``verdict`` is ``certified``, ``refuted`` (at the exact point ``witness``) or
    ``undecided``; without an epsilon it is ``enclosed``: the supremum itself, enclosed. ``upper``
    and ``lower`` bound the supremum rigorously; ``value`` encloses ``f_lambda(x) - x_1...x_n``
    at ``witness`` (a refuted or enclosed decision)."""

    lam: Fraction
    verdict: Optional[str]
    upper: Optional[Fraction]
    lower: Optional[Fraction]
    witness: Optional[List[Fraction]]
    value: Optional[Tuple[Fraction, Fraction]]
    error: Optional[str]
    data: Dict[str, Any] = field(repr=False)


def _lambda_check(data: Optional[Mapping[str, Any]]) -> Optional[LambdaCheck]:
    if data is None:
        return None
    witness = data.get("witness")
    value = data.get("value")
    return LambdaCheck(
        lam=Fraction(data["lambda"]),
        verdict=data.get("verdict"),
        upper=_fraction(data.get("upper")),
        lower=_fraction(data.get("lower")),
        witness=None if witness is None else [Fraction(w) for w in witness],
        value=None if value is None else (Fraction(value[0]), Fraction(value[1])),
        error=data.get("error"),
        data=dict(data),
    )


@dataclass(frozen=True)
class Remainder:
    """The remainder of a gate: the lowest degree with a term proved non-zero (``order``) and
    those terms (``leading``, ``{powers: coefficient}``), or ``exact`` when there is none; and
    a rigorous bound on the box (``bound``, or why not: ``bound_error``)."""

    order: Optional[int]
    exact: bool
    leading: Dict[Tuple[int, ...], Exact]
    searched_degree: int
    bound: Optional[Bound]
    bound_error: Optional[str]
    text: str = field(repr=False)

    def __str__(self) -> str:
        if self.order is not None:
            return f"order {self.order}: {self.text}"
        if self.exact:
            return "none: the gate is exact"
        return f"no non-zero term through degree {self.searched_degree}"


@dataclass(frozen=True)
class Certificate:
    """The epsilon-lambda certificate: ``sup |f_lambda(x) - x_1...x_n| <= error_bound <=
    epsilon`` on ``|x_i| <= radius``."""

    epsilon: Fraction
    radius: Fraction
    lam: Fraction
    error_bound: Fraction
    method: str
    lagrange_order: int
    derivative_bound: Fraction

    def __str__(self) -> str:
        return (
            f"lambda = {self.lam}: sup |f_lambda(x) - prod x_i| <= {self.error_bound} "
            f"<= {self.epsilon} on |x_i| <= {self.radius}"
        )


class Gate:
    """The multiplication gate of an activation: ``f(x) = A2 sigma(A1 x + b1)`` with ``2^n``
    hidden neurons computes ``x_1 ... x_n`` plus a remainder when ``sigma^(n)(b) != 0``.

    Attributes mirror ``taylorgate gate --format json`` (kept whole in ``data``): ``admits``,
    ``verdict``, ``reason``, ``bias``, ``derivative_at_bias``, ``A1`` (rows of +-1), ``b1``,
    ``A2``, ``expansion`` (``{powers: coefficient}``), ``remainder`` (a :class:`Remainder`).
    """

    def __init__(self, handle: Any, request: Dict[str, Any]) -> None:
        self._handle = handle
        self._request = request
        data = json.loads(handle.json())
        self.data: Dict[str, Any] = data
        self.activation: str = data["activation"]
        self.inputs: int = data["inputs"]
        self.admits: bool = data["admits"]
        self.verdict: str = data["verdict"]
        self.reason: str = data["reason"]
        self.bias: Optional[Exact] = _opt(data["bias"])
        self.derivative_at_bias: Optional[Exact] = _opt(data["derivative_at_bias"])
        self.derivative_at_zero: Optional[Exact] = _opt(data["derivative_at_zero"])
        self.hidden: int = data["hidden"]
        self.A1: List[List[int]] = [[int(s) for s in row] for row in data["A1"]]
        self.b1: Optional[List[Exact]] = (
            None if data["b1"] is None else [exact(b) for b in data["b1"]]
        )
        self.A2: Optional[List[Exact]] = (
            None if data["A2"] is None else [exact(a) for a in data["A2"]]
        )
        self.degree: Optional[int] = data["degree"]
        self.names: List[str] = list(handle.input_names())
        self.expansion: Optional[Dict[Tuple[int, ...], Exact]] = (
            None if data["expansion"] is None else _terms(data["expansion"])
        )
        self.lambda_check: Optional[LambdaCheck] = _lambda_check(data["lambda_check"])
        self.float_certificate: Optional[Dict[str, Any]] = data["float_certificate"]
        r = data["remainder"]
        if r is None:
            self.remainder: Optional[Remainder] = None
        else:
            bound, bound_error = _bound(r["bound"])
            self.remainder = Remainder(
                order=r["order"],
                exact=r["exact"],
                leading=_terms(r["leading"]),
                searched_degree=r["searched_degree"],
                bound=bound,
                bound_error=bound_error,
                text=handle.polynomial("remainder"),
            )

    def __repr__(self) -> str:
        return f"<Gate {self.activation!r}: {self.verdict}>"

    def __str__(self) -> str:
        return self.derivation()

    def certificate(
        self,
        epsilon: Union[str, int, Fraction],
        radius: Union[str, int, Fraction] = 1,
    ) -> Certificate:
        """Certifies a scale lambda with ``sup |f_lambda(x) - x_1...x_n| <= epsilon`` on
        ``|x_i| <= radius`` (a decimal such as ``"1e-6"``, or a Fraction). Raises
        :class:`MathError` when there is none (or the gate is not admitted)."""
        request = dict(
            self._request,
            epsilon=_rational_text(epsilon),
            radius=_rational_text(radius),
            lambda_=None,
            no_bound=True,
            float=None,
        )
        handle = _native.gate(**request, timeout=_LIMITS["timeout"], memory=_LIMITS["memory"])
        c = json.loads(handle.json())["certificate"]
        if c is None:
            raise MathError(f"no certificate: {self.reason}")
        if "error" in c:
            raise MathError(c["error"])
        return Certificate(
            epsilon=Fraction(c["epsilon"]),
            radius=Fraction(c["radius"]),
            lam=Fraction(c["lambda"]),
            error_bound=Fraction(c["error_bound"]),
            method=c["method"],
            lagrange_order=c["lagrange_order"],
            derivative_bound=Fraction(c["derivative_bound"]),
        )

    def derivation(self, format: str = "text", lang: str = "en", standalone: bool = False) -> str:
        """The derivation, step by step, with the remainder bound: ``format`` is ``"text"``
        (what ``taylorgate gate`` prints), ``"markdown"`` (with ``$...$`` mathematics) or
        ``"latex"`` (a fragment; a whole document with ``standalone``); ``lang`` is ``"en"``
        or ``"pt"``."""
        return self._handle.derivation(format, lang, self._request["digits"], standalone)

    def plot(self, lang: str = "en") -> "Plot":
        """The worst error of the scaled network over the box against the scale lambda
        (log-log, rigorous enclosures at grid points, with the certificate's bound); Jupyter
        shows it as SVG."""
        return Plot(self._handle.error_svg(lang))

    def _summary_latex(self) -> str:
        if not self.admits or self.expansion is None:
            return f"\\text{{{self.verdict}: }}\\sigma(x) = \\texttt{{{self.activation}}}"
        names = ", ".join(self.names)
        body = _polynomial_latex(self.expansion, self.names)
        return f"f({names}) = {body} + O(|x|^{{{(self.degree or 0) + 1}}})"

    def _repr_latex_(self) -> str:
        return f"${self._summary_latex()}$"

    def _repr_markdown_(self) -> str:
        head = f"**σ(x) = `{self.activation}`**: {self.verdict} the multiplication gate"
        rows = [f"| reason | {self.reason} |"]
        if self.bias is not None:
            rows.append(f"| bias $b$ | ${_latex(self.bias)}$ |")
        if self.derivative_at_bias is not None:
            rows.append(f"| $\\sigma^{{({self.inputs})}}(b)$ | ${_latex(self.derivative_at_bias)}$ |")
        if self.A2 is not None:
            rows.append("| $A_2$ | $(" + ", ".join(_latex(a) for a in self.A2) + ")$ |")
        if self.admits:
            rows.append(f"| expansion | ${self._summary_latex()}$ |")
        if self.remainder is not None:
            rows.append(f"| remainder | {self.remainder} |")
        return head + "\n\n| | |\n|---|---|\n" + "\n".join(rows) + "\n"


class Plot:
    """A picture (SVG); Jupyter shows it through ``_repr_svg_``."""

    def __init__(self, svg: str) -> None:
        self.svg = svg

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the SVG to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.svg)


def _rational_text(value: Union[str, int, Fraction]) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        raise TypeError("epsilon and radius must be a str (decimal), an int or a Fraction")
    f = Fraction(value)
    return f"{f.numerator}/{f.denominator}"


def gate(
    activation: str,
    inputs: int = 2,
    bias: Union[None, str, int, Fraction, Constant] = None,
    degree: Optional[int] = None,
    *,
    definitions: Definitions = None,
    radius: Union[str, int, Fraction] = 1,
    digits: Optional[int] = None,
    epsilon: Union[None, str, int, Fraction] = None,
    lam: Union[None, str, int, Fraction] = None,
    bound: bool = True,
    float: Optional[str] = None,
    sigma_ulps: int = _native.DEFAULT_SIGMA_ULPS,
) -> Gate:
    """Does ``activation`` (an expression in ``x``, or a name such as ``"softplus"``) admit the
    multiplication gate of ``inputs`` numbers, and what exactly does the network compute?

    ``bias`` forces the bias; ``degree`` is the total degree of the expansion (default
    ``inputs + 4``); ``radius`` the box of the rigorous remainder bound (``bound=False``
    skips it, as ``--no-bound``). With ``epsilon``, the certificate of a scale (``data``
    ``"certificate"``); with ``epsilon`` and ``lam``, the decision of that scale, with
    ``lam`` alone the enclosure of its supremum (:attr:`Gate.lambda_check`, as ``--lambda``); with ``epsilon`` and ``float`` (``"f32"``
    or ``"f64"``), the certificate of the network evaluated in that format, ``sigma`` within
    ``sigma_ulps`` (:attr:`Gate.float_certificate`, as ``--float``).
    """
    request: Dict[str, Any] = dict(
        activation=activation,
        inputs=int(inputs),
        bias=None if bias is None else _text(bias, "bias"),
        degree=degree,
        epsilon=None if epsilon is None else _rational_text(epsilon),
        radius=_rational_text(radius),
        lambda_=None if lam is None else _rational_text(lam),
        no_bound=not bound,
        float=float,
        sigma_ulps=int(sigma_ulps),
        definitions=_definitions(definitions),
        digits=digits,
    )
    return Gate(_native.gate(**request, timeout=_LIMITS["timeout"], memory=_LIMITS["memory"]), request)


# ------------------------------------------------------------------------------------------
# prove


@dataclass(frozen=True)
class ComparedTerm:
    """A monomial of a claim: its coefficients on both sides and ``coefficient = left - right``."""

    powers: Tuple[int, ...]
    left: Exact
    right: Exact
    coefficient: Exact


def _compared(terms: Sequence[Mapping[str, Any]]) -> List[ComparedTerm]:
    return [
        ComparedTerm(
            powers=tuple(t["powers"]),
            left=exact(t["left"]),
            right=exact(t["right"]),
            coefficient=exact(t["coefficient"]),
        )
        for t in terms
    ]


@dataclass(frozen=True)
class ClaimRemainder:
    """``LHS - RHS`` of a proved claim: its sharp order and leading terms, and a rigorous bound."""

    order: Optional[int]
    exact: bool
    leading: List[ComparedTerm]
    bound: Optional[Bound]
    bound_error: Optional[str]


@dataclass(frozen=True)
class Claim:
    """One claim ``LHS = RHS + O(...)`` of a ``.tg`` text: ``status`` is ``proved``,
    ``refuted`` or ``undecided``. ``str(claim)`` is the paragraph ``taylorgate prove`` prints."""

    line: int
    claim: str
    status: str
    variables: List[str]
    degree_in: Optional[str]
    claimed_order: int
    message: str
    difference: List[ComparedTerm]
    remainder: ClaimRemainder
    sup: Optional[Dict[str, Any]]
    data: Dict[str, Any] = field(repr=False)
    text: str = field(repr=False)

    @property
    def proved(self) -> bool:
        """Whether the claim is proved."""
        return self.status == "proved"

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return f"**line {self.line}**: `{self.claim}`: **{self.status.upper()}**\n\n```text\n{self.text}```\n"

    def _repr_latex_(self) -> str:
        return f"$\\text{{line {self.line}: {self.status}}}$"


class Claims(List[Claim]):
    """The claims of :func:`prove`, in order (a list), with the whole report: ``data`` (the
    JSON of ``taylorgate prove --format json``) and :meth:`report`."""

    def __init__(self, claims: Sequence[Claim], data: Dict[str, Any], documents: Dict[str, str]) -> None:
        super().__init__(claims)
        self.data = data
        self._documents = documents

    def report(self, format: str = "markdown") -> str:
        """The report as ``taylorgate prove --format markdown|latex`` prints it."""
        if format not in self._documents:
            raise UsageError(f"unknown format {format!r} (markdown or latex)")
        return self._documents[format]

    def _repr_markdown_(self) -> str:
        return self._documents["markdown"]


def prove(
    text_or_path: Union[str, "os.PathLike[str]"],
    radius: Union[str, int, Fraction] = 1,
    *,
    bound: bool = True,
    search_timeout: Optional[float] = None,
    lang: str = "en",
) -> Claims:
    """Decides every claim of a ``.tg`` text, or of the file at ``text_or_path`` (a path, or a
    one-line string naming an existing file). ``radius`` is the box of the rigorous remainder
    bounds (``bound=False`` skips them, as ``--no-bound``); ``search_timeout`` stops every
    branch and bound after that many seconds in all (``--search-timeout``); ``lang`` is the
    language of :meth:`Claims.report`."""
    path: Optional[str] = None
    if isinstance(text_or_path, os.PathLike) or (
        "\n" not in text_or_path and os.path.isfile(text_or_path)
    ):
        path = os.fspath(text_or_path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
    else:
        text = text_or_path
    raw, texts, markdown_doc, latex_doc = _native.prove(
        text,
        path,
        _rational_text(radius),
        not bound,
        None if search_timeout is None else float(search_timeout),
        lang,
        *_limits(),
    )
    data = json.loads(raw)
    claims = []
    for c, t in zip(data["claims"], texts):
        r = c["remainder"]
        bound, bound_error = _bound(r["bound"])
        claims.append(
            Claim(
                line=c["line"],
                claim=c["claim"],
                status=c["status"],
                variables=list(c["variables"]),
                degree_in=c["degree_in"],
                claimed_order=c["claimed_order"],
                message=c["message"],
                difference=_compared(c["difference"]),
                remainder=ClaimRemainder(
                    order=r["order"],
                    exact=r["exact"],
                    leading=_compared(r["leading"]),
                    bound=bound,
                    bound_error=bound_error,
                ),
                sup=c["sup"],
                data=c,
                text=t,
            )
        )
    return Claims(claims, data, {"markdown": markdown_doc, "latex": latex_doc})


# ------------------------------------------------------------------------------------------
# library and scan


@dataclass(frozen=True)
class Activation:
    """A named activation of the built-in library."""

    name: str
    definition: str
    source: str


def library() -> List[Activation]:
    """The built-in library of named activations (``taylorgate list``)."""
    data = json.loads(_native.library())
    return [Activation(**a) for a in data["activations"]]


@dataclass(frozen=True)
class ScanRow:
    """One row of :func:`scan`: the gate analysis of one activation, or its ``error``."""

    name: str
    definition: str
    error: Optional[str]
    admits: bool
    verdict: str
    bias: Optional[Exact]
    derivative_at_zero: Optional[Exact]
    derivative_at_bias: Optional[Exact]
    leading_error: Optional[Exact]
    remainder_order: Optional[int]
    data: Dict[str, Any] = field(repr=False)


def scan(definitions: Definitions = None, inputs: int = 2, timeout: float = 20) -> List[ScanRow]:
    """The gate analysis of every activation of the library, or of every one-argument
    function of ``definitions``; a row that fails or takes longer than ``timeout`` seconds
    says so in ``error``."""
    data = json.loads(
        _native.scan(_definitions(definitions), int(inputs), float(timeout), _LIMITS["memory"])
    )
    rows = []
    for r in data["rows"]:
        remainder = r.get("remainder")
        rows.append(
            ScanRow(
                name=r["name"],
                definition=r["definition"],
                error=r["error"],
                admits=bool(r.get("admits", False)),
                verdict=r.get("verdict", "error"),
                bias=_opt(r.get("bias")),
                derivative_at_zero=_opt(r.get("derivative_at_zero")),
                derivative_at_bias=_opt(r.get("derivative_at_bias")),
                leading_error=_opt(r["leading_error"]),
                remainder_order=None if remainder is None else remainder["order"],
                data=r,
            )
        )
    return rows
