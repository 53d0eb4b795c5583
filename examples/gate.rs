//! Checks a new activation for the multiplication gate, as a researcher would.
//!
//! `cargo run --release --example gate -- "x*tanh(exp(x))"` (default: TanhExp).

use taylorgate::gate::{analyze, GateOptions, Verdict};
use taylorgate::session::Session;

fn main() {
    let text = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "x*tanh(exp(x))".into());
    // An expression in x, or the name of a library activation (`relu`, `mish`).
    let sigma = match Session::new().activation_expr(&text) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    match analyze(&sigma, &GateOptions::default()) {
        Ok(r) if r.verdict == Verdict::Admits => {
            println!("{text} admits the gate at b = {}", r.bias.unwrap());
            println!("  sigma''(b) = {}", r.derivative_at_bias.unwrap());
            let lead: Vec<String> = r
                .remainder
                .leading
                .iter()
                .map(|t| format!("{} * u^{} v^{}", t.coefficient, t.powers[0], t.powers[1]))
                .collect();
            println!("  f(u, v) = u v + {} + ...", lead.join(" + "));
        }
        Ok(r) => println!("{text}: {}", r.reason),
        Err(e) => eprintln!("error: {e}"),
    }
}
