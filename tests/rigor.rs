//! Rigorous numerics (issue #5): decided zero tests, guaranteed digits, derivative bounds over
//! intervals, explicit remainders and the epsilon-lambda certificate.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use taylorgate::interval::guaranteed_digits;
use taylorgate::number::{Const, Sign, ZeroTest};
use taylorgate::parse::parse_expr;
use taylorgate::Definitions;

fn c(src: &str) -> Const {
    let e = parse_expr(src, &Definitions::new()).expect("parses");
    Const::from_expr(&e).expect("evaluates")
}

/// (value, zero test, sign): non-zero and signs are proved by enclosures; zero only by exact
/// rewriting; a zero that the rules do not see stays undecided, never "non-zero".
#[test]
fn decided_zero_tests() {
    use Sign::{Negative, Positive};
    use ZeroTest::NonZero;
    let table: &[(&str, ZeroTest, Sign)] = &[
        ("sin(1)", NonZero, Positive),
        ("cos(2)", NonZero, Negative),
        ("pi - e", NonZero, Positive),
        ("e - 2718281828/1000000000", NonZero, Positive),
        ("erf(1) - 8427/10000", NonZero, Positive),
        ("atan(1/2) - 4636/10000", NonZero, Positive),
        ("-2*tanh(1)/cosh(1)^2", NonZero, Negative),
        ("2/cosh(1)^2", NonZero, Positive),
        ("exp(1) - e", ZeroTest::Zero, Sign::Zero),
        ("ln(2)*ln(3) - ln(3)*ln(2)", ZeroTest::Zero, Sign::Zero),
        ("pi^2 - 9.869604401089358", NonZero, Positive),
    ];
    for (src, z, s) in table {
        let v = c(src);
        assert_eq!(v.zero_test(), *z, "zero test of {src} = {v}");
        assert_eq!(v.sign(), *s, "sign of {src} = {v}");
    }
    // Exactly zero, but not by the rewriting rules: never claimed non-zero.
    for src in [
        "atan(1) - pi/4",
        "atan(1/2) + atan(1/3) - pi/4",
        "cos(pi/5) - (1 + sqrt(5))/4",
    ] {
        let v = c(src);
        assert_ne!(v.zero_test(), NonZero, "{src} = {v}");
        assert!(
            matches!(v.sign(), Sign::Zero | Sign::Unknown),
            "{src} = {v}"
        );
    }
}

/// A decimal string (`-1.25`, `3.1e-9`) as an exact rational.
fn decimal(s: &str) -> BigRational {
    let (mant, exp) = match s.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().expect("exponent")),
        None => (s, 0),
    };
    let (neg, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let digits: BigInt = format!("{int}{frac}").parse().expect("digits");
    let scale = exp - frac.len() as i32;
    let ten = BigRational::from_integer(BigInt::from(10));
    let q = BigRational::from_integer(digits) * num_traits::Pow::pow(&ten, scale);
    if neg {
        -q
    } else {
        q
    }
}

fn reference_cases() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/activations.json"
    ))
    .expect("reference data");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["cases"].as_array().expect("cases").clone()
}

/// SymPy's point syntax (`log(3)`, `exp(-1)`) as an exact constant.
fn point_of(case: &serde_json::Value) -> Const {
    c(&case["point"]
        .as_str()
        .expect("point")
        .replace("log(", "ln("))
}

fn activation_of(case: &serde_json::Value) -> taylorgate::Expr {
    parse_expr(case["expr"].as_str().expect("expr"), &Definitions::new()).expect("parses")
}

/// `--digits 40` agrees with 60-digit references (mpmath evaluation of SymPy's exact values)
/// within one unit in the 40th digit, for every coefficient of every reference case
/// (GELU's `sqrt(2/pi)` included).
#[test]
fn forty_guaranteed_digits_against_mpmath() {
    let cases = reference_cases();
    for (name, refs) in REFERENCE_60 {
        let case = cases
            .iter()
            .find(|c| c["name"] == *name)
            .expect("case in the data");
        let s = taylorgate::series::taylor(&activation_of(case), "x", &point_of(case), 10)
            .expect("series");
        for (k, (ck, r)) in s.coefficients().iter().zip(refs.iter()).enumerate() {
            let got = guaranteed_digits(ck, 40).expect("digits");
            let r = decimal(r);
            if r.is_zero() {
                assert_eq!(got, "0", "{name} c_{k}");
                continue;
            }
            let g = decimal(&got);
            // one unit in the 40th significant digit of the reference
            let e = (r.abs().to_f64().expect("f64").log10()).floor() as i32;
            let ulp = num_traits::Pow::pow(&BigRational::from_integer(BigInt::from(10)), e - 39);
            assert!((g - &r).abs() < ulp, "{name} c_{k}: {got} vs reference");
            let digits = got.trim_start_matches(['-', '0', '.']).replace('.', "");
            let digits = digits.split('e').next().unwrap_or("");
            assert_eq!(digits.len(), 40, "{name} c_{k}: {got}");
        }
    }
    // GELU's sigma''(0) = sqrt(2/pi), to 40 digits.
    let gelu2 = c("sqrt(2/pi)");
    assert_eq!(
        guaranteed_digits(&gelu2, 40).expect("digits"),
        "0.7978845608028653558798921198687637369517"
    );
}
/// 60-digit values of the exact SymPy coefficients in `tests/data/activations.json`,
/// generated once with SymPy 1.14 + mpmath 1.3 (`sympify(c).evalf(80)`, printed to 60
/// significant digits): (case, [c_0, ..., c_10]).
const REFERENCE_60: &[(&str, [&str; 11])] = &[
    (
        "exp",
        [
            "1.00000000000000000000000000000000000000000000000000000000000",
            "1.00000000000000000000000000000000000000000000000000000000000",
            "0.500000000000000000000000000000000000000000000000000000000000",
            "0.166666666666666666666666666666666666666666666666666666666667",
            "0.0416666666666666666666666666666666666666666666666666666666667",
            "0.00833333333333333333333333333333333333333333333333333333333333",
            "0.00138888888888888888888888888888888888888888888888888888888889",
            "0.000198412698412698412698412698412698412698412698412698412698413",
            "0.0000248015873015873015873015873015873015873015873015873015873016",
            "0.00000275573192239858906525573192239858906525573192239858906525573",
            "0.000000275573192239858906525573192239858906525573192239858906525573",
        ],
    ),
    (
        "square",
        [
            "0",
            "0",
            "1.00000000000000000000000000000000000000000000000000000000000",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ],
    ),
    (
        "sigmoid",
        [
            "0.500000000000000000000000000000000000000000000000000000000000",
            "0.250000000000000000000000000000000000000000000000000000000000",
            "0",
            "-0.0208333333333333333333333333333333333333333333333333333333333",
            "0",
            "0.00208333333333333333333333333333333333333333333333333333333333",
            "0",
            "-0.000210813492063492063492063492063492063492063492063492063492063",
            "0",
            "0.0000213569223985890652557319223985890652557319223985890652557319",
            "0",
        ],
    ),
    (
        "tanh",
        [
            "0",
            "1.00000000000000000000000000000000000000000000000000000000000",
            "0",
            "-0.333333333333333333333333333333333333333333333333333333333333",
            "0",
            "0.133333333333333333333333333333333333333333333333333333333333",
            "0",
            "-0.0539682539682539682539682539682539682539682539682539682539683",
            "0",
            "0.0218694885361552028218694885361552028218694885361552028218695",
            "0",
        ],
    ),
    (
        "softplus",
        [
            "0.693147180559945309417232121458176568075500134360255254120680",
            "0.500000000000000000000000000000000000000000000000000000000000",
            "0.125000000000000000000000000000000000000000000000000000000000",
            "0",
            "-0.00520833333333333333333333333333333333333333333333333333333333",
            "0",
            "0.000347222222222222222222222222222222222222222222222222222222222",
            "0",
            "-0.0000263516865079365079365079365079365079365079365079365079365079",
            "0",
            "0.00000213569223985890652557319223985890652557319223985890652557319",
        ],
    ),
    (
        "silu",
        [
            "0",
            "0.500000000000000000000000000000000000000000000000000000000000",
            "0.250000000000000000000000000000000000000000000000000000000000",
            "0",
            "-0.0208333333333333333333333333333333333333333333333333333333333",
            "0",
            "0.00208333333333333333333333333333333333333333333333333333333333",
            "0",
            "-0.000210813492063492063492063492063492063492063492063492063492063",
            "0",
            "0.0000213569223985890652557319223985890652557319223985890652557319",
        ],
    ),
    (
        "gelu",
        [
            "0",
            "0.500000000000000000000000000000000000000000000000000000000000",
            "0.398942280401432677939946059934381868475858631164934657665926",
            "0",
            "-0.0664903800669054463233243433223969780793097718608224429443210",
            "0",
            "0.00997355701003581694849865149835954671189646577912336644164815",
            "0",
            "-0.00118732821548045439863079184504280317998767449751468648114859",
            "0",
            "0.000115434687616155288755771429379161420276579465036150074556113",
        ],
    ),
    (
        "mish",
        [
            "0",
            "0.600000000000000000000000000000000000000000000000000000000000",
            "0.320000000000000000000000000000000000000000000000000000000000",
            "-0.0160000000000000000000000000000000000000000000000000000000000",
            "-0.0458666666666666666666666666666666666666666666666666666666667",
            "-0.000373333333333333333333333333333333333333333333333333333333333",
            "0.00781866666666666666666666666666666666666666666666666666666667",
            "0.000857955555555555555555555555555555555555555555555555555555556",
            "-0.00126962793650793650793650793650793650793650793650793650793651",
            "-0.000295737650793650793650793650793650793650793650793650793650794",
            "0.000187957711463844797178130511463844797178130511463844797178131",
        ],
    ),
    (
        "gaussian",
        [
            "1.00000000000000000000000000000000000000000000000000000000000",
            "0",
            "-1.00000000000000000000000000000000000000000000000000000000000",
            "0",
            "0.500000000000000000000000000000000000000000000000000000000000",
            "0",
            "-0.166666666666666666666666666666666666666666666666666666666667",
            "0",
            "0.0416666666666666666666666666666666666666666666666666666666667",
            "0",
            "-0.00833333333333333333333333333333333333333333333333333333333333",
        ],
    ),
    (
        "sigmoid_at_ln3",
        [
            "0.750000000000000000000000000000000000000000000000000000000000",
            "0.187500000000000000000000000000000000000000000000000000000000",
            "-0.0468750000000000000000000000000000000000000000000000000000000",
            "-0.00390625000000000000000000000000000000000000000000000000000000",
            "0.00488281250000000000000000000000000000000000000000000000000000",
            "-0.000634765625000000000000000000000000000000000000000000000000000",
            "-0.000313313802083333333333333333333333333333333333333333333333333",
            "0.000119599841889880952380952380952380952380952380952380952380952",
            "0.00000454130626860119047619047619047619047619047619047619047619048",
            "-0.0000116994141270874669312169312169312169312169312169312169312169",
            "0.00000191103213678592096560846560846560846560846560846560846560847",
        ],
    ),
    (
        "tanh_at_1",
        [
            "0.761594155955764888119458282604793590412768597257936551596811",
            "0.419974341614026069394496739041701444917186728230770954713311",
            "-0.319850004224612250094245884651921976609605681530399572471499",
            "0.103604446795216043851088404787037233279287352925742364273281",
            "0.0277121268646042365722946450383775979136488053471679689370062",
            "-0.0463074463206143316467048575193081000822819476763577880016276",
            "0.0189223270018223667168891532785373628975731720290742377297559",
            "0.00243816823300007228944321554350779501237137973735796171419043",
            "-0.00687158074412279272437562235488337570032292168973992723279519",
            "0.00326119341796499455012458048256511407814783077516336707475414",
            "0.000100974095206632285898133233293462456291728777799725474296040",
        ],
    ),
    (
        "elu_left",
        [
            "-0.632120558828557678404476229838539132554188868968232165492163",
            "0.367879441171442321595523770161460867445811131031767834507837",
            "0.183939720585721160797761885080730433722905565515883917253918",
            "0.0613132401952403869325872950269101445743018551719613057513061",
            "0.0153283100488100967331468237567275361435754637929903264378265",
            "0.00306566200976201934662936475134550722871509275859806528756531",
            "0.000510943668293669891104894125224251204785848793099677547927551",
            "0.0000729919526133814130149848750320358863979783990142396497039359",
            "0.00000912399407667267662687310937900448579974729987677995621299198",
            "0.00000101377711963029740298590104211160953330525554186443957922133",
            "0.000000101377711963029740298590104211160953330525554186443957922133",
        ],
    ),
];

/// Taylor arithmetic on enclosures against two independent routes: the exact series (at a
/// point, the enclosure contains the exact coefficient) and the symbolic derivative enclosed
/// over the interval (both contain `sigma^(k)` at sample points; the series route is reported
/// and expected at least as tight on these cases).
#[test]
#[allow(clippy::needless_range_loop)]
fn derivative_bounds_over_intervals() {
    use taylorgate::interval::{enclose, enclose_const, taylor_coefficients, Interval};
    let cases: &[(&str, &str)] = &[
        ("exp(x)", "0"),
        ("ln(1+exp(x))", "0"),
        ("x/(1+exp(-x))", "0"),
        ("x/2*(1+erf(x/sqrt(2)))", "0"),
        ("x*tanh(ln(1+exp(x)))", "0"),
        ("exp(-x^2)", "0"),
        ("1/(1+exp(-x))", "ln(3)"),
        ("tanh(x)", "1"),
        ("atan(x)", "1"),
        ("sin(x)", "1"),
        ("tan(x)", "1/2"),
        ("asin(x)", "1/3"),
        ("sqrt(1+x^2)", "1/2"),
        ("sinh(x)*cosh(x)", "1"),
        ("if x > 0 then x else exp(x) - 1", "-1"),
    ];
    let k_max = 6;
    let q = |s: &str| BigRational::new(BigInt::from(1), s.parse::<BigInt>().expect("int"));
    for (src, b) in cases {
        let sigma = parse_expr(src, &Definitions::new()).expect("parses");
        let b = c(b);
        let bq = enclose_const(&b.to_expr(), 200).expect("bias");
        // At the (enclosed) point: contains the exact coefficients.
        let exact = taylorgate::series::taylor(&sigma, "x", &b, k_max).expect("series");
        let at_point = taylor_coefficients(&sigma, "x", &bq, k_max, 256).expect("taylor");
        for (k, (e, i)) in exact.coefficients().iter().zip(&at_point).enumerate() {
            let r = enclose_const(&e.to_expr(), 400).expect("coefficient");
            assert!(i.intersect(&r).is_some(), "{src} c_{k} at the point");
            assert!(i.width_log2().unwrap_or(-1000) < -150, "{src} c_{k} width");
        }
        // Over [b - 1/64, b + 1/64].
        let w = q("64");
        let lo = bq.lo() - &w;
        let hi = bq.hi() + &w;
        let j = Interval::new(&lo, &hi, 128).expect("interval");
        let tc = taylor_coefficients(&sigma, "x", &j, k_max, 128).expect("taylor over J");
        let mut d = sigma.clone();
        let mut fact = BigRational::from_integer(BigInt::from(1));
        let mut ratios = Vec::new();
        for k in 1..=k_max {
            d = taylorgate::diff::derivative(&d, "x").expect("derivative");
            fact *= BigRational::from_integer(BigInt::from(k as i64));
            let sym = enclose(&d, &[("x", j.clone())], 128).expect("symbolic over J");
            let ser =
                Interval::new(&(tc[k].lo() * &fact), &(tc[k].hi() * &fact), 128).expect("scaled");
            // Both contain sigma^(k) at the ends and the middle of J.
            for x in [lo.clone(), hi.clone(), bq.midpoint()] {
                let xi = Interval::point(&x, 256);
                let v = enclose(&d, &[("x", xi)], 256).expect("point value");
                assert!(sym.contains_interval(&v), "{src}: symbolic k={k}");
                assert!(ser.contains_interval(&v), "{src}: series k={k}");
            }
            let (sw, tw) = (sym.width(), ser.width());
            ratios.push((tw / sw).to_f64().unwrap_or(f64::NAN));
        }
        println!("{src} at {b}: series width / symbolic width, k = 1..{k_max}: {ratios:.3?}");
    }
}

/// The certificate against an independent check: for every admitting reference case (bias =
/// its `point`), `--epsilon 1e-6 --radius 2`, the scaled network itself is evaluated with
/// high-precision interval arithmetic (neuron by neuron with `interval::enclose`, sharing no
/// code with the bound) on a grid with the corners and at pseudo-random rational points. The
/// error stays below `error_bound <= epsilon`, and `error_bound` is within 10x of the worst
/// observed error.
#[test]
fn certificate_is_true_and_tight() {
    use taylorgate::certificate::{certify, parse_rational};
    use taylorgate::gate::{analyze, GateOptions, Verdict};
    use taylorgate::interval::{enclose, enclose_const, Interval};
    let eps = parse_rational("1e-6").expect("eps");
    let radius = BigRational::from_integer(BigInt::from(2));
    let prec = 320;
    let mut lines = Vec::new();
    for case in reference_cases() {
        let name = case["name"].as_str().expect("name");
        let sigma = activation_of(&case);
        let b = point_of(&case);
        let report = analyze(
            &sigma,
            &GateOptions {
                inputs: 2,
                degree: Some(8),
                bias: Some(b.clone()),
            },
        )
        .expect("analysis");
        if report.verdict != Verdict::Admits {
            assert_eq!(case["sigma2"], "0", "{name} should admit");
            continue;
        }
        let cert = certify(&report, &eps, &radius).expect("certificate");
        assert!(cert.error_bound <= eps, "{name}");
        let lambda = Interval::point(&cert.lambda, prec);
        let bias = enclose_const(&b.to_expr(), prec).expect("bias");
        let a2: Vec<Interval> = report
            .a2
            .iter()
            .map(|a| enclose_const(&a.to_expr(), prec).expect("A2"))
            .collect();
        // f_lambda(u, v) - u v, from the network's definition.
        let error_at = |u: &BigRational, v: &BigRational| -> Interval {
            let (u, v) = (Interval::point(u, prec), Interval::point(v, prec));
            let mut sum = Interval::from_int(0);
            for (s, w) in report.a1.iter().zip(&a2) {
                let sx = Interval::from_int(s[0].into())
                    .mul(&u, prec)
                    .add(&Interval::from_int(s[1].into()).mul(&v, prec), prec);
                let arg = bias.add(&lambda.mul(&sx, prec), prec);
                let y = enclose(&sigma, &[("x", arg)], prec).expect("neuron");
                sum = sum.add(&w.mul(&y, prec), prec);
            }
            let f = sum.div(&lambda.mul(&lambda, prec), prec).expect("scale");
            f.sub(&u.mul(&v, prec), prec)
        };
        let mut points = Vec::new();
        for i in -4..=4 {
            for j in -4..=4 {
                points.push((
                    BigRational::new(BigInt::from(i), BigInt::from(2)),
                    BigRational::new(BigInt::from(j), BigInt::from(2)),
                ));
            }
        }
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..40 {
            let mut next = || {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                BigRational::new(BigInt::from((seed >> 33) % 2001) - 1000, BigInt::from(500))
            };
            points.push((next(), next()));
        }
        let mut worst = BigRational::zero();
        for (u, v) in &points {
            let e = error_at(u, v);
            // The enclosure (width ~2^-300) must not prove the error above the bound.
            let mig = if e.contains_zero() {
                BigRational::zero()
            } else {
                e.lo().abs().min(e.hi().abs())
            };
            assert!(
                mig <= cert.error_bound,
                "{name}: error above the bound at ({u}, {v})"
            );
            assert!(
                e.width_log2().unwrap_or(-1000) < -200,
                "{name}: evaluation too wide"
            );
            worst = worst.max(mig);
        }
        if worst.is_zero() {
            assert!(
                cert.error_bound.is_zero(),
                "{name}: bound > 0 for an exact gate"
            );
            lines.push(format!(
                "{name}: exact gate, lambda = {}, bound 0",
                cert.lambda
            ));
            continue;
        }
        let ratio = (&cert.error_bound / &worst).to_f64().expect("ratio");
        lines.push(format!(
            "{name}: lambda = {}, error_bound = {}, observed worst = {:.4e}, ratio = {ratio:.3} (order {})",
            cert.lambda,
            cert.error_bound,
            worst.to_f64().unwrap_or(0.0),
            cert.detail.order
        ));
        assert!(ratio <= 10.0, "{name}: bound {ratio}x the observed error");
    }
    for l in &lines {
        println!("{l}");
    }
}

/// The bounds of every order from one expansion (`derivative_bounds`, what the certificate
/// uses) over a wide interval cut into pieces: each contains `|sigma^(k)|` at sample points
/// (the symbolic derivative enclosed there), is the bound of that order alone, and is tight for
/// `exp` on `[0, 3]` (`sup |exp^(k)| = e^3 = 20.0855...`).
#[test]
fn derivative_bounds_of_every_order_contain_the_derivatives() {
    use taylorgate::interval::{derivative_bound, derivative_bounds, enclose, Interval};
    let k_max = 7;
    for src in [
        "exp(x)",
        "ln(1+exp(x))",
        "x/2*(1+erf(x/sqrt(2)))",
        "tanh(x)",
        "exp(-x^2)",
        "x*tanh(ln(1+exp(x)))",
    ] {
        let sigma = parse_expr(src, &Definitions::new()).expect("parses");
        let zero = BigRational::zero();
        let three = BigRational::from_integer(BigInt::from(3));
        let j = Interval::new(&zero, &three, 128).expect("interval");
        let all = derivative_bounds(&sigma, "x", &j, k_max, 128).expect("bounds");
        assert_eq!(all.len(), k_max + 1);
        let mut d = sigma.clone();
        for (k, bound) in all.iter().enumerate() {
            let bound = bound.clone().expect("below 2^4096");
            if k > 0 {
                d = taylorgate::diff::derivative(&d, "x").expect("derivative");
            }
            let alone = derivative_bound(&sigma, "x", &j, k, 128).expect("one order");
            assert_eq!(bound, alone, "{src}: order {k} alone");
            for i in 0..=12 {
                let x = BigRational::new(BigInt::from(i), BigInt::from(4));
                let v = enclose(&d, &[("x", Interval::point(&x, 256))], 256).expect("value");
                assert!(
                    v.hi().abs() <= bound && v.lo().abs() <= bound,
                    "{src}: k={k} at {x}"
                );
            }
            if src == "exp(x)" {
                let e3 = BigRational::new(BigInt::from(200855), BigInt::from(10000));
                let slack = BigRational::new(BigInt::from(2009), BigInt::from(100));
                assert!(bound >= e3 && bound <= slack, "exp: k={k}: {bound}");
            }
        }
    }
}

#[test]
fn float_endpoints_are_outward_however_large_the_exponent() {
    use taylorgate::interval::Interval;
    // [1/3, 2/3]: floats on the outside; 10^(10^5) and its negative: finite or infinite
    // floats on the right side, computed without the exact endpoints.
    let q = |n: i64, d: i64| BigRational::new(n.into(), d.into());
    let i = Interval::new(&q(1, 3), &q(2, 3), 128).unwrap();
    let (lo, hi) = i.to_f64_outward();
    assert!(BigRational::from_float(lo).unwrap() <= q(1, 3));
    assert!(BigRational::from_float(hi).unwrap() >= q(2, 3));
    let huge = BigRational::from_integer(num_bigint::BigInt::from(10).pow(100_000));
    let i = Interval::new(&-huge.clone(), &huge, 64).unwrap();
    let (lo, hi) = i.to_f64_outward();
    assert_eq!((lo, hi), (f64::NEG_INFINITY, f64::INFINITY));
    let tiny = BigRational::new(1.into(), num_bigint::BigInt::from(10).pow(100_000));
    let i = Interval::new(&tiny, &(tiny.clone() * q(2, 1)), 64).unwrap();
    let (lo, hi) = i.to_f64_outward();
    assert!(lo == 0.0 && hi > 0.0, "{lo} {hi}");
}
