//! Vectors and matrices of scalars, whatever the scalars are: the shape rules shared by the
//! series evaluator ([`crate::multi`], where a scalar is a truncated series) and the lowering
//! of networks to one expression ([`crate::scalar`], where a scalar is an expression).
//!
//! A matrix is a vector of rows. `x * y` is a dot product (row times column) for two vectors,
//! a matrix-vector product, a vector-matrix product, or a matrix product; `+` and `-` act entry
//! by entry with a scalar broadcast.
//!
//! ```
//! use taylorgate::shape::{ShapeError, Value};
//! let m = Value::Vector(vec![
//!     Value::Vector(vec![Value::Scalar(1), Value::Scalar(2)]),
//!     Value::Vector(vec![Value::Scalar(3), Value::Scalar(4)]),
//! ]);
//! let x = vec![Value::Scalar(5), Value::Scalar(6)];
//! let Value::Vector(rows) = m else { unreachable!() };
//! let mx = Value::product(rows, x, &|| 0, &|acc, a, b| Ok::<_, ShapeError>(acc + a * b)).unwrap();
//! assert_eq!(mx, Value::Vector(vec![Value::Scalar(17), Value::Scalar(39)]));
//! ```

use thiserror::Error;

/// Shapes that do not fit (turned into the error of the layer that met it).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct ShapeError(pub String);

/// A scalar, or a vector of values (a matrix is a vector of rows).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value<S> {
    /// A scalar.
    Scalar(S),
    /// A vector of values (rows, for a matrix).
    Vector(Vec<Value<S>>),
}

impl<S: Clone> Value<S> {
    /// The scalar, or a shape error naming `what`.
    pub fn into_scalar(self, what: &str) -> Result<S, ShapeError> {
        match self {
            Value::Scalar(s) => Ok(s),
            Value::Vector(v) => Err(ShapeError(format!(
                "{what} is a vector of length {}, a scalar is needed",
                v.len()
            ))),
        }
    }

    /// `f` applied to every scalar entry.
    pub fn map<E>(&self, f: &mut dyn FnMut(&S) -> Result<S, E>) -> Result<Value<S>, E> {
        self.map_into(f)
    }

    /// `f` applied to every scalar entry, into values of another type.
    pub fn map_into<T, E>(&self, f: &mut dyn FnMut(&S) -> Result<T, E>) -> Result<Value<T>, E> {
        Ok(match self {
            Value::Scalar(s) => Value::Scalar(f(s)?),
            Value::Vector(v) => {
                Value::Vector(v.iter().map(|x| x.map_into(f)).collect::<Result<_, _>>()?)
            }
        })
    }

    /// The scalar entries, in order.
    pub fn leaves(&self) -> Vec<S> {
        let mut out = Vec::new();
        let _ = self.map_into(&mut |x| {
            out.push(x.clone());
            Ok::<_, ShapeError>(())
        });
        out
    }

    /// `f` entry by entry on two values of the same shape, a scalar broadcast to the other's
    /// shape.
    pub fn zip_with<E: From<ShapeError>>(
        self,
        other: Value<S>,
        f: &dyn Fn(&S, &S) -> Result<S, E>,
    ) -> Result<Value<S>, E> {
        match (self, other) {
            (Value::Scalar(x), Value::Scalar(y)) => Ok(Value::Scalar(f(&x, &y)?)),
            (Value::Vector(x), Value::Vector(y)) => {
                if x.len() != y.len() {
                    return Err(ShapeError(format!(
                        "combining vectors of lengths {} and {}",
                        x.len(),
                        y.len()
                    ))
                    .into());
                }
                Ok(Value::Vector(
                    x.into_iter()
                        .zip(y)
                        .map(|(p, q)| p.zip_with(q, f))
                        .collect::<Result<_, _>>()?,
                ))
            }
            (Value::Scalar(x), v @ Value::Vector(_)) => v.map(&mut |y| f(&x, y)),
            (v @ Value::Vector(_), Value::Scalar(y)) => v.map(&mut |x| f(x, &y)),
        }
    }

    /// Vector-vector (dot), matrix-vector, vector-matrix and matrix-matrix products, with
    /// `zero` and the step `acc + a * b` of the scalars.
    pub fn product<E: From<ShapeError>>(
        x: Vec<Value<S>>,
        y: Vec<Value<S>>,
        zero: &dyn Fn() -> S,
        mul_add: &dyn Fn(S, &S, &S) -> Result<S, E>,
    ) -> Result<Value<S>, E> {
        let is_matrix = |v: &[Value<S>]| matches!(v.first(), Some(Value::Vector(_)));
        let dot = |row: &[Value<S>], col: &[Value<S>]| -> Result<S, E> {
            if row.len() != col.len() {
                return Err(ShapeError(format!(
                    "a product of a row of length {} and a column of length {}",
                    row.len(),
                    col.len()
                ))
                .into());
            }
            let mut acc = zero();
            for (p, q) in row.iter().zip(col) {
                let p = p.clone().into_scalar("a vector entry")?;
                let q = q.clone().into_scalar("a vector entry")?;
                acc = mul_add(acc, &p, &q)?;
            }
            Ok(acc)
        };
        let rows = |m: &[Value<S>]| -> Result<Vec<Vec<Value<S>>>, ShapeError> {
            m.iter()
                .map(|r| match r {
                    Value::Vector(r) => Ok(r.clone()),
                    Value::Scalar(_) => Err(ShapeError("a matrix with a scalar row".into())),
                })
                .collect()
        };
        match (is_matrix(&x), is_matrix(&y)) {
            (false, false) => Ok(Value::Scalar(dot(&x, &y)?)),
            (true, false) => Ok(Value::Vector(
                rows(&x)?
                    .iter()
                    .map(|r| dot(r, &y).map(Value::Scalar))
                    .collect::<Result<_, _>>()?,
            )),
            (x_is_matrix, true) => {
                let ym = rows(&y)?;
                let cols = ym.first().map(|r| r.len()).unwrap_or(0);
                let column = |j: usize| -> Vec<Value<S>> {
                    ym.iter()
                        .map(|r| r.get(j).cloned().unwrap_or(Value::Vector(vec![])))
                        .collect()
                };
                let row_times = |r: &[Value<S>]| -> Result<Vec<Value<S>>, E> {
                    (0..cols)
                        .map(|j| dot(r, &column(j)).map(Value::Scalar))
                        .collect()
                };
                if x_is_matrix {
                    Ok(Value::Vector(
                        rows(&x)?
                            .iter()
                            .map(|r| row_times(r).map(Value::Vector))
                            .collect::<Result<_, _>>()?,
                    ))
                } else {
                    Ok(Value::Vector(row_times(&x)?))
                }
            }
        }
    }
}
