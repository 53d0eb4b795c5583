//! The remainder bound `|R(x)| <= K |x|_inf^m` of `gate` (and `prove`, the same routine) for
//! two-input gates, for gates of 3 to 8 inputs (`gate_bound_inputs`, the gate's family of
//! `2^n` neurons), and `prove` of the examples with their bounds. One group:
//! `cargo bench --bench bound -- gate_bound_inputs`.

use criterion::{criterion_group, criterion_main, Criterion};
use num_bigint::BigInt;
use num_rational::BigRational;
use taylorgate::bound::{default_limits, gate_remainder};
use taylorgate::commands::prove::{run, ProveArgs, ProveFormat};
use taylorgate::gate::{analyze, GateOptions};
use taylorgate::parse::parse_expr;
use taylorgate::Definitions;

fn bench(c: &mut Criterion) {
    for (name, src) in [
        ("softplus", "ln(1 + exp(x))"),
        ("gelu", "x/2*(1 + erf(x/sqrt(2)))"),
        ("tanh", "tanh(x)"),
        ("exp", "exp(x)"),
        ("gaussian", "exp(-x^2)"),
    ] {
        let sigma = parse_expr(src, &Definitions::new()).expect("parses");
        let report = analyze(&sigma, &GateOptions::default()).expect("analysis");
        for r in [1i64, 2] {
            let radius = BigRational::from_integer(BigInt::from(r));
            c.bench_function(&format!("gate_bound/{name}/r={r}"), |b| {
                b.iter(|| gate_remainder(&report, &radius, &default_limits()).expect("bound"))
            });
        }
    }
    for (name, src, n) in [
        ("exp", "exp(x)", 3),
        ("exp", "exp(x)", 6),
        ("exp", "exp(x)", 8),
        ("softplus", "ln(1 + exp(x))", 3),
        ("softplus", "ln(1 + exp(x))", 4),
    ] {
        let sigma = parse_expr(src, &Definitions::new()).expect("parses");
        let options = GateOptions {
            inputs: n,
            ..GateOptions::default()
        };
        let report = analyze(&sigma, &options).expect("analysis");
        let radius = BigRational::from_integer(BigInt::from(1));
        c.bench_function(&format!("gate_bound_inputs/{name}/n={n}"), |b| {
            b.iter(|| gate_remainder(&report, &radius, &default_limits()).expect("bound"))
        });
    }
    let files = [
        "theorem",
        "product3",
        "squaring",
        "deep_product",
        "supnorm",
        "scaled",
    ];
    let all: Vec<ProveArgs> = files
        .iter()
        .map(|file| ProveArgs {
            format: ProveFormat::Json,
            ..ProveArgs::new(format!("examples/{file}.tg"))
        })
        .collect();
    for (file, args) in files.iter().zip(&all) {
        c.bench_function(&format!("prove/{file}"), |b| {
            b.iter(|| run(args).expect("prove"))
        });
    }
    // Every example in one iteration (issue 11: under 1 s in all).
    c.bench_function("prove/all_examples", |b| {
        b.iter(|| {
            for args in &all {
                run(args).expect("prove");
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
