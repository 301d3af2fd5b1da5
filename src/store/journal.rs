//! The user's own records beside the trackers' data: decisions about suggestions, the audit
//! log of decisions and tracker writes, and the changes made to the demo tracker.
//!
//! These trees are append-only and never pruned: a key is a sled-generated id, which only
//! grows, so a scan returns records in the order they were written. Values are JSON, not the
//! codec's postcard: the records are the user's to export, their types carry tagged enums
//! postcard cannot read back, and a self-describing format lets a field be added later
//! without a migration. A store from before these trees opens as it was: sled creates a
//! missing tree, empty, on first use.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Store, StoreError};

/// Every decision about a suggestion.
pub const DECISIONS: &str = "decisions";
/// Every decision and every tracker write, with its result.
pub const AUDIT: &str = "audit";
/// Changes lookout made to the demo tracker, so its next sync (in any process) shows them.
pub const DEMO_DESK: &str = "demo_desk";

impl Store {
    /// Appends one record to an append-only tree and flushes it: a decision the user made
    /// must survive a kill right after.
    pub fn append<T: Serialize>(&self, tree: &str, value: &T) -> Result<u64, StoreError> {
        let tree = self.db.open_tree(tree)?;
        let bytes = serde_json::to_vec(value)
            .map_err(|e| StoreError::Corrupt(format!("cannot encode a record: {e}")))?;
        // sled counts from 0; sequence numbers start at 1 so that 0 can mean "before all".
        let id = self.db.generate_id()? + 1;
        tree.insert(id.to_be_bytes(), bytes)?;
        tree.flush()?;
        Ok(id)
    }

    /// Every record of an append-only tree after `after` (all, for 0), oldest first, with
    /// its sequence number.
    pub fn records<T: DeserializeOwned>(
        &self,
        tree: &str,
        after: u64,
    ) -> Result<Vec<(u64, T)>, StoreError> {
        let tree = self.db.open_tree(tree)?;
        let start = after.saturating_add(1).to_be_bytes();
        tree.range(start..)
            .map(|item| {
                let (k, v) = item?;
                let seq = k
                    .as_ref()
                    .try_into()
                    .map(u64::from_be_bytes)
                    .map_err(|_| StoreError::Corrupt("a journal key is not a number".into()))?;
                let value = serde_json::from_slice(&v)
                    .map_err(|e| StoreError::Corrupt(format!("unreadable journal record: {e}")))?;
                Ok((seq, value))
            })
            .collect()
    }

    /// The newest sequence number in an append-only tree (0 when it is empty).
    pub fn last_record(&self, tree: &str) -> Result<u64, StoreError> {
        let tree = self.db.open_tree(tree)?;
        Ok(tree
            .last()?
            .and_then(|(k, _)| k.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_in_the_order_they_were_appended() {
        let store = Store::temporary().expect("store");
        assert_eq!(store.last_record(AUDIT).expect("last"), 0);
        let a = store.append(AUDIT, &"first").expect("append");
        let b = store.append(AUDIT, &"second").expect("append");
        assert!(b > a);
        let all: Vec<(u64, String)> = store.records(AUDIT, 0).expect("records");
        assert_eq!(
            all.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
            ["first", "second"]
        );
        let later: Vec<(u64, String)> = store.records(AUDIT, a).expect("records");
        assert_eq!(later, vec![(b, "second".to_string())]);
        assert_eq!(store.last_record(AUDIT).expect("last"), b);
    }
}
