//! Deep exact constants: the gate of a tower `tanh(tanh(tanh(exp(x))))` (every series
//! coefficient nests four levels of exponential atoms), and `sin(10^10000)` to 30 digits (the
//! argument reduced modulo `pi/2` with 33,000 bits of `pi`). Run: `cargo bench --bench constants`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use taylorgate::gate::{analyze, GateOptions};
use taylorgate::interval::guaranteed_digits;
use taylorgate::parse::parse_expr;
use taylorgate::{Const, Definitions};

fn constants(c: &mut Criterion) {
    let mut group = c.benchmark_group("constants");
    group.sample_size(10);
    let defs = Definitions::new();
    let tower = parse_expr("tanh(tanh(tanh(exp(x))))", &defs).unwrap();
    // The atoms of the tower are interned once per process: the first sample pays for them,
    // later samples measure the analysis over cached atoms and enclosures as well.
    group.bench_function("gate tanh(tanh(tanh(exp(x))))", |b| {
        b.iter(|| analyze(black_box(&tower), &GateOptions::default()).unwrap())
    });
    let huge = Const::from_expr(&parse_expr("sin(1e10000)", &defs).unwrap()).unwrap();
    group.bench_function("digits of sin(1e10000)", |b| {
        b.iter(|| guaranteed_digits(black_box(&huge), 30).unwrap())
    });
    group.finish();
}

criterion_group!(benches, constants);
criterion_main!(benches);
