#!/usr/bin/env python3
"""Differential test of taylorgate against mpmath (50+ digits) and SymPy (exact).

    python3 tests/differential/run.py --seed S --cases N [--timeout 10] [--jobs 1]

Random expressions (gen.py) at random exact points go through the release binary
(`target/release/taylorgate`): `expand` and `diff` values (JSON), `--digits` decimals, the
printed text of `expand` parsed back with SymPy, `gate` expansions, remainder bounds and
certificates (the network evaluated by mpmath). The reference is mpmath at 60 digits
(Taylor coefficients by numerical differentiation at high precision, one-sided at switching
points), checked against SymPy's exact derivative values where SymPy answers within seconds.

Every case is one of: agree, wrong, refused correctly, refused wrongly, timed out (and
"reference inconsistent" when mpmath and SymPy disagree: the case is not judged). Exit 1 on
any wrong answer.
"""

import argparse
import collections
import contextlib
import functools
import json
import multiprocessing
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time

import jsonschema
import mpmath
import sympy
from sympy.parsing.sympy_parser import convert_xor, parse_expr, standard_transformations

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
import ref  # noqa: E402
from ref import DPS, Timeout, sp_num, with_alarm  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("TG_BINARY", os.path.join(ROOT, "target", "release", "taylorgate"))
# Relative agreement demanded between taylorgate's exact values and the reference.
TOL = mpmath.mpf(10) ** -30

# Every JSON output read is validated against the schema first (a violation is a wrong answer).
SCHEMA = jsonschema.Draft202012Validator(
    json.load(open(os.path.join(ROOT, "schema", "taylorgate-1.json"), encoding="utf-8"))
)

# The JSON keys read from taylorgate's output (schema taylorgate/1, schema/taylorgate-1.json),
# in one place.
KEYS = {
    "coefficients": "coefficients",
    "approx": "approx",
    "values": "values",
    "derivatives": "derivatives",
    "admits": "admits",
    "verdict": "verdict",
    "bias": "bias",
    "derivative_at_bias": "derivative_at_bias",
    "expansion": "expansion",
    "coefficient": "coefficient",
    "powers": "powers",
    "A1": "A1",
    "b1": "b1",
    "A2": "A2",
    "degree": "degree",
    "remainder": "remainder",
    "bound": "bound",
    "K": "K",
    "order": "order",
    "radius": "radius",
    "certificate": "certificate",
    "lambda": "lambda",
    "error_bound": "error_bound",
    "epsilon": "epsilon",
}


def key(obj, name):
    return obj[KEYS[name]]


CLASSES = ["agree", "wrong", "wrong (text)", "refused correctly", "refused wrongly", "timed out",
           "reference inconsistent"]

X = sympy.Symbol("x")
LOCALS = {
    "e": sympy.E, "pi": sympy.pi, "ln": sympy.log, "log": sympy.log, "exp": sympy.exp,
    "sqrt": sympy.sqrt, "abs": sympy.Abs, "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh, "asin": sympy.asin,
    "acos": sympy.acos, "atan": sympy.atan, "asinh": sympy.asinh, "acosh": sympy.acosh,
    "atanh": sympy.atanh, "erf": sympy.erf, "min": sympy.Min, "max": sympy.Max, "x": X,
    "E": sympy.Symbol("E_"), "I": sympy.Symbol("I_"), "S": sympy.Symbol("S_"), "N": sympy.Symbol("N_"),
    "Rational": sympy.Rational,
}


NUMBER = re.compile(r"(?<![A-Za-z_\d])\d+(\.\d+)?([eE][+-]?\d+)?")


def _ratio(literal):
    from fractions import Fraction
    q = Fraction(literal)
    return q.numerator, q.denominator


@functools.lru_cache(maxsize=4096)
def parse_tg(text):
    """A constant or expression printed by taylorgate, as SymPy (no evaluation shortcuts)."""
    # decimal literals (`0.25`, `1e-3`) are exact rationals, as in taylorgate
    text = NUMBER.sub(lambda m: "Rational({}, {})".format(*_ratio(m.group(0))), text)
    return parse_expr(text, local_dict=dict(LOCALS), transformations=standard_transformations + (convert_xor,))


# The same text read by Python with mpmath's functions: a fast path that never decides alone.
MP_NAMES = {
    "e": mpmath.e, "pi": mpmath.pi, "ln": mpmath.ln, "log": mpmath.ln, "exp": mpmath.exp,
    "sqrt": mpmath.sqrt, "abs": abs, "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
    "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh, "asin": mpmath.asin,
    "acos": mpmath.acos, "atan": mpmath.atan, "asinh": mpmath.asinh, "acosh": mpmath.acosh,
    "atanh": mpmath.atanh, "erf": mpmath.erf, "min": min, "max": max,
    "R": lambda p, q: mpmath.mpf(p) / q, "__builtins__": {},
}


@functools.lru_cache(maxsize=4096)
def mp_function(text):
    """The printed expression as a Python function of x on mpmath numbers (numbers are exact
    rationals evaluated at the working precision of each call, `^` is a power)."""
    src = NUMBER.sub(lambda m: "R({}, {})".format(*_ratio(m.group(0))), text).replace("^", "**")
    return eval("lambda x: " + src, dict(MP_NAMES))  # noqa: S307 (taylorgate's own output)


def mp_value(text, x=None):
    """The value of a printed expression (at x) by mpmath, at the working precision plus 20
    digits, then twice and four times that: returned when two successive precisions agree to the
    working precision plus 5 digits, else None (a cancellation deeper than that, a complex value,
    anything the text does not read as: the caller asks SymPy)."""
    dps = mpmath.mp.dps
    last = None
    for work in (dps + 20, 2 * dps + 40, 4 * dps + 80):
        try:
            f = mp_function(text)
            with mpmath.workdps(work):
                v = f(x)
        except Timeout:
            raise
        except Exception:  # noqa: BLE001
            return None
        if not (isinstance(v, mpmath.mpf) and mpmath.isfinite(v)):
            return None
        if last is not None and abs(v - last) <= abs(v) * mpmath.mpf(10) ** -(dps + 5):
            return +v
        last = v
    return None


@functools.lru_cache(maxsize=4096)
def _value(text, dps):
    fast = mp_value(text)
    if fast is not None:
        return fast
    with CLOCK("judging by SymPy"):
        return sp_num(parse_tg(text))


def value(text):
    """The value of a constant printed by taylorgate to the working precision (at least 60
    digits): by mpmath at two precisions when they agree, else SymPy's adaptive evaluation;
    memoised: the same constants come back again and again."""
    return _value(text, mpmath.mp.dps)


def close(a, b, scale=1):
    return abs(a - b) <= TOL * max(1, abs(a), abs(b), scale)


# ------------------------------------------------------------------------------ the binary


def _cpu():
    """CPU seconds of this process and of its waited-for children (the binary's runs)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Clock:
    """Wall-clock and CPU seconds per stage of a case (`with CLOCK("binary"): ...`)."""

    def __init__(self):
        self.wall = collections.Counter()
        self.cpu = collections.Counter()

    @contextlib.contextmanager
    def __call__(self, name):
        w, c = time.time(), _cpu()
        try:
            yield
        finally:
            self.wall[name] += time.time() - w
            self.cpu[name] += _cpu() - c


CLOCK = Clock()


def run_binary(args, timeout, file_text):
    with CLOCK("binary"):
        return _run_binary(args, timeout, file_text)


def _run_binary(args, timeout, file_text):
    with tempfile.TemporaryDirectory() as d:
        if file_text is not None:
            path = os.path.join(d, "defs.tg")
            with open(path, "w") as fh:
                fh.write(file_text)
            args = args + ["--file", path]
        cmd = [BINARY] + args + ["--timeout", str(timeout)]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 15)
        except subprocess.TimeoutExpired:
            return ("hang", "", "")
    out, err = p.stdout, p.stderr
    if "json" in args and out.strip():
        # With --format json every answer and every error is a JSON object of the schema on
        # standard output; an error's message is read as the text run's standard error.
        try:
            data = json.loads(out)
        except json.JSONDecodeError as ex:
            return ("invalid", out, f"not JSON ({ex}): {out.strip()[:200]!r}")
        problems = sorted(SCHEMA.iter_errors(data), key=lambda e: list(e.path))
        if problems:
            return ("invalid", out, f"not in the schema: {problems[0].message} at {list(problems[0].path)}")
        if "error" in data:
            err = "error: " + data["error"]["message"] + "\n" + err
    return (p.returncode, out, err)


def refusal_class(stderr):
    line = stderr.strip().splitlines()[0] if stderr.strip() else "(no message)"
    line = re.sub(r"^error: ", "", line)
    # `diff`'s "EXPR at x = P: why": the class is the why
    line = re.sub(r"^.* at \w+ = [^:`]*: ", "", line)
    line = re.sub(r"`[^`]*`", "`…`", line)
    line = re.sub(r"\(.*", "", line)
    line = re.sub(r"-?\d+(\.\d+)?", "N", line)
    line = re.sub(r"at x = \S+", "at x = P", line)
    return line.strip()[:90]


def check_digits(approx, exact_value, digits, scale=1):
    """`approx` has `digits` significant digits and is within one unit of its last place
    (`"0"`: the value is zero to the reference's accuracy, relative to `scale`)."""
    if approx is None:
        return True  # no decimal (a value that may be zero): nothing claimed
    if approx == "0":
        return abs(exact_value) <= TOL * max(1, scale)
    mant = re.sub(r"[eE].*", "", approx).lstrip("-").replace(".", "").lstrip("0")
    if len(mant) != digits:
        return False
    a = mpmath.mpf(approx)
    ulp = mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(abs(a))) - digits + 1)
    return abs(a - exact_value) < ulp * (1 + mpmath.mpf(10) ** -20)


class Truncated:
    """A polynomial in t = x - p truncated after t^n (mpmath coefficients): the printed series
    evaluated with x = p + t gives its coefficients in x - p directly. Only what a polynomial
    needs: + - * by anything, / and ^ by constants or of constants; anything else raises."""

    def __init__(self, c):
        self.c = c

    def _lift(self, o):
        if isinstance(o, Truncated):
            return o
        if isinstance(o, (int, mpmath.mpf)) or isinstance(o, mpmath.ctx_mp_python.constant):
            return Truncated([+mpmath.mpf(o)] + [mpmath.mpf(0)] * (len(self.c) - 1))
        raise TypeError(f"not a real number: {o!r}")

    def const(self):
        return all(v == 0 for v in self.c[1:])

    def __add__(self, o):
        o = self._lift(o)
        return Truncated([a + b for a, b in zip(self.c, o.c)])

    __radd__ = __add__

    def __neg__(self):
        return Truncated([-a for a in self.c])

    def __pos__(self):
        return self

    def __sub__(self, o):
        return self + (-self._lift(o))

    def __rsub__(self, o):
        return self._lift(o) - self

    def __mul__(self, o):
        o = self._lift(o)
        n = len(self.c)
        out = [mpmath.mpf(0)] * n
        for i, a in enumerate(self.c):
            if a:
                for j in range(n - i):
                    out[i + j] += a * o.c[j]
        return Truncated(out)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = self._lift(o)
        if not o.const() or o.c[0] == 0:
            raise ZeroDivisionError("division by a non-constant or zero")
        return Truncated([a / o.c[0] for a in self.c])

    def __rtruediv__(self, o):
        return self._lift(o) / self

    def __pow__(self, k):
        if isinstance(k, Truncated):
            if not k.const():
                raise TypeError("a variable exponent")
            k = k.c[0]
        if k >= 0 and k == int(k):
            out = self._lift(1)
            for _ in range(int(k)):
                out = out * self
            return out
        if self.const():
            return self._lift(self.c[0] ** k)
        raise TypeError("a non-integer power of the variable")

    def __rpow__(self, base):
        if self.const():
            return self._lift(base ** self.c[0])
        raise TypeError("a variable exponent")


def text_series_coefficients(text, p, n):
    """The coefficients c_0..c_n of the printed series `c0 + c1*(x - p) + ... + O(...)`, by
    reading it back: Python with mpmath's functions, with x = p + t a polynomial in t truncated
    after t^n (20 digits beyond the working precision); what that does not read is parsed by
    SymPy (an error there is wrong text) and expanded numerically (mpmath.taylor)."""
    first = text.strip().split("\n")[0]
    body = first[: first.rindex("O(")] if "O(" in first else first
    body = body.strip().rstrip("+").strip() or "0"
    try:
        with mpmath.workdps(mpmath.mp.dps + 20):
            t = [mpmath.mpf(0)] * (n + 1)
            x = Truncated([+p] + ([mpmath.mpf(1)] + t)[: n])
            c = x._lift(0) + mp_function(body)(x)
            return [+gen._real(v) for v in c.c]
    except Timeout:
        raise
    except Exception:  # noqa: BLE001
        pass
    with CLOCK("judging by SymPy"):
        poly = sympy.lambdify(X, parse_tg(body), "mpmath")
        return [gen._real(c) for c in mpmath.taylor(lambda v: poly(v), p, n)]


def fail(detail):
    return ("wrong", detail)


def judge_expand(case, timeout, R):
    p = R.point()
    n = case["order"]
    args = ["expand", case["text"], "--at=" + case["point"], "--order", str(n), "--format", "json"]
    if case["digits"]:
        args += ["--digits", str(case["digits"])]
    code, out, err = run_binary(args, timeout, case["file"])
    verdict = judge_refusal(code, err, lambda: R.refusal_status("p", p, n))
    if verdict:
        return verdict
    status, ref, sides = R.at_point(n)
    data = json.loads(out)
    vals = [value(c) for c in key(data, "coefficients")]
    if status != "ok":
        for side in (1, -1):
            s = sides[side]
            if not isinstance(s, str) and all(close(a, b) for a, b in zip(vals, s)):
                return ("agree", "one-sided: " + ref)
        return fail(f"answered where the reference says: {ref}; got {key(data, 'coefficients')}")
    for k, (a, b) in enumerate(zip(vals, ref)):
        if not close(a, b):
            if R.sympy(ref) is False:
                return INCONSISTENT
            return fail(f"c_{k} = {key(data, 'coefficients')[k]} = {mpmath.nstr(a, 20)}, reference {mpmath.nstr(b, 20)}")
    if case["digits"]:
        for k, s in enumerate((data.get(KEYS["approx"]) or {}).get(KEYS["coefficients"], [])):
            # Against the exact value (SymPy's adaptive evaluation, checked against the
            # reference above): the reference's 60 digits cannot judge the digits of a value
            # far below its scale (e^-1280 next to coefficients of size 1).
            if not check_digits(s, vals[k], case["digits"], max(abs(c) for c in ref)):
                return fail(f"--digits {case['digits']}: c_{k} printed {s}, value {mpmath.nstr(vals[k], 50)}")
    # the text, parsed back, must give the JSON values
    targs = [a for a in args if a not in ("--format", "json")]
    if case["digits"]:
        i = targs.index("--digits")
        del targs[i:i + 2]
    code, out, err = run_binary(targs, timeout, case["file"])
    if code == "hang" or (code == 2 and "timeout" in err):
        return ("timed out", "the text run: " + ("no exit (a hang)" if code == "hang" else err.strip()[:200]))
    if code != 0:
        return ("wrong (text)", f"text run exited {code}: {err.strip()[:200]}")
    try:
        printed = text_series_coefficients(out, p, n)
    except Timeout:
        raise
    except Exception as ex:  # noqa: BLE001
        return ("wrong (text)", f"unparsable text {out.strip()[:200]!r}: {type(ex).__name__} {ex}")
    for k, t in enumerate(printed):
        if abs(t - vals[k]) > mpmath.mpf(10) ** -25 * max(1, abs(vals[k])):
            return ("wrong (text)", f"text {out.strip()[:200]!r} gives c_{k} = {mpmath.nstr(t, 15)}, JSON {key(data, 'coefficients')[k]}")
    return ("agree", "")


def judge_refusal(code, err, status):
    """The verdict of a run that did not answer, else None (`status()`: the reference's status
    at the point, asked only for a refusal: a time-out needs no reference)."""
    if code == "invalid":
        return fail(err)
    if code == "hang":
        return ("timed out", "no exit within the time-out plus 15 s (a hang)")
    if code == 2 and "timeout" in err:
        return ("timed out", err.strip()[:200])
    if code not in (0, 1):
        return ("refused wrongly" if status() == "ok" else "refused correctly", refusal_class(err))
    return None


def judge_diff(case, timeout, R):
    p = R.point()
    n = case["order"]
    args = ["diff", case["text"], "-n", str(n), "--at=" + case["point"], "--format", "json"]
    if case["digits"]:
        args += ["--digits", str(case["digits"])]
    code, out, err = run_binary(args, timeout, case["file"])
    verdict = judge_refusal(code, err, lambda: R.refusal_status("p", p, n))
    if verdict:
        return verdict
    status, ref, sides = R.at_point(n)
    data = json.loads(out)
    vals = [value(v) for v in key(data, "values")]
    if status != "ok":
        for side in (1, -1):
            s = sides[side]
            if not isinstance(s, str) and all(
                close(a, s[k + 1] * mpmath.factorial(k + 1)) for k, a in enumerate(vals)
            ):
                return ("agree", "one-sided: " + ref)
        return fail(f"answered where the reference says: {ref}; got {key(data, 'values')}")
    for k, a in enumerate(vals):
        b = ref[k + 1] * mpmath.factorial(k + 1)
        if not close(a, b):
            if R.sympy(ref) is False:
                return INCONSISTENT
            return fail(f"f^({k + 1}) = {key(data, 'values')[k]} = {mpmath.nstr(a, 20)}, reference {mpmath.nstr(b, 20)}")
        if case["digits"] and KEYS["approx"] in data:
            s = data[KEYS["approx"]][KEYS["values"]][k]
            if not check_digits(s, a, case["digits"], max(abs(c) for c in ref) * mpmath.factorial(n)):
                return fail(f"--digits {case['digits']}: f^({k + 1}) printed {s}, value {mpmath.nstr(a, 50)}")
    # the printed derivatives, parsed back, at a second point
    q = p + mpmath.mpf(1) / 7
    with mpmath.workdps(gen.POINT_DIGITS):
        q_exact = p + mpmath.mpf(1) / 7  # p + 1/7 for the printed derivatives (q: the reference's)
    at_q = []

    def taylor_q(m):
        # the reference at q to order n once (its first m + 1 coefficients serve every k) when
        # f is smooth there to that order; else to the order m asked
        if not at_q:
            at_q.append(R.taylor("p+1/7", q, n))
        return at_q[0] if at_q[0][0] == "ok" else R.taylor("p+1/7", q, m)

    for k, text in enumerate(key(data, "derivatives")):
        if "if " in text or " then " in text:
            continue
        try:
            st, rq, _ = taylor_q(k + 1)
            if st != "ok":
                continue
            got = mp_value(text, q_exact)
            if got is None:
                with CLOCK("judging by SymPy"):
                    got = sp_num(parse_tg(text).subs(X, sympy.Rational(1, 7) + case["point_sp"]))
        except (ValueError, TypeError, ZeroDivisionError, SyntaxError):
            # (not Timeout: a case out of time is not judged, rather than judged less)
            continue
        want = rq[k + 1] * mpmath.factorial(k + 1)
        # the reference's coefficients are accurate relative to the size of the function's
        # coefficients (a constant exp(268) has derivatives 0 up to noise of 1e-28)
        scale = max(abs(c) for c in rq[: k + 2]) * mpmath.factorial(k + 1)
        if not close(got, want, scale):
            return fail(f"printed f^({k + 1})(x) = {text[:150]} gives {mpmath.nstr(got, 20)} at p + 1/7, reference {mpmath.nstr(want, 20)}")
    return ("agree", "")


def judge_gate(case, timeout, R):
    sigma = R.f
    n = case["inputs"]
    args = ["gate", case["text"], "--inputs", str(n), "--format", "json", "--radius", case["radius"]]
    if case["epsilon"]:
        args += ["--epsilon", case["epsilon"]]
    code, out, err = run_binary(args, timeout, case["file"])
    if code == "invalid":
        return fail(err)
    if code == "hang" or (code == 2 and "timeout" in err):
        return judge_refusal(code, err, None)
    if code == 2:
        st = R.refusal_status("0", mpmath.mpf(0), n)
        return ("refused correctly" if st != "ok" else "refused wrongly", refusal_class(err))
    data = json.loads(out)
    if not key(data, "admits"):
        # Does not admit / undecided: sigma^(n) must vanish wherever it exists (at 0 at least).
        st, c, _ = R.taylor("0", mpmath.mpf(0), n)
        if st == "ok" and abs(c[n]) > mpmath.mpf(10) ** -20:
            if key(data, "verdict") == "does not admit":
                return fail(f"'does not admit' but sigma^({n})(0) = {mpmath.nstr(c[n] * mpmath.factorial(n), 20)}")
            return ("refused wrongly", "undecided although sigma^(n)(0) != 0")
        return ("refused correctly", f"{key(data, 'verdict')}")
    b = value(key(data, "bias"))
    degree = key(data, "degree")
    # keyed by the bias as printed (its value b is read from that text at 60 digits)
    where = "bias " + key(data, "bias")
    st, c, _ = R.taylor(where, b, degree)
    if st != "ok":
        return fail(f"admits at the bias {key(data, 'bias')} where sigma is not smooth ({c})")
    dn = c[n] * mpmath.factorial(n)
    if abs(dn) < mpmath.mpf(10) ** -30:
        # below the reference's 60 digits (tanh(exp(5)) has sigma'' of 1e-124): judge the whole
        # case again at 400 digits (judge() restores the precision for the next case)
        mpmath.mp.dps = 400
        st, c, _ = R.taylor(where, b, degree)
        dn = c[n] * mpmath.factorial(n)
    got_dn = value(key(data, "derivative_at_bias"))
    if not close(got_dn, dn) or abs(dn) < mpmath.mpf(10) ** -300:
        return fail(f"sigma^({n})(b) = {key(data, 'derivative_at_bias')}, reference {mpmath.nstr(dn, 20)}")
    A1 = key(data, "A1")
    A2 = [value(a) for a in key(data, "A2")]
    b1 = [value(v) for v in key(data, "b1")]
    # The network's expansion from the reference coefficients of sigma at b: sum_s A2_s sum_k
    # c_k (s.x)^k (valid when every b1 entry is b).
    if any(not close(v, b) for v in b1):
        return fail("b1 is not the bias")
    xs = sympy.symbols(f"y0:{n}")
    ck = [sympy.Float(mpmath.nstr(v, DPS), DPS) for v in c]
    poly = 0
    for row, a2 in zip(A1, A2):
        lin = sum(int(s) * xi for s, xi in zip(row, xs))
        poly += sympy.Float(mpmath.nstr(a2, DPS), DPS) * sum(ck[k] * lin ** k for k in range(degree + 1))
    P = sympy.Poly(sympy.expand(poly), *xs)
    listed = {tuple(t[KEYS["powers"]]): value(t[KEYS["coefficient"]]) for t in key(data, "expansion")}
    for mono in set(listed) | {m for m in P.monoms() if sum(m) <= degree}:
        want = mpmath.mpf(str(P.coeff_monomial(mono))) if mono in P.monoms() else mpmath.mpf(0)
        got = listed.get(mono, mpmath.mpf(0))
        if abs(got - want) > mpmath.mpf(10) ** -25 * max(1, abs(want)):
            return fail(f"expansion coefficient of {mono}: {mpmath.nstr(got, 20)}, reference {mpmath.nstr(want, 20)}")
    if not close(listed.get(tuple(1 for _ in range(n)), mpmath.mpf(0)), mpmath.mpf(1)):
        return fail("the coefficient of the product x_1...x_n is not 1")

    def network(x, lam=1):
        return sum(a2 * sigma(lam * sum(int(s) * xi for s, xi in zip(row, x)) + b) for row, a2 in zip(A1, A2))

    def noise(x, lam=1):
        # The rounding error of evaluating the network at DPS digits: a few units of the last
        # place of its largest term (an exact gate, K = 0, leaves only this).
        terms = [abs(a2 * sigma(lam * sum(int(s) * xi for s, xi in zip(row, x)) + b)) for row, a2 in zip(A1, A2)]
        return mpmath.mpf(10) ** (10 - DPS) * (sum(terms) + abs(prod(x)))

    def prod(x):
        r = mpmath.mpf(1)
        for xi in x:
            r *= xi
        return r

    import random as _random
    rng = _random.Random(case["index"])
    rb = (data.get(KEYS["remainder"]) or {}).get(KEYS["bound"])
    if isinstance(rb, dict) and KEYS["K"] in rb:
        K = value(key(rb, "K"))
        r = value(key(rb, "radius"))
        m = key(rb, "order")
        for _ in range(6):
            x = [r * mpmath.mpf(rng.uniform(-1, 1)) for _ in range(n)]
            try:
                resid = abs(network(x) - prod(x))
                floor = noise(x)
            except gen.Undefined:
                continue
            bound = K * max(abs(v) for v in x) ** m
            if resid > bound * (1 + mpmath.mpf(10) ** -30) + floor:
                return fail(f"remainder bound K = {key(rb, 'K')}: |R({[mpmath.nstr(v, 8) for v in x]})| = {mpmath.nstr(resid, 12)} > {mpmath.nstr(bound, 12)}")
    cert = data.get(KEYS["certificate"])
    if isinstance(cert, dict) and KEYS["lambda"] in cert:
        lam = value(key(cert, "lambda"))
        eb = value(key(cert, "error_bound"))
        eps = value(key(cert, "epsilon"))
        box = value(key(cert, "radius"))
        if eb > eps:
            return fail(f"error_bound {key(cert, 'error_bound')} > epsilon {key(cert, 'epsilon')}")
        pts = [[box * int(s) for s in row] for row in A1] + [
            [box * mpmath.mpf(rng.uniform(-1, 1)) for _ in range(n)] for _ in range(8)
        ]
        for x in pts:
            try:
                err_x = abs(network(x, lam) / lam ** n - prod(x))
                floor = noise(x, lam) / abs(lam) ** n
            except gen.Undefined:
                continue
            if err_x > eb * (1 + mpmath.mpf(10) ** -30) + floor:
                return fail(f"certificate lambda = {key(cert, 'lambda')}: error {mpmath.nstr(err_x, 12)} at {[mpmath.nstr(v, 8) for v in x]} > error_bound {key(cert, 'error_bound')}")
    return ("agree", "")


INCONSISTENT = ("reference inconsistent", "mpmath and SymPy disagree")


def judge(task):
    """One case: (index, verdict, seconds, the reference's new memo entries, stage times)."""
    global CLOCK
    case, timeout, stored = task
    mpmath.mp.dps = DPS
    CLOCK = Clock()
    R = ref.Reference(case, stored, clock=CLOCK)
    started, cpu = time.time(), _cpu()
    try:
        judge_kind = {"expand": judge_expand, "diff": judge_diff, "gate": judge_gate}[case["kind"]]
        verdict = with_alarm(3 * timeout + 60, judge_kind, case, timeout, R)
    except Timeout:
        verdict = ("reference inconsistent", f"the reference or the judging ran past {3 * timeout + 60:g} s")
    except Exception as ex:  # noqa: BLE001
        verdict = ("reference inconsistent", f"the reference failed: {type(ex).__name__}: {str(ex)[:150]}")
    wall, cpu = time.time() - started, _cpu() - cpu
    # what the stages leave: the runner's own judging (parsing and evaluating the output with
    # SymPy, the text check, the network)
    CLOCK.wall["judging"] = wall - sum(CLOCK.wall.values())
    CLOCK.cpu["judging"] = cpu - sum(CLOCK.cpu.values())
    stages = {"wall": dict(CLOCK.wall), "cpu": dict(CLOCK.cpu)}
    return case["index"], verdict, wall, R.new, stages


def describe(case):
    parts = [case["kind"], repr(case["text"])]
    if case["kind"] in ("expand", "diff"):
        parts += ["--at", case["point"], ("--order" if case["kind"] == "expand" else "-n"), str(case["order"])]
        if case["digits"]:
            parts += ["--digits", str(case["digits"])]
    else:
        parts += ["--inputs", str(case["inputs"]), "--radius", case["radius"]]
        if case["epsilon"]:
            parts += ["--epsilon", case["epsilon"]]
    if case["file"]:
        parts += ["--file", "F.tg  # F.tg: " + case["file"].strip().replace("\n", " | ")]
    return " ".join(parts)


def _worker_signals():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=10, help="seconds per taylorgate run")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--allow-text-wrong", action="store_true",
                    help="report wrong printed text but do not fail on it")
    ap.add_argument("--log", help="append each judged case to this JSON-lines file as it ends")
    ap.add_argument("--resume", action="store_true",
                    help="with --log: skip the cases of this seed already in the log and report them "
                         "with the new ones (a long run in chunks: interrupt, run again)")
    ap.add_argument("--only", help="judge only these case indices (comma-separated), to reproduce; with "
                                   "--resume, judge them again and report the whole log with their new verdicts")
    ap.add_argument("--ref-cache", metavar="F.jsonl.gz",
                    help="read the reference of each case from this file when it holds it for the "
                         "current generator and reference (ref.VERSION), and add what is computed")
    args = ap.parse_args()
    if args.resume and not args.log:
        sys.exit("--resume needs --log")
    if not os.path.exists(BINARY):
        sys.exit(f"no binary at {BINARY}: run `cargo build --release` first")
    cases = gen.cases(args.seed, args.cases)
    cache = ref.Cache(args.ref_cache)
    if args.ref_cache:
        print(f"reference cache {args.ref_cache} (version {ref.VERSION}): {len(cache.memos)} cases"
              + (f", {cache.stale} entries of other versions (dropped when the run ends)" if cache.stale else ""),
              flush=True)
    keys = {c["index"]: ref.case_key(args.seed, c) for c in cases}
    started = time.time()
    results = []
    if args.resume and os.path.exists(args.log):
        logged = {}
        with open(args.log) as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by an interrupt
                index = entry.get("index")
                if entry.get("seed") == args.seed and isinstance(index, int) and index < args.cases:
                    # a case judged again (`--only` with the same log) replaces its earlier verdict
                    logged[index] = (index, (entry["class"], entry["detail"]), entry["seconds"])
        seen = set(logged)
        results = list(logged.values())
        print(f"resuming: {len(seen)} cases of seed {args.seed} already in {args.log}", flush=True)
        cases_to_run = [c for c in cases if c["index"] not in seen]
    else:
        cases_to_run = cases
    if args.only:
        # judged (again) whether or not the log has them; with --resume the report is the
        # whole log's with these verdicts replaced
        wanted = {int(i) for i in args.only.split(",")}
        cases_to_run = [c for c in cases if c["index"] in wanted]
        results = [r for r in results if r[0] not in wanted]
    interrupted = False
    # Ctrl-C, `kill -INT` or `kill -TERM` of this process (a run in the background, where SIGINT
    # starts ignored) ends the run with the report of the cases judged so far; the workers leave
    # SIGINT to it and die of the SIGTERM with which the pool ends them.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    pool = multiprocessing.Pool(args.jobs, initializer=_worker_signals)
    stage_wall, stage_cpu = collections.Counter(), collections.Counter()
    hits = judged_now = 0
    tasks = [(c, args.timeout, cache.get(keys[c["index"]])) for c in cases_to_run]
    try:
        log = open(args.log, "a") if args.log else None
        for index, verdict, secs, new, stages in pool.imap_unordered(judge, tasks, chunksize=1):
            results.append((index, verdict, secs))
            judged_now += 1
            hits += cache.get(keys[index]) is not None and not new
            cache.add(keys[index], new)
            stage_wall.update(stages["wall"])
            stage_cpu.update(stages["cpu"])
            if log:
                cls, detail = verdict
                log.write(json.dumps({"seed": args.seed, "index": index, "class": cls,
                                      "detail": detail, "seconds": round(secs, 2),
                                      "stages": {k: round(v, 2) for k, v in stages["cpu"].items()},
                                      "case": describe(cases[index])}) + "\n")
                log.flush()
    except KeyboardInterrupt:
        # Ctrl-C: report the cases judged so far.
        interrupted = True
        pool.terminate()
    else:
        pool.close()
    pool.join()
    cache.close()
    results.sort()
    counts = collections.Counter()
    per_kind = collections.defaultdict(collections.Counter)
    refusals = collections.Counter()
    listed = collections.defaultdict(list)
    for index, (cls, detail), _ in results:
        counts[cls] += 1
        per_kind[cases[index]["kind"]][cls] += 1
        if cls.startswith("refused"):
            refusals[(cls, detail)] += 1
        listed[cls].append((index, detail))
    done = f"{len(results)} of {args.cases} cases (interrupted)" if interrupted else f"{args.cases} cases"
    print(f"differential: seed {args.seed}, {done}, time-out {args.timeout:g} s, "
          f"{time.time() - started:.0f} s, {args.jobs} jobs")
    if stage_wall:
        print(f"time of the {judged_now} cases judged now, wall / CPU seconds (the binary's CPU is "
              f"its runs'; a run past its time-out counts in full): "
              + ", ".join(f"{k} {stage_wall[k]:.1f} / {stage_cpu[k]:.1f}" for k in sorted(stage_cpu))
              + f"; {hits} of them wholly from the reference cache")
    print(f"{'class':<24}" + "".join(f"{k:>9}" for k in ("expand", "diff", "gate")) + f"{'total':>9}")
    for cls in CLASSES:
        print(f"{cls:<24}" + "".join(f"{per_kind[k][cls]:>9}" for k in ("expand", "diff", "gate")) + f"{counts[cls]:>9}")
    print("\nrefusal classes:")
    for (cls, detail), k in refusals.most_common():
        print(f"  {k:>6}  {cls:<18} {detail}")
    for cls in ("wrong", "wrong (text)", "refused wrongly", "timed out", "reference inconsistent"):
        if listed[cls]:
            note = " (the printer's sign bug until the print fix lands)" if cls == "wrong (text)" else ""
            print(f"\n{cls}{note}:")
            for index, detail in listed[cls]:
                print(f"  #{index}: taylorgate {describe(cases[index])}\n      {detail}")
    failing = counts["wrong"] + (0 if args.allow_text_wrong else counts["wrong (text)"])
    sys.exit(1 if failing else 0)


if __name__ == "__main__":
    main()
