//! The exact Taylor expansion of Mish, `x tanh(ln(1 + exp(x)))`, at 0.
//!
//! Its coefficients are rational because `tanh(ln 2) = 3/5`.
//!
//! ```text
//! cargo run --release --example expand_mish -- 16
//! ```

use taylorgate::expr::{Expr, Func};
use taylorgate::series::taylor;
use taylorgate::Const;

fn main() {
    let order = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let x = Expr::var("x");
    let softplus = Expr::call(Func::Ln, Expr::int(1) + Expr::call(Func::Exp, x.clone()));
    let mish = x * Expr::call(Func::Tanh, softplus);
    match taylor(&mish, "x", &Const::zero(), order) {
        Ok(series) => {
            for (k, c) in series.coefficients().iter().enumerate() {
                println!("c_{k} = {c}");
            }
        }
        Err(e) => eprintln!("error: {e}"),
    }
}
