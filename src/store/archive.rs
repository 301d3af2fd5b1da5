//! Closed tickets leaving the store for an archive file, and coming back from one.
//!
//! What leaves is read first (`closed_before`), written to a file by the caller, and only
//! then removed (`remove_archived`), in one transaction that also notes each ticket's part
//! in its project's flow (the `archived` tree, keyed like `tickets`): the analysis adds that
//! part to what it rebuilds from the tickets, so throughput, WIP and forecasts stay as they
//! were. A ticket that is in `tickets` again, whole (restored, or sent again by its tracker),
//! counts from its own timestamps only; history alone that came for it meanwhile does not.
//! Suggestions, decisions, the audit log and the snapshots are not touched here.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sled::IVec;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::record::{self, Change, TicketRecord};
use super::{META, NOTES, Store, StoreError, TICKETS, TIME_ENTRIES, codec, keys, schema, seal};
use crate::domain::{
    ArchivedFlow, ArchivedTicket, Interner, Note, StatusCategory, Ticket, TimeEntry, Transition,
};

/// Each archived ticket's part in its project's flow, keyed like `tickets`, valued with a
/// codec-encoded `ArchivedTicket` (a stored type: changing it needs a schema step).
const ARCHIVED: &str = "archived";

/// A closed ticket with everything of its own: what an archive holds of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedWork {
    pub ticket: Ticket,
    /// Oldest first, as the store keeps it.
    pub history: Vec<Transition>,
    pub time_entries: Vec<TimeEntry>,
    pub notes: Vec<Note>,
}

impl ArchivedWork {
    fn key(&self) -> Vec<u8> {
        keys::ticket(&self.ticket.source, self.ticket.id)
    }

    /// The record the store keeps for this ticket: the same bytes it held before.
    fn record(&self) -> Result<Vec<u8>, StoreError> {
        let history = self
            .history
            .iter()
            .map(|t| Change {
                at: t.at.timestamp_millis(),
                field: t.field,
                from: t.from.as_deref().map(str::to_string),
                to: t.to.as_deref().map(str::to_string),
            })
            .collect();
        codec::encode(&TicketRecord {
            ticket: Some(self.ticket.clone()),
            history,
        })
    }
}

/// Whether a ticket may be archived: closed, and resolved before the cut-off.
fn archivable(t: &Ticket, cutoff: DateTime<Utc>) -> bool {
    t.category == StatusCategory::Done && t.resolved.is_some_and(|r| r < cutoff)
}

fn aborted(e: TransactionError<StoreError>) -> StoreError {
    match e {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => StoreError::Sled(e),
    }
}

impl Store {
    fn archived_tree(&self) -> Result<sled::Tree, StoreError> {
        Ok(self.db.open_tree(ARCHIVED)?)
    }

    /// The tickets closed before `cutoff`, with their histories, time entries and notes, in
    /// store order. Reads only. Soft-deleted tickets stay where they are.
    pub fn closed_before(&self, cutoff: DateTime<Utc>) -> Result<Vec<ArchivedWork>, StoreError> {
        let _reading = self.consistency.read().unwrap_or_else(|e| e.into_inner());
        let mut strings = Interner::default();
        let mut out = Vec::new();
        for item in self.trees[TICKETS].iter() {
            let (key, value) = item?;
            let record: TicketRecord = codec::decode(&value)?;
            let Some(ticket) = record.ticket.filter(|t| archivable(t, cutoff)) else {
                continue;
            };
            if self.trees[super::DELETED].contains_key(&key)? {
                continue;
            }
            let source = strings.get(&ticket.source);
            let history = record
                .history
                .into_iter()
                .map(|c| c.into_transition(&source, ticket.id, &mut strings))
                .collect();
            out.push(ArchivedWork {
                time_entries: self.children(TIME_ENTRIES, &key)?,
                notes: self.children(NOTES, &key)?,
                ticket,
                history,
            });
        }
        Ok(out)
    }

    /// Removes `gone` (as `closed_before` read it) from the store in one transaction, noting
    /// each ticket's part in its project's flow. Refuses, changing nothing, when any of them
    /// changed since it was read (a sync in between): the archive that holds it is stale.
    pub fn remove_archived(&self, gone: &[ArchivedWork]) -> Result<(), StoreError> {
        let archived = self.archived_tree()?;
        // Held across the check and the write: no sync of this process writes in between,
        // and no other process can (sled's lock).
        let _writing = self.consistency.write().unwrap_or_else(|e| e.into_inner());
        let mut rows = Vec::with_capacity(gone.len());
        for work in gone {
            let key = work.key();
            let record = work.record()?;
            let changed = || StoreError::ChangedWhileArchiving {
                key: work.ticket.key.to_string(),
            };
            if self.trees[TICKETS].get(&key)?.as_deref() != Some(record.as_slice()) {
                return Err(changed());
            }
            // Closed when read, and unchanged since: always `Some`.
            let flow = ArchivedTicket::of(&work.ticket).ok_or_else(changed)?;
            rows.push((key, codec::encode(&flow)?));
        }
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst) + 1;
        let trees = [
            self.trees[TICKETS].clone(),
            self.trees[TIME_ENTRIES].clone(),
            self.trees[NOTES].clone(),
            self.trees[META].clone(),
            archived,
        ];
        trees[..]
            .transaction(|tx| {
                for (work, (key, flow)) in gone.iter().zip(&rows) {
                    tx[0].remove(key.as_slice())?;
                    for e in &work.time_entries {
                        tx[1].remove(keys::child(&e.source, e.ticket, e.id))?;
                    }
                    for n in &work.notes {
                        tx[2].remove(keys::child(&n.source, n.ticket, n.id))?;
                    }
                    tx[4].insert(key.as_slice(), flow.as_slice())?;
                }
                tx[3].insert(schema::GENERATION, generation.to_be_bytes().to_vec())?;
                Ok::<_, ConflictableTransactionError<StoreError>>(())
            })
            .map_err(aborted)?;
        self.durable(generation)
    }

    /// Puts archived tickets back in one transaction and forgets their part in the flow
    /// (they count from their own timestamps again). A ticket the store holds again (sent
    /// again by its tracker since) keeps the store's copy; one of which only history came
    /// meanwhile comes back with that history beside its own. Time entries and notes the
    /// store holds (synced since) are kept; the archive's others are put back. Returns how
    /// many tickets were kept.
    pub fn put_back(&self, back: &[ArchivedWork]) -> Result<usize, StoreError> {
        let archived = self.archived_tree()?;
        let _writing = self.consistency.write().unwrap_or_else(|e| e.into_inner());
        let mut kept = 0;
        let mut rows = Vec::with_capacity(back.len());
        for work in back {
            let key = work.key();
            let stored = self.trees[TICKETS].get(&key)?;
            let held = stored.as_deref().is_some_and(record::holds_ticket);
            kept += usize::from(held);
            let record = match stored {
                _ if held => None,
                // Only history came while the ticket was archived (a change the tracker
                // listed without the ticket): the archived ticket comes back with both.
                Some(raw) => {
                    let mut both: TicketRecord = codec::decode(&raw)?;
                    both.ticket = Some(work.ticket.clone());
                    both.merge(work.history.iter());
                    Some(codec::encode(&both)?)
                }
                None => Some(work.record()?),
            };
            // A ticket sent again comes often without its old notes and time entries (an
            // incremental sync reads what changed): those the store lacks come back too. One
            // the store holds came after the archive (which removed them all): it is newer.
            let mut children = Vec::new();
            for e in &work.time_entries {
                let k = keys::child(&e.source, e.ticket, e.id);
                if !self.trees[TIME_ENTRIES].contains_key(&k)? {
                    children.push((1, k, codec::encode(e)?));
                }
            }
            for n in &work.notes {
                let k = keys::child(&n.source, n.ticket, n.id);
                if !self.trees[NOTES].contains_key(&k)? {
                    children.push((2, k, codec::encode(n)?));
                }
            }
            rows.push((key, record, children));
        }
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst) + 1;
        let trees = [
            self.trees[TICKETS].clone(),
            self.trees[TIME_ENTRIES].clone(),
            self.trees[NOTES].clone(),
            self.trees[META].clone(),
            archived,
        ];
        trees[..]
            .transaction(|tx| {
                for (key, record, children) in &rows {
                    if let Some(record) = record {
                        tx[0].insert(key.as_slice(), record.as_slice())?;
                    }
                    for (tree, k, v) in children {
                        tx[*tree].insert(k.as_slice(), v.as_slice())?;
                    }
                    tx[4].remove(key.as_slice())?;
                }
                tx[3].insert(schema::GENERATION, generation.to_be_bytes().to_vec())?;
                Ok::<_, ConflictableTransactionError<StoreError>>(())
            })
            .map_err(aborted)?;
        self.durable(generation)?;
        Ok(kept)
    }

    /// Flushes and notes `generation` in the seal, as every durable write does.
    fn durable(&self, generation: u64) -> Result<(), StoreError> {
        self.db.flush()?;
        self.generation
            .store(generation, std::sync::atomic::Ordering::SeqCst);
        if let Some(path) = &self.path {
            seal::write(
                path,
                &seal::Seal {
                    generation,
                    closed: None,
                },
            );
        }
        Ok(())
    }

    /// The flow of archived tickets the store does not show again: a ticket back in
    /// `tickets` counts from itself, unless it is soft-deleted (`deleted`, not shown).
    /// Called by a load, under its lock.
    pub(super) fn archived_flow(
        &self,
        deleted: &HashSet<IVec>,
    ) -> Result<ArchivedFlow, StoreError> {
        let mut flow = ArchivedFlow::default();
        for item in self.archived_tree()?.iter() {
            let (key, value) = item?;
            let shown = self.holds_whole(&key)? && !deleted.contains(&key);
            if shown {
                continue;
            }
            let (source, _) = keys::parse_ticket(&key)
                .ok_or_else(|| StoreError::Corrupt("an archived key without a source".into()))?;
            flow.add(source, &codec::decode(&value)?);
        }
        Ok(flow)
    }
}

/// The day retention last ran (see `lifecycle::retention`).
const RETENTION_DAY: &[u8] = b"retention_day";

impl Store {
    /// The day the retention last archived, if it ever did.
    pub fn retention_ran(&self) -> Result<Option<chrono::NaiveDate>, StoreError> {
        let raw = self.trees[META].get(RETENTION_DAY)?;
        raw.map(|v| codec::decode(&v)).transpose()
    }

    /// Notes that the retention ran on `day`.
    pub fn note_retention(&self, day: chrono::NaiveDate) -> Result<(), StoreError> {
        self.trees[META].insert(RETENTION_DAY, codec::encode(&day)?)?;
        self.trees[META].flush()?;
        Ok(())
    }
}
