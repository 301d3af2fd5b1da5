//! The whole store as plain entries, out (for a backup file) and back in (a restore that
//! swaps a freshly built store in for the old one).
//!
//! A restore never writes into the store it replaces. It builds the new store in a sibling
//! directory, `store.restoring`, and swaps directories with two renames. What a kill does at
//! each step:
//!
//! 1. while `store.restoring` is built: the old store is untouched; the half-built
//!    directory is cleared by the next restore;
//! 2. after `store` became `store.replaced`, before `store.restoring` became `store`: there
//!    is no `store`. The next open (`recover_swap`) renames `store.replaced` back, so the
//!    old store is what lookout finds; the restore can simply be run again;
//! 3. after both renames: the new store is in place; the next open removes the leftover
//!    `store.replaced`.
//!
//! A rename within one directory is atomic, and the directory is synced after each, so no
//! step leaves a store half old and half new.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::guard;
use super::{Store, StoreError, open, schema, seal};

/// One sled tree with every entry, as sled holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeDump {
    pub name: String,
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The trees whose keys are sled-generated ids (see `journal`): a restored store must hand
/// out ids past theirs.
const JOURNALS: [&str; 3] = [
    super::journal::DECISIONS,
    super::journal::AUDIT,
    super::journal::DEMO_DESK,
];

const RESTORING: &str = "store.restoring";
const REPLACED: &str = "store.replaced";
/// Held by a restore from before its first rename to after its last, and taken by every
/// open before it looks at the directories: an open in the middle of a swap would take
/// the old store aside for an interrupted one (or start an empty store where none is).
const SWAP_LOCK: &str = "restore.lock";

/// The swap lock of the data directory `dir`, held until the returned file is dropped.
fn swap_lock(dir: &Path) -> Result<File, StoreError> {
    let path = dir.join(SWAP_LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
            path: guard::store_dir(dir),
            holder: "a lookout restore-backup replacing it".to_string(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(io(&path)(e)),
    }
}

impl Store {
    /// Every tree of the store (meta, the ledger, the snapshots, sled's own default tree:
    /// all of them), every entry, by tree name; read under the load lock, so a sync of this
    /// process is never half in it.
    pub fn dump(&self) -> Result<Vec<TreeDump>, StoreError> {
        let _reading = self.consistency.read().unwrap_or_else(|e| e.into_inner());
        let mut names: Vec<Vec<u8>> = self.db.tree_names().iter().map(|n| n.to_vec()).collect();
        names.sort();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let tree = self.db.open_tree(&name)?;
            let entries = tree
                .iter()
                .map(|item| item.map(|(k, v)| (k.to_vec(), v.to_vec())))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(TreeDump {
                name: String::from_utf8_lossy(&name).into_owned(),
                entries,
            });
        }
        Ok(out)
    }

    /// Whether the store holds anything beyond its own bookkeeping (`meta`): what a restore
    /// would throw away.
    pub fn holds_data(&self) -> Result<bool, StoreError> {
        for name in self.db.tree_names() {
            if name.as_ref() != b"meta" && !self.db.open_tree(&name)?.is_empty() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Makes a directory's renames durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// Replaces the store of the data directory `dir` by one holding exactly `trees` (see the
/// module notes for what a kill does at each step). Refuses when another lookout holds the
/// store; the old store need not be readable (restoring over a damaged store is what a
/// backup is for).
pub fn replace_store(dir: &Path, trees: &[TreeDump]) -> Result<(), StoreError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let _swapping = swap_lock(dir)?;
    finish_swap(dir)?;
    let store = guard::store_dir(dir);
    // Held until the swap is done: sled's own lock, so no lookout opens the old store now.
    let held = guard::hold(dir, &store)?;
    let fresh = dir.join(RESTORING);
    if fresh.exists() {
        std::fs::remove_dir_all(&fresh).map_err(io(&fresh))?;
    }
    build(&fresh, trees)?;
    let replaced = dir.join(REPLACED);
    let had_store = store.exists();
    if had_store {
        std::fs::rename(&store, &replaced).map_err(io(&store))?;
        sync_dir(dir)?;
    }
    if let Err(e) = std::fs::rename(&fresh, &store) {
        // Another lookout created a store in the moment between: put the old one back.
        if had_store && !store.exists() {
            let _ = std::fs::rename(&replaced, &store);
        }
        return Err(io(&store)(e));
    }
    sync_dir(dir)?;
    drop(held);
    if had_store {
        std::fs::remove_dir_all(&replaced).map_err(io(&replaced))?;
    }
    Ok(())
}

/// Writes `trees` into a new sled store at `path`, flushed and sealed as cleanly closed.
fn build(path: &Path, trees: &[TreeDump]) -> Result<(), StoreError> {
    let db = guard::quietly(|| open::sled_config(path).open())
        .map_err(|why| guard::damaged(path, why))??;
    let mut next_id = 0u64;
    for dump in trees {
        let tree = db.open_tree(dump.name.as_bytes())?;
        let mut batch = sled::Batch::default();
        for (k, v) in &dump.entries {
            batch.insert(k.as_slice(), v.as_slice());
        }
        tree.apply_batch(batch)?;
        if JOURNALS.contains(&dump.name.as_str()) {
            let last = dump
                .entries
                .iter()
                .filter_map(|(k, _)| <[u8; 8]>::try_from(k.as_slice()).ok())
                .map(u64::from_be_bytes)
                .max()
                .unwrap_or(0);
            next_id = next_id.max(last);
        }
    }
    // A fresh sled counts ids from 0 again: an append must not land on a restored key
    // (journal keys are ids + 1).
    while db.generate_id()? + 1 < next_id {}
    let generation = schema::generation(&db.open_tree("meta")?)?;
    db.flush()?;
    drop(db);
    seal::close(path, generation);
    sync_dir(path)
}

/// Finishes or undoes a swap a kill interrupted (see the module notes): the old store comes
/// back when the new one never took its place, and a replaced store is removed once the new
/// one has. Returns the swap lock: an open holds it until sled has the store, so no restore
/// swaps directories under it.
pub fn recover_swap(dir: &Path) -> Result<File, StoreError> {
    let swapping = swap_lock(dir)?;
    finish_swap(dir)?;
    Ok(swapping)
}

/// `recover_swap`, with the swap lock held by the caller.
fn finish_swap(dir: &Path) -> Result<(), StoreError> {
    let store: PathBuf = guard::store_dir(dir);
    let replaced = dir.join(REPLACED);
    if !replaced.exists() {
        return Ok(());
    }
    if store.exists() {
        tracing::info!("removing the store a finished restore replaced");
        std::fs::remove_dir_all(&replaced).map_err(io(&replaced))
    } else {
        tracing::warn!("a restore was interrupted: the store it was replacing is back");
        std::fs::rename(&replaced, &store).map_err(io(&store))?;
        sync_dir(dir)
    }
}
