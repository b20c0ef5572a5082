//! What the unit tests share.

/// A deterministic stream of numbers, each below the bound asked for (xorshift64): tests draw
/// their generated inputs from it, so every run checks the same cases and none depends on a seed
/// from outside.
pub fn numbers(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |bound| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound as u64) as usize
    }
}
