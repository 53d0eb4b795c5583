//! The remainder bound of gates with many inputs (issue 13: `gate exp --inputs 8` has 256
//! neurons): the `K` of `|R(x)| <= K |x|_inf^m` printed by `gate --inputs n` holds at sampled
//! points of the box and is within 10x of the worst observed `|R(x)| / |x|_inf^m`. The
//! observation does not use the bound's code: `R` is written here as text (for `exp` the
//! closed form `sinh(x_1)...sinh(x_n) - x_1...x_n`, otherwise the printed network's neurons
//! `sigma(b + s.x) (s_1...s_n) / (2^n sigma^(n)(b)) - x_1...x_n`) and enclosed at each point
//! (random rationals, the corners, points near the corners) with 128-bit interval arithmetic.
//! `--nocapture` prints the table of bench/RESULTS.md.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use serde_json::Value;
use std::process::Command;
use taylorgate::interval::{enclose, Interval};
use taylorgate::{parse::parse_expr, Definitions};
mod common;

fn run(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    common::output_json(&out)
}

fn q(text: &str) -> BigRational {
    taylorgate::certificate::parse_rational(text)
        .or_else(|_| text.parse())
        .expect("a rational")
}

fn names(n: usize) -> Vec<String> {
    match n {
        1 => vec!["x".into()],
        2 => vec!["u".into(), "v".into()],
        3 => vec!["u".into(), "v".into(), "w".into()],
        _ => (1..=n).map(|i| format!("x{i}")).collect(),
    }
}

/// Sample points of `[-r, r]^n`: random rationals, corners of the box and of the half box,
/// and points near the corner.
fn points(n: usize, r: &BigRational, random: usize) -> Vec<Vec<BigRational>> {
    let mut seed: u64 = 0x9e3779b97f4a7c15 ^ n as u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) % 20001) as i64 - 10000
    };
    let mut out: Vec<Vec<BigRational>> = Vec::new();
    for _ in 0..random {
        out.push(
            (0..n)
                .map(|_| r * BigRational::new(BigInt::from(next()), BigInt::from(10000)))
                .collect(),
        );
    }
    for k in [1i64, 2, 8, 64] {
        let h = r / BigRational::from_integer(BigInt::from(k));
        for signs in 0..(1u32 << n).min(16) {
            out.push(
                (0..n)
                    .map(|i| {
                        if signs >> i & 1 == 1 {
                            -h.clone()
                        } else {
                            h.clone()
                        }
                    })
                    .collect(),
            );
        }
    }
    for _ in 0..random / 4 {
        // Near the corner (r, ..., r), where exp's supremum lies.
        out.push(
            (0..n)
                .map(|_| {
                    r * BigRational::new(BigInt::from(10000 - next().abs() / 20), 10000.into())
                })
                .collect(),
        );
    }
    out.retain(|x| x.iter().any(|v| !v.is_zero()));
    out
}

#[test]
fn bounds_of_many_inputs_hold_and_are_tight() {
    let defs = Definitions::new();
    let mut rows = vec![
        "| gate | n | r | m | K | max observed | K / observed |".to_string(),
        "|---|---|---|---|---|---|---|".to_string(),
    ];
    let mut failures = Vec::new();
    for (act, n, r, random) in [
        ("exp", 3, "1", 300),
        ("exp", 4, "1", 300),
        ("exp", 6, "1", 200),
        ("exp", 8, "1", 100),
        ("exp", 8, "1/2", 100),
        ("exp", 8, "2", 100),
        // softplus with 4 or more inputs: its series diverges on the reach, the bound falls
        // back to the neuron-by-neuron model, K = 450 against 1.24 observed at n = 4 (not
        // within 10x: bench/RESULTS.md).
        ("softplus", 3, "1", 300),
    ] {
        let ns = n.to_string();
        let gate = run(&[
            "gate", act, "--inputs", &ns, "--radius", r, "--format", "json",
        ]);
        let gb = &gate["remainder"]["bound"];
        let (Some(k), Some(m)) = (gb["K"].as_str(), gb["order"].as_u64()) else {
            failures.push(format!("{act} n={n} r={r}: no bound: {gb}"));
            continue;
        };
        let vars = names(n);
        let product = vars.join(" * ");
        let text = if act == "exp" {
            let sinhs: Vec<String> = vars.iter().map(|v| format!("sinh({v})")).collect();
            format!("{} - {product}", sinhs.join(" * "))
        } else {
            let b = gate["bias"].as_str().expect("bias");
            let d = gate["derivative_at_bias"].as_str().expect("sigma^(n)(b)");
            // softplus(z) = ln(1 + exp(z)), the library's definition.
            let mut neurons = Vec::new();
            for s in 0..(1u32 << n) {
                let mut arg = format!("({b})");
                let mut sign = 1;
                for (i, v) in vars.iter().enumerate() {
                    if s >> i & 1 == 1 {
                        arg.push_str(&format!(" - {v}"));
                        sign = -sign;
                    } else {
                        arg.push_str(&format!(" + {v}"));
                    }
                }
                neurons.push(format!(
                    "{} ln(1 + exp({arg}))",
                    if sign > 0 { "+" } else { "-" }
                ));
            }
            format!(
                "(0 {}) / ({} * ({d})) - {product}",
                neurons.join(" "),
                1u64 << n
            )
        };
        let e = parse_expr(&text, &defs).expect("the remainder parses");
        let kq = q(k);
        let rq = q(r);
        let mut worst = 0f64;
        for x in points(n, &rq, random) {
            let b: Vec<(&str, Interval)> = vars
                .iter()
                .zip(&x)
                .map(|(v, q)| (v.as_str(), Interval::point(q, 160)))
                .collect();
            let val = enclose(&e, &b, 128).expect("encloses");
            let norm = x.iter().map(|v| v.abs()).max().expect("a point");
            let nm = num_traits::Pow::pow(&norm, m as u32);
            let (lower, upper) = common::magnitude(&val);
            if upper > &kq * &nm {
                failures.push(format!(
                    "{act} n={n} r={r}: |R({x:?})| <= {upper} > K |x|^m"
                ));
            }
            worst = worst.max((lower / nm).to_f64().unwrap());
        }
        let ratio = kq.to_f64().unwrap() / worst;
        if ratio.is_nan() || ratio > 10.0 {
            failures.push(format!(
                "{act} n={n} r={r}: K = {k} is {ratio:.2}x the observed {worst:.4e}"
            ));
        }
        rows.push(format!(
            "| {act} | {n} | {r} | {m} | {k} | {worst:.4} | {ratio:.2} |"
        ));
    }
    println!("{}", rows.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
