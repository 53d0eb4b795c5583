//! Floating-point certificates checked in real floating point: for five activations and both
//! formats, the network of `gate ACT --epsilon E --float F` is evaluated here in Rust `f32` /
//! `f64` (sigma through the standard library's functions; GELU's erf from `libm`, the Rust
//! port of musl's math library), in the order of operations the certificate states, with the
//! stored weights it prints, at its certified `lambda` and at the `lambda` of its smallest
//! total, on a grid and random points of the box. The error against the exact product of the
//! inputs (exact rational arithmetic) must stay below the certified total. `--nocapture`
//! prints the observed/certified ratios.

use num_rational::BigRational;
use serde_json::Value;
use std::process::Command;
mod common;

fn gate(args: &[&str]) -> (Value, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    (common::output_json(&out), out.status.code().unwrap_or(-1))
}

/// The arithmetic of one format, with sigma computed by the standard library.
trait Float: Copy + std::str::FromStr + std::fmt::Debug {
    fn from_f64(x: f64) -> Self;
    fn exact(self) -> BigRational;
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn neg(self) -> Self;
    fn sigma(name: &str, z: Self) -> Self;
}

impl Float for f32 {
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
    fn exact(self) -> BigRational {
        BigRational::from_float(self).expect("finite")
    }
    fn add(self, o: f32) -> f32 {
        self + o
    }
    fn mul(self, o: f32) -> f32 {
        self * o
    }
    fn neg(self) -> f32 {
        -self
    }
    fn sigma(name: &str, z: f32) -> f32 {
        match name {
            "softplus" => z.exp().ln_1p(),
            "tanh" => z.tanh(),
            "silu" => z / (1.0 + (-z).exp()),
            "sigmoid" => 1.0 / (1.0 + (-z).exp()),
            "gelu" => 0.5 * z * (1.0 + libm::erff(z * std::f32::consts::FRAC_1_SQRT_2)),
            _ => unreachable!(),
        }
    }
}

impl Float for f64 {
    fn from_f64(x: f64) -> f64 {
        x
    }
    fn exact(self) -> BigRational {
        BigRational::from_float(self).expect("finite")
    }
    fn add(self, o: f64) -> f64 {
        self + o
    }
    fn mul(self, o: f64) -> f64 {
        self * o
    }
    fn neg(self) -> f64 {
        -self
    }
    fn sigma(name: &str, z: f64) -> f64 {
        match name {
            "softplus" => z.exp().ln_1p(),
            "tanh" => z.tanh(),
            "silu" => z / (1.0 + (-z).exp()),
            "sigmoid" => 1.0 / (1.0 + (-z).exp()),
            "gelu" => 0.5 * z * (1.0 + libm::erf(z * std::f64::consts::FRAC_1_SQRT_2)),
            _ => unreachable!(),
        }
    }
}

/// The network as the certificate states it (rows of A1 in order, signs, stored weights).
struct Net<F> {
    a1: Vec<Vec<i32>>,
    signs: Vec<i32>,
    lambda: F,
    bias: F,
    scale: F,
}

fn parse<F: Float>(text: &Value) -> F {
    text.as_str()
        .expect("a string")
        .parse::<F>()
        .unwrap_or_else(|_| panic!("{text} is not a float"))
}

impl<F: Float> Net<F> {
    fn eval(&self, name: &str, x: &[F]) -> F {
        let mut sum: Option<F> = None;
        for (s, &e) in self.a1.iter().zip(&self.signs) {
            let signed = |v: F, k: i32| if k > 0 { v } else { v.neg() };
            let t = s
                .iter()
                .zip(x)
                .map(|(&si, &xi)| signed(xi, si))
                .reduce(|a, b| a.add(b))
                .expect("inputs");
            let z = self.lambda.mul(t).add(self.bias);
            let h = signed(F::sigma(name, z), e);
            sum = Some(match sum {
                None => h,
                Some(acc) => acc.add(h),
            });
        }
        self.scale.mul(sum.expect("neurons"))
    }
}

/// Values of the format in [-r, r]^2: a grid with its corners, points near 0, random points.
fn points<F: Float>(r: f64) -> Vec<[F; 2]> {
    let mut out = Vec::new();
    let steps = 81;
    for i in 0..steps {
        for j in 0..steps {
            let f = |k: i32| F::from_f64(r * (2 * k - (steps - 1)) as f64 / (steps - 1) as f64);
            out.push([f(i), f(j)]);
        }
    }
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..4000 {
        let u = F::from_f64(r * (2.0 * next() - 1.0));
        let v = F::from_f64(r * (2.0 * next() - 1.0));
        out.push([u, v]);
    }
    for k in 1..20 {
        let s = F::from_f64(r / f64::from(1 << k));
        out.push([s, s]);
        out.push([s, s.neg()]);
    }
    // Keep every point inside the box (rounding to the format may not).
    let rq = BigRational::from_float(r).expect("finite");
    out.retain(|p| p.iter().all(|x| num_traits::Signed::abs(&x.exact()) <= rq));
    out
}

/// The worst `|y - x_1 x_2|` over the points, exactly.
fn worst<F: Float>(net: &Net<F>, name: &str, r: f64) -> BigRational {
    points::<F>(r)
        .iter()
        .map(|p| {
            let y = net.eval(name, p).exact();
            num_traits::Signed::abs(&(y - p[0].exact() * p[1].exact()))
        })
        .max()
        .expect("points")
}

fn check<F: Float>(name: &str, format: &str, eps: &str, r: f64, table: &mut Vec<String>) {
    let radius = r.to_string();
    let (v, code) = gate(&[
        "gate",
        name,
        "--epsilon",
        eps,
        "--radius",
        &radius,
        "--float",
        format,
        "--format",
        "json",
        "--no-bound",
    ]);
    let c = &v["float_certificate"];
    assert!(c.get("error").is_none(), "{name} {format}: {c}");
    assert_eq!(c["format"], format);
    // The schema taylorgate/1 writes the exact weights of A1 as strings, like those of A2.
    let a1: Vec<Vec<String>> = serde_json::from_value(v["A1"].clone()).expect("A1");
    let a1: Vec<Vec<i32>> = a1
        .iter()
        .map(|row| {
            row.iter()
                .map(|w| w.parse().expect("an integer weight"))
                .collect()
        })
        .collect();
    let signs: Vec<i32> = serde_json::from_value(c["signs"].clone()).expect("signs");
    // The signs are those of A2 (the certificate's network is the gate's).
    for (s, a2) in signs.iter().zip(v["A2"].as_array().expect("A2")) {
        assert_eq!(
            *s < 0,
            a2.as_str().unwrap().starts_with('-') != v["A2"][0].as_str().unwrap().starts_with('-')
        );
    }
    let reached = c["reached"].as_bool().expect("reached");
    assert_eq!(
        code,
        if reached { 0 } else { 1 },
        "{name} {format}: exit code"
    );
    let mut cases = vec![("smallest", &c["smallest"])];
    if reached {
        cases.push(("certified", &c["certified"]));
    }
    for (what, b) in cases {
        let net = Net::<F> {
            a1: a1.clone(),
            signs: signs.clone(),
            lambda: parse(&b["stored"]["lambda"]),
            bias: parse(&b["stored"]["bias"]),
            scale: parse(&b["stored"]["scale"]),
        };
        // lambda is stored exactly.
        let lambda: BigRational = b["lambda"].as_str().unwrap().parse().expect("lambda");
        assert_eq!(net.lambda.exact(), lambda, "{name} {format}");
        let total =
            taylorgate::certificate::parse_rational(b["total"].as_str().unwrap()).expect("total");
        if what == "certified" {
            let e = taylorgate::certificate::parse_rational(eps).unwrap();
            assert!(total <= e, "{name} {format}: certified total above epsilon");
        }
        let seen = worst(&net, name, r);
        let ratio = num_traits::ToPrimitive::to_f64(&(&seen / &total)).unwrap();
        table.push(format!(
            "| {name} | {format} | {r} | {what} | {lambda} | {} | {:.3e} | {ratio:.3} |",
            b["total"].as_str().unwrap(),
            num_traits::ToPrimitive::to_f64(&seen).unwrap(),
        ));
        assert!(
            seen <= total,
            "{name} {format} λ = {lambda}: observed {seen} above the certified total {total}"
        );
    }
}

#[test]
fn certified_totals_hold_in_real_floating_point() {
    let mut table = vec![
        "| activation | format | R | λ | value | certified total | observed max | observed/total |"
            .to_string(),
        "|---|---|---|---|---|---|---|---|".to_string(),
    ];
    for name in ["softplus", "tanh", "silu", "gelu", "sigmoid"] {
        check::<f32>(name, "f32", "1e-2", 1.0, &mut table);
        check::<f64>(name, "f64", "1e-6", 1.0, &mut table);
    }
    check::<f32>("softplus", "f32", "1e-4", 2.0, &mut table);
    check::<f64>("softplus", "f64", "1e-9", 2.0, &mut table);
    println!("{}", table.join("\n"));
}
