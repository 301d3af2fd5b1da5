//! How a ticket is kept on disk: the ticket and its whole change history in one record.
//!
//! sled's cost here is per record (about the same for 100 bytes as for 2 KB), so one record
//! per ticket instead of one per transition makes bulk writes and full loads several times
//! faster. A ticket's history is still read in one lookup, and a sync that brings only new
//! transitions merges them into the record inside the write transaction.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Field, Ticket, Transition};

/// One change in a ticket's history; source and ticket id live in the record's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub field: Field,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketRecord {
    /// `None` while only history has arrived for a ticket the tracker has not sent yet.
    pub ticket: Option<Ticket>,
    /// Chronological; at most one change per (instant, field).
    pub history: Vec<Change>,
}

impl TicketRecord {
    /// Adds transitions, skipping any already held (a re-read of an overlapping sync window
    /// brings the same changes again).
    pub fn merge<'a>(&mut self, incoming: impl IntoIterator<Item = &'a Transition>) {
        let mut added = false;
        for t in incoming {
            let change = Change {
                at: t.at.timestamp_millis(),
                field: t.field,
                from: t.from.as_deref().map(str::to_string),
                to: t.to.as_deref().map(str::to_string),
            };
            // Two different changes of one field can share an instant (automation, a quick
            // double move); only an identical change is a re-read duplicate.
            if !self.history.contains(&change) {
                self.history.push(change);
                added = true;
            }
        }
        if added {
            // Stable: same-instant changes keep the order the tracker gave them.
            self.history.sort_by_key(|c| (c.at, c.field.tag()));
        }
    }
}

impl Change {
    pub fn into_transition(
        self,
        source: &Arc<str>,
        ticket: u64,
        strings: &mut Interner,
    ) -> Transition {
        Transition {
            source: source.clone(),
            ticket,
            at: instant(self.at),
            field: self.field,
            from: self.from.map(|s| strings.get(&s)),
            to: self.to.map(|s| strings.get(&s)),
        }
    }
}

/// Hands out one shared copy of each distinct string (statuses, sources, people): a loaded
/// portfolio repeats a few dozen of them hundreds of thousands of times.
#[derive(Debug, Default)]
pub struct Interner {
    seen: HashMap<String, Arc<str>>,
}

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(shared) = self.seen.get(s) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(s);
        self.seen.insert(s.to_string(), shared.clone());
        shared
    }
}

fn instant(millis: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(millis)
        .single()
        .unwrap_or_default()
}
