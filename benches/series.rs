//! In-process timings of the series engine (whole-process comparisons with FLINT, PARI/GP and
//! SymPy are in `bench/anchors.sh`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use num_bigint::BigUint;
use num_rational::BigRational;
use num_traits::Zero;
use taylorgate::expr::{Expr, Func};
use taylorgate::series::{taylor_rational, transform_product};

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

/// Big-integer products around the transform's cutoff: num-bigint (Karatsuba/Toom-3) against
/// the three-prime transform, squaring-free products of two random numbers of `limbs` words.
fn big_products(c: &mut Criterion) {
    let mut group = c.benchmark_group("bigmul");
    group.sample_size(10);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut word = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state & 0xffff_ffff) as u32
    };
    for limbs in [500usize, 1000, 1500, 2000, 4000, 16_000, 160_000] {
        let mut random = || BigUint::new((0..2 * limbs).map(|_| word()).collect());
        let (a, b) = (random(), random());
        group.bench_with_input(BenchmarkId::new("num-bigint", limbs), &limbs, |z, _| {
            z.iter(|| &a * &b)
        });
        group.bench_with_input(BenchmarkId::new("transform", limbs), &limbs, |z, _| {
            z.iter(|| transform_product(&a, &b))
        });
    }
    group.finish();
}

criterion_group!(benches, rational_series, big_products);
criterion_main!(benches);
