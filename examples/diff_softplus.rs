//! sigma''(0) for softplus: `cargo run --example diff_softplus` prints `sigma''(0) = 1/4`.

use taylorgate::diff::{derivative, evaluate};
use taylorgate::expr::{Expr, Func};
use taylorgate::Const;

fn main() -> Result<(), taylorgate::diff::DiffError> {
    // softplus(x) = ln(1 + exp(x))
    let softplus = Expr::call(
        Func::Ln,
        Expr::int(1) + Expr::call(Func::Exp, Expr::var("x")),
    );
    let d2 = derivative(&derivative(&softplus, "x")?, "x")?;
    let value = evaluate(&d2, "x", &Const::zero())?;
    println!("sigma''(0) = {value}");
    Ok(())
}
