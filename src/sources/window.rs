//! The incremental-sync position shared by the tracker connectors.
//!
//! The cursor is the latest `updated` time stored, plus the (id, updated) pairs stored within
//! an overlap before it. The next sync re-reads from `since - overlap`, because trackers commit
//! late and round times; what it re-reads with a remembered (id, updated) pair is skipped, so
//! an overlap costs a request, not a duplicate write or a changelog fetch.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    since: Option<DateTime<Utc>>,
    /// (ticket id, updated as Unix milliseconds).
    seen: BTreeSet<(u64, i64)>,
    /// The tracker's UTC offset in seconds, for trackers whose queries take local times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    offset: Option<i32>,
    /// Set while a sync of several batches is unfinished: time entries are read once its
    /// last batch is in, from where it began, even when a restart finishes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending: Option<Pending>,
    /// When the tracker's ids were last listed for deletions (or a full read stood for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    swept: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    /// `None`: from the beginning.
    from: Option<DateTime<Utc>>,
}

impl Window {
    /// The window a stored cursor describes. A cursor lookout cannot read (from an older
    /// version, say) means a full re-read: always safe, since writes are idempotent.
    pub fn parse(cursor: Option<&str>) -> Window {
        cursor
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default()
    }

    /// Where the next query starts: `None` for everything.
    pub fn from(&self, overlap: Duration) -> Option<DateTime<Utc>> {
        self.since.map(|s| s - overlap)
    }

    /// Where this sync reads time entries from: where an unfinished sync began, else the
    /// start of this window.
    pub fn entries_from(&self, overlap: Duration) -> Option<DateTime<Utc>> {
        match &self.pending {
            Some(p) => p.from,
            None => self.from(overlap),
        }
    }

    /// Keeps `from` for the batches still to come (`more`), or clears it once the time
    /// entries are read.
    pub fn keep_entries_from(&mut self, from: Option<DateTime<Utc>>, more: bool) {
        self.pending = more.then_some(Pending { from });
    }

    pub fn swept(&self) -> Option<DateTime<Utc>> {
        self.swept
    }

    pub fn set_swept(&mut self, at: DateTime<Utc>) {
        self.swept = Some(at);
    }

    pub fn offset(&self) -> Option<i32> {
        self.offset
    }

    pub fn set_offset(&mut self, seconds: i32) {
        self.offset = Some(seconds);
    }

    /// Whether this version of the ticket is already stored.
    pub fn seen(&self, id: u64, updated: DateTime<Utc>) -> bool {
        self.seen.contains(&(id, updated.timestamp_millis()))
    }

    /// Records a ticket version as stored (once its batch is written).
    pub fn add(&mut self, id: u64, updated: DateTime<Utc>) {
        self.seen.insert((id, updated.timestamp_millis()));
        if self.since.is_none_or(|s| updated > s) {
            self.since = Some(updated);
        }
    }

    /// The cursor text, keeping only the pairs the next overlap can bring back.
    pub fn cursor(&mut self, overlap: Duration) -> String {
        if let Some(from) = self.from(overlap) {
            let from = from.timestamp_millis();
            self.seen.retain(|&(_, at)| at >= from);
        }
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 10, min, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn the_overlap_is_reread_but_stored_versions_are_skipped() {
        let mut w = Window::default();
        assert_eq!(w.from(Duration::minutes(2)), None, "no cursor: everything");
        w.add(1, at(0));
        w.add(2, at(9));
        w.add(3, at(10));
        let cursor = w.cursor(Duration::minutes(2));
        let back = Window::parse(Some(&cursor));
        assert_eq!(back.from(Duration::minutes(2)), Some(at(8)));
        assert!(back.seen(2, at(9)) && back.seen(3, at(10)));
        assert!(
            !back.seen(3, at(11)),
            "a newer version of a seen ticket is new"
        );
        assert!(!back.seen(1, at(0)), "pairs before the overlap are dropped");
    }

    #[test]
    fn time_entries_are_read_from_where_an_unfinished_sync_began() {
        let overlap = Duration::minutes(2);
        let mut w = Window::default();
        w.add(1, at(30));
        w.keep_entries_from(None, true);
        let back = Window::parse(Some(&w.cursor(overlap)));
        assert_eq!(back.entries_from(overlap), None, "from the beginning");
        w.keep_entries_from(None, false);
        assert_eq!(w.entries_from(overlap), Some(at(28)));
    }

    #[test]
    fn an_unreadable_cursor_means_a_full_read() {
        assert_eq!(Window::parse(Some("17:42")), Window::default());
        assert_eq!(Window::parse(None), Window::default());
    }
}
