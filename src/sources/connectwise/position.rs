//! Where a ConnectWise sync is: the shared `Window` (the newest update stored and the
//! versions seen just before it) and, while a sync of several batches is unfinished, how far
//! its scan got.
//!
//! ConnectWise's forward-only paging orders by id, not by update time, so a batch cannot end
//! at a time the window could resume from. A scan instead keeps the `lastUpdated` bound it
//! began with and the last ticket id stored on each listing; the next batch asks for the ids
//! after it under the same bound. A ticket changed while a long scan ran may sit below the ids
//! already passed and below the newest update seen, so once a scan of several batches ends,
//! the next sync reads again from when the scan began.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::sources::Window;

/// Window's own fields sit at the top level, so a cursor stored before scans existed reads
/// as a position with none under way.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Position {
    #[serde(flatten)]
    pub window: Window,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<Scan>,
    /// When the last scan of several batches began: the next sync reads from there at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    floor: Option<DateTime<Utc>>,
}

/// A sync under way, batch by batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    /// Tickets changed after this (all of them when `None`), for every batch of the scan.
    pub from: Option<DateTime<Utc>>,
    pub began: DateTime<Utc>,
    /// The last service ticket id stored; `None` once service tickets are through.
    pub service_after: Option<u64>,
    /// The last project ticket id stored.
    pub project_after: u64,
    /// Batches stored so far.
    pub batches: u32,
}

impl Position {
    /// The position a stored cursor describes; one lookout cannot read means a full read.
    pub fn parse(cursor: Option<&str>) -> Position {
        cursor
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default()
    }

    /// The scan to continue, or a new one from where the window (or the floor) says.
    pub fn scan(&mut self, overlap: Duration, now: DateTime<Utc>) -> Scan {
        if let Some(s) = &self.scan {
            return s.clone();
        }
        let from = match (self.window.from(overlap), self.floor) {
            (Some(w), Some(f)) => Some(w.min(f - overlap)),
            (w, _) => w,
        };
        Scan {
            from,
            began: now,
            service_after: Some(0),
            project_after: 0,
            batches: 0,
        }
    }

    /// Records a stored batch: the scan goes on (`more`) or is over.
    pub fn stored(&mut self, mut scan: Scan, more: bool) {
        scan.batches += 1;
        if more {
            self.scan = Some(scan);
        } else {
            self.floor = (scan.batches > 1).then_some(scan.began);
            self.scan = None;
        }
    }

    /// The cursor text, keeping only what the next overlap can bring back.
    pub fn cursor(&mut self, overlap: Duration) -> String {
        // Window trims its seen versions as it writes itself out; its text is not needed.
        let _ = self.window.cursor(overlap);
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
    fn a_plain_window_cursor_reads_as_a_position_without_a_scan() {
        let mut w = Window::default();
        w.add(7, at(30));
        let old = w.cursor(Duration::minutes(2));
        let p = Position::parse(Some(&old));
        assert_eq!(p.scan, None);
        assert!(p.window.seen(7, at(30)));
    }

    #[test]
    fn a_scan_keeps_its_bound_and_a_long_one_leaves_a_floor() {
        let overlap = Duration::minutes(2);
        let mut p = Position::default();
        let mut scan = p.scan(overlap, at(0));
        assert_eq!(scan.from, None, "a first sync reads everything");
        scan.service_after = Some(500);
        p.window.add(500, at(40));
        p.stored(scan, true);
        let mut back = Position::parse(Some(&p.cursor(overlap)));
        let scan = back.scan(overlap, at(5));
        assert_eq!(
            (scan.from, scan.service_after, scan.began),
            (None, Some(500), at(0)),
            "the next batch goes on under the same bound"
        );
        back.stored(scan, false);
        let mut after = Position::parse(Some(&back.cursor(overlap)));
        let next = after.scan(overlap, at(50));
        assert_eq!(
            next.from,
            Some(at(0) - overlap),
            "a scan of two batches is read again from when it began"
        );
        after.stored(next, false);
        let mut quiet = Position::parse(Some(&after.cursor(overlap)));
        assert_eq!(
            quiet.scan(overlap, at(55)).from,
            Some(at(38)),
            "a one-batch sync leaves no floor"
        );
    }
}
