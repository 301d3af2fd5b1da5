//! Answers already paid for: a refresh whose candidates, context, model and prompt version
//! are unchanged reuses the last answer instead of calling the model again.
//!
//! The answer is kept as the model wrote it and validated again on every use, so a cached
//! answer has no more power than a fresh one.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// Refreshes alternate between few distinct inputs; more entries would only grow the file.
const ENTRIES: usize = 32;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    key: String,
    content: String,
}

pub struct AnswerCache {
    file: Option<PathBuf>,
    entries: Mutex<VecDeque<Entry>>,
}

impl AnswerCache {
    /// The cache kept in `file`, or only in memory without one.
    pub fn open(file: Option<PathBuf>) -> AnswerCache {
        let entries = file
            .as_deref()
            .and_then(super::files::read::<VecDeque<Entry>>)
            .unwrap_or_default();
        AnswerCache {
            file,
            entries: Mutex::new(entries),
        }
    }

    pub fn get(&self, key: u64) -> Option<String> {
        let key = format!("{key:016x}");
        let entries = self.entries.lock().ok()?;
        entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.content.clone())
    }

    pub fn put(&self, key: u64, content: String) {
        let key = format!("{key:016x}");
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        entries.retain(|e| e.key != key);
        entries.push_back(Entry { key, content });
        while entries.len() > ENTRIES {
            entries.pop_front();
        }
        if let Some(file) = &self.file {
            super::files::write(file, &*entries);
        }
    }
}

/// FNV-1a over the parts, each ended by a zero byte so ("ab", "c") and ("a", "bc") differ.
/// Stable across builds and platforms, unlike std's hasher: the key is stored on disk.
pub fn key<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.iter().chain(&[0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_parts() {
        assert_ne!(key([&b"ab"[..], b"c"]), key([&b"a"[..], b"bc"]));
        assert_eq!(key([&b"x"[..]]), key([&b"x"[..]]));
    }

    #[test]
    fn keeps_the_latest_entries_on_disk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("cache.json");
        let cache = AnswerCache::open(Some(file.clone()));
        for k in 0..(ENTRIES as u64 + 3) {
            cache.put(k, format!("answer {k}"));
        }
        let again = AnswerCache::open(Some(file));
        assert_eq!(again.get(0), None);
        assert_eq!(again.get(ENTRIES as u64 + 2).as_deref(), Some("answer 34"));
    }
}
