//! Branch and bound over boxes: the supremum of `|g|` over a union of boxes, from any
//! rigorous enclosure of `g` over a box.

use super::fi::Fi;
use super::BoundError;
use std::collections::BinaryHeap;
use std::time::Instant;

/// A box: one interval per coordinate.
pub type Boxed = Vec<Fi>;

struct Scored {
    upper: f64,
    cell: Boxed,
}

impl PartialEq for Scored {
    fn eq(&self, o: &Self) -> bool {
        self.upper == o.upper
    }
}
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Scored {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.upper.total_cmp(&o.upper)
    }
}

/// When the search stops.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The most boxes evaluated.
    pub max_boxes: usize,
    /// Stop at this instant (a clean "limit reached").
    pub deadline: Option<Instant>,
}

/// The state of a branch and bound of `sup |g|`.
pub struct Search<'a> {
    g: &'a dyn Fn(&[Fi]) -> Result<Fi, BoundError>,
    heap: BinaryHeap<Scored>,
    scale: Vec<f64>,
    /// A value `|g|` provably reaches (at [`Search::argmax`]).
    pub lower: f64,
    /// Where.
    pub argmax: Vec<f64>,
    /// Boxes evaluated.
    pub boxes: usize,
    /// Why the last run stopped early, when it did.
    pub stopped: Option<String>,
    /// Stop (as at a limit) when the upper bound has not dropped by a thousandth over this
    /// many boxes (an enclosure that cannot get tighter); `None`: never.
    pub stall: Option<usize>,
}

/// Boxes between two reports of progress (and checks of the budget).
const REPORT_EVERY: usize = 1024;

/// Why a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Every box left is below the target (or converged to the tolerance).
    Done,
    /// `|g|` provably exceeds the target at [`Search::argmax`].
    Exceeded,
    /// A limit was reached.
    Limit,
}

impl<'a> Search<'a> {
    /// A search of `sup |g|` over `boxes`.
    pub fn new(
        g: &'a dyn Fn(&[Fi]) -> Result<Fi, BoundError>,
        boxes: Vec<Boxed>,
    ) -> Result<Search<'a>, BoundError> {
        let dims = boxes.first().map_or(0, Vec::len);
        let mut scale = vec![0.0f64; dims];
        for b in &boxes {
            for (s, x) in scale.iter_mut().zip(b) {
                *s = s.max(x.width());
            }
        }
        let mut s = Search {
            g,
            heap: BinaryHeap::new(),
            scale,
            lower: 0.0,
            argmax: vec![],
            boxes: 0,
            stopped: None,
            stall: None,
        };
        for b in boxes {
            s.push(b, 0)?;
        }
        Ok(s)
    }

    /// The current rigorous upper bound of `sup |g|`: the largest bound of the boxes kept.
    /// Every box of the union is in the heap or was replaced by its two halves (none is ever
    /// dropped), and every bound in the heap is finite ([`Search::push`]), so this is finite;
    /// a search holding no box has proved nothing and answers `+inf`, never 0.
    pub fn upper(&self) -> f64 {
        self.heap
            .peek()
            .map_or(f64::INFINITY, |s| s.upper)
            .max(self.lower)
    }

    /// Evaluates a box and keeps it; a box whose enclosure fails, is not an interval or is
    /// unbounded (an overflow of `f64`) is halved instead, up to 12 times, and then the search
    /// fails: a box is never kept with a bound that says nothing.
    fn push(&mut self, cell: Boxed, depth: u32) -> Result<(), BoundError> {
        self.boxes += 1;
        let v = (self.g)(&cell);
        match v {
            Ok(v) if v.is_valid() && v.mag().is_finite() => {
                self.heap.push(Scored {
                    upper: v.mag(),
                    cell,
                });
                Ok(())
            }
            _ if depth < 12 && self.scale.iter().any(|&s| s > 0.0) => {
                let [a, b] = self.split(&cell);
                self.push(a, depth + 1)?;
                self.push(b, depth + 1)
            }
            Ok(v) if v.is_valid() => Err(BoundError::Overflow(format!(
                "[{}]",
                cell.iter()
                    .map(|x| format!("[{:e}, {:e}]", x.lo, x.hi))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
            Ok(_) => Err(BoundError::Phi("no enclosure on a box".into())),
            Err(e) => Err(e),
        }
    }

    fn split(&self, cell: &Boxed) -> [Boxed; 2] {
        let rel = |i: usize| {
            if self.scale[i] > 0.0 {
                cell[i].width() / self.scale[i]
            } else {
                0.0
            }
        };
        let i = (0..cell.len())
            .max_by(|&a, &b| rel(a).total_cmp(&rel(b)))
            .unwrap_or(0);
        let m = cell[i].mid();
        let mut a = cell.clone();
        let mut b = cell.clone();
        a[i] = Fi::new(cell[i].lo, m);
        b[i] = Fi::new(m, cell[i].hi);
        [a, b]
    }

    fn sample(&mut self, cell: &Boxed) {
        let centre: Vec<f64> = cell.iter().map(Fi::mid).collect();
        let point: Boxed = centre.iter().map(|&x| Fi::point(x)).collect();
        if let Ok(v) = (self.g)(&point) {
            if v.is_valid() && v.mig() > self.lower {
                self.lower = v.mig();
                self.argmax = centre;
            }
        }
    }

    /// Runs until every box left is at most `target` (or `upper <= (1 + tol) lower` when
    /// `target` is `None`), `|g|` provably exceeds `target`, or a limit.
    pub fn run(
        &mut self,
        target: Option<f64>,
        tol: f64,
        limits: &Limits,
    ) -> Result<End, BoundError> {
        let stage = crate::budget::stage("the branch and bound");
        let mut mark = (self.boxes, self.upper());
        let mut report = self.boxes;
        loop {
            let Some(top) = self.heap.peek() else {
                return Ok(End::Done);
            };
            match target {
                Some(t) if top.upper <= t => return Ok(End::Done),
                Some(t) if self.lower > t => return Ok(End::Exceeded),
                None if top.upper <= self.lower * (1.0 + tol) => return Ok(End::Done),
                _ => {}
            }
            if self.boxes >= limits.max_boxes {
                self.stopped = Some(format!("the limit of {} boxes", limits.max_boxes));
                return Ok(End::Limit);
            }
            if limits.deadline.is_some_and(|d| Instant::now() >= d) {
                self.stopped = Some("the deadline".into());
                return Ok(End::Limit);
            }
            if self.boxes >= report + REPORT_EVERY {
                report = self.boxes;
                stage.progress(self.boxes, limits.max_boxes, "boxes");
            }
            if let Some(window) = self.stall {
                if self.boxes >= mark.0 + window {
                    let upper = self.upper();
                    if upper > mark.1 * (1.0 - 1e-3) {
                        self.stopped = Some(format!(
                            "no progress of the bound in {window} boxes ({} in all)",
                            self.boxes
                        ));
                        return Ok(End::Limit);
                    }
                    mark = (self.boxes, upper);
                }
            }
            let top = self.heap.pop().expect("peeked");
            self.sample(&top.cell);
            if let Some(t) = target {
                if self.lower > t {
                    self.heap.push(top);
                    return Ok(End::Exceeded);
                }
            }
            let [a, b] = self.split(&top.cell);
            self.push(a, 0)?;
            self.push(b, 0)?;
        }
    }
}
