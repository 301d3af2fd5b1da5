//! The local store: every entity lookout knows, on disk in sled.
//!
//! One sled tree per entity, keys that sort the way lookout reads (see `keys`), values through
//! one codec. A change set is written in one transaction together with its source's cursor and
//! flushed before `write` returns, so a kill at any moment leaves either the whole change set
//! or none of it. Nothing outside this module touches sled.

mod codec;
mod error;
mod keys;
mod lock;
mod schema;

use std::path::{Path, PathBuf};

use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::{Batch, Transactional, Tree};

pub use error::StoreError;

use crate::domain::{ChangeSet, Portfolio};

/// sled's default page cache is 1 GiB; lookout reads everything into memory once, so a small
/// cache is enough and keeps the resident size honest.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

const TREE_NAMES: [&str; 7] = [
    "projects",
    "members",
    "tickets",
    "transitions",
    "time_entries",
    "notes",
    "meta",
];

/// A handle on the store. Cheap to clone; all clones share one sled database.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    trees: [Tree; 7],
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (or creates) the store under `dir`, refusing politely when another lookout holds it.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        let path = dir.join("store");
        let db = sled::Config::new()
            .path(&path)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|e| lock::explain_open_error(dir, &path, e))?;
        lock::record_holder(dir);
        Store::from_db(db, Some(path))
    }

    /// A store that lives only as long as this process: used by `--demo` and tests.
    pub fn temporary() -> Result<Store, StoreError> {
        let db = sled::Config::new()
            .temporary(true)
            .cache_capacity(CACHE_BYTES)
            .open()?;
        Store::from_db(db, None)
    }

    fn from_db(db: sled::Db, path: Option<PathBuf>) -> Result<Store, StoreError> {
        let open = |name: &str| db.open_tree(name);
        let trees = [
            open(TREE_NAMES[0])?,
            open(TREE_NAMES[1])?,
            open(TREE_NAMES[2])?,
            open(TREE_NAMES[3])?,
            open(TREE_NAMES[4])?,
            open(TREE_NAMES[5])?,
            open(TREE_NAMES[6])?,
        ];
        let store = Store { db, trees, path };
        schema::ensure_current(&store.trees[6], store.is_empty())?;
        Ok(store)
    }

    /// Where the store lives on disk, if it does.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn is_empty(&self) -> bool {
        self.trees[..6].iter().all(|t| t.is_empty())
    }

    /// Writes a change set and its cursor atomically, then flushes to disk.
    pub fn write(&self, changes: &ChangeSet) -> Result<(), StoreError> {
        let batches = encode_batches(changes)?;
        self.trees
            .transaction(|tx| {
                for (tree, batch) in tx.iter().zip(batches.iter()) {
                    tree.apply_batch(batch)?;
                }
                Ok::<(), ConflictableTransactionError<StoreError>>(())
            })
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => StoreError::Sled(e),
            })?;
        self.db.flush()?;
        Ok(())
    }

    /// The cursor the last durable change set of `source` left behind.
    pub fn cursor(&self, source: &str) -> Result<Option<String>, StoreError> {
        let raw = self.trees[6].get(keys::cursor(source))?;
        raw.map(|v| codec::decode::<String>(&v)).transpose()
    }

    /// Reads the whole store into memory.
    pub fn load(&self) -> Result<Portfolio, StoreError> {
        Ok(Portfolio {
            projects: self.scan(0)?,
            members: self.scan(1)?,
            tickets: self.scan(2)?,
            transitions: self.scan(3)?,
            time_entries: self.scan(4)?,
            notes: self.scan(5)?,
        })
    }

    fn scan<T: serde::de::DeserializeOwned>(&self, tree: usize) -> Result<Vec<T>, StoreError> {
        let tree = &self.trees[tree];
        let mut out = Vec::with_capacity(tree.len());
        for item in tree.iter() {
            let (_, value) = item?;
            out.push(codec::decode(&value)?);
        }
        Ok(out)
    }

    /// Counts per entity, for `doctor`-style summaries and tests.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        TREE_NAMES[..6]
            .iter()
            .zip(self.trees.iter())
            .map(|(n, t)| (*n, t.len()))
            .collect()
    }
}

fn encode_batches(c: &ChangeSet) -> Result<[Batch; 7], StoreError> {
    let mut b: [Batch; 7] = Default::default();
    for p in &c.projects {
        b[0].insert(keys::project(&p.source, &p.key), codec::encode(p)?);
    }
    for m in &c.members {
        b[1].insert(
            keys::member(&m.source, &m.project, &m.login),
            codec::encode(m)?,
        );
    }
    for t in &c.tickets {
        b[2].insert(keys::ticket(&t.source, t.id), codec::encode(t)?);
    }
    for t in &c.transitions {
        b[3].insert(
            keys::transition(&t.source, t.ticket, t.at, t.field),
            codec::encode(t)?,
        );
    }
    for e in &c.time_entries {
        b[4].insert(keys::child(&e.source, e.ticket, e.id), codec::encode(e)?);
    }
    for n in &c.notes {
        b[5].insert(keys::child(&n.source, n.ticket, n.id), codec::encode(n)?);
    }
    if let Some(cursor) = &c.cursor {
        b[6].insert(keys::cursor(&c.source), codec::encode(cursor)?);
    }
    Ok(b)
}
