//! The gate analysis in process: n = 2 should answer in milliseconds, n = 6 (64 neurons,
//! degree 8) in under a second. Run: `cargo bench --bench gate`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use taylorgate::diff::inline_definitions;
use taylorgate::gate::{analyze, GateOptions};
use taylorgate::parse::parse_expr;

fn activation(name: &str) -> taylorgate::Expr {
    let defs = taylorgate::library::definitions();
    inline_definitions(&parse_expr(&format!("{name}(x)"), &defs).unwrap(), &defs).unwrap()
}

fn gate(c: &mut Criterion) {
    let mut group = c.benchmark_group("gate");
    group.sample_size(10);
    for name in ["softplus", "gelu", "tanh", "mish"] {
        let sigma = activation(name);
        group.bench_function(format!("{name} n=2"), |b| {
            b.iter(|| analyze(black_box(&sigma), &GateOptions::default()).unwrap())
        });
    }
    let sigma = activation("softplus");
    let options = GateOptions {
        inputs: 6,
        degree: Some(8),
        bias: None,
    };
    group.bench_function("softplus n=6 degree 8", |b| {
        b.iter(|| analyze(black_box(&sigma), &options).unwrap())
    });
    group.finish();
}

criterion_group!(benches, gate);
criterion_main!(benches);
