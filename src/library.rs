//! The built-in library of named activations (`library/activations.tg`, shipped in the binary).
//!
//! The file is readable taylorgate source: one definition per line, `name(x) = expression`,
//! followed by `# source` (paper and year). Parameters are named constants at their published
//! defaults. Built-ins used as activations are written `tanh(x) = tanh(x)`; they are listed
//! here but not defined (the built-in is already in scope).
//!
//! ```
//! let lib = taylorgate::library::activations();
//! assert!(lib.len() >= 30);
//! let softplus = lib.iter().find(|a| a.name == "softplus").unwrap();
//! assert_eq!(softplus.text, "ln(1 + exp(x))");
//! ```

use crate::expr::{Definitions, Expr, Func};
use crate::parse::{parse_expr, ParseError};
use std::sync::OnceLock;

/// The library source.
pub const SOURCE: &str = include_str!("../library/activations.tg");

/// One named activation.
#[derive(Clone, Debug)]
pub struct Activation {
    /// Canonical name (`softplus`).
    pub name: String,
    /// The definition as written (`ln(1 + exp(x))`).
    pub text: String,
    /// The definition, parsed (an expression in `x`; may call earlier library definitions).
    pub expr: Expr,
    /// Paper and year.
    pub source: String,
}

struct Library {
    activations: Vec<Activation>,
    definitions: Definitions,
}

fn load() -> Result<Library, String> {
    let mut defs = Definitions::new();
    let mut activations = Vec::new();
    for (i, raw) in SOURCE.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (code, source) = match line.split_once("  # ") {
            Some((c, s)) => (c.trim(), s.trim().to_string()),
            None => (line, String::new()),
        };
        let Some((lhs, rhs)) = code.split_once('=') else {
            return Err(format!("library line {}: no `=`", i + 1));
        };
        let lhs = lhs.trim();
        let rhs = rhs.trim();
        let err = |e: ParseError| format!("library line {}: {e}", i + 1);
        match lhs.strip_suffix("(x)") {
            Some(name) => {
                let expr = parse_expr(rhs, &defs).map_err(err)?;
                if Func::from_name(name).is_none() {
                    defs.define_function(name, vec!["x".into()], expr.clone());
                }
                activations.push(Activation {
                    name: name.to_string(),
                    text: rhs.to_string(),
                    expr,
                    source,
                });
            }
            None => {
                let expr = parse_expr(rhs, &defs).map_err(err)?;
                defs.define_constant(lhs, expr);
            }
        }
    }
    Ok(Library {
        activations,
        definitions: defs,
    })
}

fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| load().expect("the shipped library parses (tested)"))
}

/// Every activation of the library, in file order.
pub fn activations() -> &'static [Activation] {
    &library().activations
}

/// The library's definitions (functions and parameter constants), the scope every command
/// starts from.
pub fn definitions() -> Definitions {
    library().definitions.clone()
}

/// The activation called `name`, if the library has it.
pub fn find(name: &str) -> Option<&'static Activation> {
    activations().iter().find(|a| a.name == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_library_parses() {
        let lib = super::load().expect("library parses");
        assert!(lib.activations.len() >= 30);
    }
}
