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
import json
import multiprocessing
import os
import re
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

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("TG_BINARY", os.path.join(ROOT, "target", "release", "taylorgate"))
DPS = 60
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


def parse_tg(text):
    """A constant or expression printed by taylorgate, as SymPy (no evaluation shortcuts)."""
    # decimal literals (`0.25`, `1e-3`) are exact rationals, as in taylorgate
    text = NUMBER.sub(lambda m: "Rational({}, {})".format(*_ratio(m.group(0))), text)
    return parse_expr(text, local_dict=dict(LOCALS), transformations=standard_transformations + (convert_xor,))


def sp_num(expr):
    v = sympy.N(expr, DPS)
    if not v.is_real:
        raise ValueError(f"not real: {v}")
    return mpmath.mpf(str(v))


def close(a, b, scale=1):
    return abs(a - b) <= TOL * max(1, abs(a), abs(b), scale)


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def with_alarm(seconds, f, *args):
    """f(*args), raising Timeout after `seconds` (inside any alarm already running)."""
    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer:
        seconds = min(seconds, outer)
    started = time.time()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return f(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.time() - started), 0.001))


# ----------------------------------------------------------------------------- the reference


def taylor_ref(f, p, n):
    """('ok', [c_0..c_n]) or ('undefined', why): mpmath Taylor coefficients of f at p, from both
    sides (a switching point or a branch point shows as one-sided coefficients that differ)."""
    sides = {}
    for direction in (1, -1):
        try:
            c = [gen._real(c) for c in mpmath.taylor(f, p, n, direction=direction, singular=True)]
            # mpmath's taylor (diffs) takes c_0 from the right whatever the direction: take it
            # from this side (a jump at a switching point shows in c_0 only)
            c[0] = gen._real(mpmath.diff(f, p, 0, direction=direction, singular=True))
            sides[direction] = c
        except gen.Undefined as err:
            sides[direction] = str(err)
    left, right = sides[-1], sides[1]
    if isinstance(left, str) or isinstance(right, str):
        return ("undefined", f"not defined on both sides ({left if isinstance(left, str) else right})", sides)
    # one-sided differences are less accurate: compare loosely, then use the central ones
    loose = mpmath.mpf(10) ** -12
    for a, b in zip(left, right):
        if abs(a - b) > loose * max(1, abs(a), abs(b)):
            return ("undefined", "the sides differ (not smooth here)", sides)
    try:
        central = [gen._real(c) for c in mpmath.taylor(f, p, n, singular=True)]
    except gen.Undefined as err:
        return ("undefined", str(err), sides)
    return ("ok", central, sides)


def sympy_check(case, coeffs, p_sp):
    """Whether SymPy's exact derivative values agree with the mpmath coefficients (None when
    SymPy does not answer within seconds)."""
    if gen.has_piecewise(case["expr"]):
        return None
    def work():
        f = gen.sp(case["expr"], {"x": X}, case["defs"])
        out = []
        d = f
        for k in range(len(coeffs)):
            if k:
                d = sympy.diff(d, X)
            v = d.subs(X, p_sp)
            if v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
                return None
            out.append(sp_num(v) / mpmath.factorial(k))
        return out
    try:
        exact = with_alarm(4, work)
    except (Timeout, Exception):
        return None
    if exact is None:
        return None
    return all(abs(a - b) <= mpmath.mpf(10) ** -25 * max(1, abs(a)) for a, b in zip(exact, coeffs))


# ------------------------------------------------------------------------------ the binary


def run_binary(args, timeout, file_text):
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


def text_series_coefficients(text, p, n):
    """The coefficients c_0..c_n of the printed series `c0 + c1*(x - p) + ... + O(...)`, by
    parsing it back (SymPy) and expanding the parsed polynomial numerically at 60 digits."""
    first = text.strip().split("\n")[0]
    body = first[: first.rindex("O(")] if "O(" in first else first
    body = body.strip().rstrip("+").strip() or "0"
    poly = sympy.lambdify(X, parse_tg(body), "mpmath")
    return [gen._real(c) for c in mpmath.taylor(lambda v: poly(v), p, n)]


def fail(detail):
    return ("wrong", detail)


def judge_expand(case, timeout):
    f = lambda v: gen.mp_eval(case["expr"], {"x": v}, case["defs"])
    p = gen.point_mp(case["point_sp"])
    n = case["order"]
    args = ["expand", case["text"], "--at=" + case["point"], "--order", str(n), "--format", "json"]
    if case["digits"]:
        args += ["--digits", str(case["digits"])]
    code, out, err = run_binary(args, timeout, case["file"])
    status, ref, sides = taylor_ref(f, p, n)
    verdict = judge_refusal(code, err, status, ref)
    if verdict:
        return verdict
    data = json.loads(out)
    got = [parse_tg(c) for c in key(data, "coefficients")]
    vals = [sp_num(c) for c in got]
    if status != "ok":
        for side in (1, -1):
            s = sides[side]
            if not isinstance(s, str) and all(close(a, b) for a, b in zip(vals, s)):
                return ("agree", "one-sided: " + ref)
        return fail(f"answered where the reference says: {ref}; got {key(data, 'coefficients')}")
    consistent = sympy_check(case, ref, case["point_sp"])
    if consistent is False:
        return ("reference inconsistent", "mpmath and SymPy disagree")
    for k, (a, b) in enumerate(zip(vals, ref)):
        if not close(a, b):
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


def judge_refusal(code, err, status, ref):
    if code == "invalid":
        return fail(err)
    if code == "hang":
        return ("timed out", "no exit within the time-out plus 15 s (a hang)")
    if code == 2 and "timeout" in err:
        return ("timed out", err.strip()[:200])
    if code not in (0, 1):
        if status == "ok":
            return ("refused wrongly", refusal_class(err))
        return ("refused correctly", refusal_class(err))
    return None


def judge_diff(case, timeout):
    f = lambda v: gen.mp_eval(case["expr"], {"x": v}, case["defs"])
    p = gen.point_mp(case["point_sp"])
    n = case["order"]
    args = ["diff", case["text"], "-n", str(n), "--at=" + case["point"], "--format", "json"]
    if case["digits"]:
        args += ["--digits", str(case["digits"])]
    code, out, err = run_binary(args, timeout, case["file"])
    status, ref, sides = taylor_ref(f, p, n)
    verdict = judge_refusal(code, err, status, ref)
    if verdict:
        return verdict
    data = json.loads(out)
    vals = [sp_num(parse_tg(v)) for v in key(data, "values")]
    if status != "ok":
        for side in (1, -1):
            s = sides[side]
            if not isinstance(s, str) and all(
                close(a, s[k + 1] * mpmath.factorial(k + 1)) for k, a in enumerate(vals)
            ):
                return ("agree", "one-sided: " + ref)
        return fail(f"answered where the reference says: {ref}; got {key(data, 'values')}")
    consistent = sympy_check(case, ref, case["point_sp"])
    if consistent is False:
        return ("reference inconsistent", "mpmath and SymPy disagree")
    for k, a in enumerate(vals):
        b = ref[k + 1] * mpmath.factorial(k + 1)
        if not close(a, b):
            return fail(f"f^({k + 1}) = {key(data, 'values')[k]} = {mpmath.nstr(a, 20)}, reference {mpmath.nstr(b, 20)}")
        if case["digits"] and KEYS["approx"] in data:
            s = data[KEYS["approx"]][KEYS["values"]][k]
            if not check_digits(s, a, case["digits"], max(abs(c) for c in ref) * mpmath.factorial(n)):
                return fail(f"--digits {case['digits']}: f^({k + 1}) printed {s}, value {mpmath.nstr(a, 50)}")
    # the printed derivatives, parsed back, at a second point
    q = p + mpmath.mpf(1) / 7
    for k, text in enumerate(key(data, "derivatives")):
        if "if " in text or " then " in text:
            continue
        try:
            d = parse_tg(text)
            st, rq, _ = taylor_ref(f, q, k + 1)
            if st != "ok":
                continue
            got = sp_num(d.subs(X, sympy.Rational(1, 7) + case["point_sp"]))
        except (Timeout, ValueError, TypeError, ZeroDivisionError, SyntaxError):
            continue
        want = rq[k + 1] * mpmath.factorial(k + 1)
        # the reference's coefficients are accurate relative to the size of the function's
        # coefficients (a constant exp(268) has derivatives 0 up to noise of 1e-28)
        scale = max(abs(c) for c in rq) * mpmath.factorial(k + 1)
        if not close(got, want, scale):
            return fail(f"printed f^({k + 1})(x) = {text[:150]} gives {mpmath.nstr(got, 20)} at p + 1/7, reference {mpmath.nstr(want, 20)}")
    return ("agree", "")


def judge_gate(case, timeout):
    sigma = lambda v: gen.mp_eval(case["expr"], {"x": v}, case["defs"])
    n = case["inputs"]
    args = ["gate", case["text"], "--inputs", str(n), "--format", "json", "--radius", case["radius"]]
    if case["epsilon"]:
        args += ["--epsilon", case["epsilon"]]
    code, out, err = run_binary(args, timeout, case["file"])
    if code == "invalid":
        return fail(err)
    if code == "hang" or (code == 2 and "timeout" in err):
        return judge_refusal(code, err, "ok", None)
    if code == 2:
        st, _, _ = taylor_ref(sigma, mpmath.mpf(0), n)
        return ("refused correctly" if st != "ok" else "refused wrongly", refusal_class(err))
    data = json.loads(out)
    if not key(data, "admits"):
        # Does not admit / undecided: sigma^(n) must vanish wherever it exists (at 0 at least).
        st, c, _ = taylor_ref(sigma, mpmath.mpf(0), n)
        if st == "ok" and abs(c[n]) > mpmath.mpf(10) ** -20:
            if key(data, "verdict") == "does not admit":
                return fail(f"'does not admit' but sigma^({n})(0) = {mpmath.nstr(c[n] * mpmath.factorial(n), 20)}")
            return ("refused wrongly", "undecided although sigma^(n)(0) != 0")
        return ("refused correctly", f"{key(data, 'verdict')}")
    b = sp_num(parse_tg(key(data, "bias")))
    degree = key(data, "degree")
    st, c, _ = taylor_ref(sigma, b, degree)
    if st != "ok":
        return fail(f"admits at the bias {key(data, 'bias')} where sigma is not smooth ({c})")
    dn = c[n] * mpmath.factorial(n)
    if not close(sp_num(parse_tg(key(data, "derivative_at_bias"))), dn) or abs(dn) < mpmath.mpf(10) ** -30:
        return fail(f"sigma^({n})(b) = {key(data, 'derivative_at_bias')}, reference {mpmath.nstr(dn, 20)}")
    A1 = key(data, "A1")
    A2 = [sp_num(parse_tg(a)) for a in key(data, "A2")]
    b1 = [sp_num(parse_tg(v)) for v in key(data, "b1")]
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
    listed = {tuple(t[KEYS["powers"]]): sp_num(parse_tg(t[KEYS["coefficient"]])) for t in key(data, "expansion")}
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
        K = sp_num(parse_tg(key(rb, "K")))
        r = sp_num(parse_tg(key(rb, "radius")))
        m = key(rb, "order")
        for _ in range(6):
            x = [r * mpmath.mpf(rng.uniform(-1, 1)) for _ in range(n)]
            try:
                R = abs(network(x) - prod(x))
                floor = noise(x)
            except gen.Undefined:
                continue
            bound = K * max(abs(v) for v in x) ** m
            if R > bound * (1 + mpmath.mpf(10) ** -30) + floor:
                return fail(f"remainder bound K = {key(rb, 'K')}: |R({[mpmath.nstr(v, 8) for v in x]})| = {mpmath.nstr(R, 12)} > {mpmath.nstr(bound, 12)}")
    cert = data.get(KEYS["certificate"])
    if isinstance(cert, dict) and KEYS["lambda"] in cert:
        lam = sp_num(parse_tg(key(cert, "lambda")))
        eb = sp_num(parse_tg(key(cert, "error_bound")))
        eps = sp_num(parse_tg(key(cert, "epsilon")))
        R = sp_num(parse_tg(key(cert, "radius")))
        if eb > eps:
            return fail(f"error_bound {key(cert, 'error_bound')} > epsilon {key(cert, 'epsilon')}")
        pts = [[R * int(s) for s in row] for row in A1] + [
            [R * mpmath.mpf(rng.uniform(-1, 1)) for _ in range(n)] for _ in range(8)
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


def judge(case_and_timeout):
    case, timeout = case_and_timeout
    mpmath.mp.dps = DPS
    started = time.time()
    try:
        judge_kind = {"expand": judge_expand, "diff": judge_diff, "gate": judge_gate}[case["kind"]]
        verdict = with_alarm(3 * timeout + 60, judge_kind, case, timeout)
    except Timeout:
        verdict = ("reference inconsistent", "the reference timed out")
    except Exception as ex:  # noqa: BLE001
        verdict = ("reference inconsistent", f"the reference failed: {type(ex).__name__}: {str(ex)[:150]}")
    return case["index"], verdict, time.time() - started


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
    ap.add_argument("--only", help="judge only these case indices (comma-separated), to reproduce")
    args = ap.parse_args()
    if args.resume and not args.log:
        sys.exit("--resume needs --log")
    if not os.path.exists(BINARY):
        sys.exit(f"no binary at {BINARY}: run `cargo build --release` first")
    cases = gen.cases(args.seed, args.cases)
    started = time.time()
    results = []
    if args.resume and os.path.exists(args.log):
        seen = set()
        with open(args.log) as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by an interrupt
                index = entry.get("index")
                if entry.get("seed") == args.seed and isinstance(index, int) and index < args.cases \
                        and index not in seen:
                    seen.add(index)
                    results.append((index, (entry["class"], entry["detail"]), entry["seconds"]))
        print(f"resuming: {len(seen)} cases of seed {args.seed} already in {args.log}", flush=True)
        cases_to_run = [c for c in cases if c["index"] not in seen]
    else:
        cases_to_run = cases
    if args.only:
        wanted = {int(i) for i in args.only.split(",")}
        cases_to_run = [c for c in cases_to_run if c["index"] in wanted]
    interrupted = False
    pool = multiprocessing.Pool(args.jobs, initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))
    try:
        log = open(args.log, "a") if args.log else None
        for r in pool.imap(judge, [(c, args.timeout) for c in cases_to_run], chunksize=1):
            results.append(r)
            if log:
                index, (cls, detail), secs = r
                log.write(json.dumps({"seed": args.seed, "index": index, "class": cls,
                                      "detail": detail, "seconds": round(secs, 2),
                                      "case": describe(cases[index])}) + "\n")
                log.flush()
    except KeyboardInterrupt:
        # Ctrl-C: report the cases judged so far.
        interrupted = True
        pool.terminate()
    else:
        pool.close()
    pool.join()
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
