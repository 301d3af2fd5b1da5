//! When each source last finished a sync, so a headless reader (`lookout report` from cron)
//! can tell how old the data is without a dashboard having watched the sync happen.
//!
//! Kept apart from the cursor on purpose: a sync that finds nothing new writes no change set
//! and moves no cursor, yet it proves the data is current.

use chrono::{DateTime, Utc};

use super::{META, Store, StoreError};

fn key(source: &str) -> Vec<u8> {
    let mut k = b"synced\0".to_vec();
    k.extend_from_slice(source.as_bytes());
    k
}

impl Store {
    /// Notes that every change of `source` up to `at` is in the store.
    pub fn mark_synced(&self, source: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.trees[META].insert(key(source), at.timestamp_millis().to_be_bytes().to_vec())?;
        self.trees[META].flush()?;
        Ok(())
    }

    /// When `source` last finished a sync; `None` when it never has (or only before lookout
    /// kept this).
    pub fn last_synced(&self, source: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let Some(raw) = self.trees[META].get(key(source))? else {
            return Ok(None);
        };
        // Eight bytes written by `mark_synced`; anything else is as good as no record.
        let Ok(bytes) = <[u8; 8]>::try_from(raw.as_ref()) else {
            return Ok(None);
        };
        Ok(DateTime::from_timestamp_millis(i64::from_be_bytes(bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_time_reads_back_per_source() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open");
        assert_eq!(store.last_synced("ops").expect("read"), None);
        let at = DateTime::from_timestamp_millis(1_700_000_000_123).expect("time");
        store.mark_synced("ops", at).expect("mark");
        assert_eq!(store.last_synced("ops").expect("read"), Some(at));
        assert_eq!(
            store.last_synced("op").expect("read"),
            None,
            "no prefix match"
        );
    }
}
