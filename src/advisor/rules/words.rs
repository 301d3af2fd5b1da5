//! The words of a title, for the lexical comparisons the rules make (duplicates, similar
//! work): lower-cased runs of letters and digits, two characters or more, without the small
//! words every title shares.

use std::hash::Hasher;

use crate::analysis::baseline::Fnv;

const COMMON: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "the", "to", "with", "when", "not", "no", "this", "that", "we",
];

/// A title lower-cased once, for `words` to borrow from.
pub fn lowered(title: &str) -> String {
    title.to_lowercase()
}

/// The distinct words of a lower-cased title, in order of first appearance.
pub fn words(lowered: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for w in lowered.split(|c: char| !c.is_alphanumeric()) {
        if w.chars().count() < 2 || COMMON.contains(&w) || out.contains(&w) {
            continue;
        }
        out.push(w);
    }
    out
}

/// A stable hash of a word (or label), the same on every run and machine.
pub fn hash(kind: u8, word: &str) -> u64 {
    let mut h = Fnv::default();
    h.write(&[kind]);
    h.write(word.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_skip_punctuation_small_words_and_repeats() {
        let l = lowered("Fix the Login-retry loop: retry LOOP, again (v2) a");
        assert_eq!(
            words(&l),
            vec!["fix", "login", "retry", "loop", "again", "v2"]
        );
        assert_eq!(hash(0, "fix"), hash(0, "fix"));
        assert_ne!(hash(0, "fix"), hash(1, "fix"));
    }
}
