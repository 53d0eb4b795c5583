//! The multiplication gate. STATUS: to be implemented.
