"""The reference of the differential suite, and its cache.

The reference of a case depends only on the generated case, never on the binary: Taylor
coefficients by mpmath (from the right, from the left, centred) at the case's point, and SymPy's
exact derivative values as a consistency check of mpmath. `Reference` computes them on demand
and memoises every answer under a key that names what was asked (the point, the order, the
working precision); `Cache` keeps those memos in a gzip'd JSON-lines file between runs, keyed by
seed, case index and a hash of the case's inputs and of `VERSION`. `VERSION` hashes the source
of `gen.py` and of this file and the versions of mpmath and SymPy: a change to the generator or
to the reference misses the cache and recomputes.

Numbers are stored exactly (the binary mantissa and exponent of the mpmath value), so a case
judged from the cache is judged exactly as one judged from a fresh reference.
"""

import gzip
import hashlib
import json
import os
import signal
import sys
import time
import zlib

import mpmath
import sympy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

DPS = 60
X = sympy.Symbol("x")
# Seconds SymPy has for the exact derivative values of one case.
SYMPY_SECONDS = 4


def _version():
    h = hashlib.sha256()
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("gen.py", "ref.py"):
        with open(os.path.join(here, name), "rb") as f:
            h.update(f.read())
    h.update(f"mpmath {mpmath.__version__} sympy {sympy.__version__} dps {DPS}".encode())
    return h.hexdigest()[:12]


VERSION = _version()


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


def sp_num(expr):
    v = sympy.N(expr, max(DPS, mpmath.mp.dps))
    if not v.is_real:
        raise ValueError(f"not real: {v}")
    return mpmath.mpf(str(v))


# ----------------------------------------------------------------------------- the computations


# How far the higher coefficients reach into a lower one's error: a one-sided difference step is
# far below this (mpmath's steps at 60 digits are about 1e-60), so c_j h^(j-k) < c_j ETA^(j-k).
ETA = mpmath.mpf(10) ** -30


def jet_scale(a, b, k):
    """The size against which the k-th coefficients of two jets are compared: their own size,
    and the error that the higher coefficients leave in a finite difference of order k (a
    one-sided c_0 next to c_1 = 6e227 is off by about 6e164 however smooth f is)."""
    scale = max(1, abs(a[k]), abs(b[k]))
    for j in range(k + 1, min(len(a), len(b))):
        scale = max(scale, max(abs(a[j]), abs(b[j])) * ETA ** (j - k))
    return scale


def taylor_ref(f, p, n):
    """('ok', [c_0..c_n], None) or ('undefined', why, sides): mpmath Taylor coefficients of f at
    p, from both sides (a switching point or a branch point shows as one-sided coefficients that
    differ; `sides` maps 1 and -1 to a side's coefficients or to why it is undefined)."""
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
    for k, (a, b) in enumerate(zip(left, right)):
        if abs(a - b) > loose * jet_scale(left, right, k):
            return ("undefined", "the sides differ (not smooth here)", sides)
    try:
        central = [gen._real(c) for c in mpmath.taylor(f, p, n, singular=True)]
    except gen.Undefined as err:
        return ("undefined", str(err), sides)
    # the centred steps are longer than the one-sided ones: a switch that rounding hides from the
    # short steps (`if sin(x) > x` at 0: sin(x) rounds to x) shows here as a disagreement
    for k, (a, b) in enumerate(zip(central, right)):
        if abs(a - b) > loose * jet_scale(central, right, k):
            return ("undefined", "the centred and one-sided coefficients differ (not smooth here)", sides)
    return ("ok", central, None)


def sympy_check(case, coeffs):
    """Whether SymPy's exact derivative values at the case's point agree with the mpmath
    coefficients `coeffs` to 25 digits (None when SymPy does not answer within
    `SYMPY_SECONDS`, or the expression has `abs/min/max/if`)."""
    if gen.has_piecewise(case["expr"]):
        return None

    def work():
        f = gen.sp(case["expr"], {"x": X}, case["defs"])
        out = []
        d = f
        for k in range(len(coeffs)):
            if k:
                d = sympy.diff(d, X)
            v = d.subs(X, case["point_sp"])
            if v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
                return None
            out.append(sp_num(v) / mpmath.factorial(k))
        return out
    try:
        exact = with_alarm(SYMPY_SECONDS, work)
    except (Timeout, Exception):
        return None
    if exact is None:
        return None
    return all(abs(a - b) <= mpmath.mpf(10) ** -25 * max(1, abs(a)) for a, b in zip(exact, coeffs))


# ------------------------------------------------------------------------- exact serialisation


def _enc(v):
    sign, man, exp, _ = v._mpf_
    return f"{'-' if sign else ''}{man:x}p{exp}"


def _dec(s):
    man, exp = s.split("p")
    m = int(man, 16)
    return mpmath.mpf((m, int(exp)))


def _enc_side(s):
    return s if isinstance(s, str) else [_enc(c) for c in s]


def _dec_side(s):
    return s if isinstance(s, str) else [_dec(c) for c in s]


def _enc_taylor(r):
    status, what, sides = r
    if status == "ok":
        return {"c": [_enc(c) for c in what]}
    return {"u": what, "r": _enc_side(sides[1]), "l": _enc_side(sides[-1])}


def _dec_taylor(d):
    if "c" in d:
        return ("ok", [_dec(c) for c in d["c"]], None)
    return ("undefined", d["u"], {1: _dec_side(d["r"]), -1: _dec_side(d["l"])})


# ------------------------------------------------------------------------------- the memo


def case_key(seed, case):
    """The cache key of a case: seed, index, and a hash of everything the reference reads."""
    inputs = {k: case[k] for k in ("kind", "text", "file", "point", "digits", "order", "inputs",
                                   "epsilon", "radius") if k in case}
    inputs["expr"] = repr(case["expr"])
    inputs["defs"] = repr(sorted(case["defs"].items()))
    h = hashlib.sha256((VERSION + json.dumps(inputs, sort_keys=True)).encode()).hexdigest()[:16]
    return f"{seed}:{case['index']}:{h}"


class Reference:
    """The reference of one case, computed on demand, memoised (`stored`: a cache's memo)."""

    def __init__(self, case, stored=None, clock=None):
        self.case = case
        self.clock = clock
        self.memo = dict(stored or {})
        self.new = {}
        self._p = None

    def f(self, v):
        return gen.mp_eval(self.case["expr"], {"x": v}, self.case["defs"])

    def point(self):
        """The case's point (at gen.POINT_DIGITS digits)."""
        if self._p is None:
            self._p = gen.point_mp(self.case["point_sp"])
        return self._p

    def _get(self, key, stage, compute, enc, dec):
        if key in self.memo:
            return dec(self.memo[key])
        if self.clock:
            with self.clock(stage):
                value = compute()
        else:
            value = compute()
        self.memo[key] = self.new[key] = enc(value)
        return value

    def taylor(self, where, p, n):
        """taylor_ref(f, p, n) at the point that `where` names (the text it was read from: the
        same `where` must always name the same value)."""
        key = f"t {where} {n} {mpmath.mp.dps}"
        return self._get(key, "reference mpmath", lambda: taylor_ref(self.f, p, n), _enc_taylor, _dec_taylor)

    def at_point(self, n):
        return self.taylor("p", self.point(), n)

    def refusal_status(self, where, p, n):
        """The status that judges a refusal: "undefined" also when a constant of the file has no
        value (taylorgate refuses the file, whether or not the expression uses the constant)."""
        key = "c"
        why = self._get(key, "reference mpmath", lambda: gen.undefined_constant(self.case["defs"]),
                        lambda v: v, lambda v: v)
        return "undefined" if why else self.taylor(where, p, n)[0]

    def sympy(self, coeffs):
        """sympy_check of the coefficients at the case's point (`coeffs` from at_point)."""
        key = f"s {len(coeffs) - 1} {mpmath.mp.dps}"
        return self._get(key, "reference sympy", lambda: sympy_check(self.case, coeffs), lambda v: v, lambda v: v)


# ------------------------------------------------------------------------------- the file


class Cache:
    """Memos of cases by key in a gzip'd JSON-lines file: one line `{"k": key, "v": VERSION,
    "m": memo}` per case and session (the lines of a key are merged on reading). New memos are
    appended as gzip members while a run goes (an interrupt loses at most the last few); `close`
    rewrites the file as one member, sorted, without the entries of other versions."""

    def __init__(self, path):
        self.path = path
        self.memos = {}
        self.pending = []
        self.stale = 0
        if path and os.path.exists(path):
            self._read()

    def _read(self):
        try:
            with gzip.open(self.path, "rt", encoding="utf-8") as f:
                for line in f:
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    if entry.get("v") != VERSION:
                        self.stale += 1
                        continue
                    self.memos.setdefault(entry["k"], {}).update(entry["m"])
        except (EOFError, gzip.BadGzipFile, zlib.error):
            pass  # a member cut by an interrupt: what came before it is read

    def get(self, key):
        return self.memos.get(key)

    def add(self, key, new):
        if not new:
            return
        self.memos.setdefault(key, {}).update(new)
        self.pending.append((key, new))
        if len(self.pending) >= 50:
            self.flush()

    def flush(self):
        if not self.path or not self.pending:
            return
        with gzip.open(self.path, "at", encoding="utf-8", compresslevel=9) as f:
            for key, new in self.pending:
                f.write(json.dumps({"k": key, "v": VERSION, "m": new}, separators=(",", ":")) + "\n")
        self.pending = []

    def close(self):
        """Flush, then rewrite the file compactly (atomically: a temporary file renamed)."""
        if not self.path:
            return
        self.flush()
        if not self.memos:
            return
        tmp = self.path + ".tmp"

        def order(k):
            seed, index, _ = k.split(":")
            return (int(seed), int(index), k)
        # mtime 0: the same memos give the same bytes (a committed file changes only with them)
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as z:
            for key in sorted(self.memos, key=order):
                line = json.dumps({"k": key, "v": VERSION, "m": dict(sorted(self.memos[key].items()))},
                                  separators=(",", ":"))
                z.write((line + "\n").encode("utf-8"))
        os.replace(tmp, self.path)
