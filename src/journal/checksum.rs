//! Placeholder: being written (event checksum verification).
