//! Tests of the interval layer: enclosures against independent reference values.
//!
//! Reference values: mpmath 1.3.0 (`mp.dps = 60`, `nstr(f(mpf(n)/d), 50)`), generated once by
//! the script below and pasted here; they do not come from the code under test.
//!
//! ```python
//! from mpmath import mp, mpf, nstr
//! mp.dps = 60
//! print(nstr(mp.exp(mpf(1)/3), 50, min_fixed=-5, max_fixed=5))
//! ```

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use taylorgate::expr::{BinOp, CmpOp, Cond};
use taylorgate::interval::{
    decide_sign, enclose, enclose_const, to_decimal, Interval, IntervalError, NumericSign,
};
use taylorgate::{Expr, Func};

/// `(function, numerator, denominator, f(numerator/denominator) to 50 significant digits)`.
const TABLE: &[(Func, i64, i64, &str)] = &[
    (
        Func::Exp,
        1,
        1,
        "2.7182818284590452353602874713526624977572470937",
    ),
    (
        Func::Exp,
        1,
        3,
        "1.3956124250860895286281253196025868375979065151994",
    ),
    (
        Func::Exp,
        -10,
        1,
        "4.5399929762484851535591515560550610237918088866565e-5",
    ),
    (
        Func::Exp,
        50,
        1,
        "5.1847055285870724640874533229334853848274691005838e+21",
    ),
    (
        Func::Exp,
        -3,
        2,
        "0.22313016014842982893328047076401252134217162936108",
    ),
    (
        Func::Exp,
        1,
        1000,
        "1.0010005001667083416680557539930583115630762005807",
    ),
    (
        Func::Ln,
        2,
        1,
        "0.69314718055994530941723212145817656807550013436026",
    ),
    (
        Func::Ln,
        10,
        1,
        "2.3025850929940456840179914546843642076011014886288",
    ),
    (
        Func::Ln,
        1,
        7,
        "-1.9459101490553133051053527434431797296370847295819",
    ),
    (
        Func::Ln,
        1000,
        1,
        "6.9077552789821370520539743640530926228033044658863",
    ),
    (
        Func::Ln,
        1001,
        1000,
        "0.00099950033308353316680939892053501146075506239316655",
    ),
    (
        Func::Sqrt,
        2,
        1,
        "1.4142135623730950488016887242096980785696718753769",
    ),
    (
        Func::Sqrt,
        1,
        3,
        "0.57735026918962576450914878050195745564760175127013",
    ),
    (
        Func::Sqrt,
        1000001,
        1,
        "1000.0004999998750000624999609375273437294922036133",
    ),
    (
        Func::Sin,
        1,
        1,
        "0.84147098480789650665250232163029899962256306079837",
    ),
    (
        Func::Sin,
        -7,
        2,
        "0.35078322768961984812036880004363558508498173594058",
    ),
    (
        Func::Sin,
        100,
        1,
        "-0.50636564110975879365655761045978543206503272129066",
    ),
    (
        Func::Sin,
        1,
        1000,
        "0.00099999983333334166666646825397100970015131473480866",
    ),
    (
        Func::Sin,
        22,
        7,
        "-0.0012644889303773534003603504756459324917739113911976",
    ),
    (
        Func::Cos,
        1,
        1,
        "0.54030230586813971740093660744297660373231042061792",
    ),
    (
        Func::Cos,
        -2,
        1,
        "-0.41614683654714238699756822950076218976600077107554",
    ),
    (
        Func::Cos,
        1000,
        1,
        "0.5623790762907029910782492266053959687558118217382",
    ),
    (
        Func::Cos,
        3,
        2,
        "0.070737201667702910088189851434268709085091027563347",
    ),
    (
        Func::Tan,
        1,
        2,
        "0.54630248984379051325517946578028538329755172017979",
    ),
    (
        Func::Tan,
        -1,
        1,
        "-1.5574077246549022305069748074583601730872507723815",
    ),
    (
        Func::Tan,
        3,
        2,
        "14.101419947171719387646083651987756445659543577236",
    ),
    (
        Func::Tan,
        10,
        1,
        "0.64836082745908667125912493300980867681687434298372",
    ),
    (
        Func::Sinh,
        2,
        1,
        "3.6268604078470187676682139828012617048863420123211",
    ),
    (
        Func::Sinh,
        -1,
        3,
        "-0.33954055725615013910126061133860358507239722768896",
    ),
    (
        Func::Sinh,
        1,
        1000000,
        "1.0000000000001666666666666750000000000001984126984e-6",
    ),
    (
        Func::Sinh,
        30,
        1,
        "5.3432372907622310734952342785825859808113744781574e+12",
    ),
    (
        Func::Cosh,
        2,
        1,
        "3.7621956910836314595622134777737461082939735582307",
    ),
    (
        Func::Cosh,
        -5,
        1,
        "74.209948524787844444106108044487714023868258589453",
    ),
    (
        Func::Cosh,
        1,
        100,
        "1.0000500004166680555580357170414482957897206413891",
    ),
    (
        Func::Tanh,
        1,
        1,
        "0.76159415595576488811945828260479359041276859725794",
    ),
    (
        Func::Tanh,
        -3,
        1,
        "-0.99505475368673045133188018525548847509781385470028",
    ),
    (
        Func::Tanh,
        20,
        1,
        "0.99999999999999999150329148941682204543855819119099",
    ),
    (
        Func::Tanh,
        1,
        1000,
        "0.0009999996666667999999460317679012257046692967922854",
    ),
    (
        Func::Asin,
        1,
        3,
        "0.33983690945412193709639251339176406638824469033246",
    ),
    (
        Func::Asin,
        -9,
        10,
        "-1.1197695149986341866866770558453996158951621864033",
    ),
    (
        Func::Asin,
        1,
        1,
        "1.5707963267948966192313216916397514420985846996876",
    ),
    (
        Func::Asin,
        999,
        1000,
        "1.5260712396261631879816254589682003721944041429254",
    ),
    (
        Func::Acos,
        1,
        3,
        "1.2309594173407746821349291782479873757103400093551",
    ),
    (
        Func::Acos,
        -1,
        2,
        "2.0943951023931954923084289221863352561314462662501",
    ),
    (
        Func::Acos,
        99,
        100,
        "0.14153947332442721874578935697502701499398293053975",
    ),
    (
        Func::Acos,
        -1,
        1,
        "3.1415926535897932384626433832795028841971693993751",
    ),
    (
        Func::Atan,
        1,
        2,
        "0.46364760900080611621425623146121440202853705428612",
    ),
    (
        Func::Atan,
        -3,
        1,
        "-1.2490457723982544258299170772810901230778294041299",
    ),
    (
        Func::Atan,
        100,
        1,
        "1.5607966601082313810249815754304718935372153471432",
    ),
    (
        Func::Atan,
        1,
        1,
        "0.78539816339744830961566084581987572104929234984378",
    ),
    (
        Func::Asinh,
        1,
        1,
        "0.88137358701954302523260932497979230902816032826164",
    ),
    (
        Func::Asinh,
        -10,
        1,
        "-2.9982229502979697388465955375964534766070580548773",
    ),
    (
        Func::Asinh,
        1,
        1000,
        "0.00099999983333340833328869050657239826277889676200226",
    ),
    (
        Func::Acosh,
        2,
        1,
        "1.3169578969248167086250463473079684440269819714675",
    ),
    (
        Func::Acosh,
        101,
        100,
        "0.14130376948564857735115164697435464834786187222225",
    ),
    (
        Func::Acosh,
        1000,
        1,
        "7.6009022095419886114191231179982237481516724238259",
    ),
    (
        Func::Atanh,
        1,
        2,
        "0.54930614433405484569762261846126285232374527891137",
    ),
    (
        Func::Atanh,
        -9,
        10,
        "-1.4722194895832202300045137159439267686186896306496",
    ),
    (
        Func::Atanh,
        1,
        100,
        "0.010000333353334762015882107551404223887097308807344",
    ),
    (
        Func::Erf,
        1,
        1,
        "0.8427007929497148693412206350826092592960669979663",
    ),
    (
        Func::Erf,
        1,
        2,
        "0.52049987781304653768274665389196452873645157575796",
    ),
    (
        Func::Erf,
        3,
        1,
        "0.9999779095030014145586272238704176796201522929126",
    ),
    (
        Func::Erf,
        6,
        1,
        "0.99999999999999997848026328750108688340664960081262",
    ),
    (
        Func::Erf,
        -2,
        1,
        "-0.99532226501895273416206925636725292861089179704006",
    ),
    (
        Func::Erf,
        1,
        100,
        "0.011283415555849616915909523548069210949100954830116",
    ),
    (
        Func::Erf,
        -5,
        2,
        "-0.99959304798255504106043578426002508727965132259629",
    ),
];

/// `pi` and `e` to 50 significant digits (mpmath).
const PI: &str = "3.1415926535897932384626433832795028841971693993751";
const E: &str = "2.7182818284590452353602874713526624977572470937";

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn pow10(k: i64) -> BigRational {
    let p = num_traits::pow(BigInt::from(10), k.unsigned_abs() as usize);
    if k >= 0 {
        BigRational::from_integer(p)
    } else {
        BigRational::new(BigInt::from(1), p)
    }
}

/// Parses `-1.25e-3` exactly.
fn dec(s: &str) -> BigRational {
    let (mantissa, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.trim_start_matches('+').parse::<i64>().unwrap()),
        None => (s, 0),
    };
    let negative = mantissa.starts_with('-');
    let mantissa = mantissa.trim_start_matches('-');
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: BigInt = format!("{int}{frac}").parse().unwrap();
    let v = BigRational::from_integer(digits) * pow10(exp - frac.len() as i64);
    if negative {
        -v
    } else {
        v
    }
}

/// `floor(log10 |v|)`.
fn decimal_exponent(v: &BigRational) -> i64 {
    let v = v.abs();
    let mut k = 0;
    while pow10(k) > v {
        k -= 1;
    }
    while pow10(k + 1) <= v {
        k += 1;
    }
    k
}

/// One unit in the `digits`-th significant digit of `v`.
fn ulp(v: &BigRational, digits: i64) -> BigRational {
    pow10(decimal_exponent(v) - digits + 1)
}

fn call(f: Func, n: i64, d: i64) -> Expr {
    Expr::call(f, Expr::rational(q(n, d)))
}

/// The enclosure lies within one unit of the 50th digit of the reference value (so it is
/// consistent with it), and is much narrower than that unit.
fn assert_encloses(name: &str, x: &Interval, reference: &str) {
    let v = dec(reference);
    let u = ulp(&v, 50);
    assert!(
        x.lo() >= &v - &u && x.hi() <= &v + &u,
        "{name}: [{}, {}] vs {reference}",
        x.to_f64_pair().0,
        x.to_f64_pair().1
    );
    assert!(
        x.width() * BigRational::from_integer(1000.into()) < u,
        "{name}: too wide"
    );
}

#[test]
fn constants_to_50_digits() {
    assert_encloses("pi", &enclose(&Expr::Pi, &[], 200).unwrap(), PI);
    assert_encloses("e", &enclose(&Expr::E, &[], 200).unwrap(), E);
    assert_encloses("pi", &Interval::pi(200), PI);
    assert_encloses("e", &Interval::e(200), E);
}

#[test]
fn builtins_at_points_to_50_digits() {
    for &(f, n, d, reference) in TABLE {
        let expr = call(f, n, d);
        let name = format!("{f}({n}/{d})");
        let x = enclose(&expr, &[], 200).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_encloses(&name, &x, reference);
    }
}

#[test]
fn width_shrinks_with_precision() {
    let mut exprs: Vec<Expr> = TABLE.iter().map(|&(f, n, d, _)| call(f, n, d)).collect();
    exprs.push(Expr::Pi);
    exprs.push(Expr::E);
    for expr in exprs {
        let coarse = enclose(&expr, &[], 100).unwrap().width();
        let fine = enclose(&expr, &[], 400).unwrap().width();
        assert!(fine < coarse || fine.is_zero(), "{expr:?}");
    }
}

#[test]
fn decimal_output_to_40_digits() {
    let mut cases: Vec<(Expr, &str)> = TABLE
        .iter()
        .map(|&(f, n, d, r)| (call(f, n, d), r))
        .collect();
    cases.push((Expr::Pi, PI));
    cases.push((Expr::E, E));
    for (expr, reference) in cases {
        let x = enclose_const(&expr, 160).unwrap();
        let s = to_decimal(&x, 40).unwrap_or_else(|| panic!("{expr:?}: no decimal"));
        let v = dec(reference);
        let got = dec(&s);
        // to_decimal is within one unit of its 40th digit; the reference within half a unit of its 50th.
        assert!(
            (&got - &v).abs() < ulp(&v, 40) + ulp(&v, 50),
            "{expr:?}: {s} vs {reference}"
        );
        let significant = s
            .split(['e'])
            .next()
            .unwrap()
            .chars()
            .filter(char::is_ascii_digit)
            .skip_while(|&c| c == '0')
            .count();
        assert_eq!(significant, 40, "{s}");
    }
}

#[test]
fn decimal_needs_a_narrow_interval() {
    let wide = Interval::new(&q(314, 100), &q(315, 100), 64).unwrap();
    assert_eq!(to_decimal(&wide, 3), None);
    assert_eq!(to_decimal(&wide, 2).as_deref(), Some("3.1"));
    let around_zero = Interval::new(&q(-1, 1000), &q(1, 1000), 64).unwrap();
    assert_eq!(to_decimal(&around_zero, 1), None);
    assert_eq!(
        to_decimal(&enclose_const(&Expr::int(-12345), 64).unwrap(), 3).as_deref(),
        Some("-1.23e4")
    );
}

/// `(numerator, denominator)`.
type Fraction = (i64, i64);

fn iv(lo: BigRational, hi: BigRational) -> Interval {
    Interval::new(&lo, &hi, 128).unwrap()
}

fn over(f: Func, x: &Interval) -> Result<Interval, IntervalError> {
    enclose(&Expr::call(f, Expr::var("x")), &[("x", x.clone())], 128)
}

#[test]
fn sine_over_an_interval_reaches_its_maximum() {
    let s = over(Func::Sin, &iv(q(0, 1), q(4, 1))).unwrap();
    assert!(s.contains_interval(&iv(q(-7568, 10000), q(1, 1))));
    assert!(s.contains(&q(1, 1)));
    // sin 4 = -0.75680249530792825137... (mpmath): the enclosure is tight
    assert!(s.lo() > q(-75681, 100000) && s.hi() == q(1, 1));
    let c = over(Func::Cos, &iv(q(-1, 1), q(7, 1))).unwrap();
    assert_eq!((c.lo(), c.hi()), (q(-1, 1), q(1, 1)));
    // cos is decreasing on [1, 2]: [cos 2, cos 1] = [-0.41614683..., 0.54030230...]
    let c = over(Func::Cos, &iv(q(1, 1), q(2, 1))).unwrap();
    assert!(c.contains_interval(&iv(q(-416146, 1000000), q(540302, 1000000))));
    assert!(c.lo() > q(-416147, 1000000) && c.hi() < q(540303, 1000000));
}

#[test]
fn exp_over_an_interval() {
    // [1/e, e] = [0.36787944..., 2.71828182...]
    let x = over(Func::Exp, &iv(q(-1, 1), q(1, 1))).unwrap();
    assert!(x.contains_interval(&iv(q(36788, 100000), q(271828, 100000))));
    assert!(x.lo() > q(367879, 1000000) - q(1, 1000000) && x.hi() < q(2718282, 1000000));
}

/// Sample points inside each input interval map inside the enclosure over the interval.
#[test]
fn samples_map_inside_the_enclosure() {
    let domains: &[(Func, Fraction, Fraction)] = &[
        (Func::Exp, (-30, 1), (20, 1)),
        (Func::Ln, (1, 1000), (50, 1)),
        (Func::Sqrt, (0, 1), (9, 1)),
        (Func::Sin, (-10, 1), (3, 1)),
        (Func::Cos, (-1, 2), (13, 1)),
        (Func::Tan, (-3, 2), (3, 2)),
        (Func::Tan, (2, 1), (4, 1)),
        (Func::Sinh, (-5, 1), (3, 1)),
        (Func::Cosh, (-5, 1), (3, 1)),
        (Func::Tanh, (-5, 1), (30, 1)),
        (Func::Asin, (-1, 1), (1, 1)),
        (Func::Acos, (-1, 1), (1, 1)),
        (Func::Atan, (-100, 1), (3, 1)),
        (Func::Asinh, (-100, 1), (3, 1)),
        (Func::Acosh, (1, 1), (50, 1)),
        (Func::Atanh, (-99, 100), (1, 2)),
        (Func::Erf, (-7, 1), (5, 2)),
        (Func::Abs, (-3, 1), (2, 1)),
    ];
    let mut seed: u64 = 12345;
    for &(f, (a, ad), (b, bd)) in domains {
        let (lo, hi) = (q(a, ad), q(b, bd));
        let whole = over(f, &iv(lo.clone(), hi.clone())).unwrap_or_else(|e| panic!("{f}: {e}"));
        for k in 0..=24 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let t = if k <= 1 {
                q(k, 1)
            } else {
                q((seed >> 40) as i64 % 1000, 999)
            };
            let x = &lo + (&hi - &lo) * t;
            let at = enclose(&Expr::call(f, Expr::rational(x.clone())), &[], 160)
                .unwrap_or_else(|e| panic!("{f}({x}): {e}"));
            assert!(
                whole.contains_interval(&at),
                "{f}({x}) outside {:?}",
                whole.to_f64_pair()
            );
        }
    }
}

#[test]
fn monotone_functions_are_tight() {
    // atan over [0, 1] is [0, pi/4]; erf over [-1, 1] is [-erf 1, erf 1] (values: mpmath).
    let quarter_pi = dec("0.78539816339744830961566084581987572104929234984378");
    let a = over(Func::Atan, &iv(q(0, 1), q(1, 1))).unwrap();
    assert_eq!(a.lo(), q(0, 1));
    assert!(a.hi() >= quarter_pi && a.hi() < quarter_pi + pow10(-30));
    let erf1 = dec("0.8427007929497148693412206350826092592960669979663");
    let e = over(Func::Erf, &iv(q(-1, 1), q(1, 1))).unwrap();
    assert_eq!(e.lo(), -e.hi());
    assert!(e.hi() >= erf1 && e.hi() < erf1 + pow10(-30));
    // acos is decreasing: acos over [-1, 1] is [0, pi]
    let c = over(Func::Acos, &iv(q(-1, 1), q(1, 1))).unwrap();
    assert_eq!(c.lo(), q(0, 1));
    assert!(c.hi() >= dec(PI) && c.hi() < dec(PI) + pow10(-30));
}

#[test]
fn domain_errors() {
    let cases: &[(Func, Fraction, Fraction, bool)] = &[
        (Func::Ln, (-1, 1), (2, 1), true),
        (Func::Ln, (-2, 1), (-1, 1), false),
        (Func::Ln, (0, 1), (0, 1), false),
        (Func::Sqrt, (-1, 1), (1, 1), true),
        (Func::Asin, (1, 2), (2, 1), true),
        (Func::Acos, (2, 1), (3, 1), false),
        (Func::Acosh, (0, 1), (1, 2), false),
        (Func::Atanh, (0, 1), (1, 1), true),
        (Func::Tan, (1, 1), (2, 1), false),
    ];
    for &(f, (a, ad), (b, bd), partly) in cases {
        let e = over(f, &iv(q(a, ad), q(b, bd))).unwrap_err();
        let expected_partly = matches!(e, IntervalError::PartlyOutsideDomain { .. });
        let expected_whole = matches!(e, IntervalError::Domain { .. });
        assert!(
            if partly {
                expected_partly
            } else {
                expected_whole
            },
            "{f}: {e:?}"
        );
    }
    let one = Expr::int(1);
    let x = Expr::var("x");
    let b = [("x", iv(q(-1, 1), q(1, 1)))];
    assert_eq!(
        enclose(&(one.clone() / x), &b, 64),
        Err(IntervalError::DivisorContainsZero)
    );
    assert_eq!(
        enclose(&(one / Expr::int(0)), &[], 64),
        Err(IntervalError::DivisionByZero)
    );
    assert_eq!(
        enclose(&Expr::var("y"), &[], 64),
        Err(IntervalError::UnboundVariable("y".into()))
    );
}

#[test]
fn powers() {
    let x = Expr::var("x");
    let b = [("x", iv(q(-2, 1), q(3, 1)))];
    let sq = enclose(&Expr::bin(BinOp::Pow, x.clone(), Expr::int(2)), &b, 64).unwrap();
    assert_eq!((sq.lo(), sq.hi()), (q(0, 1), q(9, 1)));
    let cube = enclose(&Expr::bin(BinOp::Pow, x.clone(), Expr::int(3)), &b, 64).unwrap();
    assert_eq!((cube.lo(), cube.hi()), (q(-8, 1), q(27, 1)));
    let inv = enclose(&Expr::bin(BinOp::Pow, x.clone(), -Expr::int(2)), &b, 64);
    assert_eq!(inv, Err(IntervalError::DivisorContainsZero));
    // 2^(1/2) and 2^(1/3) = 1.2599210498948731647672106072782283505702514647015 (mpmath)
    let half = Expr::rational(q(1, 2));
    let r = enclose(&Expr::bin(BinOp::Pow, Expr::int(2), half), &[], 200).unwrap();
    assert_encloses(
        "2^(1/2)",
        &r,
        "1.4142135623730950488016887242096980785696718753769",
    );
    let third = Expr::rational(q(1, 3));
    let r = enclose(
        &Expr::bin(BinOp::Pow, Expr::int(2), third.clone()),
        &[],
        200,
    )
    .unwrap();
    assert_encloses(
        "2^(1/3)",
        &r,
        "1.2599210498948731647672106072782283505702514647015",
    );
    let neg = enclose(&Expr::bin(BinOp::Pow, -Expr::int(1), third), &[], 64);
    assert!(matches!(neg, Err(IntervalError::Domain { .. })));
}

#[test]
fn conditionals() {
    let x = Expr::var("x");
    let abs_x = Expr::If(
        Box::new(Cond {
            lhs: x.clone(),
            op: CmpOp::Lt,
            rhs: Expr::int(0),
        }),
        Box::new(-x.clone()),
        Box::new(x.clone()),
    );
    let undecided = enclose(&abs_x, &[("x", iv(q(-1, 1), q(2, 1)))], 64).unwrap();
    assert_eq!((undecided.lo(), undecided.hi()), (q(-2, 1), q(2, 1)));
    let decided = enclose(&abs_x, &[("x", iv(q(1, 1), q(2, 1)))], 64).unwrap();
    assert_eq!((decided.lo(), decided.hi()), (q(1, 1), q(2, 1)));
    // the branch not taken may be undefined
    let guarded = Expr::If(
        Box::new(Cond {
            lhs: x.clone(),
            op: CmpOp::Gt,
            rhs: Expr::int(0),
        }),
        Box::new(Expr::call(Func::Ln, x.clone())),
        Box::new(Expr::int(0)),
    );
    assert!(enclose(&guarded, &[("x", iv(q(-2, 1), q(-1, 1)))], 64).is_ok());
}

#[test]
fn signs() {
    let tanh1 = Expr::call(Func::Tanh, Expr::int(1));
    let cosh1 = Expr::call(Func::Cosh, Expr::int(1));
    // tanh''(1) = -2 tanh(1) / cosh(1)^2 < 0
    let second = -(Expr::int(2) * tanh1) / Expr::bin(BinOp::Pow, cosh1, Expr::int(2));
    assert_eq!(decide_sign(&second), NumericSign::Negative);
    assert_eq!(
        decide_sign(&Expr::call(Func::Sin, Expr::Pi)),
        NumericSign::Unknown
    );
    assert_eq!(
        decide_sign(&(Expr::call(Func::Exp, Expr::int(1)) - Expr::E)),
        NumericSign::Unknown
    );
    let close = Expr::Pi - Expr::rational(dec(PI));
    assert_eq!(decide_sign(&close), NumericSign::Positive);
    assert_eq!(
        decide_sign(&Expr::call(Func::Ln, -Expr::int(1))),
        NumericSign::Unknown
    );
}

#[test]
fn enclose_const_reaches_the_target() {
    for bits in [10u32, 100, 1000] {
        let x = enclose_const(&Expr::call(Func::Exp, Expr::int(-10)), bits).unwrap();
        let rel = x.width() / x.lo().abs();
        assert!(
            rel < BigRational::new(1.into(), BigInt::from(2).pow(bits)),
            "{bits}"
        );
    }
    // An exact zero: the best enclosure at the limit contains 0, with a tiny width.
    let zero = enclose_const(&(Expr::call(Func::Sin, Expr::Pi)), 64).unwrap();
    assert!(zero.contains_zero() && zero.width_log2().unwrap() < -64);
}

#[test]
fn deep_trees_do_not_overflow_the_stack() {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut e = Expr::var("x");
            for _ in 0..1000 {
                e = Expr::call(Func::Sin, e);
            }
            let v = enclose(&e, &[("x", iv(q(1, 1), q(1, 1)))], 64).unwrap();
            assert!(v.is_positive() && v.hi() < q(1, 10));
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Parsed constant expressions against mpmath (`mp.dps = 60`, 50 significant digits).
#[test]
fn parsed_expressions_to_50_digits() {
    let cases = [
        (
            "sqrt(2/pi)",
            "0.79788456080286535587989211986876373695171726232987",
        ),
        (
            "-2*tanh(1)/cosh(1)^2",
            "-0.6397000084492245001884917693038439532192113630608",
        ),
        (
            "exp(-1)*ln(3) - atan(2)^2",
            "-0.82162140849379518372523924957955005479129831828946",
        ),
        (
            "pi^e",
            "22.459157718361045473427152204543735027589315133997",
        ),
        (
            "e^pi - pi",
            "19.999099979189475767266442984669044496068936843225",
        ),
        (
            "1/2*(1+erf(3/sqrt(2)))",
            "0.99865010196836990547334818523240502262217063184162",
        ),
    ];
    let defs = taylorgate::Definitions::new();
    for (src, reference) in cases {
        let expr = taylorgate::parse::parse_expr(src, &defs).unwrap();
        assert_encloses(src, &enclose(&expr, &[], 200).unwrap(), reference);
        let sign = if reference.starts_with('-') {
            NumericSign::Negative
        } else {
            NumericSign::Positive
        };
        assert_eq!(decide_sign(&expr), sign, "{src}");
    }
}
