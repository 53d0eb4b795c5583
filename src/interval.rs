//! Rigorous enclosures (interval arithmetic). STATUS: to be implemented.
