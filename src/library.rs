//! The built-in library of named activations.
//!
//! STATUS: empty until the library issue lands.

use crate::expr::Definitions;

/// The definitions of the built-in activation library.
pub fn definitions() -> Definitions {
    Definitions::new()
}
