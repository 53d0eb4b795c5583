//! Intervals of `f64` with outward rounding: every operation rounds the exact result of the
//! correctly rounded IEEE operation one ulp outward, so the result contains the exact image.

use crate::interval::Interval;
use num_rational::BigRational;
use num_traits::ToPrimitive;

/// The next `f64` above `x` (`+inf` stays).
pub fn up(x: f64) -> f64 {
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let b = x.to_bits();
    f64::from_bits(if x > 0.0 { b + 1 } else { b - 1 })
}

/// The next `f64` below `x`.
pub fn down(x: f64) -> f64 {
    -up(-x)
}

/// A closed interval `[lo, hi]` of reals with `f64` endpoints.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fi {
    /// Lower endpoint.
    pub lo: f64,
    /// Upper endpoint.
    pub hi: f64,
}

// Named methods (not the operator traits) keep every rounding step visible at the call site.
#[allow(clippy::should_implement_trait)]
impl Fi {
    /// `[x, x]` (exact).
    pub fn point(x: f64) -> Fi {
        Fi { lo: x, hi: x }
    }

    /// `[lo, hi]` (exact endpoints).
    pub fn new(lo: f64, hi: f64) -> Fi {
        Fi { lo, hi }
    }

    /// The whole real line (an enclosure that says nothing).
    pub fn entire() -> Fi {
        Fi {
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
        }
    }

    /// An enclosure of a dyadic interval.
    pub fn from_interval(x: &Interval) -> Fi {
        let (lo, hi) = x.to_f64_outward();
        Fi {
            lo: down(lo),
            hi: up(hi),
        }
    }

    /// An enclosure of a rational.
    pub fn from_rational(q: &BigRational) -> Fi {
        let x = q.to_f64().unwrap_or(f64::NAN);
        if x.is_finite() && BigRational::from_float(x).as_ref() == Some(q) {
            return Fi::point(x);
        }
        Fi {
            lo: down(x),
            hi: up(x),
        }
    }

    /// Whether the interval is a valid enclosure (no NaN, `lo <= hi`).
    pub fn is_valid(&self) -> bool {
        self.lo <= self.hi
    }

    /// `hi - lo` (rounded to nearest: for choosing where to cut, not for bounds).
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }

    /// The midpoint (rounded: a point of the interval).
    pub fn mid(&self) -> f64 {
        let m = self.lo * 0.5 + self.hi * 0.5;
        m.clamp(self.lo, self.hi)
    }

    /// `max |x|`.
    pub fn mag(&self) -> f64 {
        self.lo.abs().max(self.hi.abs())
    }

    /// `min |x|`.
    pub fn mig(&self) -> f64 {
        if self.lo <= 0.0 && self.hi >= 0.0 {
            0.0
        } else {
            self.lo.abs().min(self.hi.abs())
        }
    }

    /// Whether 0 lies in the interval.
    pub fn contains_zero(&self) -> bool {
        self.lo <= 0.0 && self.hi >= 0.0
    }

    /// `-self`.
    pub fn neg(self) -> Fi {
        Fi {
            lo: -self.hi,
            hi: -self.lo,
        }
    }

    /// `self + o`.
    pub fn add(self, o: Fi) -> Fi {
        Fi {
            lo: down(self.lo + o.lo),
            hi: up(self.hi + o.hi),
        }
    }

    /// `self - o`.
    pub fn sub(self, o: Fi) -> Fi {
        self.add(o.neg())
    }

    /// `self * o`.
    pub fn mul(self, o: Fi) -> Fi {
        let p = [
            self.lo * o.lo,
            self.lo * o.hi,
            self.hi * o.lo,
            self.hi * o.hi,
        ];
        if p.iter().any(|x| x.is_nan()) {
            return Fi::entire();
        }
        let lo = p.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Fi {
            lo: down(lo),
            hi: up(hi),
        }
    }

    /// `self^k` (tight for even `k` over an interval containing 0).
    pub fn powi(self, k: u32) -> Fi {
        if k == 0 {
            return Fi::point(1.0);
        }
        let mut r = self;
        for _ in 1..k {
            r = r.mul(self);
        }
        if k % 2 == 0 {
            let lo = if self.contains_zero() {
                0.0
            } else {
                r.lo.max(0.0)
            };
            r = Fi { lo, hi: r.hi };
        }
        r
    }

    /// `|self|`.
    pub fn abs(self) -> Fi {
        Fi {
            lo: self.mig(),
            hi: self.mag(),
        }
    }

    /// The smallest interval containing both.
    pub fn hull(self, o: Fi) -> Fi {
        Fi {
            lo: self.lo.min(o.lo),
            hi: self.hi.max(o.hi),
        }
    }

    /// The intersection (`self` when it is empty, which cannot happen for two enclosures of
    /// one value).
    pub fn intersect(self, o: Fi) -> Fi {
        let r = Fi {
            lo: self.lo.max(o.lo),
            hi: self.hi.min(o.hi),
        };
        if r.is_valid() {
            r
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outward() {
        let third = Fi::point(1.0).mul(Fi::from_rational(&BigRational::new(1.into(), 3.into())));
        let q = BigRational::new(1.into(), 3.into());
        assert!(BigRational::from_float(third.lo).unwrap() < q);
        assert!(BigRational::from_float(third.hi).unwrap() > q);
        assert_eq!(Fi::new(-1.0, 2.0).powi(2), Fi::new(0.0, up(4.0)));
        assert!(up(1.0) > 1.0 && down(1.0) < 1.0 && up(-1.0) > -1.0);
    }
}
