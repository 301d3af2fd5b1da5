//! The local store: every entity lookout knows, on disk in sled.
//!
//! One sled tree per entity, keys that sort the way lookout reads (see `keys`), values through
//! one codec. A change set is written in one transaction together with its source's cursor and
//! flushed before `write` returns, so a kill at any moment leaves either the whole change set
//! or none of it. Nothing outside this module touches sled.
//!
//! sled is never let loose on files it might destroy: `guard` decides first (see there for
//! what sled does to damaged files on open), and `inspect` gives doctor a look that changes
//! nothing.

mod archive;
mod backup;
mod codec;
mod error;
mod guard;
mod inspect;
pub mod journal;
mod keys;
mod legacy;
mod lock;
mod open;
mod part;
mod record;
mod schema;
mod seal;
mod synced;
mod view;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::{Batch, Transactional, Tree};

pub use archive::ArchivedWork;
pub use backup::{TreeDump, replace_store};
pub use error::StoreError;
pub use guard::Trust;
pub use inspect::Inspection;

/// The store schema this lookout writes (see `schema`).
pub const SCHEMA_VERSION: u32 = schema::CURRENT;

use chrono::{DateTime, Utc};

use crate::domain::{
    ChangeSet, Interner, Note, Portfolio, Snapshot, Ticket, TimeEntry, Transition,
};
use record::TicketRecord;

/// sled's default page cache is 1 GiB; lookout reads everything into memory once, so a small
/// cache is enough and keeps the resident size honest. sled holds several times this while it
/// walks a tree (some 50 MB for a full load of 400,000 tickets), but a smaller cache makes an
/// import of that size a third slower: 4 MiB took 46 s where 16 MiB takes 30.
const CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// Snapshots written per sled batch (see `save_snapshots`).
const SNAPSHOT_CHUNK: usize = 1_000;

const PROJECTS: usize = 0;
const MEMBERS: usize = 1;
const TICKETS: usize = 2;
const TIME_ENTRIES: usize = 3;
const NOTES: usize = 4;
const META: usize = 5;
const SNAPSHOTS: usize = 6;
/// Tickets the tracker no longer has, keyed like `tickets`, valued with when that was seen.
const DELETED: usize = 7;
const TREE_NAMES: [&str; 8] = [
    "projects",
    "members",
    "tickets",
    "time_entries",
    "notes",
    "meta",
    "snapshots",
    "deleted",
];

/// What one write did to the tickets: ones it had not seen, ones it updated, and ones a
/// sweep newly marked deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub new: usize,
    pub changed: usize,
    pub deleted: usize,
    /// Tickets marked deleted before that the tracker has again.
    pub restored: usize,
    /// Time entries and notes of tickets a load shows (stored whole, not marked deleted): a
    /// tracker lists time logged anywhere on the site, not only on what lookout syncs.
    pub time_entries: usize,
    pub notes: usize,
    /// The held tickets those time entries and notes belong to, by id, each once.
    pub children_of: Vec<u64>,
}

/// A handle on the store. Cheap to clone; all clones share one sled database.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    trees: [Tree; 8],
    path: Option<PathBuf>,
    /// sled has no snapshot across trees: a full load holds this for reading and a write for
    /// writing, so a load never sees half of a change set (a ticket without its project).
    consistency: Arc<RwLock<()>>,
    /// The generation of the last write, noted in the seal once durable.
    generation: Arc<AtomicU64>,
    trust: Trust,
    /// Declared last so that it drops after this handle's sled fields: the last handle to go
    /// seals the store as closed.
    closer: Option<Arc<open::Closer>>,
}

impl Store {
    /// Where the store lives on disk, if it does.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn is_empty(&self) -> bool {
        self.trees[..META].iter().all(|t| t.is_empty())
    }

    /// Writes a change set and its cursor atomically, then flushes to disk; says what it did
    /// to the tickets.
    pub fn write(&self, changes: &ChangeSet) -> Result<Written, StoreError> {
        let mut batches = encode_batches(changes)?;
        let touched = group_by_ticket(changes);
        let replace = changes.whole_histories;
        let _writing = self.consistency.write().unwrap_or_else(|e| e.into_inner());
        let marks = self.deletions(changes)?;
        let (time_entries, notes, children_of) = self.held_children(changes, &touched, &marks)?;
        let (deleted, restored) = (marks.marked.len(), marks.unmarked.len());
        batches[DELETED] = marks.batch;
        let generation = self.generation.load(Ordering::SeqCst) + 1;
        batches[META].insert(schema::GENERATION, generation.to_be_bytes().to_vec());
        let (new, changed) = self
            .trees
            .transaction(|tx| {
                // Counted per attempt: sled may run this closure again after a conflict.
                let (mut new, mut changed) = (0, 0);
                for (i, batch) in batches.iter().enumerate() {
                    tx[i].apply_batch(batch)?;
                }
                // Read through the transaction: sled's insert looks up the old value
                // anyway, and finds it in the transaction's cache instead of the tree.
                for ((source, id), (ticket, changes)) in &touched {
                    let key = keys::ticket(source, *id);
                    let encoded = match tx[TICKETS].get(&key)? {
                        Some(raw) => {
                            changed += 1;
                            let mut record: TicketRecord =
                                codec::decode(&raw).map_err(ConflictableTransactionError::Abort)?;
                            if replace && ticket.is_some() {
                                record.history.clear();
                            }
                            record.merge(changes.iter().copied());
                            codec::encode(&record.with_ticket(*ticket))
                                .map_err(ConflictableTransactionError::Abort)?
                        }
                        // Most of a first sync: no record to merge into.
                        None => {
                            new += 1;
                            record::encode_new(*ticket, changes)
                                .map_err(ConflictableTransactionError::Abort)?
                        }
                    };
                    tx[TICKETS].insert(key, encoded)?;
                }
                Ok((new, changed))
            })
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => StoreError::Sled(e),
            })?;
        self.db.flush()?;
        self.generation.store(generation, Ordering::SeqCst);
        if let Some(path) = &self.path {
            seal::write(
                path,
                &seal::Seal {
                    generation,
                    closed: None,
                },
            );
        }
        Ok(Written {
            new,
            changed,
            deleted,
            restored,
            time_entries,
            notes,
            children_of,
        })
    }

    /// How many of the change set's time entries and notes belong to a ticket a load shows
    /// (stored whole and not marked deleted) or this change set brings (see `read`). All are
    /// written, since a tracker lists time logged anywhere on the site and a ticket lookout
    /// does not sync yet may come later (moved onto a synced board), and its time with it.
    fn held_children<'c>(
        &self,
        changes: &'c ChangeSet,
        touched: &Touched<'_>,
        marks: &Marks,
    ) -> Result<(usize, usize, Vec<u64>), StoreError> {
        let mut known: HashMap<(&'c str, u64), bool> = HashMap::new();
        let mut count = |source: &'c str, ticket: u64| -> Result<usize, StoreError> {
            if let Some(&h) = known.get(&(source, ticket)) {
                return Ok(usize::from(h));
            }
            // `touched` is in key order (see `group_by_ticket`).
            let h = match touched.binary_search_by(|(k, _)| k.cmp(&(source, ticket))) {
                Ok(i) => touched[i].1.0.is_some(),
                Err(_) => false,
            } || self.shows_stored(source, ticket, marks)?;
            known.insert((source, ticket), h);
            Ok(usize::from(h))
        };
        let (mut entries, mut notes) = (0, 0);
        for e in &changes.time_entries {
            entries += count(&e.source, e.ticket)?;
        }
        for n in &changes.notes {
            notes += count(&n.source, n.ticket)?;
        }
        let mut of: Vec<u64> = known
            .into_iter()
            .filter_map(|((_, id), held)| held.then_some(id))
            .collect();
        of.sort_unstable();
        of.dedup();
        Ok((entries, notes, of))
    }

    /// Whether a load after this write shows the stored ticket: its record holds the ticket
    /// itself (not only history that came first) and it is not marked deleted, by this
    /// write's sweep (`marks`) or before.
    fn shows_stored(&self, source: &str, ticket: u64, marks: &Marks) -> Result<bool, StoreError> {
        let key = keys::ticket(source, ticket);
        if marks.marked.contains(&key) || !self.holds_whole(&key)? {
            return Ok(false);
        }
        let held = &self.trees[DELETED];
        Ok(marks.unmarked.contains(&key) || held.is_empty() || !held.contains_key(&key)?)
    }

    /// Whether the record under `key` holds the ticket itself, not only history that came
    /// before it.
    fn holds_whole(&self, key: &[u8]) -> Result<bool, StoreError> {
        Ok(self.trees[TICKETS]
            .get(key)?
            .is_some_and(|raw| record::holds_ticket(&raw)))
    }

    /// What a change set does to the soft-deleted marks: a sweep marks every stored ticket of
    /// the source that the tracker no longer lists, and a ticket that comes back (sent again,
    /// or listed by a sweep) loses its mark.
    fn deletions(&self, changes: &ChangeSet) -> Result<Marks, StoreError> {
        let mut out = Marks::default();
        let source = changes.source.as_str();
        let marks = &self.trees[DELETED];
        // Most stores have no marks at all; a remove per ticket would double a sync's writes.
        if !marks.is_empty() {
            for t in &changes.tickets {
                let key = keys::ticket(&t.source, t.id);
                if marks.contains_key(&key)? && out.unmarked.insert(key.clone()) {
                    out.batch.remove(key);
                }
            }
        }
        let Some(sweep) = &changes.sweep else {
            return Ok(out);
        };
        let present: std::collections::HashSet<u64> = sweep.present.iter().copied().collect();
        let sent: std::collections::HashSet<u64> = changes.tickets.iter().map(|t| t.id).collect();
        let at = codec::encode(&sweep.at)?;
        for item in self.trees[TICKETS].scan_prefix(keys::source_prefix(source)) {
            let (key, _) = item?;
            let Some((_, id)) = keys::parse_ticket(&key) else {
                continue;
            };
            if present.contains(&id) || sent.contains(&id) {
                // A ticket sent again lost its mark above already.
                if !sent.contains(&id) && marks.contains_key(&key)? {
                    out.unmarked.insert(key.to_vec());
                    out.batch.remove(key);
                }
            } else if !marks.contains_key(&key)? {
                out.marked.insert(key.to_vec());
                out.batch.insert(key, at.clone());
            }
        }
        Ok(out)
    }

    /// The tickets of `source` the tracker no longer has, with when lookout noticed.
    pub fn deleted(&self, source: &str) -> Result<Vec<(u64, DateTime<Utc>)>, StoreError> {
        let mut out = Vec::new();
        for item in self.trees[DELETED].scan_prefix(keys::source_prefix(source)) {
            let (key, value) = item?;
            if let Some((_, id)) = keys::parse_ticket(&key) {
                out.push((id, codec::decode(&value)?));
            }
        }
        Ok(out)
    }

    /// The cursor the last durable change set of `source` left behind.
    pub fn cursor(&self, source: &str) -> Result<Option<String>, StoreError> {
        let raw = self.trees[META].get(keys::cursor(source))?;
        raw.map(|v| codec::decode::<String>(&v)).transpose()
    }

    /// The standing warnings `source` left with its last durable change set that had any.
    pub fn standing_warnings(&self, source: &str) -> Result<Vec<String>, StoreError> {
        let raw = self.trees[META].get(keys::warnings(source))?;
        Ok(raw
            .map(|v| codec::decode::<Vec<String>>(&v))
            .transpose()?
            .unwrap_or_default())
    }

    /// Every stored daily snapshot, by source, project and day.
    pub fn snapshots(&self) -> Result<Vec<Snapshot>, StoreError> {
        self.scan(SNAPSHOTS)
    }

    /// Stores daily snapshots, replacing any of the same source, project and day.
    pub fn save_snapshots<'s>(
        &self,
        snapshots: impl IntoIterator<Item = &'s Snapshot>,
    ) -> Result<(), StoreError> {
        // The first start after a large import keeps a snapshot for every day of every
        // project: hundreds of thousands. sled frees the node copies of a batch only after
        // the whole batch, so one batch of them all held hundreds of megabytes.
        let mut batch = Batch::default();
        let mut pending = 0;
        for s in snapshots {
            batch.insert(
                keys::snapshot(&s.source, &s.project, s.day),
                codec::encode(s)?,
            );
            pending += 1;
            if pending == SNAPSHOT_CHUNK {
                self.trees[SNAPSHOTS].apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
        }
        self.trees[SNAPSHOTS].apply_batch(batch)?;
        self.trees[SNAPSHOTS].flush()?;
        Ok(())
    }

    /// Reads the whole store into memory.
    pub fn load(&self) -> Result<Portfolio, StoreError> {
        self.read(Members::Read)
    }

    /// `load` for the dashboard and the analyses, which never look at members: a large CSV
    /// import stores one per person and project, and held for the whole session they would
    /// weigh as much as a fifth of the tickets.
    pub fn load_for_analysis(&self) -> Result<Portfolio, StoreError> {
        self.read(Members::LeftOnDisk)
    }

    fn read(&self, members: Members) -> Result<Portfolio, StoreError> {
        let _reading = self.consistency.read().unwrap_or_else(|e| e.into_inner());
        // sled's `len` walks the whole tree, so vectors grow as they go and are trimmed after.
        let mut tickets = Vec::new();
        let mut transitions = Vec::new();
        let mut strings = Interner::default();
        // Soft-deleted tickets stay on disk (a tracker may restore them) but are not shown.
        let deleted = self.trees[DELETED]
            .iter()
            .keys()
            .collect::<Result<std::collections::HashSet<_>, _>>()?;
        for item in self.trees[TICKETS].iter() {
            let (key, value) = item?;
            if !deleted.is_empty() && deleted.contains(&key) {
                continue;
            }
            let (source, id) = keys::parse_ticket(&key)
                .ok_or_else(|| StoreError::Corrupt("a ticket key without a source".into()))?;
            let source = strings.get(source);
            let record: TicketRecord = codec::decode(&value)?;
            transitions.extend(
                record
                    .history
                    .into_iter()
                    .map(|c| c.into_transition(&source, id, &mut strings)),
            );
            tickets.extend(record.ticket);
        }
        tickets.shrink_to_fit();
        transitions.shrink_to_fit();
        let mut time_entries: Vec<TimeEntry> = self.scan(TIME_ENTRIES)?;
        let mut notes: Vec<Note> = self.scan(NOTES)?;
        // Time and notes of tickets not shown (deleted, archived, never synced: time logged
        // on another board) stay on disk for when the ticket comes back, but not in view.
        if !time_entries.is_empty() || !notes.is_empty() {
            let shown = Shown::of(&tickets);
            time_entries.retain(|e| shown.has(&e.source, e.ticket));
            notes.retain(|n| shown.has(&n.source, n.ticket));
        }
        let mut portfolio = Portfolio {
            projects: self.scan(PROJECTS)?,
            members: match members {
                Members::Read => self.scan(MEMBERS)?,
                Members::LeftOnDisk => Vec::new(),
            },
            tickets,
            transitions,
            time_entries,
            notes,
            archived: self.archived_flow(&deleted)?,
        };
        // Older versions stored tracker text raw; this version stores it clean (nearly free).
        portfolio.sanitize();
        Ok(portfolio)
    }

    fn scan<T: serde::de::DeserializeOwned>(&self, tree: usize) -> Result<Vec<T>, StoreError> {
        let tree = &self.trees[tree];
        let mut out = Vec::new();
        for item in tree.iter() {
            let (_, value) = item?;
            out.push(codec::decode(&value)?);
        }
        out.shrink_to_fit();
        Ok(out)
    }

    /// Record counts per tree, for summaries and tests.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        TREE_NAMES[..META]
            .iter()
            .zip(self.trees.iter())
            .map(|(n, t)| (*n, t.len()))
            .collect()
    }
}

/// The tickets a load shows, to look up by source and id without a copy of each: the load
/// reads them in key order, which is (source, id) order.
enum Shown<'a> {
    InOrder(&'a [Ticket]),
    Sorted(Vec<(&'a str, u64)>),
}

impl<'a> Shown<'a> {
    fn of(tickets: &'a [Ticket]) -> Shown<'a> {
        let key = |t: &'a Ticket| (t.source.as_str(), t.id);
        if tickets.is_sorted_by(|a, b| key(a) <= key(b)) {
            Shown::InOrder(tickets)
        } else {
            let mut keys: Vec<(&str, u64)> = tickets.iter().map(key).collect();
            keys.sort_unstable();
            Shown::Sorted(keys)
        }
    }

    fn has(&self, source: &str, id: u64) -> bool {
        match self {
            Shown::InOrder(t) => t
                .binary_search_by(|t| (t.source.as_str(), t.id).cmp(&(source, id)))
                .is_ok(),
            Shown::Sorted(k) => k.binary_search(&(source, id)).is_ok(),
        }
    }
}

/// What a write does to the soft-deleted marks.
#[derive(Default)]
struct Marks {
    /// The marks to write.
    batch: Batch,
    /// Keys of the tickets it newly marks deleted.
    marked: HashSet<Vec<u8>>,
    /// Keys of the tickets that lose their mark (sent or listed again).
    unmarked: HashSet<Vec<u8>>,
}

/// Whether a load reads the members.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Members {
    Read,
    LeftOnDisk,
}

/// Each ticket the change set touches, with the ticket itself (if sent) and its new changes,
/// in key order (sled writes sorted keys faster).
type Touched<'a> = Vec<((&'a str, u64), (Option<&'a Ticket>, Vec<&'a Transition>))>;

fn group_by_ticket<'a>(c: &'a ChangeSet) -> Touched<'a> {
    let mut touched: Touched<'a> = Vec::with_capacity(c.tickets.len());
    let mut at: HashMap<(&'a str, u64), usize> = HashMap::with_capacity(c.tickets.len());
    let mut slot = |touched: &mut Touched<'a>, key: (&'a str, u64)| {
        *at.entry(key).or_insert_with(|| {
            touched.push((key, (None, Vec::new())));
            touched.len() - 1
        })
    };
    for t in &c.tickets {
        let i = slot(&mut touched, (t.source.as_str(), t.id));
        touched[i].1.0 = Some(t);
    }
    // A connector sends a ticket's changes together: only a new ticket costs a lookup.
    let mut last: Option<((&'a str, u64), usize)> = None;
    for t in &c.transitions {
        let key = (&*t.source, t.ticket);
        let i = match last {
            Some((k, i)) if k == key => i,
            _ => slot(&mut touched, key),
        };
        last = Some((key, i));
        touched[i].1.1.push(t);
    }
    touched.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    touched
}

fn encode_batches(c: &ChangeSet) -> Result<[Batch; 8], StoreError> {
    let mut b: [Batch; 8] = Default::default();
    for p in &c.projects {
        b[PROJECTS].insert(keys::project(&p.source, &p.key), codec::encode(p)?);
    }
    for m in &c.members {
        b[MEMBERS].insert(
            keys::member(&m.source, &m.project, &m.login),
            codec::encode(m)?,
        );
    }
    for e in &c.time_entries {
        b[TIME_ENTRIES].insert(keys::child(&e.source, e.ticket, e.id), codec::encode(e)?);
    }
    for n in &c.notes {
        b[NOTES].insert(keys::child(&n.source, n.ticket, n.id), codec::encode(n)?);
    }
    if let Some(cursor) = &c.cursor {
        b[META].insert(keys::cursor(&c.source), codec::encode(cursor)?);
    }
    // With the cursor they describe, so the two never disagree after a kill.
    if let Some(warnings) = &c.standing_warnings {
        b[META].insert(keys::warnings(&c.source), codec::encode(warnings)?);
    }
    Ok(b)
}
