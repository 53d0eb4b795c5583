//! Truncated series in several variables; vectors and matrices. STATUS: to be implemented.
