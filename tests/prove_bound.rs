//! Independent check of the rigorous remainder bounds of `prove`: for each proved claim, the
//! remainder `R = LHS - RHS` is written here by hand as a scalar formula (activation values
//! such as `sigma''(0) = 1/4` for softplus derived by hand, not by the code under test), then
//! enclosed with interval arithmetic at many points (grid, corners, random rationals) of the
//! box `|x|_inf <= r`; every enclosure's upper end must satisfy `|R(x)| <= K |x|_inf^m`.
//! The looseness `K / max |R(x)| / |x|_inf^m` is printed (`--nocapture`).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde_json::Value;
use taylorgate::interval::{enclose, Interval};
use taylorgate::{parse::parse_expr, Definitions};

mod common;

fn prove(path: &str, radius: &str) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        // Seconds of CPU: on a loaded machine the wall clock passes the 60-s default time-out.
        .args([
            "prove",
            path,
            "--format",
            "json",
            "--radius",
            radius,
            "--timeout",
            "600",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    common::output_json(&out)
}

fn q(text: &str) -> BigRational {
    text.parse().expect("a rational")
}

/// The bound `(K, m)` of the claim on `line`.
fn bound(v: &Value, line: u64) -> (BigRational, u32) {
    let c = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["line"] == line)
        .unwrap_or_else(|| panic!("no claim on line {line}"));
    assert_eq!(c["status"], "proved", "{c}");
    let b = &c["remainder"]["bound"];
    let k = b["K"].as_str().unwrap_or_else(|| panic!("no bound: {b}"));
    (q(k), b["order"].as_u64().unwrap() as u32)
}

/// Points of `[-r, r]^d`: a grid of 9 per axis, the corners, and 200 random rationals.
fn points(d: usize, r: &BigRational) -> Vec<Vec<BigRational>> {
    let mut out = Vec::new();
    let steps = 9i64;
    let total = (steps as usize).pow(d as u32);
    for mut i in 0..total {
        let mut p = Vec::new();
        for _ in 0..d {
            let j = (i % steps as usize) as i64;
            i /= steps as usize;
            p.push(
                r * BigRational::new(BigInt::from(2 * j - (steps - 1)), BigInt::from(steps - 1)),
            );
        }
        out.push(p);
    }
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    for _ in 0..200 {
        let p = (0..d)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let n = ((seed >> 33) % 2001) as i64 - 1000;
                r * BigRational::new(BigInt::from(n), BigInt::from(1000))
            })
            .collect();
        out.push(p);
    }
    out.retain(|p: &Vec<BigRational>| p.iter().any(|x| !x.is_zero()));
    out
}

/// Checks `|R| <= K |x|_inf^m` at every point; returns the looseness `K / max |R| / |x|^m`.
fn check(
    name: &str,
    remainder: &str,
    vars: &[&str],
    k: &BigRational,
    m: u32,
    r: &BigRational,
) -> f64 {
    check_in(name, remainder, vars, None, k, m, r)
}

/// [`check`] for `|R| <= K |x_i|^m` (`lambda = Some(i)`: claims `O(lambda^k)`), at the points
/// where the norm is not 0.
fn check_in(
    name: &str,
    remainder: &str,
    vars: &[&str],
    lambda: Option<usize>,
    k: &BigRational,
    m: u32,
    r: &BigRational,
) -> f64 {
    let e = parse_expr(remainder, &Definitions::new()).expect("parses");
    let mut worst = 0f64;
    for p in points(vars.len(), r) {
        let norm = match lambda {
            None => p.iter().map(|x| x.abs()).max().unwrap(),
            Some(i) => p[i].abs(),
        };
        if norm.is_zero() {
            continue;
        }
        let bindings: Vec<(&str, Interval)> = vars
            .iter()
            .zip(&p)
            .map(|(v, x)| (*v, Interval::point(x, 128)))
            .collect();
        let value = enclose(&e, &bindings, 128).expect("encloses");
        let upper = value.lo().abs().max(value.hi().abs());
        let allowed = k * num_traits::Pow::pow(&norm, m);
        assert!(
            upper <= allowed,
            "{name}: |R({p:?})| <= {upper} exceeds K |x|^m = {allowed}"
        );
        let ratio = value.to_f64().abs()
            / num_traits::ToPrimitive::to_f64(&num_traits::Pow::pow(&norm, m)).unwrap();
        worst = worst.max(ratio);
    }
    let looseness = num_traits::ToPrimitive::to_f64(k).unwrap() / worst;
    println!("{name}: K = {k}, m = {m}, max |R|/|x|^m = {worst:.6}, looseness {looseness:.2}");
    looseness
}

const SP: &str = "ln(1 + exp(#))";

fn softplus(arg: &str) -> String {
    SP.replace('#', &format!("({arg})"))
}

/// The four-neuron gate with softplus (`4 sigma''(0) = 1`).
fn gate_sp(a: &str, b: &str) -> String {
    format!(
        "({} + {} - {} - {})",
        softplus(&format!("{a} + {b}")),
        softplus(&format!("-({a}) - ({b})")),
        softplus(&format!("{a} - ({b})")),
        softplus(&format!("{b} - ({a})"))
    )
}

/// The eight-neuron product with exp (`8 sigma'''(0) = 8`).
fn product3_exp() -> String {
    let mut terms = Vec::new();
    for (s1, s2, s3) in [
        (1, 1, 1),
        (-1, -1, -1),
        (1, 1, -1),
        (-1, -1, 1),
        (1, -1, 1),
        (-1, 1, -1),
        (-1, 1, 1),
        (1, -1, -1),
    ] {
        let sign = if s1 * s2 * s3 > 0 { "+" } else { "-" };
        terms.push(format!("{sign} exp({s1}*u + {s2}*v + {s3}*w)"));
    }
    format!("(0 {}) / 8", terms.join(" "))
}

#[test]
fn example_bounds_hold_at_many_points() {
    let one = q("1");
    let mut report = Vec::new();
    let theorem = prove("examples/theorem.tg", "1");
    let f = gate_sp("u", "v");
    for (line, rem) in [
        (9, format!("{f} - u*v")),
        (11, format!("{f} - u*v + u*v*(u^2 + v^2)/12")),
    ] {
        let (k, m) = bound(&theorem, line);
        report.push(check(
            &format!("theorem.tg:{line}"),
            &rem,
            &["u", "v"],
            &k,
            m,
            &one,
        ));
    }
    let half = prove("examples/theorem.tg", "1/2");
    let (k, m) = bound(&half, 9);
    report.push(check(
        "theorem.tg:9 r=1/2",
        &format!("{f} - u*v"),
        &["u", "v"],
        &k,
        m,
        &q("1/2"),
    ));

    let squaring = prove("examples/squaring.tg", "1");
    let (k, m) = bound(&squaring, 4);
    let rem = "exp(x) + exp(-x) - 2 - x^2 - x^4/12";
    report.push(check("squaring.tg:4", rem, &["x"], &k, m, &one));

    let p3 = prove("examples/product3.tg", "1");
    let p = product3_exp();
    for (line, rem) in [
        (4, format!("{p} - u*v*w")),
        (5, format!("{p} - u*v*w - u*v*w*(u^2 + v^2 + w^2)/6")),
    ] {
        let (k, m) = bound(&p3, line);
        report.push(check(
            &format!("product3.tg:{line}"),
            &rem,
            &["u", "v", "w"],
            &k,
            m,
            &one,
        ));
    }

    let rem = format!("{} - u*v*w", gate_sp(&gate_sp("u", "v"), "w"));
    for r in ["1/2", "1", "2"] {
        let deep = prove("examples/deep_product.tg", r);
        let (k, m) = bound(&deep, 4);
        report.push(check(
            &format!("deep_product.tg:4 r={r}"),
            &rem,
            &["u", "v", "w"],
            &k,
            m,
            &q(r),
        ));
    }
    // Every bound within 10x of the largest value observed (issue 11), the deep product too
    // (the Taylor models of crate::bound::tm, with the direct enclosure on small loose boxes
    // away from t = 0: at r = 2, 13x before, 1.7x now; bench/RESULTS.md).
    assert!(
        report.iter().all(|&l| (1.0..10.0).contains(&l)),
        "{report:?}"
    );
}

fn prove_text(claims: &str, radius: &str) -> Value {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path = std::env::temp_dir().join(format!("prove_bound_{}_{n}.tg", std::process::id()));
    std::fs::write(&path, claims).unwrap();
    let v = prove(path.to_str().unwrap(), radius);
    let _ = std::fs::remove_file(&path);
    v
}

#[test]
fn written_claims() {
    let v = prove_text(
        "claim exp(x) = 1 + x + O(|x|^2)\nclaim sin(u)*sin(v) = u*v + O(|x|^4)\nclaim exp(lambda*u) = 1 + lambda*u + O(lambda^2)\n",
        "1",
    );
    let one = q("1");
    let (k, m) = bound(&v, 1);
    assert_eq!(m, 2);
    let l1 = check("exp(x) - 1 - x", "exp(x) - 1 - x", &["x"], &k, m, &one);
    let (k, m) = bound(&v, 2);
    assert_eq!(m, 4);
    let l2 = check(
        "sin(u) sin(v) - uv",
        "sin(u)*sin(v) - u*v",
        &["u", "v"],
        &k,
        m,
        &one,
    );
    assert!(l1 < 10.0 && l2 < 10.0);
    // Lambda claims: |R| <= K |lambda|^m for |lambda|, |u| <= r.
    let (k, m) = bound(&v, 3);
    assert_eq!(m, 2);
    let e = parse_expr("exp(lambda*u) - 1 - lambda*u", &Definitions::new()).unwrap();
    for p in points(2, &one) {
        let b = [
            ("lambda", Interval::point(&p[0], 128)),
            ("u", Interval::point(&p[1], 128)),
        ];
        let value = enclose(&e, &b, 128).unwrap();
        let upper = value.lo().abs().max(value.hi().abs());
        assert!(upper <= &k * num_traits::Pow::pow(&p[0].abs(), m), "{p:?}");
    }
}

/// The squaring gate with exp (`sigma''(0) = 1`): `exp(a) + exp(-a) - 2`.
fn square_exp(a: &str) -> String {
    format!("(exp({a}) + exp(-({a})) - 2)")
}

/// The product from two squaring gates: `(sq(a + b) - sq(a - b)) / 4`.
fn product_sq(a: &str, b: &str) -> String {
    format!(
        "(({}) - ({})) / 4",
        square_exp(&format!("({a}) + ({b})")),
        square_exp(&format!("({a}) - ({b})"))
    )
}

#[test]
fn a_tree_of_squaring_gates() {
    // Four inputs, two layers of products made of squaring gates: the remainder is of order 6
    // (issue 11: K = 7015 in 75 s against about 1.9 observed).
    let rem = format!(
        "{} - u*v*w*z",
        product_sq(&product_sq("u", "v"), &product_sq("w", "z"))
    );
    for r in ["1", "2"] {
        let v = prove_text(
            "sigma(x) = exp(x)\nsq(x) = (sigma(x) + sigma(-x) - 2*sigma(0)) / sigma''(0)\nm(u, v) = (sq(u+v) - sq(u-v)) / 4\nclaim m(m(u, v), m(w, z)) = u*v*w*z + O(|x|^6)\n",
            r,
        );
        let (k, m) = bound(&v, 4);
        assert_eq!(m, 6);
        let looseness = check(
            &format!("tree of squaring gates r={r}"),
            &rem,
            &["u", "v", "w", "z"],
            &k,
            m,
            &q(r),
        );
        assert!(looseness < 10.0, "{looseness}");
    }
}

/// The bound `(K, m)` of the claim on `line`, with its method.
fn bound_method(v: &Value, line: u64) -> String {
    let c = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["line"] == line)
        .unwrap();
    c["remainder"]["bound"]["method"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn lambda_claims_and_removable_singularities() {
    // examples/scaled.tg line 8: lambda^-2 (...) has a removable singularity at lambda = 0;
    // |R| <= K |lambda|^2 for |lambda|, |u|, |v| <= r. softplus''(0) = 1/4: A2 = [1, 1, -1, -1].
    let mut report = Vec::new();
    for r in ["1/2", "1", "2"] {
        let v = prove("examples/scaled.tg", r);
        let (k, m) = bound(&v, 8);
        assert_eq!(m, 2);
        assert!(bound_method(&v, 8).contains("degree in lambda"));
        let rem = format!(
            "lambda^-2 * ({} + {} - {} - {}) - u*v",
            softplus("lambda*(u + v)"),
            softplus("-lambda*(u + v)"),
            softplus("lambda*(u - v)"),
            softplus("lambda*(v - u)")
        );
        report.push(check_in(
            &format!("scaled.tg:8 r={r}"),
            &rem,
            &["lambda", "u", "v"],
            Some(0),
            &k,
            m,
            &q(r),
        ));
    }
    // One variable: sin(x)/x and x/(e^x - 1) (a denominator vanishing at 0).
    let v = prove_text(
        "claim sin(x)/x = 1 + O(|x|^2)\nclaim x/(exp(x) - 1) = 1 - x/2 + O(|x|^2)\n",
        "1",
    );
    for (line, rem) in [(1, "sin(x)/x - 1"), (2, "x/(exp(x) - 1) - 1 + x/2")] {
        let (k, m) = bound(&v, line);
        assert_eq!(m, 2);
        report.push(check(rem, rem, &["x"], &k, m, &q("1")));
    }
    assert!(report.iter().all(|&l| l < 10.0), "{report:?}");
}

#[test]
fn no_bound_is_a_reason_not_a_guess() {
    // sin(u)/u with a second variable: 0/0 on the rays where u = 0, no model of the quotient.
    let v = prove_text("claim v*sin(u)/u = v + O(|x|^3)\n", "1");
    assert_eq!(v["claims"][0]["status"], "proved");
    let b = &v["claims"][0]["remainder"]["bound"];
    assert!(b["error"].as_str().is_some(), "{b}");
    // Refuted claims carry no bound.
    let v = prove_text("claim exp(x) = 1 + O(|x|^2)\n", "1");
    assert!(v["claims"][0]["remainder"]["bound"].is_null());
}
