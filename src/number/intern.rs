//! Interned atoms: every function value without closed form (`erf(1)`, `tanh(e)`, `exp(c)` for
//! an irrational `c`) is stored once, behind a small id, with its facts computed once.
//!
//! Deep constants nest atoms inside atoms (`tanh(tanh(tanh(e)))` holds `exp(2 tanh(tanh(e)))`
//! whose argument holds `exp(2 tanh(e))`, ...). Stored by value, every copy, comparison and
//! sign test of such a constant walked the whole tree again. Interned, a copy is a reference
//! count, equality is a comparison of ids, an order between two different atoms stops at the
//! first difference of their arguments (equal sub-atoms compare by id), and the sign and the
//! non-zero proof of an atom are decided once for the whole process. The ids also key the
//! enclosures that the interval layer caches per atom ([`super::Encloser`]).
//!
//! The table only grows: an atom lives as long as the process (they are few: one per function
//! applied to a new constant, not per series coefficient).

use super::{Const, Sign};
use crate::expr::Func;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, OnceLock};

/// A shared, interned `func(arg)` (for [`super::field::Atom::Apply`]) or `exp(arg)` (for
/// [`super::field::Atom::Exp`], `exp` set).
#[derive(Clone)]
pub(crate) struct Interned(Arc<Node>);

pub(crate) struct Node {
    id: u64,
    exp: bool,
    func: Func,
    arg: Const,
    /// The proved sign of the atom, once decided.
    pub(crate) sign: OnceLock<Sign>,
    /// Whether the atom is proved non-zero, once decided.
    pub(crate) nonzero: OnceLock<bool>,
    /// The argument as an expression, once printed (an atom recurs in many terms).
    pub(crate) expr: OnceLock<crate::expr::Expr>,
}

type Key = (bool, Func, Const);

fn table() -> &'static Mutex<HashMap<Key, Interned>> {
    static TABLE: OnceLock<Mutex<HashMap<Key, Interned>>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(HashMap::new()))
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

impl Interned {
    /// The interned `func(arg)`; `exp` distinguishes the `Exp` atom from `Apply(Exp, _)`.
    pub(crate) fn new(exp: bool, func: Func, arg: Const) -> Interned {
        let key = (exp, func, arg);
        // Hashing and comparing a key only looks at ids of nested atoms: the lock is short, and
        // nothing under it can unwind (no budget check).
        let mut t = table().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = t.get(&key) {
            return hit.clone();
        }
        let node = Interned(Arc::new(Node {
            id: NEXT_ID.fetch_add(1, AtomicOrdering::Relaxed),
            exp,
            func,
            arg: key.2.clone(),
            sign: OnceLock::new(),
            nonzero: OnceLock::new(),
            expr: OnceLock::new(),
        }));
        t.insert(key, node.clone());
        node
    }
    /// The id, unique in the process.
    pub(crate) fn id(&self) -> u64 {
        self.0.id
    }
    /// The function.
    pub(crate) fn func(&self) -> Func {
        self.0.func
    }
    /// The argument.
    pub(crate) fn arg(&self) -> &Const {
        &self.0.arg
    }
    pub(crate) fn node(&self) -> &Node {
        &self.0
    }
    /// The argument as an expression (built once).
    pub(crate) fn arg_expr(&self) -> crate::expr::Expr {
        self.0.expr.get_or_init(|| self.0.arg.to_expr()).clone()
    }
}

impl std::ops::Deref for Interned {
    type Target = Const;
    fn deref(&self) -> &Const {
        &self.0.arg
    }
}

impl PartialEq for Interned {
    fn eq(&self, other: &Interned) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for Interned {}

impl Hash for Interned {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl PartialOrd for Interned {
    fn partial_cmp(&self, other: &Interned) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The structural order (function, then argument), independent of the order in which atoms
/// were interned, so that normal forms and printed text do not depend on history.
impl Ord for Interned {
    fn cmp(&self, other: &Interned) -> std::cmp::Ordering {
        if self.0.id == other.0.id {
            return std::cmp::Ordering::Equal;
        }
        (self.0.exp, self.0.func, &self.0.arg).cmp(&(other.0.exp, other.0.func, &other.0.arg))
    }
}

impl std::fmt::Debug for Interned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.exp {
            write!(f, "Exp#{}({:?})", self.0.id, self.0.arg)
        } else {
            write!(f, "{:?}#{}({:?})", self.0.func, self.0.id, self.0.arg)
        }
    }
}
