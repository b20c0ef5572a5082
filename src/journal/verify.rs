//! Placeholder: being written (run integrity checks).
