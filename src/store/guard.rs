//! Letting sled open a store only once lookout knows that doing so destroys nothing.
//!
//! Measured with sled 0.34 on a store of 34,000 tickets: opening never leaves the files as
//! they were. Even an untouched store gets a fresh `snap.*` file and its `db` padded to the
//! next segment; a `db` cut in half, or with 4 KiB of garbage in the middle, is silently
//! truncated to the last record sled can read (15 MB to 1 MB: an empty store, no error);
//! with an older snapshot beside it, the same damage comes back as `Corruption` errors, or
//! as panics in sled's own code. So sled must not open a store before its files are known
//! to be sound:
//!
//! - a store closed cleanly whose `db` is exactly as the seal says (size and modification
//!   time) is opened directly: nothing has touched it since lookout did;
//! - any other store (a crash, a kill, damage, a store from before seals) is first copied
//!   into a scratch directory beside it, and sled opens, recovers and reads the copy: it
//!   must read every record and get back at least the generation the seal promises. Only
//!   then does sled open the real files; otherwise the user learns what is damaged and the
//!   files are exactly as they were.
//!
//! sled's lock is an `flock` on `db`; lookout takes the same lock while it copies, so no
//! other lookout writes into a half-made copy, and a store held by another lookout is
//! reported as such before anything else is tried.
//!
//! sled may panic instead of returning an error on some damage. Those panics are caught
//! (`catch_unwind`) around the calls into sled made here, with the panic hook silenced for
//! that moment, because a panic there is a finding about the files, not a bug to report;
//! nothing else in lookout catches panics.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::seal::{self, Fingerprint, Seal};
use super::{StoreError, lock, schema};

/// How a store came to be trusted, for the log and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// There was no store yet: sled creates one.
    New,
    /// Closed cleanly and untouched since.
    Sealed,
    /// Checked on a copy first.
    Verified,
}

pub fn damaged(store: &Path, what: impl Into<String>) -> StoreError {
    StoreError::Damaged {
        path: store.to_path_buf(),
        what: what.into(),
    }
}

/// Holds sled's own lock on `db` while the files are looked at, or says who holds it.
/// `None` when there is no `db` file (no store yet).
pub fn hold(dir: &Path, store: &Path) -> Result<Option<File>, StoreError> {
    let db = store.join("db");
    let file = match File::open(&db) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StoreError::Io { path: db, source }),
    };
    // sled's background threads let go of the file a moment after this process drops its
    // store (a restore looks inside before it replaces): wait for them, never for others.
    let mut patience = 100;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) if patience > 0 && lock::held_by_us(dir) => {
                patience -= 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    path: store.to_path_buf(),
                    holder: lock::holder(dir),
                });
            }
            // A file system without locks: sled's own open will find out the same.
            Err(std::fs::TryLockError::Error(e)) => {
                tracing::warn!("cannot lock {}: {e}", db.display());
                return Ok(Some(file));
            }
        }
    }
}

/// Decides whether sled may open `store` (the sled directory inside the data directory
/// `dir`) in place, checking a copy when the seal cannot vouch for the files.
pub fn check(dir: &Path, store: &Path) -> Result<Trust, StoreError> {
    let Some(held) = hold(dir, store)? else {
        return Ok(Trust::New);
    };
    require_conf(store)?;
    let seal = seal::read(store);
    if seal.closed.is_some() && seal.closed == Fingerprint::of(&store.join("db")).ok() {
        return Ok(Trust::Sealed);
    }
    tracing::info!(store = %store.display(), "not closed cleanly last time: checking a copy");
    let scratch = copy_aside(dir, store)?;
    let db = verify(&scratch.path().join("store"), store, &seal)?;
    drop(db);
    drop(held);
    Ok(Trust::Verified)
}

/// sled recreates a missing `conf` with its defaults and carries on; lookout would rather
/// say so than let sled guess how the rest of the files were written.
pub fn require_conf(store: &Path) -> Result<(), StoreError> {
    if store.join("conf").is_file() {
        Ok(())
    } else {
        Err(damaged(
            store,
            "its `conf` file (how sled wrote the rest) is missing",
        ))
    }
}

/// A private copy of the sled directory, in a scratch directory inside `dir` (the same disk,
/// so its space is the user's to see), removed when the returned handle drops.
pub fn copy_aside(dir: &Path, store: &Path) -> Result<tempfile::TempDir, StoreError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::CannotCheck { path, source }
    };
    let scratch = tempfile::Builder::new()
        .prefix(".store-check-")
        .tempdir_in(dir)
        .map_err(io(dir))?;
    copy_dir(store, &scratch.path().join("store")).map_err(io(store))?;
    Ok(scratch)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Opens the copy at `copy` with sled, reads every record, and holds the result to the seal
/// of the real store at `store` (named in messages). Returns the copy, open.
pub fn verify(copy: &Path, store: &Path, seal: &Seal) -> Result<sled::Db, StoreError> {
    let read_all = |db: &sled::Db| -> Result<u64, sled::Error> {
        for name in db.tree_names() {
            for item in db.open_tree(&name)?.iter() {
                item?;
            }
        }
        let meta = db.open_tree("meta")?;
        Ok(schema::generation(&meta).unwrap_or(0))
    };
    let db = quietly(|| super::open::sled_config(copy).open())
        .map_err(|why| damaged(store, why))?
        .map_err(|e| unreadable(store, e))?;
    let generation = quietly(|| read_all(&db))
        .map_err(|why| damaged(store, why))?
        .map_err(|e| unreadable(store, e))?;
    if generation < seal.generation {
        return Err(damaged(
            store,
            format!(
                "sled reads back only {generation} of the {} writes lookout made to it: its \
                 `db` file was cut short or overwritten",
                seal.generation
            ),
        ));
    }
    Ok(db)
}

fn unreadable(store: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Io(source) => StoreError::Io {
            path: store.to_path_buf(),
            source,
        },
        other => damaged(store, format!("sled cannot read it ({other})")),
    }
}

/// Runs `f`, turning a panic into the reason sled gave, without printing it.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let said: Arc<Mutex<Option<String>>> = Arc::default();
    let heard = said.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Ok(mut slot) = heard.lock() {
            slot.get_or_insert(text);
        }
    }));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|_| {
        let text = said.lock().ok().and_then(|s| s.clone()).unwrap_or_default();
        format!("sled gave up reading it: {}", text.trim())
    })
}

/// The sled directory of the data directory `dir`.
pub fn store_dir(dir: &Path) -> PathBuf {
    dir.join("store")
}
