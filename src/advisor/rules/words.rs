//! The words of a title, for the lexical comparisons the rules make (duplicates, similar
//! work): lower-cased runs of letters and digits, two characters or more, without the small
//! words every title shares.

use std::hash::Hasher;

use crate::analysis::baseline::Fnv;

const COMMON: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "the", "to", "with", "when", "not", "no", "this", "that", "we",
];

/// Whether a feature hash is of a title word or of a label.
pub const WORD: u8 = 0;
pub const LABEL: u8 = 1;

/// The distinct words of `text`, each as a stable hash of its lower-cased form, in order of
/// first appearance, into `out` (cleared first). Hashing as it reads keeps a 100,000-title
/// portfolio from allocating a string per word.
pub fn hashes(text: &str, out: &mut Vec<u64>) {
    out.clear();
    if text.is_ascii() {
        return ascii_hashes(text, out);
    }
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.chars().nth(1).is_some() && !is_common(w) {
            keep(out, hash(WORD, w));
        }
    }
}

fn keep(out: &mut Vec<u64>, h: u64) {
    if !out.contains(&h) {
        out.push(h);
    }
}

/// The common words are all four letters or shorter.
fn is_common(w: &str) -> bool {
    w.len() <= 4 && COMMON.iter().any(|c| c.eq_ignore_ascii_case(w))
}

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

/// `hashes` for ASCII text (nearly every title), hashing each word in the same walk that
/// finds it: the same FNV-1a that `hash` computes.
fn ascii_hashes(text: &str, out: &mut Vec<u64>) {
    let bytes = text.as_bytes();
    let seed = (OFFSET ^ u64::from(WORD)).wrapping_mul(PRIME);
    let (mut start, mut h) = (0, seed);
    for i in 0..=bytes.len() {
        match bytes.get(i) {
            Some(b) if b.is_ascii_alphanumeric() => {
                h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(PRIME);
            }
            _ => {
                if i - start >= 2 && !is_common(&text[start..i]) {
                    keep(out, h);
                }
                (start, h) = (i + 1, seed);
            }
        }
    }
}

/// A stable hash of a word (or label) of `kind`, lower-cased, the same on every run and
/// machine.
pub fn hash(kind: u8, word: &str) -> u64 {
    let mut h = Fnv::default();
    h.write(&[kind]);
    if word.is_ascii() {
        // Nearly every word: lower-cased byte by byte, without decoding characters.
        for b in word.bytes() {
            h.write(&[b.to_ascii_lowercase()]);
        }
    } else {
        let mut buf = [0u8; 4];
        for c in word.chars().flat_map(char::to_lowercase) {
            h.write(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    h.finish()
}

/// A hasher for keys that are already hashes (words) or small numbers (people): one
/// multiply per number instead of one per byte.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(26) ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
}

pub type MixBuild = std::hash::BuildHasherDefault<Mix>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_skip_punctuation_small_words_and_repeats() {
        let mut got = Vec::new();
        hashes(
            "Fix the Login-retry loop: retry LOOP, again (v2) a É",
            &mut got,
        );
        let want: Vec<u64> = ["fix", "login", "retry", "loop", "again", "v2"]
            .iter()
            .map(|w| hash(WORD, w))
            .collect();
        assert_eq!(got, want);
        assert_eq!(hash(WORD, "Fix"), hash(WORD, "fix"));
        assert_ne!(hash(WORD, "fix"), hash(LABEL, "fix"));
        assert_eq!(hash(WORD, "ÉTÉ"), hash(WORD, "été"), "beyond ASCII too");
        let mut wide = Vec::new();
        hashes(
            "Fix the Login-retry loop: retry LOOP, again (v2) a",
            &mut wide,
        );
        assert_eq!(wide, want, "the ASCII walk hashes as the general one does");
    }
}
