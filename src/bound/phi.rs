//! Enclosures of `Phi(z) = (phi(z) - T(z)) / z^m` on cells of `z`, refined on demand.
//!
//! `T` is the exact Taylor polynomial of `phi` at 0 through degree `m - 1`. On a cell `Z`:
//!
//! * near 0 (the series form): `Phi(z) = sum_(m <= k < M) a_k z^(k-m) + z^(M-m) c_M` with the
//!   exact coefficients `a_k` and `c_M` enclosing `phi^(M)(xi)/M!` for `xi` between 0 and `z`
//!   (Taylor arithmetic on the interval `hull(0, Z)`);
//! * away from 0 (the far form): a Taylor model at the cell's centre, `N = phi - T` expanded
//!   at the centre through degree `m - 1` (point enclosures) with its Lagrange term over the cell,
//!   divided by `z^m` as a series (see [`PhiTable`]'s `far`);
//!
//! and the intersection of the two when both apply. The cells start as `BASE_CELLS` equal
//! parts of `[-zmax, zmax]` and are halved (down to `MAX_DEPTH` times) when a query is much
//! narrower than the cell it falls in, so the resolution follows the branch and bound.

use super::fi::Fi;
use super::BoundError;
use crate::expr::Expr;
use crate::interval::{taylor_coefficients, Interval, IntervalError};
use crate::number::Const;
use num_rational::BigRational;
use std::cell::RefCell;

/// Cells at the start.
pub const BASE_CELLS: usize = 32;
/// Halvings of a cell at most for a narrow query.
pub const MAX_DEPTH: u32 = 4;
/// Halvings of a cell at most for a loose enclosure ([`PhiTable::tighten`]).
pub const TIGHT_DEPTH: u32 = 7;
/// An enclosure wider than this fraction of its magnitude is loose.
const LOOSE: f64 = 0.25;
/// Exact terms of the series form beyond `m` (the Lagrange order is `m + EXTRA`).
const EXTRA: usize = 4;
/// Working precision of the enclosures (bits).
const PREC: u32 = 64;
/// The series form is used on cells within this distance of 0 (or two cells, if wider).
const SERIES_REACH: f64 = 0.5;

struct Cell {
    lo: f64,
    hi: f64,
    depth: u32,
    enc: Fi,
    rho: Option<Interval>,
    /// Whether `enc`, `rho` and `local` are computed.
    ready: bool,
    /// The forms behind `enc`, valid at every point of the cell: a query narrower than the
    /// cell evaluates them on itself (their width shrinks with the query's, so the search
    /// converges below the resolution of the cells).
    local: Vec<Local>,
    children: Option<Box<[Cell; 2]>>,
}

/// A form of `Phi` valid at every point `z` of one cell:
/// `Phi(z) in sum_k poly_k h^k + h^K tail` with `h = z - centre`, `K = poly.len()`, every
/// coefficient an outward-rounded enclosure (the series form at 0, or the far form at the
/// cell's centre, whose `tail` encloses the Lagrange term divided by `z^m` over the cell).
struct Local {
    centre: f64,
    poly: Vec<Fi>,
    tail: Fi,
}

impl Local {
    /// An enclosure of `Phi` over `z` (within the cell).
    fn eval(&self, z: Fi) -> Fi {
        let h = z.sub(Fi::point(self.centre));
        let mut acc = self.tail;
        for p in self.poly.iter().rev() {
            acc = acc.mul(h).add(*p);
        }
        acc
    }
}

/// The enclosures of one `Phi`.
pub struct PhiTable {
    /// The function `phi`, in [`super::network::Z`].
    pub phi: Expr,
    /// Exact Taylor coefficients of `phi` at 0, `a_0 .. a_m` (at least; enclosures of the
    /// others up to `a_M` are in `coeffs`).
    pub taylor: Vec<Const>,
    m: usize,
    coeffs: Vec<Interval>,
    /// `phi^(M)/M!` enclosed over nested intervals `[-rho, rho]` around 0.
    lagrange: Vec<(Interval, Interval)>,
    /// Cells within this distance of 0 use the series form.
    near: f64,
    zmax: f64,
    cells: RefCell<Vec<Cell>>,
    count: RefCell<usize>,
}

fn binom(n: usize, k: usize) -> i64 {
    (0..k).fold(1i64, |acc, i| acc * (n - i) as i64 / (i + 1) as i64)
}

fn rat(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap_or_default()
}

impl PhiTable {
    /// The table of `phi` of order `m` on `[-zmax, zmax]` (`zmax` is rounded up to a power
    /// of 2; cells are computed when first asked for).
    pub fn new(phi: &Expr, m: u32, zmax: f64) -> Result<PhiTable, BoundError> {
        let m = m as usize;
        let big_m = m + EXTRA;
        // Exact coefficients where the model needs them (T, below m); beyond, enclosures from
        // interval Taylor arithmetic at 0 suffice, and cost nothing where exact constants
        // swell (`tanh(tanh(tanh(exp(z))))`: order 8 exactly is 50x the time of order 4).
        let exact = |order: usize| {
            crate::series::taylor(phi, super::network::Z, &Const::zero(), order)
                .map(|s| s.coefficients().to_vec())
                .map_err(|e| BoundError::Phi(format!("{phi}: {e}")))
        };
        let zero = Interval::from_int(0);
        let (taylor, coeffs) = match taylor_coefficients(phi, super::network::Z, &zero, big_m, PREC)
        {
            Ok(tail) if tail.len() > big_m => {
                let taylor = exact(m)?;
                let mut coeffs = taylor
                    .iter()
                    .map(|c| crate::interval::enclose_value(c, PREC))
                    .collect::<Result<Vec<_>, _>>()?;
                coeffs.extend(tail.into_iter().skip(coeffs.len()));
                (taylor, coeffs)
            }
            _ => {
                let taylor = exact(big_m)?;
                let coeffs = taylor
                    .iter()
                    .map(|c| crate::interval::enclose_value(c, PREC))
                    .collect::<Result<Vec<_>, _>>()?;
                (taylor, coeffs)
            }
        };
        let mut zm = 1.0f64 / 64.0;
        while zm < zmax * (1.0 + 1e-9) {
            zm *= 2.0;
        }
        let w = 2.0 * zm / BASE_CELLS as f64;
        let near = zm.min(SERIES_REACH).max(2.0 * w);
        let mut lagrange = Vec::new();
        let mut rho = near;
        for _ in 0..5 {
            let q = rat(rho);
            let hull = Interval::new(&-q.clone(), &q, PREC)?;
            if let Ok(c) = taylor_coefficients(phi, super::network::Z, &hull, big_m, PREC) {
                lagrange.push((hull, c[big_m].clone()));
            }
            rho *= 0.5;
        }
        lagrange.reverse();
        let cells = (0..BASE_CELLS)
            .map(|i| Cell {
                lo: -zm + w * i as f64,
                hi: -zm + w * (i + 1) as f64,
                depth: 0,
                enc: Fi::entire(),
                rho: None,
                ready: false,
                local: Vec::new(),
                children: None,
            })
            .collect();
        // The cells are enclosed when first asked for: arguments that never occur cost nothing.
        Ok(PhiTable {
            phi: phi.clone(),
            taylor,
            m,
            coeffs,
            lagrange,
            near,
            zmax: zm,
            cells: RefCell::new(cells),
            count: RefCell::new(0),
        })
    }

    /// The table covers `[-reach, reach]`.
    pub fn reach(&self) -> f64 {
        self.zmax
    }

    /// Cells computed so far.
    pub fn cells(&self) -> usize {
        *self.count.borrow()
    }

    /// A rigorous enclosure of `Phi` on `[lo, hi]` (dyadic endpoints), and the enclosure of
    /// `phi^(K)/K!` over it used by the far form (reused by sub-cells).
    fn cell(
        &self,
        lo: f64,
        hi: f64,
        rho: Option<&Interval>,
    ) -> Result<(Fi, Option<Interval>, Vec<Local>), BoundError> {
        *self.count.borrow_mut() += 1;
        let zi = Interval::new(&rat(lo), &rat(hi), PREC)?;
        let mut best: Option<Fi> = None;
        let mut local = Vec::new();
        let mut last = None;
        let mut rho_out = None;
        if lo.abs().max(hi.abs()) <= self.near {
            let hull = zi.hull(&Interval::from_int(0));
            if let Some((_, c)) = self
                .lagrange
                .iter()
                .find(|(h, _)| h.contains_interval(&hull))
            {
                let mut acc = c.clone();
                for k in (self.m..self.m + EXTRA).rev() {
                    acc = acc.mul(&zi, PREC).add(&self.coeffs[k], PREC);
                }
                best = Some(Fi::from_interval(&acc));
                local.push(Local {
                    centre: 0.0,
                    poly: self.coeffs[self.m..self.m + EXTRA]
                        .iter()
                        .map(Fi::from_interval)
                        .collect(),
                    tail: Fi::from_interval(c),
                });
            }
        }
        if lo > 0.0 || hi < 0.0 {
            let mut far = self.far(&zi, lo, hi, rho);
            // The Lagrange factor inherited from the parent cell (enclosed over a wider cell,
            // by interval Taylor arithmetic that overestimates fast with the width: 3.5e9 on
            // [7/4, 2] for tanh(tanh(tanh(exp(z))))) can dominate a loose enclosure: then
            // this cell's own, when it is narrower (both enclose the same factor here).
            if let (Some(_), Ok((e, r, _))) = (rho, &far) {
                // A NaN width or magnitude counts as loose.
                let tight = e.width() <= LOOSE * e.mag();
                if !tight {
                    if let Ok(own) = self.far(&zi, lo, hi, None) {
                        if Fi::from_interval(&own.1).width() < Fi::from_interval(r).width() {
                            far = Ok(own);
                        }
                    }
                }
            }
            match far {
                Ok((e, r, l)) => {
                    best = Some(best.map_or(e, |b| b.intersect(e)));
                    rho_out = Some(r);
                    local.push(l);
                }
                Err(e) => last = Some(e),
            }
        }
        match (best, last) {
            (Some(b), _) => Ok((b, rho_out, local)),
            (None, Some(e)) => Err(BoundError::Interval(e)),
            (None, None) => Err(BoundError::Phi(format!(
                "no enclosure of Phi on [{lo}, {hi}]"
            ))),
        }
    }

    /// The far form on a cell `Z` not containing 0, centre `c`, `h = z - c`:
    /// `N(c + h) = sum_(k<K) N_k h^k + rho h^K` (`N = phi - T`, `K = m`, `rho` enclosing
    /// `phi^(K)/K!` over `Z`), `Phi = N / (c + h)^m = sum_(k<K) Phi_k h^k + h^K (U(h) + rho) /
    /// (c + h)^m` with `Phi_k` from the series division and `U` the exact rest of it.
    fn far(
        &self,
        zi: &Interval,
        lo: f64,
        hi: f64,
        rho: Option<&Interval>,
    ) -> Result<(Fi, Interval, Local), IntervalError> {
        let var = super::network::Z;
        let m = self.m;
        let kk = m;
        // The midpoint of two dyadic f64 endpoints of one cell: exact in f64.
        let centre = 0.5 * lo + 0.5 * hi;
        let c = Interval::point(&rat(centre), PREC + 8);
        let rho = match rho {
            Some(r) => r.clone(),
            None => taylor_coefficients(&self.phi, var, zi, kk, PREC)?[kk].clone(),
        };
        let pc = taylor_coefficients(&self.phi, var, &c, kk - 1, PREC)?;
        // N_k = phi_k(c) - T_k(c), T(c + h) = sum_k h^k sum_(i >= k) a_i C(i, k) c^(i-k).
        let mut n = Vec::with_capacity(kk);
        #[allow(clippy::needless_range_loop)]
        for k in 0..kk {
            let mut t = Interval::from_int(0);
            for i in k..m {
                let b = Interval::from_int(binom(i, k));
                t = t.add(
                    &self.coeffs[i]
                        .mul(&b, PREC)
                        .mul(&c.powi((i - k) as i64, PREC)?, PREC),
                    PREC,
                );
            }
            n.push(pc[k].sub(&t, PREC));
        }
        let d: Vec<Interval> = (0..=m)
            .map(|k| Ok(Interval::from_int(binom(m, k)).mul(&c.powi((m - k) as i64, PREC)?, PREC)))
            .collect::<Result<_, IntervalError>>()?;
        let mut phi: Vec<Interval> = Vec::with_capacity(kk);
        for k in 0..kk {
            let mut acc = n[k].clone();
            for i in 1..=k.min(m) {
                acc = acc.sub(&d[i].mul(&phi[k - i], PREC), PREC);
            }
            phi.push(acc.div(&d[0], PREC)?);
        }
        // U_(j-K) = -sum_i D_i Phi_(j-i), j = K .. K+m-1.
        let mut u = Vec::with_capacity(m);
        for j in kk..kk + m {
            let mut acc = Interval::from_int(0);
            for i in 0..=m {
                if j >= i && j - i < kk {
                    acc = acc.sub(&d[i].mul(&phi[j - i], PREC), PREC);
                }
            }
            u.push(acc);
        }
        let h = zi.sub(&c, PREC);
        let horner = |cs: &[Interval]| {
            let mut acc = Interval::from_int(0);
            for x in cs.iter().rev() {
                acc = acc.mul(&h, PREC).add(x, PREC);
            }
            acc
        };
        let den = zi.powi(m as i64, PREC)?;
        let tail = horner(&u).add(&rho, PREC).div(&den, PREC)?;
        let v = horner(&phi).add(&h.powi(kk as i64, PREC)?.mul(&tail, PREC), PREC);
        let local = Local {
            centre,
            poly: phi.iter().map(Fi::from_interval).collect(),
            tail: Fi::from_interval(&tail),
        };
        Ok((Fi::from_interval(&v), rho, local))
    }

    /// An enclosure of `Phi` over `z` (refining the cells it falls in when they are much
    /// wider than `z` and `refine` is set: a box of the search refines, a sample point uses
    /// the cells the boxes around it asked for).
    pub fn enclose(&self, z: Fi, refine: bool) -> Result<Fi, BoundError> {
        if !(z.lo >= -self.zmax && z.hi <= self.zmax) {
            return Err(BoundError::Phi(format!(
                "argument [{}, {}] outside the table [-{}, {}]",
                z.lo, z.hi, self.zmax, self.zmax
            )));
        }
        let want = z.width();
        let mut cells = self.cells.borrow_mut();
        let mut acc: Option<Fi> = None;
        for c in cells.iter_mut() {
            if c.hi < z.lo || c.lo > z.hi {
                continue;
            }
            let e = self.query(c, z, want, refine)?;
            acc = Some(acc.map_or(e, |a| a.hull(e)));
        }
        acc.ok_or_else(|| BoundError::Phi("empty query".into()))
    }

    fn query(&self, c: &mut Cell, z: Fi, want: f64, refine: bool) -> Result<Fi, BoundError> {
        if c.hi < z.lo || c.lo > z.hi {
            return Ok(Fi::new(f64::INFINITY, f64::NEG_INFINITY));
        }
        if !c.ready {
            let (e, r, l) = self.cell(c.lo, c.hi, None)?;
            c.enc = e;
            c.rho = r;
            c.local = l;
            c.ready = true;
            self.tighten(c)?;
        }
        let wide = (c.hi - c.lo) > 4.0 * want;
        // Only a box refines: each refinement costs two enclosures of phi by interval Taylor
        // arithmetic, the bulk of the time, and a sample point only needs a lower bound.
        if c.children.is_none() && wide && refine && c.depth < MAX_DEPTH {
            self.split(c)?;
        }
        match &mut c.children {
            Some(ch) if wide => {
                let a = self.query(&mut ch[0], z, want, refine)?;
                let b = self.query(&mut ch[1], z, want, refine)?;
                Ok(a.hull(b))
            }
            _ if want < c.hi - c.lo => {
                // The part of the query in this cell, where the local forms hold.
                let part = Fi::new(z.lo.max(c.lo), z.hi.min(c.hi));
                Ok(c.local
                    .iter()
                    .fold(c.enc, |acc, l| acc.intersect(l.eval(part))))
            }
            _ => Ok(c.enc),
        }
    }

    /// Halves the (enclosed) cell `c`: its children, each enclosed (and tightened) and
    /// intersected with `c`'s enclosure; `c`'s enclosure becomes its own intersected with the
    /// hull of theirs (`Phi` on `c` is in both).
    fn split(&self, c: &mut Cell) -> Result<(), BoundError> {
        let mid = 0.5 * (c.lo + c.hi);
        let mut halves = Vec::with_capacity(2);
        for (lo, hi) in [(c.lo, mid), (mid, c.hi)] {
            let (e, rho, local) = self.cell(lo, hi, c.rho.as_ref())?;
            let mut child = Cell {
                lo,
                hi,
                depth: c.depth + 1,
                enc: e.intersect(c.enc),
                rho,
                ready: true,
                local,
                children: None,
            };
            self.tighten(&mut child)?;
            halves.push(child);
        }
        let [a, b]: [Cell; 2] = halves
            .try_into()
            .unwrap_or_else(|_| unreachable!("two halves"));
        let hull = a.enc.hull(b.enc);
        if hull.is_valid() {
            c.enc = c.enc.intersect(hull);
        }
        c.children = Some(Box::new([a, b]));
        Ok(())
    }

    /// Halves a cell whose enclosure is wide against its magnitude (the high-order Lagrange
    /// term of the series form, or the far form's, by interval Taylor arithmetic over a wide
    /// cell: on `[0, 1/2]` the order-6 `Phi` of softplus came out as `[-392, 389]` for a value
    /// of `3.4e-4`), down to [`TIGHT_DEPTH`] halvings, once when the cell is first enclosed.
    fn tighten(&self, c: &mut Cell) -> Result<(), BoundError> {
        // A NaN width or magnitude counts as loose.
        let tight = c.enc.width() <= LOOSE * c.enc.mag();
        if !tight && c.children.is_none() && c.depth < TIGHT_DEPTH {
            self.split(c)?;
        }
        Ok(())
    }
}
