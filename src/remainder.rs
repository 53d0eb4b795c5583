//! The sharp remainder, shared by `gate` and `prove`: the order of a remainder is stated only
//! when its leading coefficient is *proved* non-zero.
//!
//! Given the terms of a remainder (each with a weight and an exact coefficient), the order is
//! the lowest weight of a term whose coefficient is proved non-zero, provided that every
//! coefficient of lower weight is proved zero. A coefficient whose zero test is undecided below
//! that weight makes the order undecided, and that term is reported instead.
//!
//! ```
//! use taylorgate::remainder::sharp;
//! use taylorgate::Const;
//! let undecided = Const::from_expr(&taylorgate::parse::parse_expr(
//!     "sin(1)^2 + cos(1)^2 - 1", &taylorgate::Definitions::new()).unwrap()).unwrap();
//! let terms = vec![(4, undecided), (6, Const::from_int(1))];
//! let s = sharp(&terms, |t| t.0, |t| &t.1);
//! assert_eq!(s.order, None);
//! assert_eq!(s.undecided.map(|t| t.0), Some(4));
//! ```

use crate::number::{Const, ZeroTest};

/// What is proved about the lowest terms of a remainder.
#[derive(Clone, Debug, PartialEq)]
pub struct Sharp<T> {
    /// The order: the lowest weight of a proved non-zero term, every lower term proved zero.
    pub order: Option<i64>,
    /// The terms of that weight (with a coefficient not proved zero).
    pub leading: Vec<T>,
    /// The lowest term whose coefficient is undecided, when it makes the order undecided.
    pub undecided: Option<T>,
    /// Whether some coefficient is proved non-zero.
    pub nonzero_found: bool,
}

/// The sharp remainder of `terms` (see the module documentation).
pub fn sharp<T: Clone>(
    terms: &[T],
    weight: impl Fn(&T) -> i64,
    coefficient: impl Fn(&T) -> &Const,
) -> Sharp<T> {
    let tested: Vec<(i64, ZeroTest, &T)> = terms
        .iter()
        .map(|t| (weight(t), coefficient(t).zero_test(), t))
        .filter(|(_, z, _)| *z != ZeroTest::Zero)
        .collect();
    let first_nonzero = tested
        .iter()
        .filter(|(_, z, _)| *z == ZeroTest::NonZero)
        .map(|(w, _, _)| *w)
        .min();
    let undecided = tested
        .iter()
        .filter(|(w, z, _)| *z == ZeroTest::Unknown && !matches!(first_nonzero, Some(n) if *w >= n))
        .min_by_key(|(w, _, _)| *w)
        .map(|(_, _, t)| (*t).clone());
    let order = first_nonzero.filter(|_| undecided.is_none());
    let leading = match order {
        Some(o) => tested
            .iter()
            .filter(|(w, _, _)| *w == o)
            .map(|(_, _, t)| (*t).clone())
            .collect(),
        None => Vec::new(),
    };
    Sharp {
        order,
        leading,
        undecided,
        nonzero_found: first_nonzero.is_some(),
    }
}
