//! Shared copies of strings that repeat.

use std::collections::HashSet;
use std::sync::Arc;

/// Hands out one shared copy of each distinct string (statuses, sources, people): a portfolio
/// repeats a few dozen of them hundreds of thousands of times, in loads and in syncs alike.
#[derive(Debug, Default)]
pub struct Interner {
    seen: HashSet<Arc<str>>,
}

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(shared) = self.seen.get(s) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(s);
        self.seen.insert(shared.clone());
        shared
    }
}
