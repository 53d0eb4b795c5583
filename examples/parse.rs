//! Parses each argument as an expression and prints it back as text and as LaTeX, or prints
//! the errors with line, column and caret.
//!
//! `cargo run --example parse -- "-x^2 + tanh''(0.5)" "tahn(x)"`

fn main() {
    let defs = taylorgate::expr::Definitions::new();
    for src in std::env::args().skip(1) {
        match taylorgate::parse::parse_expr(&src, &defs) {
            Ok(e) => println!("{e}\n{}\n", e.to_latex()),
            Err(e) => println!("{e}\n"),
        }
    }
}
