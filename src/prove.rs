//! Claims `LHS = RHS + O(...)`. STATUS: to be implemented.
