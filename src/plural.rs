//! Counted nouns in messages: `1 entry`, `2 entries`, `1 finding`. Every sentence that puts a
//! number before a noun goes through [`count`], so no message says "1 entries" or "1 findings".
//! It imports nothing of the crate, so every layer can use it.

/// `n` and the noun that agrees with it: `count(1, "entry", "entries")` is `1 entry`.
pub fn count(n: impl TryInto<u64>, one: &str, many: &str) -> String {
    let n = n.try_into().unwrap_or(u64::MAX);
    format!("{n} {}", noun(n, one, many))
}

/// The noun that agrees with `n`, without the number.
pub fn noun<'a>(n: impl TryInto<u64>, one: &'a str, many: &'a str) -> &'a str {
    if n.try_into().is_ok_and(|n| n == 1) {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1u64, "entry", "entries"), "1 entry");
        assert_eq!(count(0u64, "entry", "entries"), "0 entries");
        assert_eq!(count(2u64, "finding", "findings"), "2 findings");
        assert_eq!(noun(1u32, "was", "were"), "was");
    }
}
