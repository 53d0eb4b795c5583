//! In-process timings of the series engine (whole-process comparisons with FLINT, PARI/GP and
//! SymPy are in `bench/anchors.sh`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use num_rational::BigRational;
use num_traits::Zero;
use taylorgate::expr::{Expr, Func};
use taylorgate::series::taylor_rational;

fn activations() -> Vec<(&'static str, Expr)> {
    let x = Expr::var("x");
    let exp = |e: Expr| Expr::call(Func::Exp, e);
    vec![
        ("tanh", Expr::call(Func::Tanh, x.clone())),
        ("sigmoid", Expr::int(1) / (Expr::int(1) + exp(-x.clone()))),
        (
            "softplus_rational",
            Expr::call(Func::Ln, (Expr::int(1) + exp(x.clone())) / Expr::int(2)),
        ),
    ]
}

fn rational_series(c: &mut Criterion) {
    let mut group = c.benchmark_group("taylor_rational");
    group.sample_size(10);
    for (name, e) in activations() {
        for order in [100usize, 1000] {
            group.bench_with_input(BenchmarkId::new(name, order), &order, |b, &n| {
                b.iter(|| taylor_rational(&e, "x", &BigRational::zero(), n))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, rational_series);
criterion_main!(benches);
