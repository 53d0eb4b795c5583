//! Certificates of the gate evaluated in floating point (`f32` or `f64`).
//!
//! The scaled network is evaluated in the format, with round to nearest, in this order (the
//! order is part of the statement; the neurons in the order of the report's `A1`):
//!
//! ```text
//! t_s = fl(s_1 x_1 + s_2 x_2 + ... + s_n x_n)      (left to right; s_i = +-1)
//! z_s = fl(fl(lambda * t_s) + b^)                  (b^ = b stored in the format)
//! h_s = sigma^(z_s)                                (|sigma^(z) - sigma(z)| <= k ulp(sigma(z)))
//! S   = fl(... fl(fl(e_1 h_1 + e_2 h_2) + e_3 h_3) ... + e_N h_N)   (e_s = s_1 ... s_n)
//! y   = fl(c^ * S),   c^ = c stored in the format, c = 1 / (2^n sigma^(n)(b) lambda^n)
//! ```
//!
//! Every operation obeys `fl(a op b) = (a op b)(1 + d)`, `|d| <= u` (`u = 2^-24`, `2^-53`),
//! plus an absolute `eta` (half the smallest subnormal) for a product that underflows. A
//! forward analysis bounds each stage rigorously (rational arithmetic, enclosures of
//! `sigma` and `sigma'` over the neuron arguments), the partial sums of the signed sum
//! stage by stage (the standard `gamma_n = n u / (1 - n u)` analysis with the partial sums
//! enclosed), and the amplification by `|c| ~ lambda^-n` of the final scaling. The total
//! `|y - x_1...x_n| <= T(lambda) + rho(lambda)` adds the rigorous Taylor bound `T` of the
//! exact network ([`super`]), which shrinks like `lambda^2`, to the rounding bound `rho`,
//! which grows like `lambda^-n |sigma(b)|`; the search minimises the total over
//! `lambda = j / 2^k`.

use super::{ingredients, round_up_decimal, scaled_bound, CertificateError, Ingredients};
use crate::choice::Choice;
use crate::gate::GateReport;
use crate::interval::{enclose_value, taylor_coefficients, Interval};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive};

crate::choice::choice_enum! {
    /// A binary floating-point format.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum FloatFormat {
        /// IEEE binary32 (24-bit significand).
        F32 = "f32",
        /// IEEE binary64 (53-bit significand).
        F64 = "f64",
    }
}

impl FloatFormat {
    /// The precision `p` (bits of the significand).
    pub fn precision(self) -> u32 {
        match self {
            FloatFormat::F32 => 24,
            FloatFormat::F64 => 53,
        }
    }

    /// `log2` of the smallest positive subnormal.
    pub fn min_exponent(self) -> i64 {
        match self {
            FloatFormat::F32 => -149,
            FloatFormat::F64 => -1074,
        }
    }

    /// The unit roundoff `u = 2^-p`.
    pub fn unit_roundoff(self) -> BigRational {
        pow2(-(self.precision() as i64))
    }

    /// The largest finite value, as a rational.
    fn max_value(self) -> BigRational {
        match self {
            FloatFormat::F32 => rational(f64::from(f32::MAX)),
            FloatFormat::F64 => rational(f64::MAX),
        }
    }

    /// The value of the format nearest to `x` (as an `f64`, exact for both formats).
    fn round(self, x: f64) -> f64 {
        match self {
            FloatFormat::F32 => f64::from(x as f32),
            FloatFormat::F64 => x,
        }
    }
}

/// The default assumed accuracy of the implementation of sigma, in ulps.
pub const DEFAULT_SIGMA_ULPS: u32 = 4;

/// The rigorous error budget at one `lambda`.
#[derive(Clone, Debug, PartialEq)]
pub struct FloatBound {
    /// The scale.
    pub lambda: BigRational,
    /// The Taylor bound of the exact network (rounded up).
    pub taylor: BigRational,
    /// The bound of the rounding error (rounded up).
    pub rounding: BigRational,
    /// `taylor + rounding`, rounded up to 3 digits.
    pub total: BigRational,
    /// `lambda`, `b` and `c` as stored in the format (values of the format, as `f64`).
    pub weights: StoredWeights,
}

/// The weights of the scaled network as stored in the format.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StoredWeights {
    /// `lambda` (exact: `lambda = j / 2^k` is a value of the format).
    pub lambda: f64,
    /// `b^`, the format's value nearest `b` (as computed).
    pub bias: f64,
    /// `c^`, the format's value nearest `c = 1 / (2^n sigma^(n)(b) lambda^n)`.
    pub scale: f64,
}

/// The floating-point certificate.
#[derive(Clone, Debug, PartialEq)]
pub struct FloatCertificate {
    /// The format.
    pub format: FloatFormat,
    /// The requested accuracy.
    pub epsilon: BigRational,
    /// The half-width of the input box.
    pub radius: BigRational,
    /// The assumed accuracy of sigma, in ulps of its value.
    pub sigma_ulps: u32,
    /// The certified scale (total at most epsilon), when epsilon is reachable: the largest
    /// `lambda` of the grid searched whose total is at most epsilon.
    pub certified: Option<FloatBound>,
    /// The smallest total found over the grid `lambda = j / 2^k` (`16 <= j < 32`): the
    /// smallest epsilon this analysis certifies in the format.
    pub best: FloatBound,
    /// The signs `e_s` of the signed sum, in the order of `A1`.
    pub signs: Vec<i32>,
    /// The assumptions of the statement, one per line.
    pub assumptions: Vec<String>,
    /// The order of the operations, one per line.
    pub evaluation: Vec<String>,
}

fn pow2(k: i64) -> BigRational {
    if k >= 0 {
        BigRational::from_integer(BigInt::one() << k as usize)
    } else {
        BigRational::new(BigInt::one(), BigInt::one() << (-k) as usize)
    }
}

fn rational(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap_or_default()
}

fn int(n: usize) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

/// `gamma_k = k u / (1 - k u)`.
fn gamma(k: usize, u: &BigRational) -> BigRational {
    let ku = int(k) * u;
    &ku / (BigRational::one() - &ku)
}

/// The format's value nearest (as computed) to a number enclosed in `x`, and a rigorous
/// bound of its distance to every point of `x`.
fn store(format: FloatFormat, x: &Interval) -> Option<(f64, BigRational)> {
    let v = format.round(x.midpoint().to_f64()?);
    if !v.is_finite() {
        return None;
    }
    let q = rational(v);
    let e = (&q - x.lo()).abs().max((x.hi() - &q).abs());
    Some((v, e))
}

/// What does not depend on `lambda`.
struct Fixed {
    n: usize,
    /// The floating-point format, and the assumed accuracy of sigma in it (ulps).
    format: FloatFormat,
    sigma_ulps: u32,
    /// `2^n sigma^(n)(b)`, enclosed.
    den: Interval,
    /// `b`, enclosed, and `b^` with `|b^ - b|`.
    bias: Interval,
    bias_stored: f64,
    bias_err: BigRational,
    /// `e_s = s_1 ... s_n` for the rows `s` of `A1`, in order.
    signs: Vec<i32>,
}

const PREC: u32 = 128;

fn fixed(
    report: &GateReport,
    format: FloatFormat,
    sigma_ulps: u32,
) -> Result<Fixed, CertificateError> {
    let (Some(b), Some(dn)) = (&report.bias, &report.derivative_at_bias) else {
        return Err(CertificateError::NotAdmitted);
    };
    let n = report.inputs;
    // The network is the gate's: A2_s = (s_1...s_n) / (2^n sigma^(n)(b)).
    let bias = enclose_value(b, PREC)?;
    let d = enclose_value(dn, PREC)?;
    if d.contains_zero() {
        return Err(CertificateError::NotAdmitted);
    }
    let den = d.mul(&Interval::from_int(1 << n), PREC);
    let (bias_stored, bias_err) = store(format, &bias).ok_or(CertificateError::NotAdmitted)?;
    Ok(Fixed {
        n,
        format,
        sigma_ulps,
        den,
        bias,
        bias_stored,
        bias_err,
        signs: report.a1.iter().map(|s| s.iter().product()).collect(),
    })
}

/// The rigorous bound of the rounding error at `lambda`, given the Taylor bound `taylor` of
/// the exact network (which bounds `|f_lambda| <= R^n + taylor`).
fn rounding_bound(
    ing: &Ingredients,
    fx: &Fixed,
    lambda: &BigRational,
    radius: &BigRational,
    taylor: &BigRational,
) -> Option<(BigRational, StoredWeights)> {
    let (n, format) = (fx.n, fx.format);
    let u = format.unit_roundoff();
    let eta = pow2(format.min_exponent() - 1);
    let lam = lambda.to_f64()?;
    if format.round(lam) != lam || rational(lam) != *lambda || lam < 2f64.powi(-120) {
        return None;
    }
    // t_s: n - 1 additions of exact values +-x_i.
    let x_sum = int(n) * radius;
    let e_t = gamma(n.saturating_sub(1), &u) * &x_sum;
    let t_max = &x_sum + &e_t;
    // p = fl(lambda t^).
    let p_max = lambda * &t_max * (BigRational::one() + &u) + &eta;
    let e_p = lambda * &e_t + &u * lambda * &t_max + &eta;
    // z = fl(p + b^).
    let b_abs = rational(fx.bias_stored).abs();
    let e_z = &e_p + &fx.bias_err + &u * (&p_max + &b_abs);
    // Every z (exact and computed) lies in J = [b - lambda n R - e_z, b + lambda n R + e_z].
    let reach = lambda * &x_sum + &e_z;
    let j = Interval::new(&(fx.bias.lo() - &reach), &(fx.bias.hi() + &reach), PREC).ok()?;
    let c = taylor_coefficients(&ing.sigma, "x", &j, 1, PREC).ok()?;
    let mag = |x: &Interval| x.lo().abs().max(x.hi().abs());
    let (m0, m1) = (mag(&c[0]), mag(&c[1]));
    // h = sigma^(z): |h - sigma(z_exact)| <= M1 e_z + k ulp, ulp(y) <= 2 u |y| + 2^emin.
    let k = BigRational::from_integer(BigInt::from(fx.sigma_ulps));
    let e_h = &m1 * &e_z + &k * (int(2) * &u * &m0 + pow2(format.min_exponent()));
    // The signed sum, stage by stage: |S_i - S_i exact| <= E_i, S_i exact enclosed.
    let signed = |s: i32| if s > 0 { c[0].clone() } else { c[0].neg() };
    let mut partial = signed(*fx.signs.first()?);
    let mut e_s = e_h.clone();
    for &sign in &fx.signs[1..] {
        partial = partial.add(&signed(sign), PREC);
        let p = mag(&partial);
        e_s = &e_s + &e_h + &u * (&p + &e_s + &e_h);
    }
    // c = 1 / (2^n sigma^(n)(b) lambda^n), stored.
    let lam_n = Interval::point(&num_traits::Pow::pow(lambda, n as u32), PREC);
    let c_exact = fx.den.mul(&lam_n, PREC).recip(PREC).ok()?;
    let (c_stored, e_c) = store(format, &c_exact)?;
    let c_abs = mag(&c_exact);
    if c_abs.clone() + &e_c >= format.max_value() {
        return None;
    }
    // |S exact| <= min(interval bound, (R^n + taylor) / |c|).
    let c_low = c_exact.lo().abs().min(c_exact.hi().abs());
    let s_exact = mag(&partial).min((num_traits::Pow::pow(radius, n as u32) + taylor) / &c_low);
    let s_hat = &s_exact + &e_s;
    // y = fl(c^ S^): |y - c S| <= |c^ - c| |S^| + |c| |S^ - S| + u |c^ S^| + eta.
    let rho = &e_c * &s_hat + &c_abs * &e_s + &u * (&c_abs + &e_c) * &s_hat + &eta;
    Some((
        rho,
        StoredWeights {
            lambda: lam,
            bias: fx.bias_stored,
            scale: c_stored,
        },
    ))
}

/// The budget at one `lambda`, or `None` when a bound fails (an enclosure, an overflow).
fn bound_at(
    ing: &Ingredients,
    fx: &Fixed,
    lambda: &BigRational,
    radius: &BigRational,
) -> Option<FloatBound> {
    let (taylor, _) = scaled_bound(ing, lambda, radius)?;
    let (rho, weights) = rounding_bound(ing, fx, lambda, radius, &taylor)?;
    let rounding = round_up_decimal(&rho, 3);
    let total = round_up_decimal(&(&taylor + &rounding), 3);
    Some(FloatBound {
        lambda: lambda.clone(),
        taylor,
        rounding,
        total,
        weights,
    })
}

/// The smallest `lambda` tried is `2^-MAX_K`.
const MAX_K: u32 = 64;

/// The floating-point certificate: the largest `lambda = j / 2^k` (`16 <= j < 32`) of the grid
/// whose rigorous total (Taylor bound plus rounding bound) is at most epsilon, and the smallest
/// total over the grid.
///
/// # Errors
/// [`CertificateError`] for bad options, a report that does not admit the gate, or no `lambda`
/// at which both bounds exist.
pub fn certify_float(
    report: &GateReport,
    epsilon: &BigRational,
    radius: &BigRational,
    format: FloatFormat,
    sigma_ulps: u32,
) -> Result<FloatCertificate, CertificateError> {
    if !epsilon.is_positive() || !radius.is_positive() {
        return Err(CertificateError::Options(
            "epsilon and the radius must be > 0".into(),
        ));
    }
    let ing = ingredients(report)?;
    let fx = fixed(report, format, sigma_ulps)?;
    let at = |lambda: &BigRational| bound_at(&ing, &fx, lambda, radius);
    let octave = |k: u32, j: i64| BigRational::new(BigInt::from(j), BigInt::one() << (k + 4));
    let stage = crate::budget::stage("the floating-point certificate (the search for lambda)");
    // Coarse: lambda = 2^-k.
    let mut coarse: Vec<(u32, FloatBound)> = Vec::new();
    let mut best: Option<FloatBound> = None;
    let mut rising = 0;
    for k in 0..=MAX_K {
        stage.progress(k as usize, MAX_K as usize + 1, "halvings of lambda");
        let Some(b) = at(&octave(k, 16)) else {
            if best.is_some() {
                rising += 1;
                if rising >= 4 {
                    break;
                }
            }
            continue;
        };
        if best.as_ref().map_or(true, |x| b.total < x.total) {
            best = Some(b.clone());
            rising = 0;
        } else {
            rising += 1;
        }
        coarse.push((k, b));
        // The rounding bound grows like lambda^-n: past the minimum, stop soon.
        if rising >= 4 {
            break;
        }
    }
    let mut best = best.ok_or_else(|| CertificateError::NotReached(epsilon.to_string()))?;
    // Fine: every j in the octaves around the best power of 2.
    let kb = coarse
        .iter()
        .find(|(_, b)| b.lambda == best.lambda)
        .map_or(0, |(k, _)| *k);
    for k in [kb.saturating_sub(1), kb] {
        for j in 17..32 {
            let l = octave(k, j);
            if l > BigRational::one() {
                continue;
            }
            if let Some(b) = at(&l) {
                if b.total < best.total {
                    best = b;
                }
            }
        }
    }
    // The largest lambda of the grid with total <= epsilon: the first power of 2 that works,
    // then the largest j of its octave (bisection; each candidate is checked directly).
    let mut certified = None;
    if let Some((k, b)) = coarse.iter().find(|(_, b)| b.total <= *epsilon) {
        let mut found = b.clone();
        if *k > 0 {
            let (mut good, mut bad) = (16i64, 32i64);
            while bad - good > 1 {
                let mid = (good + bad) / 2;
                match at(&octave(*k, mid)).filter(|b| b.total <= *epsilon) {
                    Some(b) => {
                        good = mid;
                        found = b;
                    }
                    None => bad = mid,
                }
            }
        }
        certified = Some(found);
    } else if best.total <= *epsilon {
        certified = Some(best.clone());
    }
    let u = format.precision();
    let assumptions = vec![
        format!(
            "round to nearest in {} (unit roundoff u = 2^-{u}); no overflow; an underflowing product errs by at most half the smallest subnormal",
            format.name()
        ),
        format!(
            "the inputs x_i are values of {} with |x_i| <= {}",
            format.name(),
            super::decimal_text(radius)
        ),
        format!(
            "sigma is computed within {sigma_ulps} ulp of its exact value: |sigma^(z) - sigma(z)| <= {sigma_ulps} ulp(sigma(z)) <= {sigma_ulps} (2u |sigma(z)| + 2^{})",
            format.min_exponent()
        ),
        "the weights are stored as the printed values of the format: lambda exactly, b^ and c^ within the bounds used".into(),
    ];
    let evaluation = vec![
        "t_s = fl(s_1 x_1 + ... + s_n x_n), left to right, for each row s of A1 in order".into(),
        "z_s = fl(fl(lambda t_s) + b^)".into(),
        "h_s = sigma^(z_s)".into(),
        "S = fl(...fl(e_1 h_1 + e_2 h_2) + ... + e_N h_N), e_s = s_1 ... s_n, in the order of A1"
            .into(),
        "y = fl(c^ S), c = 1 / (2^n sigma^(n)(b) lambda^n)".into(),
    ];
    Ok(FloatCertificate {
        format,
        epsilon: epsilon.clone(),
        radius: radius.clone(),
        sigma_ulps,
        certified,
        best,
        signs: fx.signs.clone(),
        assumptions,
        evaluation,
    })
}

/// A value of the format as the shortest decimal that reads back to it (`6.1035156e-4`).
pub fn float_text(format: FloatFormat, x: f64) -> String {
    match format {
        FloatFormat::F32 => format!("{:e}", x as f32),
        FloatFormat::F64 => format!("{x:e}"),
    }
}

impl FloatBound {
    fn json(&self, format: FloatFormat) -> serde_json::Value {
        serde_json::json!({
            "lambda": self.lambda.to_string(),
            "total": super::decimal_text(&self.total),
            "taylor": super::decimal_text(&self.taylor),
            "rounding": super::decimal_text(&self.rounding),
            "stored": {
                "lambda": float_text(format, self.weights.lambda),
                "bias": float_text(format, self.weights.bias),
                "scale": float_text(format, self.weights.scale),
            },
        })
    }
}

impl FloatCertificate {
    /// The JSON object (`reached`, `certified`, `best`, the assumptions and the evaluation).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "format": self.format.name(),
            "epsilon": self.epsilon.to_string(),
            "radius": self.radius.to_string(),
            "reached": self.certified.is_some(),
            "certified": self.certified.as_ref().map(|b| b.json(self.format)),
            "smallest": self.best.json(self.format),
            "sigma_ulps": self.sigma_ulps,
            "signs": self.signs,
            "assumptions": self.assumptions,
            "evaluation": self.evaluation,
            "method": "total = rigorous Taylor bound of the exact network + rigorous forward bound of the rounding error of every operation; minimised over lambda = j/2^k, 16 <= j < 32",
        })
    }
}
