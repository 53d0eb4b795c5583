//! Acceptance of the tight remainder bounds: for every admitting case of the reference
//! activations (`tests/data/activations.json`, from SymPy) and r in {1/2, 1, 2}, the bound
//! `|R(x)| <= K |x|_inf^m` printed by `gate` and by `prove` (the same network written as a
//! claim in a .tg file) is the same number, holds at every sampled point, and is within 10x of
//! the worst observed `|R(x)| / |x|_inf^m`. The observation does not use the bound's code: the
//! remainder is written here as text and enclosed at each point (grid of 25 x 25 plus 300
//! random rationals of the box) with 128-bit interval arithmetic. `--nocapture` prints the
//! table of bench/RESULTS.md.

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

fn points(r: &BigRational) -> Vec<(BigRational, BigRational)> {
    let steps = 25i64;
    let mut out = Vec::new();
    for i in 0..steps {
        for j in 0..steps {
            let f = |k: i64| {
                r * BigRational::new(BigInt::from(2 * k - (steps - 1)), BigInt::from(steps - 1))
            };
            out.push((f(i), f(j)));
        }
    }
    // Near the origin too (the sup is often the limit at 0).
    for k in 1..=6 {
        let s = r / BigRational::from_integer(BigInt::from(1i64 << (2 * k)));
        out.push((s.clone(), s.clone()));
        out.push((s.clone(), -s.clone()));
    }
    let mut seed: u64 = 0x2545f4914f6cdd1d;
    for _ in 0..300 {
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = ((seed >> 33) % 20001) as i64 - 10000;
            r * BigRational::new(BigInt::from(n), BigInt::from(10000))
        };
        out.push((next(), next()));
    }
    out.retain(|(u, v)| !u.is_zero() || !v.is_zero());
    out
}

#[test]
fn gate_and_prove_bounds_agree_and_are_tight() {
    let data: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/activations.json"
        ))
        .expect("reference data"),
    )
    .expect("json");
    let dir = std::env::temp_dir().join(format!("tg-bound-ratio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut rows = vec![
        "| activation | bias | r | m | K (gate) | K (prove) | max observed | K / observed |"
            .to_string(),
        "|---|---|---|---|---|---|---|---|".to_string(),
    ];
    let mut failures = Vec::new();
    for case in data["cases"].as_array().expect("cases") {
        if case.get("gate").is_none() {
            continue;
        }
        let name = case["name"].as_str().unwrap();
        let expr = case["expr"].as_str().unwrap();
        let bias = case["point"].as_str().unwrap().replace("log(", "ln(");
        let sigma2 = case["sigma2"].as_str().unwrap().replace("**", "^");
        let bias_arg = format!("--bias={bias}");
        for r in ["1/2", "1", "2"] {
            let gate = run(&["gate", expr, &bias_arg, "--radius", r, "--format", "json"]);
            let gb = &gate["remainder"]["bound"];
            let file = dir.join(format!("{name}.tg"));
            let m = gb["order"].as_u64();
            let Some(m) = m else {
                rows.push(format!(
                    "| {name} | {bias} | {r} | - | {} | | | |",
                    gb["error"]
                ));
                continue;
            };
            let src = format!(
                "sigma(x) = {expr}\nb = {bias}\nf(u, v) = (sigma(b + u + v) + sigma(b - u - v) - sigma(b + u - v) - sigma(b - u + v)) / (4 * sigma''(b))\nclaim f(u, v) = u*v + O(|x|^{})\n",
                m.min(4)
            );
            std::fs::write(&file, src).expect("write");
            let prove = run(&[
                "prove",
                file.to_str().unwrap(),
                "--radius",
                r,
                "--format",
                "json",
            ]);
            let pb = &prove["claims"][0]["remainder"]["bound"];
            let (Some(kg), Some(kp)) = (gb["K"].as_str(), pb["K"].as_str()) else {
                rows.push(format!(
                    "| {name} | {bias} | {r} | {m} | {} | {} | | |",
                    gb, pb
                ));
                if gb["K"].is_string() != pb["K"].is_string() {
                    failures.push(format!("{name} r={r}: gate {gb} vs prove {pb}"));
                }
                continue;
            };
            if kg != kp {
                failures.push(format!("{name} r={r}: gate K = {kg}, prove K = {kp}"));
            }
            // The remainder, written here: sigma''(b) from the reference data.
            let defs = Definitions::new();
            let sigma = parse_expr(&expr.replace("**", "^"), &defs).expect("sigma");
            let neuron = |arg: &str| {
                let a = parse_expr(&format!("{bias} + {arg}"), &defs).expect("arg");
                sigma.substitute(&["x".to_string()], &[a])
            };
            let num = neuron("u + v") + neuron("-u - v") - neuron("u - v") - neuron("v - u");
            let den = parse_expr(&format!("4 * ({sigma2})"), &defs).expect("sigma''");
            let e = num / den - parse_expr("u*v", &defs).expect("uv");
            let k = q(kg);
            let rr = q(r);
            let mut worst = 0f64;
            for (u, v) in points(&rr) {
                let b = [
                    ("u", Interval::point(&u, 160)),
                    ("v", Interval::point(&v, 160)),
                ];
                let val = enclose(&e, &b, 128).expect("encloses");
                let norm = u.abs().max(v.abs());
                let nm = num_traits::Pow::pow(&norm, m as u32);
                let (lower, upper) = common::magnitude(&val);
                // K = 0 says R = 0 (an exact gate): the enclosure must contain 0.
                let violated = if k.is_zero() {
                    !val.contains_zero()
                } else {
                    upper > &k * &nm
                };
                if violated {
                    failures.push(format!("{name} r={r}: |R({u}, {v})| <= {upper} > K |x|^m"));
                }
                worst = worst.max((lower / nm).to_f64().unwrap());
            }
            let ratio = k.to_f64().unwrap() / worst;
            let exact = worst == 0.0 && k.is_zero();
            if !exact && (ratio.is_nan() || ratio > 10.0) {
                failures.push(format!(
                    "{name} r={r}: K = {kg} is {ratio:.2}x the observed {worst:.4e}"
                ));
            }
            rows.push(format!(
                "| {name} | {bias} | {r} | {m} | {kg} | {kp} | {worst:.4} | {} |",
                if k.is_zero() {
                    "exact".to_string()
                } else {
                    format!("{ratio:.2}")
                }
            ));
        }
    }
    println!("{}", rows.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
