//! The epsilon-lambda certificate of the multiplication gate (the remainder bound
//! `|R(x)| <= K |x|_inf^m` that `gate` prints comes from [`crate::bound`], the routine `prove`
//! uses).
//!
//! The network of [`crate::gate`] computes `f(x) = sum_s A2_s sigma(b + s.x)`, and the scaled
//! network `f_lambda(x) = lambda^-n f(lambda x)`. Write `R(y) = f(y) - y_1...y_n`. For every
//! Taylor order `m` (`n < m <= D + 1`, `D` the degree of the exact expansion), Taylor's theorem
//! with the Lagrange remainder on each neuron `g_s(t) = sigma(b + t s.y)` gives
//!
//! ```text
//! R(y) = sum_{n < d < m} (exact terms of degree d)(y) + sum_s A2_s rho_s(y),
//! |rho_s(y)| <= M_m |s.y|^m / m!,   M_m >= sup |sigma^(m)| over [b - n r, b + n r],
//! ```
//!
//! so for `|y|_inf <= r`:
//! `|R(y)| <= sum_d A_d r^d + M_m S_m r^m / (m! 2^n |sigma^(n)(b)|)` where `A_d` is the sum of
//! the absolute values of the exact coefficients of degree `d` and
//! `S_m = sum_s |s_1 + ... + s_n|^m` (the maximum of the convex `sum_s |s.y|^m` over the box is
//! at a corner). Every ingredient is an exact rational or a rigorous interval bound: the
//! coefficients are enclosed ([`crate::interval::enclose_value`]), `M_m` comes from Taylor
//! arithmetic on enclosures ([`crate::interval::derivative_bound`]), `|sigma^(n)(b)|` is
//! bounded below. The best order `m` is chosen per radius.
//!
//! Since `f_lambda(x) - x_1...x_n = R(lambda x) / lambda^n`, the certificate takes
//! `r = lambda R` and searches the largest `lambda = j / 2^k` whose bound is at most epsilon.

pub mod float;

use crate::expr::Expr;
use crate::gate::{GateReport, Verdict};
use crate::interval::{
    derivative_bound, derivative_bounds, enclose_value, Interval, IntervalError,
};
use crate::number::Const;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use thiserror::Error;

/// Working precision (bits) of the bounds.
const PREC: u32 = 128;
/// Smallest `lambda` tried: `2^-MAX_HALVINGS`.
const MAX_HALVINGS: u32 = 200;

/// Errors of the bounds and the certificate.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum CertificateError {
    /// A bad option (epsilon or radius not a positive rational).
    #[error("{0}")]
    Options(String),
    /// The activation does not (provably) admit the gate.
    #[error("no certificate: the activation does not provably admit the gate")]
    NotAdmitted,
    /// An enclosure failed.
    #[error("enclosure failed: {0}")]
    Interval(#[from] IntervalError),
    /// No `lambda >= 2^-200` reaches epsilon.
    #[error("no lambda >= 2^-{MAX_HALVINGS} reaches epsilon = {0}")]
    NotReached(String),
}

/// A rigorous bound of `sup_{|y|_inf <= r} |R(y)|`, split as it was obtained.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxBound {
    /// The radius `r` of the box.
    pub radius: BigRational,
    /// Taylor order `m` of the Lagrange remainder used.
    pub order: usize,
    /// `sum_{n < d < m} A_d r^d`: the exact terms, bounded by absolute values.
    pub polynomial: BigRational,
    /// `M_m S_m r^m / (m! 2^n |sigma^(n)(b)|)`.
    pub tail: BigRational,
    /// `M_m`, an upper bound of `|sigma^(m)|` on the neuron arguments.
    pub derivative_bound: BigRational,
    /// The interval of the neuron arguments `[b - n r, b + n r]` (outward).
    pub arguments: (BigRational, BigRational),
    /// `S_m = sum_s |s_1 + ... + s_n|^m`.
    pub corner_sum: BigInt,
}

impl BoxBound {
    /// `polynomial + tail`.
    pub fn total(&self) -> BigRational {
        &self.polynomial + &self.tail
    }
}

/// The epsilon-lambda certificate.
#[derive(Clone, Debug, PartialEq)]
pub struct Certificate {
    /// The requested accuracy.
    pub epsilon: BigRational,
    /// The half-width of the input box `|x_i| <= R`.
    pub radius: BigRational,
    /// The certified scale.
    pub lambda: BigRational,
    /// `sup |f_lambda(x) - x_1...x_n| <= error_bound <= epsilon`, rounded up to a short decimal.
    pub error_bound: BigRational,
    /// The bound of `R` on the box of radius `lambda R` it comes from (`error_bound >=
    /// detail.total() / lambda^n`).
    pub detail: BoxBound,
    /// One line: how the bound was obtained.
    pub method: String,
}

/// What every bound needs from a gate report.
struct Ingredients {
    sigma: Expr,
    n: usize,
    bias: Interval,
    /// A lower bound of `|sigma^(n)(b)|`.
    dn_low: BigRational,
    /// `(d, A_d)` for the degrees `d != n` of the expansion, plus `|c_product - 1|` at `d = n`.
    degree_sums: Vec<(usize, BigRational)>,
    /// The expansion is exact through this degree.
    degree: usize,
}

fn q(n: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

fn mag_up(x: &Interval) -> BigRational {
    x.lo().abs().max(x.hi().abs())
}

/// [`ingredients`], once the option `name = value` and the radius are checked to be positive.
fn positive_ingredients(
    report: &GateReport,
    (name, value): (&str, &BigRational),
    radius: &BigRational,
) -> Result<Ingredients, CertificateError> {
    if !value.is_positive() || !radius.is_positive() {
        return Err(CertificateError::Options(format!(
            "{name} and the radius must be > 0"
        )));
    }
    ingredients(report)
}

fn ingredients(report: &GateReport) -> Result<Ingredients, CertificateError> {
    if report.verdict != Verdict::Admits {
        return Err(CertificateError::NotAdmitted);
    }
    let (Some(b), Some(dn)) = (&report.bias, &report.derivative_at_bias) else {
        return Err(CertificateError::NotAdmitted);
    };
    let n = report.inputs;
    let bias = enclose_value(b, PREC)?;
    let d = enclose_value(dn, 64)?;
    if d.contains_zero() {
        return Err(CertificateError::NotAdmitted);
    }
    let dn_low = d.lo().abs().min(d.hi().abs());
    let mut sums: std::collections::BTreeMap<usize, BigRational> = Default::default();
    let product = vec![1; n];
    for t in &report.expansion {
        let deg = t.powers.iter().sum::<i32>() as usize;
        let c = if t.powers == product {
            &t.coefficient - &Const::one()
        } else {
            t.coefficient.clone()
        };
        if c.is_zero() {
            continue;
        }
        let e = enclose_value(&c, 64)?;
        *sums.entry(deg).or_insert_with(BigRational::zero) += mag_up(&e);
    }
    Ok(Ingredients {
        sigma: report.activation.clone(),
        n,
        bias,
        dn_low,
        degree_sums: sums.into_iter().collect(),
        degree: report.degree,
    })
}

fn pow(x: &BigRational, k: usize) -> BigRational {
    num_traits::Pow::pow(x, k as u32)
}

/// `S_m = sum_s |s_1 + ... + s_n|^m = sum_j C(n, j) |n - 2j|^m`.
fn corner_sum(n: usize, m: usize) -> BigInt {
    let mut total = BigInt::zero();
    let mut binom = BigInt::one();
    for j in 0..=n {
        let base = BigInt::from((n as i64 - 2 * j as i64).abs());
        total += &binom * num_traits::Pow::pow(&base, m as u32);
        binom = binom * (n - j) / (j + 1);
    }
    total
}

/// Rounds a rational up to a dyadic of 64 bits (keeps the numbers short).
fn up(x: &BigRational) -> BigRational {
    Interval::point(x, 64).hi()
}

/// The bound of order `m` on the box of radius `r`, with `mm` a bound of `|sigma^(m)|` on the
/// interval `j` that the neurons' arguments reach.
fn box_bound_of_order(
    ing: &Ingredients,
    r: &BigRational,
    m: usize,
    j: &Interval,
    mm: BigRational,
) -> BoxBound {
    let mut polynomial = BigRational::zero();
    for (d, a) in &ing.degree_sums {
        if *d < m {
            polynomial += a * pow(r, *d);
        }
    }
    let mm = up(&mm);
    let s = corner_sum(ing.n, m);
    let den = BigRational::from_integer(crate::series::factorial(m) << ing.n) * &ing.dn_low;
    let tail = &mm * BigRational::from_integer(s.clone()) * pow(r, m) / den;
    BoxBound {
        radius: r.clone(),
        order: m,
        polynomial: up(&polynomial),
        tail: up(&tail),
        derivative_bound: mm,
        arguments: (j.lo(), j.hi()),
        corner_sum: s,
    }
}

/// The best bound over the Taylor orders `lowest <= m <= D + 1`: the derivative bounds of
/// every order come from one interval Taylor expansion of sigma over the arguments' interval.
fn box_bound(
    ing: &Ingredients,
    r: &BigRational,
    lowest: usize,
) -> Result<BoxBound, CertificateError> {
    let reach = q(ing.n as i64) * r;
    let j = Interval::new(&(ing.bias.lo() - &reach), &(ing.bias.hi() + &reach), PREC)?;
    let top = ing.degree + 1;
    let orders = lowest.max(ing.n + 1)..=top;
    if orders.is_empty() {
        return Err(CertificateError::NotAdmitted);
    }
    // One expansion of the top order serves every order; where it fails (an enclosure that
    // only the higher jets cannot make, as x^(7/2) over 0), each order is tried alone.
    let all = derivative_bounds(&ing.sigma, "x", &j, top, PREC).ok();
    let mut best: Option<BoxBound> = None;
    let mut last_err = None;
    for m in orders {
        let bound = match &all {
            Some(all) => all[m]
                .clone()
                .ok_or(IntervalError::TooLarge("derivative bound (above 2^4096)")),
            None => derivative_bound(&ing.sigma, "x", &j, m, PREC),
        };
        match bound {
            Ok(mm) => {
                let b = box_bound_of_order(ing, r, m, &j, mm);
                if best.as_ref().map_or(true, |x| b.total() < x.total()) {
                    best = Some(b);
                }
            }
            Err(e) => last_err = Some(e),
        }
    }
    best.ok_or_else(|| last_err.map_or(CertificateError::NotAdmitted, CertificateError::from))
}

/// The error bound of `f_lambda` on `|x_i| <= R`: `sup_{|y| <= lambda R} |R(y)| / lambda^n`.
fn scaled_bound(
    ing: &Ingredients,
    lambda: &BigRational,
    radius: &BigRational,
) -> Option<(BigRational, BoxBound)> {
    let b = box_bound(ing, &(lambda * radius), ing.n + 1).ok()?;
    let e = round_up_decimal(&(b.total() / pow(lambda, ing.n)), 3);
    Some((e, b))
}

/// The rigorous bound of `sup_{|x_i| <= R} |f_lambda(x) - x_1...x_n|` at one scale `lambda`
/// (the certificate's bound, without the search for `lambda`), rounded up to 3 digits.
///
/// # Errors
/// [`CertificateError`] for a report that does not admit the gate or a failed enclosure.
pub fn scaled_error_bound(
    report: &GateReport,
    lambda: &BigRational,
    radius: &BigRational,
) -> Result<BigRational, CertificateError> {
    let ing = positive_ingredients(report, ("lambda", lambda), radius)?;
    let b = box_bound(&ing, &(lambda * radius), ing.n + 1)?;
    Ok(round_up_decimal(&(b.total() / pow(lambda, ing.n)), 3))
}

/// The certificate: the largest `lambda = j/2^k` (`16 <= j < 32`, or `lambda = 1`) whose
/// rigorous bound of `sup_{|x_i| <= R} |f_lambda(x) - x_1...x_n|` is at most epsilon.
///
/// # Errors
/// [`CertificateError`] for bad options, a report that does not admit the gate, or no lambda
/// down to `2^-200`.
pub fn certify(
    report: &GateReport,
    epsilon: &BigRational,
    radius: &BigRational,
) -> Result<Certificate, CertificateError> {
    let ing = positive_ingredients(report, ("epsilon", epsilon), radius)?;
    let ok =
        |lambda: &BigRational| scaled_bound(&ing, lambda, radius).filter(|(e, _)| e <= epsilon);
    let two = q(2);
    let mut found = None;
    let mut lambda = q(1);
    let stage = crate::budget::stage("the certificate (the search for lambda)");
    for k in 0..=MAX_HALVINGS {
        stage.progress(k as usize, MAX_HALVINGS as usize + 1, "halvings of lambda");
        if let Some(hit) = ok(&lambda) {
            found = Some((k, lambda.clone(), hit));
            break;
        }
        lambda /= &two;
    }
    let Some((k, mut lambda, mut hit)) = found else {
        return Err(CertificateError::NotReached(epsilon.to_string()));
    };
    if k > 0 {
        // lambda = 2^-k works, 2^-(k-1) does not: bisect j/2^(k+4), 16 <= j < 32.
        let unit = BigRational::new(BigInt::one(), BigInt::one() << (k + 4));
        let (mut good, mut bad) = (16i64, 32i64);
        while bad - good > 1 {
            let mid = (good + bad) / 2;
            let l = q(mid) * &unit;
            match ok(&l) {
                Some(h) => {
                    good = mid;
                    lambda = l;
                    hit = h;
                }
                None => bad = mid,
            }
        }
    }
    let (error_bound, detail) = hit;
    let method = format!(
        "Taylor's theorem on each neuron with Lagrange remainder of order {}: exact expansion terms below order {} bounded termwise on the box, plus M_{} S_{} (lambda R)^{} / ({}! 2^{} |sigma^({})(b)|), M from Taylor arithmetic on enclosures",
        detail.order, detail.order, detail.order, detail.order, detail.order, detail.order, ing.n, ing.n
    );
    Ok(Certificate {
        epsilon: epsilon.clone(),
        radius: radius.clone(),
        lambda,
        error_bound,
        detail,
        method,
    })
}

/// `x` rounded up to `digits` significant decimal digits (exact rational result `>= x`).
pub fn round_up_decimal(x: &BigRational, digits: u32) -> BigRational {
    round_decimal(x, digits, true)
}

/// `x > 0` rounded up (or down) to `digits` significant decimal digits.
fn round_decimal(x: &BigRational, digits: u32, up: bool) -> BigRational {
    if !x.is_positive() {
        return x.clone();
    }
    let ten = q(10);
    // 10^e <= x < 10^(e+1): start from the estimate by bit lengths (off by at most one or two)
    // so that huge bounds (such as those of `1e10000^x`) cost two steps, not thousands.
    let bits = x.numer().bits() as i64 - x.denom().bits() as i64;
    let mut e: i64 = (bits as f64 * std::f64::consts::LOG10_2).floor() as i64;
    let mut p = if e >= 0 {
        BigRational::from_integer(num_traits::Pow::pow(BigInt::from(10), e as u64))
    } else {
        q(1) / BigRational::from_integer(num_traits::Pow::pow(BigInt::from(10), (-e) as u64))
    };
    while p > *x {
        p /= &ten;
        e -= 1;
    }
    while &p * &ten <= *x {
        p *= &ten;
        e += 1;
    }
    let ulp = if e - digits as i64 + 1 >= 0 {
        num_traits::Pow::pow(&ten, (e - digits as i64 + 1) as u32)
    } else {
        q(1) / num_traits::Pow::pow(&ten, (digits as i64 - 1 - e) as u32)
    };
    let scaled = x / &ulp;
    (if up { scaled.ceil() } else { scaled.floor() }) * ulp
}

/// A rational rounded *up* to a short decimal string (for upper bounds in text).
pub fn decimal_up(x: &BigRational) -> String {
    decimal_text(&round_up_decimal(x, 4))
}

/// An enclosure `[lo, hi]` as two short decimals rounded outward (4 significant digits).
pub fn decimal_interval(lo: &BigRational, hi: &BigRational) -> (String, String) {
    let down = |x: &BigRational| {
        if x.is_negative() {
            format!("-{}", decimal_up(&-x))
        } else if x.is_zero() {
            "0".into()
        } else {
            decimal_down(x)
        }
    };
    let up = |x: &BigRational| {
        if x.is_negative() {
            format!("-{}", decimal_down(&-x))
        } else if x.is_zero() {
            "0".into()
        } else {
            decimal_up(x)
        }
    };
    (down(lo), up(hi))
}

/// A positive rational rounded *down* to 4 significant digits, as a decimal string.
pub fn decimal_down(x: &BigRational) -> String {
    decimal_text(&round_decimal(x, 4, false))
}

/// Numbers from `10^MAX_PLAIN_EXPONENT` on are printed in scientific notation (`1.235e10000`).
const MAX_PLAIN_EXPONENT: i64 = 21;

/// A bound as exact text: the rational itself when short, else its (exact) scientific decimal
/// form, so that a huge bound is never printed as thousands of digits.
pub fn bound_text(x: &BigRational) -> String {
    if x.numer().bits() + x.denom().bits() <= 128 {
        x.to_string()
    } else {
        decimal_text(x)
    }
}

/// A rational with a terminating decimal expansion (or any rational: then `p/q`) as text.
pub fn decimal_text(x: &BigRational) -> String {
    let mut d = x.denom().clone();
    let (mut twos, mut fives) = (0u32, 0u32);
    while (&d % 2u32).is_zero() {
        d /= 2u32;
        twos += 1;
    }
    while (&d % 5u32).is_zero() {
        d /= 5u32;
        fives += 1;
    }
    if !d.is_one() || twos.max(fives) > 60 {
        return x.to_string();
    }
    let k = twos.max(fives);
    let scaled = x * BigRational::from_integer(num_traits::Pow::pow(BigInt::from(10), k));
    let digits = scaled.to_integer().abs().to_string();
    if k == 0 && digits.len() <= MAX_PLAIN_EXPONENT as usize {
        let sign = if x.is_negative() { "-" } else { "" };
        return format!("{sign}{digits}");
    }
    let sig = digits.trim_end_matches('0').trim_start_matches('0');
    let lead = digits.len() - digits.trim_start_matches('0').len();
    // The position of the leading digit.
    let exp = digits.len() as i64 - k as i64 - 1 - lead as i64;
    let plain = (-4..MAX_PLAIN_EXPONENT).contains(&exp);
    crate::interval::digits_text(x.is_negative(), sig, exp, plain)
}

/// Parses a positive rational written as `1e-6`, `0.001`, `2.5e3`, `1/1000` or `3`.
pub fn parse_rational(text: &str) -> Result<BigRational, CertificateError> {
    let bad = || CertificateError::Options(format!("`{text}` is not a positive rational"));
    let t = text.trim();
    if let Some((a, b)) = t.split_once('/') {
        let a = parse_rational(a)?;
        let b = parse_rational(b)?;
        return Ok(a / b);
    }
    let (mant, exp) = match t.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().map_err(|_| bad())?),
        None => (t, 0),
    };
    if exp.abs() > 1000 {
        return Err(bad());
    }
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let digits: BigInt = format!("{int}{frac}").parse().map_err(|_| bad())?;
    let scale = exp as i64 - frac.len() as i64;
    let ten = q(10);
    let p = num_traits::Pow::pow(&ten, scale.unsigned_abs() as u32);
    let v = if scale >= 0 {
        BigRational::from_integer(digits) * p
    } else {
        BigRational::from_integer(digits) / p
    };
    if !v.is_positive() {
        return Err(bad());
    }
    Ok(v)
}
