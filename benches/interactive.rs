//! Commands a user types that must answer in interactive time (issue 13): the whole `gate`
//! command (text output, default radius and bound) for `exp` with 8 inputs (256 neurons), for
//! `tan(tanh(x))` and for the tower `tanh(tanh(tanh(exp(x))))` (nested exact constants, issue
//! 12). Targets: under 2 s, under 1 s and under 2 s. Run: `cargo bench --bench interactive`.

use criterion::{criterion_group, criterion_main, Criterion};
use taylorgate::commands::gate::{run, GateArgs};

fn gate_args(activation: &str, inputs: usize) -> GateArgs {
    GateArgs {
        inputs,
        ..GateArgs::new(activation)
    }
}

fn interactive(c: &mut Criterion) {
    let mut group = c.benchmark_group("interactive");
    group.sample_size(10);
    for (name, activation, inputs) in [
        ("gate exp --inputs 8", "exp", 8),
        ("gate tan(tanh(x))", "tan(tanh(x))", 2),
        (
            "gate tanh(tanh(tanh(exp(x))))",
            "tanh(tanh(tanh(exp(x))))",
            2,
        ),
    ] {
        let args = gate_args(activation, inputs);
        group.bench_function(name, |b| b.iter(|| run(&args).expect("gate")));
    }
    group.finish();
}

criterion_group!(benches, interactive);
criterion_main!(benches);
