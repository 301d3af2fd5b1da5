//! How a ticket is kept on disk: the ticket and its whole change history in one record.
//!
//! sled's cost here is per record (about the same for 100 bytes as for 2 KB), so one record
//! per ticket instead of one per transition makes bulk writes and full loads several times
//! faster. A ticket's history is still read in one lookup, and a sync that brings only new
//! transitions merges them into the record inside the write transaction.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::{StoreError, codec};
use crate::domain::{Field, Interner, Ticket, Transition};

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

/// A change to encode, borrowing its strings: encodes exactly as `Change`.
#[derive(Serialize, PartialEq)]
struct ChangeRef<'a> {
    at: i64,
    field: Field,
    from: Option<&'a str>,
    to: Option<&'a str>,
}

/// The record of a ticket the store does not hold yet, encoded straight from what arrived:
/// the same bytes as merging into an empty `TicketRecord`, without copying every string.
pub fn encode_new(
    ticket: Option<&Ticket>,
    incoming: &[&Transition],
) -> Result<Vec<u8>, StoreError> {
    #[derive(Serialize)]
    struct NewRecord<'a> {
        ticket: Option<&'a Ticket>,
        history: Vec<ChangeRef<'a>>,
    }
    let mut history: Vec<ChangeRef<'_>> = Vec::with_capacity(incoming.len());
    for t in incoming {
        let change = ChangeRef {
            at: t.at.timestamp_millis(),
            field: t.field,
            from: t.from.as_deref(),
            to: t.to.as_deref(),
        };
        if !history.contains(&change) {
            history.push(change);
        }
    }
    history.sort_by_key(|c| (c.at, c.field.tag()));
    codec::encode(&NewRecord { ticket, history })
}

/// Whether an encoded record holds its ticket, read from its first byte without decoding
/// the rest: postcard writes an `Option` as a 0 (none) or 1 (some) byte before its value, and
/// the ticket is the record's first field.
pub fn holds_ticket(encoded: &[u8]) -> bool {
    encoded.first() == Some(&1)
}

/// A record to encode, borrowing its ticket: a sync's tickets are written, not kept, so
/// copying each into a `TicketRecord` first would be wasted. Encodes exactly as
/// `TicketRecord` (same fields, same order).
#[derive(Serialize)]
pub struct TicketRecordRef<'a> {
    ticket: Option<&'a Ticket>,
    history: &'a [Change],
}

impl TicketRecord {
    /// This record to encode, with `ticket` in place of the stored one when given.
    pub fn with_ticket<'a>(&'a self, ticket: Option<&'a Ticket>) -> TicketRecordRef<'a> {
        TicketRecordRef {
            ticket: ticket.or(self.ticket.as_ref()),
            history: &self.history,
        }
    }

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
            // double move); only the same change is a re-read duplicate. A tracker may give
            // one change two times a few milliseconds apart (GitLab's `closed_at`, its
            // project events and its state events are written one after another), so the
            // same change within a second is the same.
            if !self.history.iter().any(|held| held.same_as(&change)) {
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

/// How far apart two reads of one change may be timed.
const SAME_WITHIN_MS: i64 = 1000;

impl Change {
    /// The same change, read twice: same field, from and to, within a second.
    fn same_as(&self, other: &Change) -> bool {
        self.field == other.field
            && self.from == other.from
            && self.to == other.to
            && (self.at - other.at).abs() < SAME_WITHIN_MS
    }

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

fn instant(millis: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(millis)
        .single()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_change_read_twice_a_few_milliseconds_apart_is_kept_once() {
        let at = Utc
            .with_ymd_and_hms(2026, 5, 4, 3, 2, 1)
            .single()
            .expect("date");
        let change = |ms: i64, to: &str| Transition {
            source: "gl".into(),
            ticket: 7,
            at: at + chrono::Duration::milliseconds(ms),
            field: Field::Status,
            from: Some("Open".into()),
            to: Some(to.into()),
        };
        let mut record = TicketRecord::default();
        record.merge(&[change(0, "Closed")]);
        // The same close from another list; a real second close a minute later.
        record.merge(&[change(3, "Closed"), change(60_000, "Closed")]);
        assert_eq!(record.history.len(), 2, "{:?}", record.history);
        // Another move at the same instant is another change.
        record.merge(&[change(3, "Review")]);
        assert_eq!(record.history.len(), 3);
    }

    #[test]
    fn a_borrowed_record_encodes_as_the_owned_one() {
        let at = Utc
            .with_ymd_and_hms(2026, 5, 4, 3, 2, 1)
            .single()
            .expect("date");
        let mut record = TicketRecord {
            ticket: Some(Ticket::stub(7, at)),
            history: vec![Change {
                at: at.timestamp_millis(),
                field: Field::Status,
                from: Some("Open".into()),
                to: None,
            }],
        };
        let owned = codec::encode(&record).expect("encode");
        assert_eq!(
            owned,
            codec::encode(&record.with_ticket(None)).expect("ref")
        );

        let newer = Ticket::stub(7, at + chrono::Duration::days(1));
        let borrowed = codec::encode(&record.with_ticket(Some(&newer))).expect("ref");
        record.ticket = Some(newer);
        assert_eq!(borrowed, codec::encode(&record).expect("encode"));
        let back: TicketRecord = codec::decode(&borrowed).expect("decode");
        assert_eq!(back, record);
    }

    #[test]
    fn a_new_record_encodes_as_a_merge_into_an_empty_one() {
        let at = Utc
            .with_ymd_and_hms(2026, 5, 4, 3, 2, 1)
            .single()
            .expect("date");
        let source: Arc<str> = Arc::from("s");
        let t = |min: i64, field: Field, to: &str| Transition {
            source: source.clone(),
            ticket: 7,
            at: at + chrono::Duration::minutes(min),
            field,
            from: None,
            to: Some(Arc::from(to)),
        };
        // Out of order, a duplicate, and two fields at one instant.
        let incoming = [
            t(5, Field::Status, "Done"),
            t(1, Field::Assignee, "ann"),
            t(1, Field::Status, "Doing"),
            t(5, Field::Status, "Done"),
            t(0, Field::Status, "Open"),
        ];
        let refs: Vec<&Transition> = incoming.iter().collect();
        let ticket = Ticket::stub(7, at);
        let mut merged = TicketRecord::default();
        merged.merge(refs.iter().copied());
        assert_eq!(merged.history.len(), 4);
        for with in [None, Some(&ticket)] {
            assert_eq!(
                encode_new(with, &refs).expect("new"),
                codec::encode(&merged.with_ticket(with)).expect("merged")
            );
        }
    }

    #[test]
    fn whether_a_record_holds_its_ticket_is_read_from_its_first_byte() {
        let at = Utc
            .with_ymd_and_hms(2026, 5, 4, 3, 2, 1)
            .single()
            .expect("date");
        let history = vec![Change {
            at: at.timestamp_millis(),
            field: Field::Status,
            from: None,
            to: Some("Open".into()),
        }];
        let only_history = TicketRecord {
            ticket: None,
            history: history.clone(),
        };
        let whole = TicketRecord {
            ticket: Some(Ticket::stub(7, at)),
            history,
        };
        assert!(!holds_ticket(
            &codec::encode(&only_history).expect("encode")
        ));
        assert!(holds_ticket(&codec::encode(&whole).expect("encode")));
        assert!(holds_ticket(
            &encode_new(Some(&Ticket::stub(8, at)), &[]).expect("new")
        ));
        assert!(!holds_ticket(&encode_new(None, &[]).expect("new")));
        assert!(!holds_ticket(&[]));
    }
}
