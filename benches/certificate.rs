//! The epsilon-lambda certificate (`gate ACT --epsilon 1e-6 --radius 2`) for softplus, GELU
//! and tanh: the gate analysis is done once; the bench times `certify` alone and the whole
//! command.

use criterion::{criterion_group, criterion_main, Criterion};
use num_bigint::BigInt;
use num_rational::BigRational;
use taylorgate::certificate::{certify, parse_rational};
use taylorgate::commands::gate::{run, GateArgs, GateFormat};
use taylorgate::gate::{analyze, GateOptions};
use taylorgate::parse::parse_expr;
use taylorgate::Definitions;

fn bench(c: &mut Criterion) {
    let eps = parse_rational("1e-6").expect("eps");
    let radius = BigRational::from_integer(BigInt::from(2));
    for (name, src) in [
        ("softplus", "ln(1 + exp(x))"),
        ("gelu", "x/2*(1 + erf(x/sqrt(2)))"),
        ("tanh", "tanh(x)"),
    ] {
        let sigma = parse_expr(src, &Definitions::new()).expect("parses");
        let options = GateOptions {
            inputs: 2,
            degree: Some(8),
            bias: None,
        };
        let report = analyze(&sigma, &options).expect("analysis");
        c.bench_function(&format!("certify/{name}"), |b| {
            b.iter(|| certify(&report, &eps, &radius).expect("certificate"))
        });
        let args = GateArgs {
            format: GateFormat::Json,
            epsilon: Some("1e-6".into()),
            radius: "2".into(),
            ..GateArgs::new(name)
        };
        c.bench_function(&format!("gate_command/{name}"), |b| {
            b.iter(|| run(&args).expect("gate"))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
